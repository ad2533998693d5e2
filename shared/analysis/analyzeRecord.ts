import { normalizeRecord } from '../events/normalize.ts';
import { describeLocation, type RawRecord } from '../input/records.ts';
import { invalidEventLine } from '../report/blankLine.ts';
import type { ReportLine } from '../report/types.ts';
import type { StateIndex } from '../state/stateIndex.ts';
import { analyzeEvent } from './analyzeEvent.ts';
import type { DecisionConfig } from './decide.ts';

/** One input record → its report line; an unreadable record is a line too, never an exception. */
export function analyzeRecord(raw: RawRecord, state: StateIndex, config: DecisionConfig): ReportLine {
  if (raw.kind === 'unreadable') return invalidEventLine(raw.eventId, raw.reason);
  const normalized = normalizeRecord(raw.record);
  if (!normalized.ok)
    return invalidEventLine(normalized.eventId, `${describeLocation(raw.location)}: ${normalized.reason}`);
  return analyzeEvent(normalized.event, state, config);
}
