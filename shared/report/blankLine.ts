import type { NormalizedEvent } from '../events/types.ts';
import type { ReportLine } from './types.ts';

/** The line for a record that cannot be read; other verdicts start from it and fill in what they know. */
export function invalidEventLine(eventId: string | null, reason: string): ReportLine {
  return {
    eventId,
    verdict: 'invalid-event',
    decision: 'ignore',
    principal: null,
    request: null,
    missing: [],
    deniedBy: null,
    keyState: null,
    finding: null,
    patches: [],
    proof: null,
    reason,
  };
}

/** A line for a readable event the engine could not analyse; `reason` says why. */
export function undeterminedLine(event: NormalizedEvent, reason: string): ReportLine {
  return {
    ...invalidEventLine(event.eventId, reason),
    verdict: 'undetermined',
    decision: 'escalate',
    request: {
      service: event.service,
      eventName: event.eventName,
      resource: event.resources[0]?.arn ?? null,
    },
  };
}
