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
