import type { NormalizedEvent } from '../events/types.ts';
import { canonicalJson, sameJson } from '../policy/canonical.ts';
import type { Patch } from '../report/types.ts';
import { type Diagnosis, diagnose } from './diagnose.ts';
import type { RemediationOptions } from './options.ts';
import { type AuditRecord, type RemediationDeps, targetOf } from './ports.ts';
import { patchLabel, putDocument, restoreBeforeImages } from './restore.ts';
import { type Check, messageOf, waitUntil } from './waitUntil.ts';

export type ApplyDeps = Pick<RemediationDeps, 'state' | 'policies' | 'audit' | 'storms' | 'clock'>;

/** The same change: same targets, and per target the same added statements (Sids aside, they are names only). */
export function samePatchIntent(a: Patch[], b: Patch[]): boolean {
  const key = (p: Patch) =>
    canonicalJson([p.account, p.target, p.policyName, p.addStatements.map(({ Sid: _sid, ...rest }) => rest)]);
  const left = a.map(key).sort();
  const right = b.map(key).sort();
  return left.length === right.length && left.every((k, i) => k === right[i]);
}

async function freshDiagnosis(
  event: NormalizedEvent,
  deps: ApplyDeps,
  options: RemediationOptions,
): Promise<Diagnosis> {
  return diagnose(event, await deps.state.readFor(event), options);
}

/** Targets whose current document is not the one the patch was computed from. */
async function drifted(patches: Patch[], deps: ApplyDeps): Promise<Patch[]> {
  const result: Patch[] = [];
  for (const patch of patches) {
    const current = await deps.policies.read(targetOf(patch));
    if (!sameJson(current, patch.before)) result.push(patch);
  }
  return result;
}

type Settled = Pick<AuditRecord, 'outcome' | 'outcomeReason'> & Partial<AuditRecord>;

async function settle(record: AuditRecord, change: Settled, deps: ApplyDeps): Promise<AuditRecord> {
  const full = { ...change, updatedAt: deps.clock.now().toISOString() };
  try {
    if (await deps.audit.update(record.auditId, full, 'applying')) return { ...record, ...full };
    // Someone else moved the record on (a concurrent handler); theirs is the record of truth.
    return (await deps.audit.get(record.auditId)) ?? { ...record, ...full };
  } catch (error) {
    const unstored = `${full.outcomeReason ?? ''} (NOT IN THE AUDIT TRAIL: recording this outcome failed: ${messageOf(error)})`;
    return { ...record, ...full, outcomeReason: unstored.trim() };
  }
}

/**
 * Brings the patches in line with the target's current documents: unchanged targets keep them; on a change, the
 * event is analysed again against freshly read state and the apply continues only if that yields the same change
 * (its new before-images then go into the audit record before anything is written). Null: proceed with `patches`.
 */
async function reconcile(
  record: AuditRecord,
  event: NormalizedEvent,
  deps: ApplyDeps,
  options: RemediationOptions,
): Promise<{ patches: Patch[]; record: AuditRecord } | { conflict: string }> {
  let patches = record.patches;
  let current = record;
  for (let round = 0; round < 2; round++) {
    const changed = await drifted(patches, deps);
    if (changed.length === 0) return { patches, record: current };
    const names = changed.map(patchLabel).join(', ');
    const fresh = (await freshDiagnosis(event, deps, options)).line;
    if (fresh.decision !== 'auto-apply' || !samePatchIntent(fresh.patches, patches)) {
      return {
        conflict: `${names} changed since the analysis; re-analysed against the current state: ${fresh.verdict} / ${fresh.decision}, no longer the same change, so nothing was written. ${fresh.reason}`,
      };
    }
    const change = {
      patches: fresh.patches,
      proof: fresh.proof,
      outcomeReason: `${names} changed since the analysis; re-analysed and re-based the same change on the current document`,
      updatedAt: deps.clock.now().toISOString(),
    };
    if (!(await deps.audit.update(record.auditId, change, 'applying')))
      return { conflict: 'the audit record was changed by another handler; nothing was written' };
    patches = fresh.patches;
    current = { ...current, ...change };
  }
  return { conflict: 'the targets kept changing while the change was prepared; nothing was written' };
}

