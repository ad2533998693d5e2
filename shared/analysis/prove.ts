import { authorize } from '../evaluator/authorize.ts';
import type { CallerIdentity } from '../evaluator/types.ts';
import { arnMatch } from '../evaluator/wildcard.ts';
import type { NormalizedEvent } from '../events/types.ts';
import { KMS_SWEEP_ACTIONS } from '../permissions/kmsActions.ts';
import { S3_SWEEP_ACTIONS } from '../permissions/s3Actions.ts';
import type { PermissionNeed, ViaS3 } from '../permissions/types.ts';
import type { Patch, Proof } from '../report/types.ts';
import { applicablePolicies, type ResourceSide } from '../state/applicablePolicies.ts';
import type { PrincipalEntry, StateIndex } from '../state/stateIndex.ts';
import { applyPatches } from './applyPatches.ts';
import { type EvaluatedNeed, evaluateNeeds } from './evaluateNeeds.ts';
import { requestContext } from './requestContext.ts';
import type { Grant } from './synthesize.ts';

/** An account outside the snapshot whose root would be allowed by any grant to everyone or to another account. */
const OUTSIDER: CallerIdentity = {
  accountId: '000000000000',
  kind: 'root',
  arn: 'arn:aws:iam::000000000000:root',
  sessionArn: null,
};
const MAX_OTHER_PRINCIPALS = 24;

export type ProofResult = { ok: true; proof: Proof } | { ok: false; reason: string; proof: Proof };

interface SweepTarget {
  resource: string;
  side: ResourceSide;
  actions: readonly string[];
  viaS3: ViaS3 | null;
}

function identityOf(entry: PrincipalEntry): CallerIdentity {
  return { accountId: entry.accountId, kind: entry.kind, arn: entry.arn, sessionArn: null };
}

/** Resources around each patched one: the object asked for, its neighbours inside and outside the grant, the bucket. */
function sweepTargets(items: EvaluatedNeed[], state: StateIndex): SweepTarget[] {
  const targets = new Map<string, SweepTarget>();
  const add = (target: SweepTarget) =>
    targets.set(`${target.resource}|${target.viaS3 ? 'via' : 'direct'}`, target);
  for (const item of items) {
    const resource = item.need.resource;
    if (resource.kind === 'kms-key' && item.key) {
      const side: ResourceSide = {
        account: item.key.accountId,
        policy: {
          ref: { type: 'key', id: item.key.arn, name: null },
          document: state.keysByArn.get(item.key.arn)?.policy ?? item.key.policy,
        },
        isKmsKey: true,
        rcpApplies: item.key.manager === 'CUSTOMER',
      };
      add({ resource: item.key.arn, side, actions: KMS_SWEEP_ACTIONS, viaS3: null });
      if (item.need.viaS3)
        add({ resource: item.key.arn, side, actions: KMS_SWEEP_ACTIONS, viaS3: item.need.viaS3 });
    } else if ((resource.kind === 's3-object' || resource.kind === 's3-bucket') && item.bucket) {
      const bucket = state.buckets.get(item.bucket.name) ?? item.bucket;
      const side: ResourceSide = {
        account: bucket.accountId,
        policy: bucket.policy
          ? { ref: { type: 'bucket', id: bucket.arn, name: null }, document: bucket.policy }
          : null,
        isKmsKey: false,
        rcpApplies: true,
      };
      const objects = new Set<string>([`${bucket.arn}/access-remediator-sweep/other-tenant.bin`]);
      if (resource.kind === 's3-object') {
        const folders = resource.key.split('/').slice(0, -1);
        objects.add(resource.arn);
        objects.add(`${bucket.arn}/${[...folders, 'sibling-object.bin'].join('/')}`);
        if (folders.length > 0)
          objects.add(`${bucket.arn}/${[...folders.slice(0, -1), 'outside-object.bin'].join('/')}`);
      }
      add({ resource: bucket.arn, side, actions: S3_SWEEP_ACTIONS, viaS3: null });
      for (const object of objects) add({ resource: object, side, actions: S3_SWEEP_ACTIONS, viaS3: null });
    }
  }
  return [...targets.values()];
}

