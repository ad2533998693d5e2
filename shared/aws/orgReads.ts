import {
  DescribeOrganizationCommand,
  DescribePolicyCommand,
  paginateListParents,
  paginateListPoliciesForTarget,
} from '@aws-sdk/client-organizations';
import type { SnapshotOrganization } from '../state/snapshotSchema.ts';
import { ACCESS_DENIED, attempt, readOrNull } from './errors.ts';
import { policyFromAws } from './policyText.ts';
import type { ReadContext } from './readContext.ts';

type OrgPolicyType = 'SERVICE_CONTROL_POLICY' | 'RESOURCE_CONTROL_POLICY';
const POLICY_TYPES: OrgPolicyType[] = ['SERVICE_CONTROL_POLICY', 'RESOURCE_CONTROL_POLICY'];
type OrgPolicy = SnapshotOrganization['policies'][number];

/** Where Organizations is asked: the management account or a delegated administrator (default: this account). */
export interface OrgSource {
  account?: string;
}

function describeOrganization(ctx: ReadContext, source: OrgSource) {
  return ctx.cached('org/organization', async () => {
    const org = await ctx.clients.organizations(source.account);
    // Not in an organization, or not allowed to ask: no SCPs or RCPs are known, as with a snapshot without them.
    const answer = await readOrNull(
      'organizations:DescribeOrganization',
      ['AWSOrganizationsNotInUseException', ...ACCESS_DENIED],
      () => org.send(new DescribeOrganizationCommand({})),
    );
    const o = answer?.Organization;
    return o?.Id ? { id: o.Id, managementAccountId: o.MasterAccountId ?? null } : null;
  });
}

/** The account's parents, nearest first, up to the root; null when the account is not a member. */
function parentsOf(ctx: ReadContext, source: OrgSource, account: string): Promise<string[] | null> {
  return ctx.cached(`org/parents/${account}`, async () => {
    const org = await ctx.clients.organizations(source.account);
    const path: string[] = [];
    let child = account;
    for (;;) {
      const parents = await readOrNull(
        `organizations:ListParents ${child}`,
        ['ChildNotFoundException', 'AccountNotFoundException'],
        async () => {
          const found: { Id?: string | undefined; Type?: string | undefined }[] = [];
          for await (const page of paginateListParents({ client: org }, { ChildId: child }))
            found.push(...(page.Parents ?? []));
          return found;
        },
      );
      const parent = parents?.[0];
      if (!parent?.Id) return path.length > 0 ? path : null;
      path.push(parent.Id);
      if (parent.Type === 'ROOT') return path;
      child = parent.Id;
    }
  });
}

function policyIdsFor(ctx: ReadContext, source: OrgSource, target: string, type: OrgPolicyType) {
  return ctx.cached(`org/targets/${target}/${type}`, async () => {
    const org = await ctx.clients.organizations(source.account);
    const found = await readOrNull(
      `organizations:ListPoliciesForTarget ${target} ${type}`,
      ['PolicyTypeNotEnabledException'],
      async () => {
        const ids: string[] = [];
        for await (const page of paginateListPoliciesForTarget(
          { client: org },
          { TargetId: target, Filter: type },
        ))
          for (const p of page.Policies ?? []) if (p.Id) ids.push(p.Id);
        return ids;
      },
    );
    return found ?? [];
  });
}

function describePolicy(ctx: ReadContext, source: OrgSource, id: string) {
  return ctx.cached(`org/policy/${id}`, async () => {
    const org = await ctx.clients.organizations(source.account);
    const answer = await attempt(`organizations:DescribePolicy ${id}`, () =>
      org.send(new DescribePolicyCommand({ PolicyId: id })),
    );
    const summary = answer.Policy?.PolicySummary;
    return {
      id,
      name: summary?.Name ?? id,
      type: summary?.Type as OrgPolicyType,
      document: policyFromAws(answer.Policy?.Content ?? ''),
    };
  });
}

/**
 * The organization as far as `accounts` are concerned: their paths to the root and every SCP and RCP attached
 * along them, with `targets` limited to those paths. Null when there is no organization or none of the accounts
 * is a member (then no SCP or RCP reaches them).
 */
export async function readOrganization(
  ctx: ReadContext,
  source: OrgSource,
  accounts: string[],
): Promise<SnapshotOrganization | null> {
  const organization = await describeOrganization(ctx, source);
  if (!organization) return null;
  const paths = await Promise.all(accounts.map((account) => parentsOf(ctx, source, account)));
  const members: SnapshotOrganization['accounts'] = {};
  const targets = new Set<string>();
  let rootId: string | null = null;
  for (const [i, account] of accounts.entries()) {
    const parents = paths[i];
    if (!parents) continue;
    members[account] = { parents };
    rootId = parents[parents.length - 1] ?? rootId;
    for (const target of [account, ...parents]) targets.add(target);
  }
  if (!rootId) return null;

  const attachments = await Promise.all(
    [...targets].flatMap((target) =>
      POLICY_TYPES.map(async (type) => ({ target, ids: await policyIdsFor(ctx, source, target, type) })),
    ),
  );
  const targetsById = new Map<string, string[]>();
  for (const { target, ids } of attachments)
    for (const id of ids) targetsById.set(id, [...(targetsById.get(id) ?? []), target]);
  const policies: OrgPolicy[] = await Promise.all(
    [...targetsById.entries()].map(async ([id, policyTargets]) => ({
      ...(await describePolicy(ctx, source, id)),
      targets: policyTargets,
    })),
  );
  const result: SnapshotOrganization = { id: organization.id, rootId, accounts: members, policies };
  if (organization.managementAccountId) result.managementAccountId = organization.managementAccountId;
  return result;
}
