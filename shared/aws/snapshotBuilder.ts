import { paginateDescribeVpcEndpoints } from '@aws-sdk/client-ec2';
import { paginateGetAccountAuthorizationDetails } from '@aws-sdk/client-iam';
import { paginateListKeys } from '@aws-sdk/client-kms';
import { paginateListBuckets } from '@aws-sdk/client-s3';
import type {
  Snapshot,
  SnapshotAccount,
  SnapshotBucket,
  SnapshotKey,
  SnapshotManagedPolicy,
  SnapshotVpcEndpoint,
} from '../state/snapshotSchema.ts';
import type { AwsClients } from './clients.ts';
import { vpcEndpointOf } from './ec2Reads.ts';
import { AccountUnreachableError, AwsAdapterError, attempt } from './errors.ts';
import type { IamPart } from './iamReads.ts';
import { readKey } from './kmsReads.ts';
import { readOrganization } from './orgReads.ts';
import { policyFromAws } from './policyText.ts';
import { memoizedReads, type ReadContext } from './readContext.ts';
import { readBucket } from './s3Reads.ts';

export interface SnapshotBuilderOptions {
  /** Accounts to describe; default: the current account. */
  accounts?: string[];
  /** Regions whose keys and VPC endpoints are listed; default: the clients' region. */
  regions?: string[];
  /** Where Organizations is asked; default: the current account. */
  organizationsAccountId?: string;
  /** Calls in flight per account and kind (keys, buckets), to stay under the APIs' request rates. */
  concurrency?: number;
  /** Hears about accounts left out because their member role could not be assumed. */
  warn?: (message: string) => void;
}

