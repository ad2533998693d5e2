import type { ReportLine } from '../report/types.ts';

/**
 * What makes events one storm: the same caller lacking the same permissions for the same request resource. Missing
 * permissions are sorted so that the order the engine found them in does not split a storm.
 */
export function stormKeyOf(line: Pick<ReportLine, 'principal' | 'missing' | 'request'>): string {
  const missing = line.missing.map((m) => `${m.action}@${m.resource ?? '*'}`).sort();
  return [line.principal ?? '-', missing.join(',') || '-', line.request?.resource ?? '-'].join('|');
}