/** Visible and effective: every target reads back as written, and the event, analysed afresh, is now allowed. */
function verification(
  patches: Patch[],
  event: NormalizedEvent,
  deps: ApplyDeps,
  options: RemediationOptions,
): () => Promise<Check> {
  return async () => {
    for (const patch of patches) {
      if (!sameJson(await deps.policies.read(targetOf(patch)), patch.after))
        return { done: false, why: `${patchLabel(patch)} does not read back as written yet` };
    }
    const fresh = (await freshDiagnosis(event, deps, options)).line;
    if (fresh.verdict !== 'already-allowed')
      return { done: false, why: `the event still analyses as ${fresh.verdict}: ${fresh.reason}` };
    return { done: true };
  };
}

function restoredText(problems: string[], count: number): string {
  return problems.length === 0
    ? `every before-image was restored (${count} target${count === 1 ? '' : 's'})`
    : `RESTORE INCOMPLETE, check by hand: ${problems.join('; ')}`;
}

/**
 * Applies an auto-apply record's patches, all or nothing. The record (outcome 'applying', before-images in its
 * patches) is already in the audit store. Never throws: every failure ends as an outcome with its reason.
 */
export async function safeApply(
  record: AuditRecord,
  event: NormalizedEvent,
  deps: ApplyDeps,
  options: RemediationOptions,
): Promise<AuditRecord> {
  let prepared: Awaited<ReturnType<typeof reconcile>>;
  try {
    prepared = await reconcile(record, event, deps, options);
  } catch (error) {
    return settle(
      record,
      {
        outcome: 'failed',
        outcomeReason: `could not check the targets before writing: ${messageOf(error)}; nothing was written`,
      },
      deps,
    );
  }
  if ('conflict' in prepared)
    return settle(record, { outcome: 'conflict', outcomeReason: prepared.conflict }, deps);
  const { patches } = prepared;
  const current = prepared.record;
  const note = current.outcomeReason ? `${current.outcomeReason}; ` : '';

  // The per-account limit is a brake, not a lock: failing to count an apply must not stop one already audited.
  const now = deps.clock.now();
  for (const account of new Set(patches.map((p) => p.account)))
    await deps.storms.recordApply(account, now).catch(() => {});

  const attempted: Patch[] = [];
  for (const patch of patches) {
    attempted.push(patch); // a write that throws may still have landed
    try {
      await putDocument(deps.policies, patch, patch.after);
    } catch (error) {
      const problems = await restoreBeforeImages(attempted, deps.policies, patch);
      return settle(
        current,
        {
          outcome: 'failed',
          outcomeReason: `${note}writing ${patchLabel(patch)} failed: ${messageOf(error)}; ${restoredText(problems, attempted.length)}`,
        },
        deps,
      );
    }
  }

  const verified = await waitUntil(
    verification(patches, event, deps, options),
    deps.clock,
    options.verification,
  );
  if (!verified.ok) {
    const problems = await restoreBeforeImages(patches, deps.policies);
    return settle(
      current,
      {
        outcome: 'failed',
        outcomeReason: `${note}written, but not effective within ${options.verification.deadlineMs / 1000}s (${verified.checks} checks): ${verified.why}; ${restoredText(problems, patches.length)}`,
      },
      deps,
    );
  }
  return settle(
    current,
    {
      outcome: 'applied',
      actor: options.actor,
      outcomeReason: `${note}written and verified: reads back as written and the event is now allowed (${verified.checks} check${verified.checks === 1 ? '' : 's'})`,
    },
    deps,
  );
}
