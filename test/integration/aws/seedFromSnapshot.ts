import { CreateVpcCommand, CreateVpcEndpointCommand } from '@aws-sdk/client-ec2';
import {
  AddUserToGroupCommand,
  AttachGroupPolicyCommand,
  AttachRolePolicyCommand,
  AttachUserPolicyCommand,
  CreateGroupCommand,
  CreatePolicyCommand,
  CreateRoleCommand,
  CreateUserCommand,
  PutGroupPolicyCommand,
  PutRolePermissionsBoundaryCommand,
  PutRolePolicyCommand,
  PutUserPolicyCommand,
} from '@aws-sdk/client-iam';
import {
  CreateAliasCommand,
  CreateKeyCommand,
  DisableKeyCommand,
  ScheduleKeyDeletionCommand,
} from '@aws-sdk/client-kms';
import {
  AttachPolicyCommand,
  CreateAccountCommand,
  CreateOrganizationalUnitCommand,
  CreateOrganizationCommand,
  CreatePolicyCommand as CreateOrgPolicyCommand,
  DetachPolicyCommand,
  EnablePolicyTypeCommand,
  ListRootsCommand,
  MoveAccountCommand,
} from '@aws-sdk/client-organizations';
import { CreateBucketCommand, PutBucketEncryptionCommand, PutBucketPolicyCommand } from '@aws-sdk/client-s3';
import type { AwsClients } from '../../../shared/aws/clients.ts';
import { parsePolicyDocument } from '../../../shared/policy/parseDocument.ts';
import type { PolicyInput, Snapshot } from '../../../shared/state/snapshotSchema.ts';
import { MOTO_DEFAULT_ACCOUNT } from './motoServer.ts';

/**
 * Recreates a contract snapshot (a fixture's state.json) in moto: organization, OUs, SCPs/RCPs, managed policies,
 * groups, roles, users, keys with key policies and aliases, buckets with policies and encryption, VPC endpoints.
 * Moto chooses its own ids (organization accounts, key ids, role and user ids, policy ids, endpoint ids), so the
 * result maps every fixture id to the emulator's; `rewrite` applies the map to a fixture text (event, expectation).
 */
export interface Seeded {
  ids: Map<string, string>;
  rewrite(text: string): string;
}

/** What moto cannot emulate faithfully; a snapshot using it is not seeded. */
export function unsupportedFeature(snapshot: Snapshot): string | null {
  for (const account of Object.values(snapshot.accounts)) {
    for (const key of account.kms ?? []) {
      if (key.keyMetadata.KeyManager === 'AWS') return 'AWS managed keys cannot be created';
      if (!['Enabled', 'Disabled', 'PendingDeletion'].includes(key.keyMetadata.KeyState))
        return `key state ${key.keyMetadata.KeyState} cannot be produced`;
    }
    for (const user of account.iam?.UserDetailList ?? [])
      if (user.PermissionsBoundary)
        return 'moto implements no user permissions boundary (one test mocks GetUser for it)';
    for (const policy of account.iam?.Policies ?? [])
      if (policy.Arn.includes(':iam::aws:policy/'))
        return 'AWS managed policies are not loaded in moto (and fixtures abbreviate their documents)';
  }
  return null;
}

function documentText(policy: PolicyInput): string {
  const parsed = parsePolicyDocument(policy);
  if (!parsed.ok) throw new Error(`fixture policy does not parse: ${parsed.error}`);
  return JSON.stringify(parsed.document);
}

function rewriter(ids: Map<string, string>): (text: string) => string {
  return (text) => {
    let result = text;
    for (const [from, to] of ids) result = result.split(from).join(to);
    return result;
  };
}

const regionOf = (arn: string) => arn.split(':')[3] ?? 'us-east-1';
const DEFAULT_TRUST = JSON.stringify({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }],
});

