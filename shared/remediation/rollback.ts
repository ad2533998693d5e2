import { sameJson } from '../policy/canonical.ts';
import type { Patch } from '../report/types.ts';
import { driftDiff } from './driftDiff.ts';
import type { VerificationTiming } from './options.ts';
import { type AuditRecord, type RemediationDeps, targetOf } from './ports.ts';
import { patchLabel, putDocument, reapplyAfterImages } from './restore.ts';
import { messageOf, waitUntil } from './waitUntil.ts';

export type RollbackDeps = Pick<RemediationDeps, 'audit' | 'policies' | 'clock' | 'newId'>;

export interface RollbackOptions {
  /** Who asks for the rollback; the audit trail names them. */
  actor: string;
  verification: VerificationTiming;
}

export type RollbackResult =
  | { ok: true; record: AuditRecord; original: AuditRecord }
  /** `drift`: a unified diff per drifted target, when drift is why; `record`: the rollback's own record, if one was written. */
  | { ok: false; reason: string; drift: string | null; record: AuditRecord | null };

function refuse(
  reason: string,
  drift: string | null = null,
  record: AuditRecord | null = null,
): RollbackResult {
  return { ok: false, reason, drift, record };
}

/** Targets whose current document is no longer the after-image; the diff says how each drifted. */
async function driftOf(patches: Patch[], deps: RollbackDeps): Promise<string[]> {
  const diffs: string[] = [];
  for (const patch of patches) {
    const current = await deps.policies.read(targetOf(patch));
    if (!sameJson(current, patch.after)) diffs.push(driftDiff(patchLabel(patch), patch.after, current));
  }
  return diffs;
}

function rollbackRecord(original: AuditRecord, auditId: string, actor: string, now: Date): AuditRecord {
  const at = now.toISOString();
  return {
    ...original,
    auditId,
    recordedAt: at,
    updatedAt: at,
    reason: `Rollback of ${original.auditId}: restores the before-images of its ${original.patches.length} patch${original.patches.length === 1 ? '' : 'es'}.`,
    actor,
    outcome: 'applying',
    outcomeReason: null,
    occurrences: 1,
    rollbackOf: original.auditId,
    rolledBackBy: null,
  };
}

/**
 * Undoes an applied record: only if every target still holds exactly what the remediator wrote (otherwise someone
 * changed it since, and restoring would silently drop their change: refuse and show the drift). The rollback is an
 * audit record of its own, linked both ways. All or nothing, like the apply.
 */
export async function rollback(
  auditId: string,
  deps: RollbackDeps,
  options: RollbackOptions,
): Promise<RollbackResult> {
  const original = await deps.audit.get(auditId);
  if (!original) return refuse(`no audit record ${auditId}`);
  if (original.outcome !== 'applied') {
    const by = original.rolledBackBy ? ` (by ${original.rolledBackBy})` : '';
    return refuse(`${auditId} is ${original.outcome}${by}; only an applied change can be rolled back`);
  }
  let drift: string[];
  try {
    drift = await driftOf(original.patches, deps);
  } catch (error) {
    return refuse(`could not read the targets of ${auditId}: ${messageOf(error)}; nothing was changed`);
  }
  if (drift.length > 0) {
    return refuse(
      `${drift.length} target${drift.length === 1 ? ' has' : 's have'} changed since ${auditId} was applied; restoring would overwrite those changes, so nothing was changed`,
      drift.join('\n\n'),
    );
  }

  const record = rollbackRecord(original, deps.newId(), options.actor, deps.clock.now());
  if ((await deps.audit.create(record)) === 'exists')
    return refuse(`the new rollback record id ${record.auditId} is already taken; nothing was changed`);

  const settle = async (change: Pick<AuditRecord, 'outcome' | 'outcomeReason'>): Promise<AuditRecord> => {
    const full = { ...change, updatedAt: deps.clock.now().toISOString() };
    await deps.audit.update(record.auditId, full, 'applying');
    return { ...record, ...full };
  };

  const reverted: Patch[] = [];
  for (const patch of [...original.patches].reverse()) {
    reverted.push(patch);
    try {
      await putDocument(deps.policies, patch, patch.before);
    } catch (error) {
      const problems = await reapplyAfterImages(reverted, deps.policies, patch);
      const left =
        problems.length === 0
          ? 'the after-images were put back'
          : `PUT-BACK INCOMPLETE, check by hand: ${problems.join('; ')}`;
      const failed = await settle({
        outcome: 'failed',
        outcomeReason: `restoring ${patchLabel(patch)} failed: ${messageOf(error)}; ${left}`,
      });
      return refuse(failed.outcomeReason!, null, failed);
    }
  }

  const visible = await waitUntil(
    async () => {
      for (const patch of original.patches) {
        if (!sameJson(await deps.policies.read(targetOf(patch)), patch.before))
          return { done: false, why: `${patchLabel(patch)} does not read back as its before-image yet` };
      }
      return { done: true };
    },
    deps.clock,
    options.verification,
  );
  if (!visible.ok) {
    const failed = await settle({
      outcome: 'failed',
      outcomeReason: `the before-images were written but not confirmed within ${options.verification.deadlineMs / 1000}s: ${visible.why}; check the targets`,
    });
    return refuse(failed.outcomeReason!, null, failed);
  }

  const at = deps.clock.now().toISOString();
  const linked = await deps.audit.update(
    original.auditId,
    { outcome: 'rolled-back', rolledBackBy: record.auditId, updatedAt: at },
    'applied',
  );
  const done = await settle({
    outcome: 'rolled-back',
    outcomeReason: linked
      ? `restored the before-images of ${original.auditId}`
      : `restored the before-images, but ${original.auditId} was changed meanwhile and does not link back`,
  });
  const updatedOriginal = (await deps.audit.get(original.auditId)) ?? original;
  return { ok: true, record: done, original: updatedOriginal };
}