async function mapLimited<T, R>(items: T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await work(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

/** JSON-safe copy (SDK dates become ISO strings, undefined members disappear). */
function plain<T>(value: unknown): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

type Inline = { PolicyName?: string; PolicyDocument?: string };
const decodeInline = (list: Inline[] | undefined) =>
  (list ?? []).map((p) => ({ ...p, PolicyDocument: policyFromAws(p.PolicyDocument ?? '') }));

/**
 * Every role, user, group and managed policy of the account, as `get-account-authorization-details` returns them,
 * documents decoded. `Policies` keeps customer managed policies and the AWS managed ones that are attached or used
 * as a boundary (the API also lists unattached AWS managed policies, which no caller uses).
 */
async function readIam(ctx: ReadContext, account: string): Promise<IamPart> {
  const iam = await ctx.clients.iam(account);
  const raw = {
    UserDetailList: [] as object[],
    GroupDetailList: [] as object[],
    RoleDetailList: [] as object[],
    Policies: [] as object[],
  };
  await attempt(`iam:GetAccountAuthorizationDetails in ${account}`, async () => {
    for await (const page of paginateGetAccountAuthorizationDetails({ client: iam }, {})) {
      raw.UserDetailList.push(...(page.UserDetailList ?? []));
      raw.GroupDetailList.push(...(page.GroupDetailList ?? []));
      raw.RoleDetailList.push(...(page.RoleDetailList ?? []));
      raw.Policies.push(...(page.Policies ?? []));
    }
  });
  const data = plain<Record<keyof typeof raw, Record<string, unknown>[]>>(raw);
  const used = new Set<string>();
  // AWS names the type "PermissionsBoundaryPolicy"; the contract's snapshot schema fixes it as "Policy".
  const boundaryOf = (entry: Record<string, unknown>) => {
    const boundary = entry.PermissionsBoundary as { PermissionsBoundaryArn?: string } | undefined;
    return boundary?.PermissionsBoundaryArn
      ? {
          PermissionsBoundary: {
            PermissionsBoundaryType: 'Policy',
            PermissionsBoundaryArn: boundary.PermissionsBoundaryArn,
          },
        }
      : {};
  };
  const noteUse = (entry: Record<string, unknown>) => {
    for (const p of (entry.AttachedManagedPolicies ?? []) as { PolicyArn?: string }[])
      if (p.PolicyArn) used.add(p.PolicyArn);
    const boundary = (entry.PermissionsBoundary as { PermissionsBoundaryArn?: string } | undefined)
      ?.PermissionsBoundaryArn;
    if (boundary) used.add(boundary);
  };
  const roles = data.RoleDetailList.map((role) => {
    noteUse(role);
    const trust = role.AssumeRolePolicyDocument;
    return {
      ...role,
      ...(typeof trust === 'string' ? { AssumeRolePolicyDocument: policyFromAws(trust) } : {}),
      ...boundaryOf(role),
      RolePolicyList: decodeInline(role.RolePolicyList as Inline[]),
    };
  });
  const users = data.UserDetailList.map((user) => {
    noteUse(user);
    return { ...user, ...boundaryOf(user), UserPolicyList: decodeInline(user.UserPolicyList as Inline[]) };
  });
  const groups = data.GroupDetailList.map((group) => {
    noteUse(group);
    return { ...group, GroupPolicyList: decodeInline(group.GroupPolicyList as Inline[]) };
  });
  const policies = data.Policies.filter((p) => {
    const arn = String(p.Arn ?? '');
    return !arn.includes(':iam::aws:policy/') || used.has(arn);
  }).map((p) => ({
    ...p,
    // Some emulators leave PolicyName out of this call; the ARN ends with it.
    PolicyName: (p.PolicyName as string | undefined) ?? String(p.Arn).split('/').pop(),
    PolicyVersionList: ((p.PolicyVersionList ?? []) as { Document?: string }[]).map((v) => ({
      ...v,
      Document: policyFromAws(v.Document ?? ''),
    })),
  }));
  return {
    RoleDetailList: roles as unknown as IamPart['RoleDetailList'],
    UserDetailList: users as unknown as IamPart['UserDetailList'],
    GroupDetailList: groups as unknown as IamPart['GroupDetailList'],
    Policies: policies as unknown as SnapshotManagedPolicy[],
  };
}

async function readKeys(
  ctx: ReadContext,
  account: string,
  region: string,
  limit: number,
): Promise<SnapshotKey[]> {
  const kms = await ctx.clients.kms(account, region);
  const arns: string[] = [];
  await attempt(`kms:ListKeys in ${account} ${region}`, async () => {
    for await (const page of paginateListKeys({ client: kms }, {}))
      for (const key of page.Keys ?? []) if (key.KeyArn) arns.push(key.KeyArn);
  });
  const keys = await mapLimited(arns, limit, (arn) => readKey(ctx, account, region, arn));
  return keys.filter((k): k is SnapshotKey => k !== null);
}

async function readBuckets(ctx: ReadContext, account: string, limit: number): Promise<SnapshotBucket[]> {
  const s3 = await ctx.clients.s3(account);
  const names: string[] = [];
  await attempt(`s3:ListBuckets in ${account}`, async () => {
    for await (const page of paginateListBuckets({ client: s3 }, {}))
      for (const bucket of page.Buckets ?? []) if (bucket.Name) names.push(bucket.Name);
  });
  const buckets = await mapLimited(names, limit, (name) => readBucket(ctx, account, name));
  return buckets.filter((b): b is SnapshotBucket => b !== null);
}

async function readEndpoints(
  ctx: ReadContext,
  account: string,
  region: string,
): Promise<SnapshotVpcEndpoint[]> {
  const ec2 = await ctx.clients.ec2(account, region);
  const endpoints: SnapshotVpcEndpoint[] = [];
  await attempt(`ec2:DescribeVpcEndpoints in ${account} ${region}`, async () => {
    for await (const page of paginateDescribeVpcEndpoints({ client: ec2 }, {}))
      for (const endpoint of page.VpcEndpoints ?? []) {
        const entry = vpcEndpointOf(endpoint);
        if (entry) endpoints.push(entry);
      }
  });
  return endpoints;
}

/** A whole-account snapshot of the contract's shape, for `access-remediator snapshot`. */
export async function buildSnapshot(
  clients: AwsClients,
  options: SnapshotBuilderOptions = {},
): Promise<Snapshot> {
  const ctx = memoizedReads(clients);
  const accounts = options.accounts ?? [await clients.currentAccountId()];
  const regions = options.regions ?? [clients.region];
  const limit = options.concurrency ?? 8;
  const described: Record<string, SnapshotAccount> = {};
  for (const account of accounts) {
    try {
      const [iam, buckets, keys, endpoints] = await Promise.all([
        readIam(ctx, account),
        readBuckets(ctx, account, limit),
        Promise.all(regions.map((region) => readKeys(ctx, account, region, limit))),
        Promise.all(regions.map((region) => readEndpoints(ctx, account, region))),
      ]);
      described[account] = { iam, kms: keys.flat(), s3: buckets, vpcEndpoints: endpoints.flat() };
    } catch (error) {
      if (!(error instanceof AccountUnreachableError)) throw error;
      options.warn?.(`account ${account} left out of the snapshot: ${error.message}`);
    }
  }
  if (Object.keys(described).length === 0)
    throw new AwsAdapterError(`none of the accounts ${accounts.join(', ')} could be read`);
  const snapshot: Snapshot = { version: 1, accounts: described };
  const organization = await readOrganization(
    ctx,
    { account: options.organizationsAccountId },
    Object.keys(described),
  );
  if (organization) snapshot.organization = organization;
  return snapshot;
}
