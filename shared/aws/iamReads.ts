import {
  GetGroupPolicyCommand,
  GetPolicyCommand,
  GetPolicyVersionCommand,
  GetRoleCommand,
  GetRolePolicyCommand,
  GetUserCommand,
  GetUserPolicyCommand,
  type Group,
  type IAMClient,
  paginateListAttachedGroupPolicies,
  paginateListAttachedRolePolicies,
  paginateListAttachedUserPolicies,
  paginateListGroupPolicies,
  paginateListGroupsForUser,
  paginateListRolePolicies,
  paginateListRoles,
  paginateListUserPolicies,
  paginateListUsers,
} from '@aws-sdk/client-iam';
import type {
  SnapshotGroup,
  SnapshotManagedPolicy,
  SnapshotRole,
  SnapshotUser,
} from '../state/snapshotSchema.ts';
import { attempt, readOrNull } from './errors.ts';
import { policyFromAws } from './policyText.ts';
import type { ReadContext } from './readContext.ts';

/** The IAM part of one account's snapshot, as `get-account-authorization-details` shapes it. */
export type IamPart = {
  RoleDetailList: SnapshotRole[];
  UserDetailList: SnapshotUser[];
  GroupDetailList: SnapshotGroup[];
  Policies: SnapshotManagedPolicy[];
};

type Attached = { PolicyName?: string | undefined; PolicyArn?: string | undefined };
type Tags = { Key?: string | undefined; Value?: string | undefined }[] | undefined;

const NO_SUCH_ENTITY = ['NoSuchEntityException', 'NoSuchEntity'];

async function collect<P, T>(pages: AsyncIterable<P>, items: (page: P) => T[] | undefined): Promise<T[]> {
  const result: T[] = [];
  for await (const page of pages) result.push(...(items(page) ?? []));
  return result;
}

function attachedList(attached: Attached[]): { PolicyName?: string; PolicyArn: string }[] {
  return attached.flatMap((p) =>
    p.PolicyArn ? [{ PolicyArn: p.PolicyArn, ...(p.PolicyName ? { PolicyName: p.PolicyName } : {}) }] : [],
  );
}

function tagList(tags: Tags): { Key: string; Value: string }[] {
  return (tags ?? []).flatMap((t) => (t.Key !== undefined ? [{ Key: t.Key, Value: t.Value ?? '' }] : []));
}

/** Inline policies by name; one deleted between the list and the read is skipped. */
async function inlinePolicies(
  names: string[],
  read: (name: string) => Promise<string | undefined | null>,
): Promise<{ PolicyName: string; PolicyDocument: ReturnType<typeof policyFromAws> }[]> {
  const documents = await Promise.all(names.map(read));
  return names.flatMap((name, i) => {
    const text = documents[i];
    return text ? [{ PolicyName: name, PolicyDocument: policyFromAws(text) }] : [];
  });
}

/** A role with its inline and attached policies and boundary; null when it does not exist. */
export function readRole(ctx: ReadContext, account: string, roleName: string): Promise<SnapshotRole | null> {
  return ctx.cached(`${account}/iam/role/${roleName}`, async () => {
    const iam = await ctx.clients.iam(account);
    const what = `role ${roleName} in ${account}`;
    const got = await readOrNull(`iam:GetRole ${what}`, NO_SUCH_ENTITY, () =>
      iam.send(new GetRoleCommand({ RoleName: roleName })),
    );
    const role = got?.Role;
    if (!role?.Arn) return null;
    const [names, attached] = await attempt(`iam:ListRolePolicies/ListAttachedRolePolicies ${what}`, () =>
      Promise.all([
        collect(paginateListRolePolicies({ client: iam }, { RoleName: roleName }), (p) => p.PolicyNames),
        collect(
          paginateListAttachedRolePolicies({ client: iam }, { RoleName: roleName }),
          (p) => p.AttachedPolicies,
        ),
      ]),
    );
    const inline = await inlinePolicies(names, async (name) => {
      const answer = await readOrNull(`iam:GetRolePolicy ${name} of ${what}`, NO_SUCH_ENTITY, () =>
        iam.send(new GetRolePolicyCommand({ RoleName: roleName, PolicyName: name })),
      );
      return answer?.PolicyDocument;
    });
    const result: SnapshotRole = {
      Path: role.Path ?? '/',
      RoleName: role.RoleName ?? roleName,
      Arn: role.Arn,
      RolePolicyList: inline,
      AttachedManagedPolicies: attachedList(attached),
      Tags: tagList(role.Tags),
    };
    if (role.RoleId) result.RoleId = role.RoleId;
    if (role.AssumeRolePolicyDocument)
      result.AssumeRolePolicyDocument = policyFromAws(role.AssumeRolePolicyDocument);
    if (role.PermissionsBoundary?.PermissionsBoundaryArn)
      result.PermissionsBoundary = {
        PermissionsBoundaryType: 'Policy',
        PermissionsBoundaryArn: role.PermissionsBoundary.PermissionsBoundaryArn,
      };
    return result;
  });
}