async function seedOrganization(
  clients: AwsClients,
  snapshot: Snapshot,
  ids: Map<string, string>,
): Promise<void> {
  const org = snapshot.organization;
  if (!org) return;
  const client = await clients.organizations();
  await client.send(new CreateOrganizationCommand({ FeatureSet: 'ALL' }));
  const rootId = (await client.send(new ListRootsCommand({}))).Roots?.[0]?.Id;
  if (!rootId) throw new Error('moto created no root');
  ids.set(org.rootId, rootId);
  await client.send(new EnablePolicyTypeCommand({ RootId: rootId, PolicyType: 'RESOURCE_CONTROL_POLICY' }));
  if (org.managementAccountId) ids.set(org.managementAccountId, MOTO_DEFAULT_ACCOUNT);

  const nodes = [rootId];
  for (const [account, { parents }] of Object.entries(org.accounts)) {
    if (account === org.managementAccountId) continue;
    const created = await client.send(
      new CreateAccountCommand({ AccountName: `fixture-${account}`, Email: `${account}@example.com` }),
    );
    const newId = created.CreateAccountStatus?.AccountId;
    if (!newId) throw new Error(`moto created no account for ${account}`);
    ids.set(account, newId);
    nodes.push(newId);
    // Parents are nearest first: create the OUs from the root down.
    let parent: string = rootId;
    for (const ou of [...parents].reverse().slice(1)) {
      if (!ids.has(ou)) {
        const made = await client.send(new CreateOrganizationalUnitCommand({ ParentId: parent, Name: ou }));
        ids.set(ou, made.OrganizationalUnit!.Id!);
        nodes.push(made.OrganizationalUnit!.Id!);
      }
      parent = ids.get(ou)!;
    }
    if (parent !== rootId)
      await client.send(
        new MoveAccountCommand({ AccountId: newId, SourceParentId: rootId, DestinationParentId: parent }),
      );
  }

  const rewrite = rewriter(ids);
  const builtIn = {
    SERVICE_CONTROL_POLICY: 'p-FullAWSAccess',
    RESOURCE_CONTROL_POLICY: 'p-RCPFullAWSAccess',
  };
  const fullAccessTargets = new Set<string>();
  for (const policy of org.policies) {
    const targets = policy.targets.map((t) => ids.get(t) ?? t);
    if (policy.name === 'FullAWSAccess' || policy.name === 'RCPFullAWSAccess') {
      // Moto attaches its own FullAWSAccess everywhere, as AWS does; only the fixture's places keep it.
      ids.set(policy.id, builtIn[policy.type]);
      if (policy.type === 'SERVICE_CONTROL_POLICY') for (const t of targets) fullAccessTargets.add(t);
      continue;
    }
    const created = await client.send(
      new CreateOrgPolicyCommand({
        Name: policy.name,
        Type: policy.type,
        Description: policy.name,
        Content: rewrite(documentText(policy.document)),
      }),
    );
    const newId = created.Policy!.PolicySummary!.Id!;
    ids.set(policy.id, newId);
    for (const target of targets)
      await client.send(new AttachPolicyCommand({ PolicyId: newId, TargetId: target }));
  }
  if (org.policies.some((p) => p.type === 'SERVICE_CONTROL_POLICY'))
    for (const node of nodes)
      if (!fullAccessTargets.has(node))
        await client.send(new DetachPolicyCommand({ PolicyId: 'p-FullAWSAccess', TargetId: node }));
}