function intended(
  caller: CallerIdentity,
  grants: Grant[],
  who: CallerIdentity,
  action: string,
  target: SweepTarget,
): boolean {
  if (who.arn !== caller.arn) return false;
  return grants.some((grant) => {
    if (grant.action !== action) return false;
    if (grant.viaS3Region && !target.viaS3) return false;
    const pattern = grant.resource === '*' ? grant.requestedResource : grant.resource;
    return arnMatch(pattern, target.resource);
  });
}

/**
 * Proves a set of patches: every permission the call needed is denied before and allowed after, and a sweep over
 * the other actions, resources and principals around them finds nothing else newly allowed.
 */
export function provePatches(
  event: NormalizedEvent,
  state: StateIndex,
  caller: CallerIdentity,
  needs: PermissionNeed[],
  before: EvaluatedNeed[],
  patches: Patch[],
  grants: Grant[],
): ProofResult {
  const patched = applyPatches(state, patches);
  const patchedPrincipal = patched.principalsByArn.get(caller.arn) ?? null;
  const after = evaluateNeeds(event, patched, caller, patchedPrincipal, needs);
  const proof: Proof = {
    before: before.some((item) => item.result.decision !== 'allowed') ? 'denied' : 'allowed',
    after: 'denied',
    evaluations: before.length * 2,
    sweep: { evaluations: 0, newlyAllowed: 0, unintended: [] },
  };
  if (!after.ok)
    return { ok: false, reason: `re-evaluation after the patch stopped: ${after.stop.reason}`, proof };
  const stillDenied = after.items.filter((item) => item.result.decision !== 'allowed');
  proof.after = stillDenied.length === 0 ? 'allowed' : 'denied';
  if (stillDenied.length > 0) {
    const first = stillDenied[0]!;
    return {
      ok: false,
      reason: `with the patch, ${first.need.action} on ${first.resourceArn} is still denied (${first.result.decision}: ${first.result.missingAllows.join(', ') || 'explicit deny'})`,
      proof,
    };
  }

  const others = [...state.principalsByArn.values()]
    .filter((p) => p.arn !== caller.arn)
    .slice(0, MAX_OTHER_PRINCIPALS);
  const principals: {
    identity: CallerIdentity;
    before: PrincipalEntry | null;
    after: PrincipalEntry | null;
  }[] = [
    { identity: caller, before: state.principalsByArn.get(caller.arn) ?? null, after: patchedPrincipal },
    ...others.map((p) => ({
      identity: identityOf(p),
      before: p,
      after: patched.principalsByArn.get(p.arn) ?? p,
    })),
    { identity: OUTSIDER, before: null, after: null },
  ];
  const targetsBefore = sweepTargets(before, state);
  const targetsAfter = sweepTargets(after.items, patched);
  for (const who of principals) {
    for (const [index, target] of targetsBefore.entries()) {
      const targetAfter = targetsAfter[index] ?? target;
      const context = requestContext({
        event,
        caller: who.identity,
        principal: who.before,
        state,
        resourceAccount: target.side.account,
        viaS3: target.viaS3,
        bucketKeyEnabled: false,
      });
      // Identical inputs give identical answers: only pairs whose principal or resource policy changed can differ.
      if (who.before === who.after && target.side.policy?.document === targetAfter.side.policy?.document)
        continue;
      const policiesBefore = applicablePolicies(state, who.identity, who.before, target.side, null);
      const policiesAfter = applicablePolicies(patched, who.identity, who.after, targetAfter.side, null);
      if (!policiesBefore.ok || !policiesAfter.ok) continue;
      for (const action of target.actions) {
        const request = {
          caller: who.identity,
          action,
          resource: target.resource,
          resourceAccount: target.side.account,
          context,
        };
        const wasAllowed = authorize(request, policiesBefore.policies).decision === 'allowed';
        const isAllowed = authorize(request, policiesAfter.policies).decision === 'allowed';
        proof.sweep.evaluations += 2;
        if (isAllowed && !wasAllowed) {
          proof.sweep.newlyAllowed += 1;
          if (!intended(caller, grants, who.identity, action, target)) {
            proof.sweep.unintended.push(
              `${who.identity.arn} ${action} ${target.resource}${target.viaS3 ? ' (via S3)' : ''}`,
            );
          }
        }
      }
    }
  }
  if (proof.sweep.unintended.length > 0) {
    return {
      ok: false,
      reason: `the patch would also allow ${proof.sweep.unintended.slice(0, 3).join('; ')}`,
      proof,
    };
  }
  return { ok: true, proof };
}
