import type { RawRecord, RecordLocation } from '../input/records.ts';
import type { RemediationOptions } from '../remediation/options.ts';
import type { AuditOutcome, RemediationDeps } from '../remediation/ports.ts';
import type { Handling, RemediationResult } from '../remediation/remediateEvent.ts';
import { remediateRecord } from '../remediation/remediateRecord.ts';
import type { DecisionName, Verdict } from '../report/types.ts';

/** An EventBridge event as the function receives it: its envelope fields and the CloudTrail record in `detail`. */
export interface CloudTrailEventBridgeEvent {
  id: string;
  account: string;
  region: string;
  time: string;
  'detail-type': string;
  detail: Record<string, unknown>;
  [field: string]: unknown;
}

function locationOf(envelopeId: unknown): RecordLocation {
  return { file: `eventbridge:${typeof envelopeId === 'string' ? envelopeId : 'unknown'}` };
}

/**
 * The remediation of one EventBridge-delivered CloudTrail record: normalize, then the whole pipeline
 * (remediateRecord → remediateEvent: state, analysis, guardrails, storms, decision, audit, apply or proposal).
 * Never throws; a record the engine cannot read is recorded as an ignored invalid event.
 */
export function remediateCloudTrailEvent(
  event: CloudTrailEventBridgeEvent,
  deps: RemediationDeps,
  options: RemediationOptions,
): Promise<RemediationResult> {
  const { detail, ...envelope } = event;
  const raw: RawRecord = { kind: 'record', location: locationOf(event.id), record: detail, envelope };
  return remediateRecord(raw, deps, options);
}

/**
 * An event that is not a CloudTrail event delivered by EventBridge (its schema check failed): recorded as an ignored
 * invalid event, under its CloudTrail event id when it has one (so that a redelivery finds the record).
 */
export function recordUnreadableEvent(
  event: unknown,
  reason: string,
  deps: RemediationDeps,
  options: RemediationOptions,
): Promise<RemediationResult> {
  const fields = typeof event === 'object' && event !== null ? (event as Record<string, unknown>) : {};
  const detail = fields.detail;
  const eventId =
    typeof detail === 'object' &&
    detail !== null &&
    typeof (detail as { eventID?: unknown }).eventID === 'string'
      ? (detail as { eventID: string }).eventID.trim() || null
      : null;
  const location = locationOf(fields.id);
  const raw: RawRecord = {
    kind: 'unreadable',
    location,
    reason: `${location.file}: not a CloudTrail event delivered by EventBridge: ${reason}`,
    eventId,
  };
  return remediateRecord(raw, deps, options);
}

/** What the function returns (and Powertools idempotency stores for a redelivery): small, no documents. */
export interface RemediationSummary {
  auditId: string;
  eventId: string | null;
  handling: Handling;
  verdict: Verdict;
  decision: DecisionName;
  outcome: AuditOutcome;
  outcomeReason: string | null;
  occurrences: number;
  patchTargets: string[];
}

export function summaryOf(result: RemediationResult): RemediationSummary {
  const { record } = result;
  return {
    auditId: record.auditId,
    eventId: record.eventId,
    handling: result.handling,
    verdict: record.verdict,
    decision: record.decision,
    outcome: record.outcome,
    outcomeReason: record.outcomeReason,
    occurrences: record.occurrences,
    patchTargets: record.patches.map((p) =>
      p.policyName ? `${p.target.arn}#${p.policyName}` : p.target.arn,
    ),
  };
}

const pascal = (kebab: string) =>
  kebab
    .split('-')
    .map((word) => word.charAt(0).toUpperCase() + word.slice(1))
    .join('');

/**
 * The metrics one handled event counts (each by 1): its verdict, its decision, and what happened to it
 * (`Applied`, `Failed`, `Conflict`, `RateLimited`, `RolledBack`, ... by outcome; `Duplicate`, `StormOccurrence`,
 * `NotRecorded` by handling, whose record is another event's or none).
 */
export function metricNamesOf(summary: RemediationSummary): string[] {
  if (summary.handling !== 'recorded') return [pascal(summary.handling)];
  return [
    `Verdict${pascal(summary.verdict)}`,
    `Decision${pascal(summary.decision)}`,
    pascal(summary.outcome),
  ];
}
