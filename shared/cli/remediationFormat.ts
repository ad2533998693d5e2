import type { AuditOutcome, AuditRecord } from '../remediation/ports.ts';
import type { RemediationResult } from '../remediation/remediateEvent.ts';
import { type Paint, patchDiff } from './textFormat.ts';

/** The `remediate` output line of one event: what happened to it, and where its audit record is. */
export function resultLine(result: RemediationResult): Record<string, unknown> {
  const r = result.record;
  return {
    eventId: r.eventId,
    auditId: r.auditId,
    handling: result.handling,
    outcome: r.outcome,
    verdict: r.verdict,
    decision: r.decision,
    principal: r.principal,
    request: r.request,
    targets: r.patches.map((p) => ({ account: p.account, ...p.target, policyName: p.policyName })),
    occurrences: r.occurrences,
    reason: r.reason,
    outcomeReason: r.outcomeReason,
  };
}

const OUTCOME_STYLE: Record<AuditOutcome, 'green' | 'yellow' | 'red' | 'magenta' | 'gray' | 'cyan' | 'blue'> =
  {
    applied: 'green',
    proposed: 'yellow',
    'rate-limited': 'yellow',
    escalated: 'magenta',
    ignored: 'gray',
    applying: 'cyan',
    conflict: 'red',
    failed: 'red',
    'rolled-back': 'blue',
  };

function head(record: AuditRecord, paint: Paint): string {
  return `${paint(['bold', OUTCOME_STYLE[record.outcome]], record.outcome.toUpperCase())} ${record.verdict} ${paint('dim', '→')} ${record.decision}`;
}

function request(record: AuditRecord): string {
  return record.request
    ? `${record.request.service}:${record.request.eventName} ${record.request.resource ?? ''}`.trim()
    : '';
}

/** A compact block per event for people: outcome, who and what, why, and the change as a diff when one was made. */
export function formatResultText(result: RemediationResult, paint: Paint): string {
  const r = result.record;
  const handling =
    result.handling === 'duplicate'
      ? ' (already handled: nothing changed)'
      : result.handling === 'storm-occurrence'
        ? ` (same storm: occurrence ${r.occurrences} counted on it)`
        : result.handling === 'not-recorded'
          ? ' (NOT RECORDED)'
          : '';
  const out = [`${head(r, paint)}  ${paint('dim', `audit ${r.auditId}`)}${handling}`];
  if (r.principal || r.request)
    out.push(`  ${r.principal ?? '(unknown caller)'}  ${paint('dim', request(r))}`);
  out.push(`  ${r.outcomeReason ?? r.reason}`);
  if (
    result.handling === 'recorded' &&
    (r.outcome === 'applied' || r.outcome === 'proposed' || r.outcome === 'rate-limited')
  ) {
    for (const patch of r.patches) {
      out.push(`  patch ${patch.target.type} in ${patch.account}:`);
      out.push(patchDiff(patch, paint).replace(/^/gm, '    '));
    }
  }
  return out.join('\n');
}

/** One line per record for `audit list`. */
export function formatRecordLine(record: AuditRecord, paint: Paint): string {
  const links = [
    record.rollbackOf ? `rollback of ${record.rollbackOf}` : '',
    record.rolledBackBy ? `rolled back by ${record.rolledBackBy}` : '',
    record.occurrences > 1 ? `×${record.occurrences}` : '',
  ].filter(Boolean);
  return [
    paint('dim', record.recordedAt),
    head(record, paint),
    record.principal ?? '-',
    request(record) || '-',
    paint('dim', record.auditId),
    ...links,
  ].join('  ');
}

/** Everything about one record for `audit show`, with each patch as a diff. */
export function formatRecordText(record: AuditRecord, paint: Paint): string {
  const out = [`${head(record, paint)}  ${paint('dim', `audit ${record.auditId}`)}`];
  const field = (name: string, value: string | number | null) => {
    if (value !== null && value !== '') out.push(`  ${name.padEnd(13)}${value}`);
  };
  field('event', record.eventId);
  field('recorded', record.recordedAt);
  field('updated', record.updatedAt);
  field('account', record.account);
  field('principal', record.principal);
  field('request', request(record));
  field('actor', record.actor);
  field('occurrences', record.occurrences);
  field('rollback of', record.rollbackOf);
  field('rolled back by', record.rolledBackBy);
  field('reason', record.reason);
  field('outcome', record.outcomeReason);
  if (record.proof)
    field(
      'proof',
      `${record.proof.before} → ${record.proof.after} (${record.proof.evaluations} evaluations)`,
    );
  for (const patch of record.patches) {
    out.push(`  patch ${patch.target.type} in ${patch.account}:`);
    out.push(patchDiff(patch, paint).replace(/^/gm, '    '));
  }
  return out.join('\n');
}

export function formatOutcomeSummary(counts: Map<string, number>, total: number, paint: Paint): string {
  const list = [...counts.entries()]
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .map(([name, n]) => `${name} ${n}`)
    .join(', ');
  return `${paint('bold', `${total} event${total === 1 ? '' : 's'} handled`)}\n  outcomes: ${list}`;
}
