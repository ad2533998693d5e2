import { accountRootArn, iamRoleArn } from '../arn/arn.ts';
import { authorize } from '../evaluator/authorize.ts';
import { matchStatement } from '../evaluator/statement.ts';
import type { CallerIdentity } from '../evaluator/types.ts';
import type { NormalizedEvent } from '../events/types.ts';
import { KMS_SWEEP_ACTIONS } from '../permissions/kmsActions.ts';
import { S3_SWEEP_ACTIONS } from '../permissions/s3Actions.ts';
import type { PermissionNeed, ViaS3 } from '../permissions/types.ts';
import { hasPatternCharacters } from '../policy/literal.ts';
import { statementsOf } from '../policy/parseDocument.ts';
import type { PolicyStatement } from '../policy/types.ts';
import type { Patch, Proof } from '../report/types.ts';
import { applicablePolicies, type ResourceSide } from '../state/applicablePolicies.ts';
import type { PrincipalEntry, StateIndex } from '../state/stateIndex.ts';
import { applyPatches } from './applyPatches.ts';
import { type EvaluatedNeed, evaluateNeeds } from './evaluateNeeds.ts';
import { reachCovers } from './objectScope.ts';
import { requestContext } from './requestContext.ts';
import type { Grant } from './synthesize.ts';

/** An account outside the snapshot whose root would be allowed by any grant to everyone or to another account. */
function outsider(partition: string): CallerIdentity {
  return {
    accountId: '000000000000',
    kind: 'root',
    arn: accountRootArn('000000000000', partition),
    sessionArn: null,
  };
}

export type ProofResult = { ok: true; proof: Proof } | { ok: false; reason: string; proof: Proof };

interface SweepTarget {
  resource: string;
  side: ResourceSide;
  actions: readonly string[];
  viaS3: ViaS3 | null;
}

interface ChangedStatement {
  kind: 'identity' | 'resource';
  /** The principal whose identity policy changed, or the key/bucket whose policy changed. */
  targetArn: string;
  statement: PolicyStatement;
  version: string | undefined;
}

/** The statements of each patched document that were not in it before: the only source of new access. */
function changedStatements(patches: Patch[]): ChangedStatement[] {
  return patches.flatMap((patch) => {
    const before = new Set((patch.before ? statementsOf(patch.before) : []).map((s) => JSON.stringify(s)));
    const kind =
      patch.target.type === 'iam-role' || patch.target.type === 'iam-user' ? 'identity' : 'resource';
    return statementsOf(patch.after)
      .filter((statement) => !before.has(JSON.stringify(statement)))
      .map(
        (statement) =>
          ({ kind, targetArn: patch.target.arn, statement, version: patch.after.Version }) as const,
      );
  });
}

function probe(account: string, partition: string): CallerIdentity {
  return {
    accountId: account,
    kind: 'role',
    arn: iamRoleArn(account, 'access-remediator-sweep-probe', partition),
    sessionArn: null,
  };
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
        // A key that reads like a pattern: its look-alikes must stay out of reach of the grant.
        if (hasPatternCharacters(resource.key))
          objects.add(`${bucket.arn}/${resource.key.replace(/[*?$]/g, 'x').replace(/[{}]/g, '')}`);
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
  return grants.some(
    (grant) =>
      grant.action === action &&
      (!grant.viaS3Region || target.viaS3) &&
      reachCovers(grant.reach, target.resource),
  );
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
    sweep: { requests: 0, evaluations: 0, newlyAllowed: 0, unintended: [] },
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

  const others = [...state.principalsByArn.values()].filter((p) => p.arn !== caller.arn);
  const changed = changedStatements(patches);
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
    // A principal of each account involved that the snapshot does not list: grants to a whole account show here.
    ...[...new Set([caller.accountId, ...patches.map((p) => p.account)])].map((account) => ({
      identity: probe(account, event.partition),
      before: null,
      after: null,
    })),
    { identity: outsider(event.partition), before: null, after: null },
  ];
  const targetsBefore = sweepTargets(before, state);
  const targetsAfter = sweepTargets(after.items, patched);
  for (const who of principals) {
    for (const [index, target] of targetsBefore.entries()) {
      const targetAfter = targetsAfter[index] ?? target;
      // Identical inputs give identical answers: only pairs whose principal or resource policy changed can differ.
      if (who.before === who.after && target.side.policy?.document === targetAfter.side.policy?.document)
        continue;
      const relevant = changed.filter((c) =>
        c.kind === 'identity'
          ? c.targetArn === who.identity.arn
          : c.targetArn === targetAfter.side.policy?.ref.id,
      );
      if (relevant.length === 0) continue;
      const policiesBefore = applicablePolicies(state, who.identity, who.before, target.side, null);
      const policiesAfter = applicablePolicies(patched, who.identity, who.after, targetAfter.side, null);
      if (!policiesBefore.ok || !policiesAfter.ok) continue;
      const context = requestContext({
        event,
        caller: who.identity,
        principal: who.before,
        state,
        resourceAccount: target.side.account,
        viaS3: target.viaS3,
        bucketKeyEnabled: false,
      });
      for (const action of target.actions) {
        const request = {
          caller: who.identity,
          action,
          resource: target.resource,
          resourceAccount: target.side.account,
          context,
        };
        proof.sweep.requests += 1;
        // Patches only add Allow statements: a request no added statement matches keeps its answer.
        const touched = relevant.some(
          (c) => matchStatement(c.statement, request, c.version, c.kind !== 'identity').matched,
        );
        if (!touched) continue;
        const resultBefore = authorize(request, policiesBefore.policies);
        const isAllowed = authorize(request, policiesAfter.policies).decision === 'allowed';
        proof.sweep.evaluations += 2;
        if (isAllowed && resultBefore.decision !== 'allowed') proof.sweep.newlyAllowed += 1;
        // Judged per patched policy, not only by the final decision: a grant that the other side happens to
        // block today (a cross-account key policy, an identity policy) is still more than the call needed.
        const layerAllowedBefore = relevant.every((c) =>
          c.kind === 'identity'
            ? resultBefore.layers.some((l) => l.type === 'identity' && l.allowedBy.length > 0)
            : resultBefore.resourceGrant !== 'none',
        );
        if (!layerAllowedBefore && !intended(caller, grants, who.identity, action, target)) {
          proof.sweep.unintended.push(
            `${who.identity.arn} ${action} ${target.resource}${target.viaS3 ? ' (via S3)' : ''}`,
          );
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
