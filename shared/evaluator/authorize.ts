import type { PolicyType, SourcedPolicy } from '../policy/types.ts';
import { matchPolicy, type StatementRequest } from './statement.ts';
import type {
  ApplicablePolicies,
  AuthorizationRequest,
  AuthorizationResult,
  LayerOutcome,
  ResourceGrant,
  StatementRef,
} from './types.ts';

interface LayerScan {
  outcome: LayerOutcome;
  grant: 'direct' | 'account' | null;
  /** An Allow named the caller's session ARN itself. */
  sessionNamed: boolean;
}

function scanPolicies(
  type: PolicyType,
  policies: readonly SourcedPolicy[],
  request: StatementRequest,
  withPrincipal: boolean,
  unknownKeys: Set<string>,
): LayerScan {
  const outcome: LayerOutcome = { type, allowedBy: [], deniedBy: [] };
  let grant: LayerScan['grant'] = null;
  let sessionNamed = false;
  for (const policy of policies) {
    const matches = matchPolicy(policy.document, request, withPrincipal);
    for (const key of matches.missingKeys) unknownKeys.add(key);
    for (const deny of matches.denies)
      outcome.deniedBy.push({ policy: policy.ref, sid: deny.sid, index: deny.index });
    for (const allow of matches.allows) {
      outcome.allowedBy.push({ policy: policy.ref, sid: allow.sid, index: allow.index });
      if (allow.principal === 'session') sessionNamed = true;
      if (allow.principal === 'direct' || allow.principal === 'session') grant = 'direct';
      else if (allow.principal === 'account' && grant === null) grant = 'account';
    }
  }
  return { outcome, grant, sessionNamed };
}

/** SCPs and RCPs: an Allow is needed at every level; a level lists the policies attached there. */
function scanLevels(
  type: 'scp' | 'rcp',
  levels: readonly SourcedPolicy[][],
  request: StatementRequest,
  unknownKeys: Set<string>,
): LayerOutcome {
  const outcome: LayerOutcome = { type, allowedBy: [], deniedBy: [], levelsWithoutAllow: [] };
  for (const level of levels) {
    // RCPFullAWSAccess is attached everywhere and cannot be detached: a level that lists no RCP allows.
    const scan = scanPolicies(type, level, request, type === 'rcp', unknownKeys);
    outcome.allowedBy.push(...scan.outcome.allowedBy);
    outcome.deniedBy.push(...scan.outcome.deniedBy);
    const needsAllow = type === 'scp' || level.length > 0;
    if (needsAllow && scan.outcome.allowedBy.length === 0) {
      outcome.levelsWithoutAllow!.push(
        level.map((policy) => policy.ref.id ?? policy.ref.name ?? '?').join('+'),
      );
    }
  }
  return outcome;
}

/**
 * AWS's policy evaluation logic for one request (IAM User Guide, "Policy evaluation logic" and "Cross-account
 * policy evaluation logic"): explicit denies first, then RCPs and SCPs at every level, then resource-based and
 * identity-based policies with the permissions boundary and session policies as limits. The result says why.
 */
