import { analyzeEvent } from '../analysis/analyzeEvent.ts';
import type { NormalizedEvent } from '../events/types.ts';
import { undeterminedLine } from '../report/blankLine.ts';
import type { ReportLine } from '../report/types.ts';
import type { Snapshot } from '../state/snapshotSchema.ts';
import { indexSnapshot } from '../state/stateIndex.ts';
import {
  describeViolations,
  type GuardrailViolation,
  guardrailContextOf,
  guardrailViolations,
} from './guardrails.ts';
import type { RemediationOptions } from './options.ts';

export interface Diagnosis {
  /** The report line, with the decision turned to escalate when a patch breaks a guardrail. */
  line: ReportLine;
  violations: GuardrailViolation[];
}

export { undeterminedLine };

/** The engine's analysis of one event against the state read for it, then the guardrails over its patches. */
export function diagnose(event: NormalizedEvent, snapshot: Snapshot, options: RemediationOptions): Diagnosis {
  const indexed = indexSnapshot(snapshot);
  if (!indexed.ok) {
    return {
      line: undeterminedLine(
        event,
        `The account state read for this event is not valid: ${indexed.errors.slice(0, 3).join('; ')}.`,
      ),
      violations: [],
    };
  }
  const line = analyzeEvent(event, indexed.index, options.decision);
  const violations = guardrailViolations(
    line.patches,
    guardrailContextOf(indexed.index, options.remediatorPrefix),
  );
  if (violations.length > 0) {
    line.decision = 'escalate';
    line.reason = `${line.reason} Blocked by the remediator's guardrails (never applied or proposed): ${describeViolations(violations)}.`;
  }
  return { line, violations };
}

/** A diagnosis for an event whose state could not be read at all. */
export function unreadableStateDiagnosis(event: NormalizedEvent, problem: string): Diagnosis {
  return {
    line: undeterminedLine(event, `Could not read the account state for this event: ${problem}.`),
    violations: [],
  };
}
