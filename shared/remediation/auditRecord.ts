import { callerAccountOf, type NormalizedEvent } from '../events/types.ts';
import type { ReportLine } from '../report/types.ts';
import type { AuditOutcome, AuditRecord } from './ports.ts';

/** An event's audit id is its CloudTrail event id, so that a redelivered event finds its record (conditional create). */
export function auditIdForEvent(eventId: string): string {
  return eventId;
}

/** The account an event happened in: where CloudTrail delivered it, else the caller's. */
export function accountOfEvent(event: NormalizedEvent): string | null {
  return event.recipientAccountId ?? callerAccountOf(event.caller);
}

export interface NewRecordFields {
  auditId: string;
  account: string | null;
  now: Date;
  outcome: AuditOutcome;
  outcomeReason: string | null;
  stormKey: string;
  actor: string | null;
}

export function newAuditRecord(line: ReportLine, fields: NewRecordFields): AuditRecord {
  const at = fields.now.toISOString();
  return {
    auditId: fields.auditId,
    eventId: line.eventId,
    recordedAt: at,
    account: fields.account,
    principal: line.principal,
    request: line.request,
    verdict: line.verdict,
    decision: line.decision,
    reason: line.reason,
    patches: line.patches,
    proof: line.proof,
    actor: fields.actor,
    outcome: fields.outcome,
    outcomeReason: fields.outcomeReason,
    stormKey: fields.stormKey,
    occurrences: 1,
    rollbackOf: null,
    rolledBackBy: null,
    updatedAt: at,
  };
}
