import { analyzeRecord } from '../analysis/analyzeRecord.ts';
import type { DecisionConfig } from '../analysis/decide.ts';
import type { RawRecord } from '../input/records.ts';
import type { ReportLine } from '../report/types.ts';
import type { StateIndex } from '../state/stateIndex.ts';

/** Turns one input record into its report line, against a snapshot file or against the live accounts. */
export type RecordAnalyzer = (raw: RawRecord) => Promise<ReportLine>;

export function snapshotAnalyzer(state: StateIndex, config: DecisionConfig): RecordAnalyzer {
  return async (raw) => analyzeRecord(raw, state, config);
}