/** A user with inline and attached policies, boundary and group names; groups are read by `readGroup`. */
export function readUser(
  ctx: ReadContext,
  account: string,
  userName: string,
): Promise<{ user: SnapshotUser; groups: Group[] } | null> {
  return ctx.cached(`${account}/iam/user/${userName}`, async () => {
    const iam = await ctx.clients.iam(account);
    const what = `user ${userName} in ${account}`;
    const got = await readOrNull(`iam:GetUser ${what}`, NO_SUCH_ENTITY, () =>
      iam.send(new GetUserCommand({ UserName: userName })),
    );
    const user = got?.User;
    if (!user?.Arn) return null;
    const [names, attached, groups] = await attempt(`iam:List*UserPolicies/ListGroupsForUser ${what}`, () =>
      Promise.all([
        collect(paginateListUserPolicies({ client: iam }, { UserName: userName }), (p) => p.PolicyNames),
        collect(
          paginateListAttachedUserPolicies({ client: iam }, { UserName: userName }),
          (p) => p.AttachedPolicies,
        ),
        collect(paginateListGroupsForUser({ client: iam }, { UserName: userName }), (p) => p.Groups),
      ]),
    );
    const inline = await inlinePolicies(names, async (name) => {
      const answer = await readOrNull(`iam:GetUserPolicy ${name} of ${what}`, NO_SUCH_ENTITY, () =>
        iam.send(new GetUserPolicyCommand({ UserName: userName, PolicyName: name })),
      );
      return answer?.PolicyDocument;
    });
    const result: SnapshotUser = {
      Path: user.Path ?? '/',
      UserName: user.UserName ?? userName,
      Arn: user.Arn,
      UserPolicyList: inline,
      GroupList: groups.flatMap((g) => (g.GroupName ? [g.GroupName] : [])),
      AttachedManagedPolicies: attachedList(attached),
      Tags: tagList(user.Tags),
    };
    if (user.UserId) result.UserId = user.UserId;
    if (user.PermissionsBoundary?.PermissionsBoundaryArn)
      result.PermissionsBoundary = {
        PermissionsBoundaryType: 'Policy',
        PermissionsBoundaryArn: user.PermissionsBoundary.PermissionsBoundaryArn,
      };
    return { user: result, groups };
  });
}

/** A group's inline and attached policies (the group as ListGroupsForUser names it). */
export function readGroup(ctx: ReadContext, account: string, group: Group): Promise<SnapshotGroup | null> {
  const groupName = group.GroupName;
  if (!groupName || !group.Arn) return Promise.resolve(null);
  return ctx.cached(`${account}/iam/group/${groupName}`, async () => {
    const iam = await ctx.clients.iam(account);
    const what = `group ${groupName} in ${account}`;
    const [names, attached] = await attempt(`iam:ListGroupPolicies/ListAttachedGroupPolicies ${what}`, () =>
      Promise.all([
        collect(paginateListGroupPolicies({ client: iam }, { GroupName: groupName }), (p) => p.PolicyNames),
        collect(
          paginateListAttachedGroupPolicies({ client: iam }, { GroupName: groupName }),
          (p) => p.AttachedPolicies,
        ),
      ]),
    );
    const inline = await inlinePolicies(names, async (name) => {
      const answer = await readOrNull(`iam:GetGroupPolicy ${name} of ${what}`, NO_SUCH_ENTITY, () =>
        iam.send(new GetGroupPolicyCommand({ GroupName: groupName, PolicyName: name })),
      );
      return answer?.PolicyDocument;
    });
    const result: SnapshotGroup = {
      Path: group.Path ?? '/',
      GroupName: groupName,
      Arn: group.Arn!,
      GroupPolicyList: inline,
      AttachedManagedPolicies: attachedList(attached),
    };
    if (group.GroupId) result.GroupId = group.GroupId;
    return result;
  });
}

