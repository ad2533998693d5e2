import { parseArn, partitionOfRegion, s3BucketArn } from '../arn/arn.ts';
import { parsePolicyDocument } from '../policy/parseDocument.ts';
import type { PolicyDocument, SourcedPolicy } from '../policy/types.ts';
import type { PolicyInput, Snapshot, SnapshotOrganization } from './snapshotSchema.ts';

/** An IAM role or user with everything that decides what it may do. */
export interface PrincipalEntry {
  kind: 'role' | 'user';
  accountId: string;
  arn: string;
  name: string;
  path: string;
  /** RoleId / UserId (AROA…, AIDA…), how CloudTrail names a caller in the resource owner's copy. */
  uniqueId: string | null;
  inlinePolicies: { name: string; document: PolicyDocument }[];
  managedPolicyArns: string[];
  /** Groups of a user: their inline policies and attached managed policy ARNs. */
  groups: {
    name: string;
    arn: string;
    inlinePolicies: { name: string; document: PolicyDocument }[];
    managedPolicyArns: string[];
  }[];
  /** Group names the user belongs to that the snapshot does not describe. */
  unknownGroups: string[];
  boundaryArn: string | null;
  tags: Record<string, string>;
}

export interface KeyEntry {
  arn: string;
  keyId: string;
  accountId: string;
  region: string;
  state: string;
  manager: 'AWS' | 'CUSTOMER';
  policy: PolicyDocument;
  aliasNames: string[];
}

export interface BucketEncryption {
  algorithm: 'AES256' | 'aws:kms' | 'aws:kms:dsse';
  /** As configured: key ARN, key id, alias name or alias ARN; null means the owner's aws/s3 key for aws:kms. */
  kmsKeyId: string | null;
  bucketKeyEnabled: boolean;
}

export interface BucketEntry {
  name: string;
  arn: string;
  accountId: string;
  region: string;
  policy: PolicyDocument | null;
  encryption: BucketEncryption | null;
}

export interface OrgPolicyEntry {
  id: string;
  name: string;
  type: 'SERVICE_CONTROL_POLICY' | 'RESOURCE_CONTROL_POLICY';
  targets: string[];
  document: PolicyDocument;
}

export interface OrganizationEntry {
  id: string;
  rootId: string;
  managementAccountId: string | null;
  parents: Map<string, string[]>;
  policies: OrgPolicyEntry[];
}

/** Everything the engine may ask about the accounts, indexed once per snapshot and never mutated. */
export interface StateIndex {
  accounts: ReadonlySet<string>;
  principalsByArn: ReadonlyMap<string, PrincipalEntry>;
  principalsByUniqueId: ReadonlyMap<string, PrincipalEntry>;
  managedPolicies: ReadonlyMap<string, { name: string; document: PolicyDocument }>;
  keysByArn: ReadonlyMap<string, KeyEntry>;
  /** "<account>/<region>/<alias name>" → key ARN. */
  aliases: ReadonlyMap<string, string>;
  buckets: ReadonlyMap<string, BucketEntry>;
  vpcEndpoints: ReadonlyMap<string, SourcedPolicy & { accountId: string; serviceName: string }>;
  organization: OrganizationEntry | null;
}

export type StateIndexResult = { ok: true; index: StateIndex } | { ok: false; errors: string[] };

function tagsOf(tags: { Key: string; Value: string }[] | undefined): Record<string, string> {
  const result: Record<string, string> = {};
  for (const tag of tags ?? []) result[tag.Key] = tag.Value;
  return result;
}

function regionOfArn(arn: string): string {
  return parseArn(arn)?.region ?? '';
}

