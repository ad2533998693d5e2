import { analyzeEvent } from '../analysis/analyzeEvent.ts';
import type { NormalizedEvent } from '../events/types.ts';
import { undeterminedLine } from '../report/blankLine.ts';
import type { ReportLine } from '../report/types.ts';
import type { Snapshot } from '../state/snapshotSchema.ts';
import { indexSnapshot } from '../state/stateIndex.ts';
import type { RemediationOptions } from './options.ts';

export interface Diagnosis {
  /** The report line, decided as `analyze` decides it (guardrails and self-caused events included). */
  line: ReportLine;
}

export { undeterminedLine };

/** The engine's analysis of one event against the state read for it. */
export function diagnose(event: NormalizedEvent, snapshot: Snapshot, options: RemediationOptions): Diagnosis {
  const indexed = indexSnapshot(snapshot);
  if (!indexed.ok) {
    return {
      line: undeterminedLine(
        event,
        `The account state read for this event is not valid: ${indexed.errors.slice(0, 3).join('; ')}.`,
      ),
    };
  }
  return { line: analyzeEvent(event, indexed.index, options.decision) };
}

/** A diagnosis for an event whose state could not be read at all. */
export function unreadableStateDiagnosis(event: NormalizedEvent, problem: string): Diagnosis {
  return { line: undeterminedLine(event, `Could not read the account state for this event: ${problem}.`) };
}
