import { analyzeEvent } from '../analysis/analyzeEvent.ts';
import { analyzeRecord } from '../analysis/analyzeRecord.ts';
import type { DecisionConfig } from '../analysis/decide.ts';
import { AwsClients } from '../aws/clients.ts';
import { LiveStateReader } from '../aws/liveStateReader.ts';
import { TtlCache } from '../aws/ttlCache.ts';
import { normalizeRecord } from '../events/normalize.ts';
import { undeterminedLine } from '../report/blankLine.ts';
import { snapshotSchema } from '../state/snapshotSchema.ts';
import { indexSnapshot, type StateIndex } from '../state/stateIndex.ts';
import type { RecordAnalyzer } from './recordAnalyzer.ts';

/**
 * Live mode: each event's state is read from AWS through the standard credential chain (and AWS_ENDPOINT_URL*,
 * AWS_REGION), only what that event needs, with a short shared cache so a burst of related events reads once.
 */
export function liveAnalyzer(config: DecisionConfig, warn: (message: string) => void): RecordAnalyzer {
  const clients = new AwsClients({ memberRoleName: process.env.ACCESS_REMEDIATOR_MEMBER_ROLE });
  const cache = new TtlCache(60_000);
  return async (raw) => {
    if (raw.kind === 'unreadable') return analyzeRecord(raw, emptyState, config);
    const normalized = normalizeRecord(raw.record);
    if (!normalized.ok) return analyzeRecord(raw, emptyState, config);
    const event = normalized.event;
    try {
      const snapshot = await new LiveStateReader(clients, { cache, warn }).readFor(event);
      const parsed = snapshotSchema.safeParse(snapshot);
      const indexed = parsed.success ? indexSnapshot(parsed.data) : null;
      if (!indexed?.ok) throw new Error('the live state read does not form a valid snapshot');
      return analyzeEvent(event, indexed.index, config);
    } catch (error) {
      return undeterminedLine(
        event,
        `Cannot diagnose: reading the live state failed: ${(error as Error).message}.`,
      );
    }
  };
}

const emptyState: StateIndex = (() => {
  const indexed = indexSnapshot({ version: 1, accounts: { '000000000000': {} } });
  if (!indexed.ok) throw new Error(indexed.errors.join('; '));
  return indexed.index;
})();