export function authorize(request: AuthorizationRequest, policies: ApplicablePolicies): AuthorizationResult {
  const { caller } = request;
  const unknownKeys = new Set<string>();
  const layers: LayerOutcome[] = [];
  const scan = (type: PolicyType, list: readonly SourcedPolicy[], withPrincipal: boolean): LayerScan => {
    const result = scanPolicies(type, list, request, withPrincipal, unknownKeys);
    layers.push(result.outcome);
    return result;
  };

  // The account root has every identity permission in its own account; other callers need identity policies.
  const identityApplies = caller.kind !== 'root' && caller.kind !== 'service';
  const identity = identityApplies ? scan('identity', policies.identity, false) : null;
  const resourceType: PolicyType = policies.resourceIsKmsKey ? 'key' : 'bucket';
  const resource = policies.resource
    ? (() => {
        const withBoundary = { ...request, hasPermissionsBoundary: policies.permissionsBoundary !== null };
        const result = scanPolicies(resourceType, [policies.resource], withBoundary, true, unknownKeys);
        layers.push(result.outcome);
        return result;
      })()
    : null;
  const boundary = policies.permissionsBoundary
    ? scan('permissions-boundary', [policies.permissionsBoundary], false)
    : null;
  const session = policies.sessionPolicies ? scan('session-policy', policies.sessionPolicies, false) : null;
  const endpoint = policies.vpcEndpoint ? scan('vpc-endpoint-policy', [policies.vpcEndpoint], true) : null;
  const scp = policies.scpLevels ? scanLevels('scp', policies.scpLevels, request, unknownKeys) : null;
  const rcp = policies.rcpLevels ? scanLevels('rcp', policies.rcpLevels, request, unknownKeys) : null;
  if (scp) layers.push(scp);
  if (rcp) layers.push(rcp);

  const explicitDenies: StatementRef[] = layers.flatMap((layer) => layer.deniedBy);
  const resourceGrant: ResourceGrant = resource?.grant ?? 'none';
  const base = { explicitDenies, resourceGrant, layers, unknownContextKeys: [...unknownKeys].sort() };
  if (explicitDenies.length > 0) return { ...base, decision: 'explicit-deny', missingAllows: [] };

  const missing: PolicyType[] = [];
  if (rcp && rcp.levelsWithoutAllow!.length > 0) missing.push('rcp');
  if (scp && scp.levelsWithoutAllow!.length > 0) missing.push('scp');
  if (endpoint && endpoint.outcome.allowedBy.length === 0) missing.push('vpc-endpoint-policy');

  const identityAllows = identity === null || identity.outcome.allowedBy.length > 0;
  const boundaryAllows = boundary === null || boundary.outcome.allowedBy.length > 0;
  const sessionAllows = session === null || session.outcome.allowedBy.length > 0;
  const limitsMissing: PolicyType[] = [];
  if (!boundaryAllows) limitsMissing.push('permissions-boundary');
  if (!sessionAllows) limitsMissing.push('session-policy');
  const identityPath: PolicyType[] = [
    ...(identityAllows ? [] : (['identity'] as PolicyType[])),
    ...limitsMissing,
  ];

  const sameAccount = request.resourceAccount === null || request.resourceAccount === caller.accountId;
  // A resource policy that names a role ARN is still cut by the role's boundary and session policy; one that
  // names a user, a session or the root directly is not (IAM User Guide, evaluation logic, principal nuance).
  const directGrantLimited = caller.kind === 'role' || caller.kind === 'federated';
  // A grant naming the session ARN itself is not cut by implicit denies in the boundary or session policies.
  const directGrantPasses =
    !directGrantLimited || limitsMissing.length === 0 || resource?.sessionNamed === true;

  if (policies.resourceIsKmsKey) {
    // Key policies must allow on their own, in the same account too; identity policies count only through
    // the key policy's delegation to the account (KMS Developer Guide, "Default key policy").
    if (resourceGrant === 'none') {
      missing.push('key');
      // Across accounts the caller's own account must allow as well (both sides, KMS Developer Guide).
      if (!sameAccount) missing.push(...identityPath);
    } else if (resourceGrant === 'direct' && sameAccount) {
      if (!directGrantPasses) missing.push(...limitsMissing);
    } else missing.push(...identityPath);
  } else if (sameAccount) {
    const byIdentity = identityPath.length === 0;
    const byResource = resourceGrant === 'direct' && directGrantPasses;
    if (!byIdentity && !byResource) missing.push(...identityPath);
  } else {
    // Cross-account: the caller's account and the resource's account must both allow.
    if (resourceGrant === 'none') missing.push(resourceType);
    missing.push(...identityPath);
  }

  const unique = [...new Set(missing)];
  return { ...base, decision: unique.length === 0 ? 'allowed' : 'implicit-deny', missingAllows: unique };
}