export async function seedFromSnapshot(clients: AwsClients, fixture: Snapshot): Promise<Seeded> {
  const ids = new Map<string, string>();
  await seedOrganization(clients, fixture, ids);
  let snapshot = JSON.parse(rewriter(ids)(JSON.stringify(fixture))) as Snapshot;

  // Keys first: their new ids appear in identity, bucket and encryption documents.
  for (const [account, state] of Object.entries(snapshot.accounts)) {
    for (const key of state.kms ?? []) {
      const meta = key.keyMetadata;
      const kms = await clients.kms(account, regionOf(meta.Arn));
      const created = await kms.send(
        new CreateKeyCommand({
          Policy: documentText(key.policy),
          Description: String(meta.Description ?? ''),
        }),
      );
      const newId = created.KeyMetadata!.KeyId!;
      ids.set(meta.KeyId, newId);
      for (const alias of key.aliases)
        if (!alias.AliasName.startsWith('alias/aws/'))
          await kms.send(new CreateAliasCommand({ AliasName: alias.AliasName, TargetKeyId: newId }));
      if (meta.KeyState === 'Disabled') await kms.send(new DisableKeyCommand({ KeyId: newId }));
      if (meta.KeyState === 'PendingDeletion')
        await kms.send(new ScheduleKeyDeletionCommand({ KeyId: newId, PendingWindowInDays: 7 }));
    }
  }
  snapshot = JSON.parse(rewriter(ids)(JSON.stringify(snapshot))) as Snapshot;

  for (const [account, state] of Object.entries(snapshot.accounts)) {
    const iam = await clients.iam(account);
    for (const policy of state.iam?.Policies ?? []) {
      const version =
        policy.PolicyVersionList.find((v) => v.IsDefaultVersion) ?? policy.PolicyVersionList[0]!;
      await iam.send(
        new CreatePolicyCommand({
          PolicyName: policy.PolicyName,
          Path: (policy.Path as string | undefined) ?? '/',
          PolicyDocument: documentText(version.Document),
        }),
      );
    }
    for (const group of state.iam?.GroupDetailList ?? []) {
      await iam.send(new CreateGroupCommand({ GroupName: group.GroupName, Path: group.Path ?? '/' }));
      for (const p of group.GroupPolicyList ?? [])
        await iam.send(
          new PutGroupPolicyCommand({
            GroupName: group.GroupName,
            PolicyName: p.PolicyName,
            PolicyDocument: documentText(p.PolicyDocument),
          }),
        );
      for (const p of group.AttachedManagedPolicies ?? [])
        await iam.send(new AttachGroupPolicyCommand({ GroupName: group.GroupName, PolicyArn: p.PolicyArn }));
    }
    for (const role of state.iam?.RoleDetailList ?? []) {
      const created = await iam.send(
        new CreateRoleCommand({
          RoleName: role.RoleName,
          Path: role.Path ?? '/',
          AssumeRolePolicyDocument: role.AssumeRolePolicyDocument
            ? documentText(role.AssumeRolePolicyDocument)
            : DEFAULT_TRUST,
          ...(role.Tags?.length ? { Tags: role.Tags } : {}),
        }),
      );
      if (role.RoleId) ids.set(role.RoleId, created.Role!.RoleId!);
      for (const p of role.RolePolicyList ?? [])
        await iam.send(
          new PutRolePolicyCommand({
            RoleName: role.RoleName,
            PolicyName: p.PolicyName,
            PolicyDocument: documentText(p.PolicyDocument),
          }),
        );
      for (const p of role.AttachedManagedPolicies ?? [])
        await iam.send(new AttachRolePolicyCommand({ RoleName: role.RoleName, PolicyArn: p.PolicyArn }));
      if (role.PermissionsBoundary)
        await iam.send(
          new PutRolePermissionsBoundaryCommand({
            RoleName: role.RoleName,
            PermissionsBoundary: role.PermissionsBoundary.PermissionsBoundaryArn,
          }),
        );
    }
    for (const user of state.iam?.UserDetailList ?? []) {
      const created = await iam.send(
        new CreateUserCommand({
          UserName: user.UserName,
          Path: user.Path ?? '/',
          ...(user.Tags?.length ? { Tags: user.Tags } : {}),
        }),
      );
      if (user.UserId) ids.set(user.UserId, created.User!.UserId!);
      for (const p of user.UserPolicyList ?? [])
        await iam.send(
          new PutUserPolicyCommand({
            UserName: user.UserName,
            PolicyName: p.PolicyName,
            PolicyDocument: documentText(p.PolicyDocument),
          }),
        );
      for (const p of user.AttachedManagedPolicies ?? [])
        await iam.send(new AttachUserPolicyCommand({ UserName: user.UserName, PolicyArn: p.PolicyArn }));
      for (const group of user.GroupList ?? [])
        await iam.send(new AddUserToGroupCommand({ UserName: user.UserName, GroupName: group }));
      // Not seeded: moto implements no user permissions boundary (PutUserPermissionsBoundary is missing, CreateUser
      // ignores the parameter, GetUser never returns it). Tests that need one mock GetUser's answer.
    }
    for (const bucket of state.s3 ?? []) {
      const s3 = await clients.s3(account, bucket.region);
      await s3.send(
        new CreateBucketCommand({
          Bucket: bucket.name,
          ...(bucket.region === 'us-east-1'
            ? {}
            : { CreateBucketConfiguration: { LocationConstraint: bucket.region as 'eu-west-1' } }),
        }),
      );
      if (bucket.policy)
        await s3.send(
          new PutBucketPolicyCommand({ Bucket: bucket.name, Policy: documentText(bucket.policy) }),
        );
      if (bucket.encryption)
        await s3.send(
          new PutBucketEncryptionCommand({
            Bucket: bucket.name,
            ServerSideEncryptionConfiguration: bucket.encryption,
          }),
        );
    }
    for (const endpoint of state.vpcEndpoints ?? []) {
      const region = endpoint.ServiceName.split('.')[2] ?? 'us-east-1';
      const ec2 = await clients.ec2(account, region);
      const vpc = await ec2.send(new CreateVpcCommand({ CidrBlock: '10.0.0.0/16' }));
      const created = await ec2.send(
        new CreateVpcEndpointCommand({
          VpcId: vpc.Vpc!.VpcId!,
          ServiceName: endpoint.ServiceName,
          VpcEndpointType: endpoint.ServiceName.endsWith('.s3') ? 'Gateway' : 'Interface',
          PolicyDocument: documentText(endpoint.PolicyDocument),
        }),
      );
      ids.set(endpoint.VpcEndpointId, created.VpcEndpoint!.VpcEndpointId!);
    }
  }
  return { ids, rewrite: rewriter(ids) };
}
