import type { NormalizedEvent } from '../events/types.ts';
import { remediatorCause } from '../guardrails/selfCaused.ts';
import type { ReportLine } from '../report/types.ts';
import type { Snapshot } from '../state/snapshotSchema.ts';
import { accountOfEvent, auditIdForEvent, newAuditRecord } from './auditRecord.ts';
import { type Diagnosis, diagnose, undeterminedLine, unreadableStateDiagnosis } from './diagnose.ts';
import type { RemediationOptions } from './options.ts';
import type { AuditOutcome, AuditRecord, RemediationDeps } from './ports.ts';
import { safeApply } from './safeApply.ts';
import { eventStormKey, stormKeyOf } from './stormKey.ts';
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

/** The diagnosis, and whether the state could be read for it (an unreadable state may be readable for the next). */
async function diagnoseEvent(
  event: NormalizedEvent,
  deps: RemediationDeps,
  options: RemediationOptions,
): Promise<Diagnosis & { stateRead: boolean }> {
  let snapshot: Snapshot;
  try {
    snapshot = await deps.state.readFor(event);
  } catch (error) {
    return { ...unreadableStateDiagnosis(event, messageOf(error)), stateRead: false };
  }
  return { ...diagnose(event, snapshot, options), stateRead: true };
}

/** Storms group what the engine could read; unreadable records have nothing to group by. */
function stormable(line: ReportLine): boolean {
  return line.verdict !== 'invalid-event';
}

function stormTime(event: NormalizedEvent, now: Date): Date {
  const at = event.eventTime ? Date.parse(event.eventTime) : Number.NaN;
  return Number.isNaN(at) ? now : new Date(at);
}

/**
 * The fast path of a storm: an event shaped exactly like one already counted on a storm within the window is
 * counted on the same record without reading the state or diagnosing. Null: no such storm, or its record is gone
 * (the first handler stopped before recording), and the event takes the full path.
 */
async function countByEventKey(
  eventKey: string,
  auditId: string,
  at: Date,
  deps: RemediationDeps,
  options: RemediationOptions,
): Promise<AuditRecord | null> {
  const held = await deps.storms.heldClaim(eventKey, options.stormWindowSeconds, at);
  if (held === null || held.auditId === auditId) return null;
  return deps.storms.countOccurrence(held.auditId);
}

/**
 * The diagnosis confirmed that events shaped like this one belong to the storm: the event key is claimed for the
 * storm's first record over the same window (centred on the storm's claim, so that the storm ends when it would
 * have), and the next ones are counted by their event key alone.
 */
async function followStorm(
  eventKey: string,
  stormKey: string,
  firstAuditId: string,
  at: Date,
  deps: RemediationDeps,
  options: RemediationOptions,
): Promise<void> {
  const storm = await deps.storms.heldClaim(stormKey, options.stormWindowSeconds, at);
  if (storm?.auditId === firstAuditId)
    await deps.storms.claim(eventKey, firstAuditId, options.stormWindowSeconds, storm.at);
}

/** A later occurrence found by its diagnosed storm key: counted on the first record; null when there is none. */
async function countOnStorm(
  firstAuditId: string,
  keys: { stormKey: string; eventKey: string | null },
  at: Date,
  deps: RemediationDeps,
  options: RemediationOptions,
): Promise<AuditRecord | null> {
  const first = await deps.storms.countOccurrence(firstAuditId);
  if (!first) return null; // the first handler stopped before recording: this event records itself
  // Best effort: without the event key's claim, later events take the full path, as before.
  if (keys.eventKey !== null)
    await followStorm(keys.eventKey, keys.stormKey, firstAuditId, at, deps, options).catch(() => undefined);
  return first;
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
  // Self-caused events always get their own (ignored) record, so they never take the storm's fast path.
  const eventKey = cause ? null : eventStormKey(event);
  const at = stormTime(event, deps.clock.now());
  if (eventKey !== null) {
    const counted = await countByEventKey(eventKey, auditId, at, deps, options);
    if (counted) return { handling: 'storm-occurrence', record: counted };
  }

  const { line, stateRead } = await diagnoseEvent(event, deps, options);
  const stormKey = stormKeyOf(line);

  let outcome: AuditOutcome;
  let outcomeReason: string | null = null;
  if (cause) {
    // The line already says so (decide() withholds any patch); the pipeline adds that it neither acts nor notifies,
    // so a denied call of its own can never start a loop.
    outcome = 'ignored';
    outcomeReason = `${cause}; the remediator never acts on events its own calls cause`;
  } else {
    if (stormable(line)) {
      const claim = await deps.storms.claim(stormKey, auditId, options.stormWindowSeconds, at);
      if (!claim.first && claim.auditId !== auditId) {
        // A failed state read may pass: its event key does not speak for the events shaped like it.
        const keys = { stormKey, eventKey: stateRead ? eventKey : null };
        const first = await countOnStorm(claim.auditId, keys, at, deps, options);
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
 * The whole remediation of one event: duplicate check → storm fast path (a later occurrence is counted, nothing
 * read or diagnosed) → state → analysis → guardrails → storm check → decision → audit record (first) → safe apply,
 * proposal or escalation. Never throws: a failure of one event is an outcome with its reason.
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
