import type { ApplicablePolicies, CallerIdentity } from '../evaluator/types.ts';
import type { PolicyDocument, SourcedPolicy } from '../policy/types.ts';
import type { OrganizationEntry, PrincipalEntry, StateIndex } from './stateIndex.ts';

/** The resource side of a request: whose policy guards it and in which account it lives. */
export interface ResourceSide {
  account: string | null;
  policy: SourcedPolicy | null;
  isKmsKey: boolean;
  /** S3 and KMS are among the services RCPs restrict; resources of other services are not. */
  rcpApplies: boolean;
}

export type PoliciesResult = { ok: true; policies: ApplicablePolicies } | { ok: false; reason: string };

/** Identity-based policies of a role or user (inline, attached managed, and for users their groups'). */
export function identityPolicies(
  state: StateIndex,
  principal: PrincipalEntry,
): PoliciesResult | SourcedPolicy[] {
  const result: SourcedPolicy[] = [];
  const managed = (arn: string): SourcedPolicy | string => {
    const policy = state.managedPolicies.get(arn);
    if (!policy) return arn;
    return { ref: { type: 'identity', id: arn, name: policy.name }, document: policy.document };
  };
  const inline = (owner: string, name: string, document: PolicyDocument): SourcedPolicy => ({
    ref: { type: 'identity', id: owner, name },
    document,
  });
  const absent: string[] = [];
  for (const policy of principal.inlinePolicies)
    result.push(inline(principal.arn, policy.name, policy.document));
  const arns = [...principal.managedPolicyArns];
  for (const group of principal.groups) {
    for (const policy of group.inlinePolicies) result.push(inline(group.arn, policy.name, policy.document));
    arns.push(...group.managedPolicyArns);
  }
  for (const arn of arns) {
    const policy = managed(arn);
    if (typeof policy === 'string') absent.push(policy);
    else result.push(policy);
  }
  if (absent.length > 0) {
    return {
      ok: false,
      reason: `managed policy ${absent.join(', ')} attached to ${principal.arn} is not in the snapshot's Policies`,
    };
  }
  if (principal.unknownGroups.length > 0) {
    return {
      ok: false,
      reason: `group ${principal.unknownGroups.join(', ')} of ${principal.arn} is not in the snapshot`,
    };
  }
  return result;
}

/** Organization policies of one type per level, root first, then OUs, then the account itself. */
export function orgLevels(
  org: OrganizationEntry | null,
  account: string,
  type: 'SERVICE_CONTROL_POLICY' | 'RESOURCE_CONTROL_POLICY',
): SourcedPolicy[][] | null {
  if (!org) return null;
  const policies = org.policies.filter((p) => p.type === type);
  // No SCP listed: SCPs are off. No RCP listed: none restrict.
  if (policies.length === 0) return null;
  if (org.managementAccountId === account) return null;
  // An account the organization does not list is not a member: its policies do not reach it.
  const parents = org.parents.get(account);
  if (!parents) return null;
  const path = [...parents].reverse();
  path.push(account);
  const refType = type === 'SERVICE_CONTROL_POLICY' ? 'scp' : 'rcp';
  return path.map((target) =>
    policies
      .filter((p) => p.targets.includes(target))
      .map((p) => ({ ref: { type: refType, id: p.id, name: p.name }, document: p.document })),
  );
}

/** Every policy in force for a caller's request on a resource, or what the snapshot lacks to say so. */
export function applicablePolicies(
  state: StateIndex,
  caller: CallerIdentity,
  principal: PrincipalEntry | null,
  resource: ResourceSide,
  vpcEndpointId: string | null,
): PoliciesResult {
  let identity: SourcedPolicy[] = [];
  let boundary: SourcedPolicy | null = null;
  if (principal) {
    const found = identityPolicies(state, principal);
    if (!Array.isArray(found)) return found;
    identity = found;
    if (principal.boundaryArn) {
      const policy = state.managedPolicies.get(principal.boundaryArn);
      if (!policy) {
        return {
          ok: false,
          reason: `permissions boundary ${principal.boundaryArn} of ${principal.arn} is not in the snapshot's Policies`,
        };
      }
      boundary = {
        ref: { type: 'permissions-boundary', id: principal.boundaryArn, name: policy.name },
        document: policy.document,
      };
    }
  }
  // Service-linked roles are outside SCPs (Organizations User Guide, SCP effects).
  const serviceLinked = principal?.path.startsWith('/aws-service-role/') === true;
  const scp = serviceLinked
    ? null
    : orgLevels(state.organization, caller.accountId, 'SERVICE_CONTROL_POLICY');
  const rcp =
    resource.rcpApplies && resource.account && caller.kind !== 'service'
      ? orgLevels(state.organization, resource.account, 'RESOURCE_CONTROL_POLICY')
      : null;
  const endpoint = vpcEndpointId ? (state.vpcEndpoints.get(vpcEndpointId) ?? null) : null;
  return {
    ok: true,
    policies: {
      identity,
      resource: resource.policy,
      resourceIsKmsKey: resource.isKmsKey,
      permissionsBoundary: boundary,
      sessionPolicies: null,
      scpLevels: scp,
      rcpLevels: rcp,
      vpcEndpoint: endpoint ? { ref: endpoint.ref, document: endpoint.document } : null,
    },
  };
}
