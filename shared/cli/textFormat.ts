import { styleText } from 'node:util';
import { createTwoFilesPatch } from 'diff';
import type { Patch, ReportLine, Verdict } from '../report/types.ts';

type Style = Parameters<typeof styleText>[0];
export type Paint = (style: Style, text: string) => string;

export const plain: Paint = (_style, text) => text;
export const colored: Paint = (style, text) => styleText(style, text);

const VERDICT_STYLE: Record<Verdict, Exclude<Style, readonly unknown[]>> = {
  'missing-allow': 'yellow',
  'explicit-deny': 'red',
  guardrail: 'magenta',
  'aws-managed-key': 'red',
  'key-unavailable': 'red',
  misconfiguration: 'cyan',
  'not-permission-error': 'gray',
  'already-allowed': 'green',
  undetermined: 'blue',
  'invalid-event': 'gray',
};

export function patchDiff(patch: Patch, paint: Paint): string {
  const before = patch.before ? `${JSON.stringify(patch.before, null, 2)}\n` : '';
  const after = `${JSON.stringify(patch.after, null, 2)}\n`;
  const name = patch.policyName ? `${patch.target.arn} (${patch.policyName})` : patch.target.arn;
  const text = createTwoFilesPatch(patch.before ? name : '/dev/null', name, before, after, '', '', {
    context: 3,
  });
  return text
    .split('\n')
    .slice(1) // the "====" separator adds nothing for a person
    .filter((line) => line !== '\\ No newline at end of file')
    .map((line) =>
      line.startsWith('+') && !line.startsWith('+++')
        ? paint('green', line)
        : line.startsWith('-') && !line.startsWith('---')
          ? paint('red', line)
          : line.startsWith('@@')
            ? paint('cyan', line)
            : line,
    )
    .join('\n')
    .trimEnd();
}

/** One compact block per event: verdict, what was missing, where, and the patch as a diff. */
export function formatText(line: ReportLine, paint: Paint): string {
  const out: string[] = [];
  const head = `${paint(['bold', VERDICT_STYLE[line.verdict]], line.verdict.toUpperCase())} ${paint('dim', '→')} ${line.decision}`;
  const request = line.request
    ? `${line.request.service}:${line.request.eventName} ${line.request.resource ?? ''}`.trim()
    : '';
  out.push(`${head}  ${paint('dim', line.eventId ?? '(no event id)')}`);
  if (line.principal || request)
    out.push(`  ${line.principal ?? '(unknown caller)'}  ${paint('dim', request)}`);
  for (const missing of line.missing) out.push(`  missing  ${missing.action} on ${missing.resource ?? '*'}`);
  if (line.deniedBy) {
    const { policyType, policyId, sid } = line.deniedBy;
    out.push(`  denied by ${policyType}${policyId ? ` ${policyId}` : ''}${sid ? ` [${sid}]` : ''}`);
  }
  if (line.keyState) out.push(`  key state ${line.keyState}`);
  if (line.finding) out.push(`  finding  ${line.finding}`);
  out.push(`  ${line.reason}`);
  for (const patch of line.patches) {
    out.push(`  patch ${patch.target.type} in ${patch.account}:`);
    out.push(patchDiff(patch, paint).replace(/^/gm, '    '));
  }
  if (line.proof) {
    const { before, after, evaluations, sweep } = line.proof;
    out.push(
      `  proof    ${before} → ${paint(after === 'allowed' ? 'green' : 'red', after)} (${evaluations} evaluations; swept ${sweep.requests} requests around it: nothing else newly allowed)`,
    );
  }
  return out.join('\n');
}

export interface Tally {
  verdicts: Map<string, number>;
  decisions: Map<string, number>;
  total: number;
}

export function newTally(): Tally {
  return { verdicts: new Map(), decisions: new Map(), total: 0 };
}

export function count(tally: Tally, line: ReportLine): void {
  tally.total += 1;
  tally.verdicts.set(line.verdict, (tally.verdicts.get(line.verdict) ?? 0) + 1);
  tally.decisions.set(line.decision, (tally.decisions.get(line.decision) ?? 0) + 1);
}

export function formatSummary(tally: Tally, paint: Paint): string {
  const list = (map: Map<string, number>) =>
    [...map.entries()]
      .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
      .map(([name, n]) => `${name} ${n}`)
      .join(', ');
  return [
    paint('bold', `${tally.total} event${tally.total === 1 ? '' : 's'} analysed`),
    `  verdicts:  ${list(tally.verdicts)}`,
    `  decisions: ${list(tally.decisions)}`,
  ].join('\n');
}
