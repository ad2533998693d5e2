import { normalizeRecord } from '../events/normalize.ts';
import { describeLocation, type RawRecord } from '../input/records.ts';
import { invalidEventLine } from '../report/blankLine.ts';
import { auditIdForEvent, newAuditRecord } from './auditRecord.ts';
import type { RemediationOptions } from './options.ts';
import type { RemediationDeps } from './ports.ts';
import { type RemediationResult, remediateEvent } from './remediateEvent.ts';
import { messageOf } from './waitUntil.ts';

/** One input record through the pipeline; an unreadable one is recorded as an ignored invalid event. */
export async function remediateRecord(
  raw: RawRecord,
  deps: RemediationDeps,
  options: RemediationOptions,
): Promise<RemediationResult> {
  let eventId: string | null;
  let reason: string;
  if (raw.kind === 'unreadable') {
    eventId = raw.eventId;
    reason = raw.reason;
  } else {
    const normalized = normalizeRecord(raw.record);
    if (normalized.ok) return remediateEvent(normalized.event, deps, options);
    eventId = normalized.eventId;
    reason = `${describeLocation(raw.location)}: ${normalized.reason}`;
  }
  const record = newAuditRecord(invalidEventLine(eventId, reason), {
    auditId: eventId ? auditIdForEvent(eventId) : deps.newId(),
    account: null,
    now: deps.clock.now(),
    outcome: 'ignored',
    outcomeReason: 'not a readable CloudTrail event',
    stormKey: '',
    actor: null,
  });
  try {
    if ((await deps.audit.create(record)) === 'exists')
      return { handling: 'duplicate', record: (await deps.audit.get(record.auditId)) ?? record };
    return { handling: 'recorded', record };
  } catch (error) {
    return {
      handling: 'not-recorded',
      record: { ...record, outcomeReason: `recording failed: ${messageOf(error)}` },
    };
  }
}
