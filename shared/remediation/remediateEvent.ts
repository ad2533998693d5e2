import type { NormalizedEvent } from '../events/types.ts';
import type { ReportLine } from '../report/types.ts';
import { accountOfEvent, auditIdForEvent, newAuditRecord } from './auditRecord.ts';
import { type Diagnosis, diagnose, undeterminedLine, unreadableStateDiagnosis } from './diagnose.ts';
import type { RemediationOptions } from './options.ts';
import type { AuditOutcome, AuditRecord, RemediationDeps } from './ports.ts';
import { safeApply } from './safeApply.ts';
import { remediatorCause } from '../guardrails/selfCaused.ts';
import { stormKeyOf } from './stormKey.ts';
import { messageOf } from './waitUntil.ts';

/**
 * How the event was handled: it got its own audit record; it was a redelivery of an event already recorded; it was
 * a later occurrence of a storm whose first record it counted on; or the audit store could not be used (then
 * nothing was changed and the record returned was not stored).
 */
export type Handling = 'recorded' | 'duplicate' | 'storm-occurrence' | 'not-recorded';

export interface RemediationResult {
  handling: Handling;
  record: AuditRecord;
}

async function diagnoseEvent(
  event: NormalizedEvent,
  deps: RemediationDeps,
  options: RemediationOptions,
): Promise<Diagnosis> {
  try {
    return diagnose(event, await deps.state.readFor(event), options);
  } catch (error) {
    return unreadableStateDiagnosis(event, messageOf(error));
  }
}

/** Storms group what the engine could read; unreadable records have nothing to group by. */
function stormable(line: ReportLine): boolean {
  return line.verdict !== 'invalid-event';
}

function stormTime(event: NormalizedEvent, now: Date): Date {
  const at = event.eventTime ? Date.parse(event.eventTime) : Number.NaN;
  return Number.isNaN(at) ? now : new Date(at);
}

/** A later occurrence of a storm: counted on the storm's first record; null when that record does not exist. */
async function countOnStorm(firstAuditId: string, deps: RemediationDeps): Promise<AuditRecord | null> {
  const first = await deps.audit.get(firstAuditId);
  if (!first) return null; // the first handler stopped before recording: this event records itself
  await deps.storms.countOccurrence(firstAuditId);
  return (await deps.audit.get(firstAuditId)) ?? first;
}

/** Over the per-account limit of automatic applies, the reason; else null. */
async function rateLimit(
  line: ReportLine,
  deps: RemediationDeps,
  options: RemediationOptions,
): Promise<string | null> {
  const now = deps.clock.now();
  for (const account of new Set(line.patches.map((p) => p.account))) {
    const applies = await deps.storms.appliesInLastHour(account, now);
    if (applies >= options.appliesPerAccountPerHour)
      return `account ${account} already had ${applies} automatic applies in the last hour (limit ${options.appliesPerAccountPerHour}); proposed for approval instead`;
  }
  return null;
}

const OUTCOME_OF_DECISION: Record<Exclude<ReportLine['decision'], 'auto-apply'>, AuditOutcome> = {
  'needs-approval': 'proposed',
  escalate: 'escalated',
  ignore: 'ignored',
};

async function notify(record: AuditRecord, deps: RemediationDeps): Promise<AuditRecord> {
  try {
    await deps.notifier.notify(record);
    return record;
  } catch (error) {
    const change = {
      outcomeReason: [record.outcomeReason, `notification failed: ${messageOf(error)}`]
        .filter(Boolean)
        .join('; '),
      updatedAt: deps.clock.now().toISOString(),
    };
    await deps.audit.update(record.auditId, change, record.outcome).catch(() => false);
    return { ...record, ...change };
  }
}

async function handle(
  event: NormalizedEvent,
  deps: RemediationDeps,
  options: RemediationOptions,
): Promise<RemediationResult> {
  const auditId = auditIdForEvent(event.eventId);
  const existing = await deps.audit.get(auditId);
  if (existing) return { handling: 'duplicate', record: existing };

  const cause = remediatorCause(event, options.decision.remediator);
  const { line } = await diagnoseEvent(event, deps, options);
  const stormKey = stormKeyOf(line);

  let outcome: AuditOutcome;
  let outcomeReason: string | null = null;
  if (cause) {
    line.decision = 'ignore';
    outcome = 'ignored';
    outcomeReason = `${cause}; the remediator never acts on events its own calls cause`;
  } else {
    if (stormable(line)) {
      const claim = await deps.storms.claim(
        stormKey,
        auditId,
        options.stormWindowSeconds,
        stormTime(event, deps.clock.now()),
      );
      if (!claim.first && claim.auditId !== auditId) {
        const first = await countOnStorm(claim.auditId, deps);
        if (first) return { handling: 'storm-occurrence', record: first };
      }
    }
    if (line.decision === 'auto-apply') {
      const limited = await rateLimit(line, deps, options);
      outcome = limited ? 'rate-limited' : 'applying';
      outcomeReason = limited;
    } else {
      outcome = OUTCOME_OF_DECISION[line.decision];
    }
  }

  const record = newAuditRecord(line, {
    auditId,
    account: accountOfEvent(event),
    now: deps.clock.now(),
    outcome,
    outcomeReason,
    stormKey,
    actor: null,
  });
  // The record, with the before-images in its patches, is stored before anything is written.
  if ((await deps.audit.create(record)) === 'exists') {
    return { handling: 'duplicate', record: (await deps.audit.get(auditId)) ?? record };
  }
  if (outcome === 'applying')
    return { handling: 'recorded', record: await safeApply(record, event, deps, options) };
  if (outcome === 'proposed' || outcome === 'escalated' || outcome === 'rate-limited')
    return { handling: 'recorded', record: await notify(record, deps) };
  return { handling: 'recorded', record };
}

/**
 * The whole remediation of one event: state → analysis → guardrails → storm check → decision → audit record (first)
 * → safe apply, proposal or escalation. Never throws: a failure of one event is an outcome with its reason.
 */
export async function remediateEvent(
  event: NormalizedEvent,
  deps: RemediationDeps,
  options: RemediationOptions,
): Promise<RemediationResult> {
  try {
    return await handle(event, deps, options);
  } catch (error) {
    const record = newAuditRecord(
      undeterminedLine(event, 'The event could not be handled: the audit trail or storm store failed.'),
      {
        auditId: auditIdForEvent(event.eventId),
        account: accountOfEvent(event),
        now: deps.clock.now(),
        outcome: 'failed',
        outcomeReason: `the audit trail or storm store failed: ${messageOf(error)}`,
        stormKey: '',
        actor: null,
      },
    );
    return { handling: 'not-recorded', record };
  }
}
