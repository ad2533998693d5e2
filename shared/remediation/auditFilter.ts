import { wildcardMatch } from '../evaluator/wildcard.ts';
import type { AuditFilter, AuditRecord } from './ports.ts';

/** One record against a filter: exact fields, a principal pattern (`*`, `?`), and a time range on recordedAt. */
export function matchesAuditFilter(record: AuditRecord, filter: AuditFilter): boolean {
  if (filter.account !== undefined && record.account !== filter.account) return false;
  if (
    filter.principal !== undefined &&
    !(record.principal !== null && wildcardMatch(filter.principal, record.principal, { ignoreCase: false }))
  )
    return false;
  if (filter.verdict !== undefined && record.verdict !== filter.verdict) return false;
  if (filter.decision !== undefined && record.decision !== filter.decision) return false;
  const at = Date.parse(record.recordedAt);
  if (filter.since !== undefined && !(at >= Date.parse(filter.since))) return false;
  if (filter.until !== undefined && !(at <= Date.parse(filter.until))) return false;
  return true;
}

/** The matching records in the order they were recorded; with a limit, the most recent ones. */
export function filterAuditRecords(records: Iterable<AuditRecord>, filter: AuditFilter): AuditRecord[] {
  const matching = [...records]
    .filter((record) => matchesAuditFilter(record, filter))
    .sort((a, b) => a.recordedAt.localeCompare(b.recordedAt) || a.auditId.localeCompare(b.auditId));
  return filter.limit !== undefined ? matching.slice(Math.max(0, matching.length - filter.limit)) : matching;
}