/** Builds the index and parses every policy document, naming the place of each one that cannot be read. */
export function indexSnapshot(snapshot: Snapshot): StateIndexResult {
  const errors: string[] = [];
  const parse = (input: PolicyInput, where: string): PolicyDocument => {
    const parsed = parsePolicyDocument(input);
    if (parsed.ok) return parsed.document;
    errors.push(`${where}: ${parsed.error}`);
    return { Statement: [] };
  };

  const principalsByArn = new Map<string, PrincipalEntry>();
  const principalsByUniqueId = new Map<string, PrincipalEntry>();
  const managedPolicies = new Map<string, { name: string; document: PolicyDocument }>();
  const keysByArn = new Map<string, KeyEntry>();
  const aliases = new Map<string, string>();
  const buckets = new Map<string, BucketEntry>();
  const vpcEndpoints = new Map<string, SourcedPolicy & { accountId: string; serviceName: string }>();

  for (const [accountId, account] of Object.entries(snapshot.accounts)) {
    const at = `accounts.${accountId}`;
    const iam = account.iam ?? {};
    for (const [i, policy] of (iam.Policies ?? []).entries()) {
      const versions = policy.PolicyVersionList;
      const current = versions.find((v) => v.IsDefaultVersion) ?? versions[0]!;
      const document = parse(current.Document, `${at}.iam.Policies[${i}] (${policy.Arn})`);
      managedPolicies.set(policy.Arn, { name: policy.PolicyName, document });
    }
    const groups = new Map<string, PrincipalEntry['groups'][number]>();
    for (const [i, group] of (iam.GroupDetailList ?? []).entries()) {
      groups.set(group.GroupName, {
        name: group.GroupName,
        arn: group.Arn,
        inlinePolicies: (group.GroupPolicyList ?? []).map((p, j) => ({
          name: p.PolicyName,
          document: parse(p.PolicyDocument, `${at}.iam.GroupDetailList[${i}].GroupPolicyList[${j}]`),
        })),
        managedPolicyArns: (group.AttachedManagedPolicies ?? []).map((p) => p.PolicyArn),
      });
    }
    const add = (entry: PrincipalEntry) => {
      principalsByArn.set(entry.arn, entry);
      if (entry.uniqueId) principalsByUniqueId.set(entry.uniqueId, entry);
    };
    for (const [i, role] of (iam.RoleDetailList ?? []).entries()) {
      add({
        kind: 'role',
        accountId,
        arn: role.Arn,
        name: role.RoleName,
        path: role.Path ?? '/',
        uniqueId: role.RoleId ?? null,
        inlinePolicies: (role.RolePolicyList ?? []).map((p, j) => ({
          name: p.PolicyName,
          document: parse(p.PolicyDocument, `${at}.iam.RoleDetailList[${i}].RolePolicyList[${j}]`),
        })),
        managedPolicyArns: (role.AttachedManagedPolicies ?? []).map((p) => p.PolicyArn),
        groups: [],
        unknownGroups: [],
        boundaryArn: role.PermissionsBoundary?.PermissionsBoundaryArn ?? null,
        tags: tagsOf(role.Tags),
      });
    }
    for (const [i, user] of (iam.UserDetailList ?? []).entries()) {
      const names = user.GroupList ?? [];
      add({
        kind: 'user',
        accountId,
        arn: user.Arn,
        name: user.UserName,
        path: user.Path ?? '/',
        uniqueId: user.UserId ?? null,
        inlinePolicies: (user.UserPolicyList ?? []).map((p, j) => ({
          name: p.PolicyName,
          document: parse(p.PolicyDocument, `${at}.iam.UserDetailList[${i}].UserPolicyList[${j}]`),
        })),
        managedPolicyArns: (user.AttachedManagedPolicies ?? []).map((p) => p.PolicyArn),
        groups: names.flatMap((name) => groups.get(name) ?? []),
        unknownGroups: names.filter((name) => !groups.has(name)),
        boundaryArn: user.PermissionsBoundary?.PermissionsBoundaryArn ?? null,
        tags: tagsOf(user.Tags),
      });
    }
    for (const [i, key] of (account.kms ?? []).entries()) {
      const meta = key.keyMetadata;
      const region = regionOfArn(meta.Arn);
      const entry: KeyEntry = {
        arn: meta.Arn,
        keyId: meta.KeyId,
        accountId: meta.AWSAccountId ?? meta.Arn.split(':')[4] ?? accountId,
        region,
        state: meta.KeyState,
        manager: meta.KeyManager,
        policy: parse(key.policy, `${at}.kms[${i}].policy (${meta.Arn})`),
        aliasNames: key.aliases.map((a) => a.AliasName),
      };
      keysByArn.set(entry.arn, entry);
      for (const alias of key.aliases) {
        const aliasRegion = alias.AliasArn ? regionOfArn(alias.AliasArn) : region;
        aliases.set(`${entry.accountId}/${aliasRegion}/${alias.AliasName}`, entry.arn);
      }
    }
    for (const [i, bucket] of (account.s3 ?? []).entries()) {
      const rule = bucket.encryption?.Rules.find((r) => r.ApplyServerSideEncryptionByDefault) ?? null;
      const byDefault = rule?.ApplyServerSideEncryptionByDefault;
      buckets.set(bucket.name, {
        name: bucket.name,
        arn: s3BucketArn(bucket.name, partitionOfRegion(bucket.region)),
        accountId,
        region: bucket.region,
        policy: bucket.policy ? parse(bucket.policy, `${at}.s3[${i}].policy (${bucket.name})`) : null,
        encryption: byDefault
          ? {
              algorithm: byDefault.SSEAlgorithm,
              kmsKeyId: byDefault.KMSMasterKeyID ?? null,
              bucketKeyEnabled: rule?.BucketKeyEnabled === true,
            }
          : null,
      });
    }
    for (const [i, endpoint] of (account.vpcEndpoints ?? []).entries()) {
      vpcEndpoints.set(endpoint.VpcEndpointId, {
        ref: { type: 'vpc-endpoint-policy', id: endpoint.VpcEndpointId, name: endpoint.ServiceName },
        document: parse(endpoint.PolicyDocument, `${at}.vpcEndpoints[${i}] (${endpoint.VpcEndpointId})`),
        accountId,
        serviceName: endpoint.ServiceName,
      });
    }
  }

  const organization = snapshot.organization ? indexOrganization(snapshot.organization, parse) : null;
  if (errors.length > 0) return { ok: false, errors };
  return {
    ok: true,
    index: {
      accounts: new Set(Object.keys(snapshot.accounts)),
      principalsByArn,
      principalsByUniqueId,
      managedPolicies,
      keysByArn,
      aliases,
      buckets,
      vpcEndpoints,
      organization,
    },
  };
}

function indexOrganization(
  org: SnapshotOrganization,
  parse: (input: PolicyInput, where: string) => PolicyDocument,
): OrganizationEntry {
  return {
    id: org.id,
    rootId: org.rootId,
    managementAccountId: org.managementAccountId ?? null,
    parents: new Map(Object.entries(org.accounts).map(([id, entry]) => [id, entry.parents])),
    policies: org.policies.map((policy, i) => ({
      id: policy.id,
      name: policy.name,
      type: policy.type,
      targets: policy.targets,
      document: parse(policy.document, `organization.policies[${i}] (${policy.id})`),
    })),
  };
}