/** A managed policy with its default version's document; null when it does not exist. */
export function readManagedPolicy(
  ctx: ReadContext,
  account: string,
  policyArn: string,
): Promise<SnapshotManagedPolicy | null> {
  return ctx.cached(`${account}/iam/policy/${policyArn}`, async () => {
    const iam = await ctx.clients.iam(account);
    const got = await readOrNull(`iam:GetPolicy ${policyArn}`, NO_SUCH_ENTITY, () =>
      iam.send(new GetPolicyCommand({ PolicyArn: policyArn })),
    );
    const policy = got?.Policy;
    if (!policy?.DefaultVersionId) return null;
    const versionId = policy.DefaultVersionId;
    const version = await readOrNull(`iam:GetPolicyVersion ${policyArn} ${versionId}`, NO_SUCH_ENTITY, () =>
      iam.send(new GetPolicyVersionCommand({ PolicyArn: policyArn, VersionId: versionId })),
    );
    const document = version?.PolicyVersion?.Document;
    if (!document) return null;
    const result: SnapshotManagedPolicy = {
      PolicyName: policy.PolicyName ?? policyArn.split('/').pop()!,
      Arn: policyArn,
      DefaultVersionId: versionId,
      PolicyVersionList: [
        { Document: policyFromAws(document), VersionId: versionId, IsDefaultVersion: true },
      ],
    };
    if (policy.PolicyId) result.PolicyId = policy.PolicyId;
    if (policy.Path) result.Path = policy.Path;
    return result;
  });
}

/**
 * The role or user behind a unique id (AROA…, AIDA…), which is all the resource owner's copy of a cross-account
 * record names. Lists the account's roles or users once per cache lifetime.
 */
export function findPrincipalByUniqueId(
  ctx: ReadContext,
  account: string,
  uniqueId: string,
): Promise<{ kind: 'role' | 'user'; name: string } | null> {
  const kind = uniqueId.startsWith('AROA') ? 'role' : uniqueId.startsWith('AIDA') ? 'user' : null;
  if (!kind) return Promise.resolve(null);
  return ctx
    .cached(`${account}/iam/${kind}-ids`, async () => {
      const iam: IAMClient = await ctx.clients.iam(account);
      const ids = new Map<string, string>();
      await attempt(`iam:List${kind === 'role' ? 'Roles' : 'Users'} in ${account}`, async () => {
        if (kind === 'role') {
          for await (const page of paginateListRoles({ client: iam }, {}))
            for (const r of page.Roles ?? []) if (r.RoleId && r.RoleName) ids.set(r.RoleId, r.RoleName);
        } else {
          for await (const page of paginateListUsers({ client: iam }, {}))
            for (const u of page.Users ?? []) if (u.UserId && u.UserName) ids.set(u.UserId, u.UserName);
        }
      });
      return ids;
    })
    .then((ids) => {
      const name = ids.get(uniqueId);
      return name ? { kind, name } : null;
    });
}

/**
 * Everything that decides what one role or user may do: the principal, its groups, and every managed policy
 * attached to any of them or set as boundary. An absent principal gives an empty part (the engine then says
 * undetermined); an absent managed policy is left out for the same reason.
 */
export async function readPrincipal(
  ctx: ReadContext,
  account: string,
  kind: 'role' | 'user',
  name: string,
): Promise<IamPart> {
  const part: IamPart = { RoleDetailList: [], UserDetailList: [], GroupDetailList: [], Policies: [] };
  const policyArns = new Set<string>();
  const note = (p: { AttachedManagedPolicies?: { PolicyArn: string }[] | undefined }) => {
    for (const a of p.AttachedManagedPolicies ?? []) policyArns.add(a.PolicyArn);
  };
  if (kind === 'role') {
    const role = await readRole(ctx, account, name);
    if (!role) return part;
    part.RoleDetailList.push(role);
    note(role);
    if (role.PermissionsBoundary) policyArns.add(role.PermissionsBoundary.PermissionsBoundaryArn);
  } else {
    const found = await readUser(ctx, account, name);
    if (!found) return part;
    part.UserDetailList.push(found.user);
    note(found.user);
    if (found.user.PermissionsBoundary) policyArns.add(found.user.PermissionsBoundary.PermissionsBoundaryArn);
    const groups = await Promise.all(found.groups.map((g) => readGroup(ctx, account, g)));
    for (const group of groups) {
      if (!group) continue;
      part.GroupDetailList.push(group);
      note(group);
    }
  }
  const policies = await Promise.all([...policyArns].map((arn) => readManagedPolicy(ctx, account, arn)));
  part.Policies = policies.filter((p): p is SnapshotManagedPolicy => p !== null);
  return part;
}
