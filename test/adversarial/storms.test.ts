import { copyFileSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT, runCli } from '../support/runCli.ts';

/**
 * A storm an ordinary caller makes by retrying one denied call: 20,000 identical denials (distinct event ids) must
 * cost one audit record with its occurrence count, not 20,000 copies of it, and still leave the pipeline's
 * contract as it was: duplicates stay duplicates, the remediator's own calls stay ignored, nothing is changed.
 */

const OCCURRENCES = 20_000;
const EVENT = join(ROOT, 'examples/events/01-kc000-putobject-missing-generatedatakey.json');
const STATE = join(ROOT, 'examples/state.json');
const MAX_AUDIT_BYTES = 2 * 1024 * 1024;

type Json = Record<string, unknown>;

const record = (JSON.parse(readFileSync(EVENT, 'utf8')) as { detail: Json }).detail;
const eventId = (i: number) => `5707e000-0000-4000-8000-${String(i).padStart(12, '0')}`;

const jsonLines = (text: string): Json[] =>
  text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as Json);

function countBy(lines: Json[], field: string): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const line of lines) counts[String(line[field])] = (counts[String(line[field])] ?? 0) + 1;
  return counts;
}

describe('an event storm through the built CLI', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ar-storm-'));
  const events = join(dir, 'storm.jsonl');
  const state = join(dir, 'state.json');
  const audit = join(dir, 'audit.jsonl');
  const proposals = join(dir, 'proposals.jsonl');
  const lines = Array.from({ length: OCCURRENCES }, (_, i) =>
    JSON.stringify({ ...record, eventID: eventId(i) }),
  );
  writeFileSync(events, `${lines.join('\n')}\n`);
  copyFileSync(STATE, state);
  const common = ['--state', state, '--audit', audit, '--proposals', proposals, '--format', 'json'];
  let run: ReturnType<typeof runCli>;

  beforeAll(() => {
    run = runCli(['remediate', '--events', events, ...common]);
  }, 600_000);

  it('records the first occurrence once and counts the others on it', () => {
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.lines).toHaveLength(OCCURRENCES);
    expect(countBy(run.lines, 'handling')).toEqual({ recorded: 1, 'storm-occurrence': OCCURRENCES - 1 });
    expect(run.lines[0]).toMatchObject({
      auditId: eventId(0),
      outcome: 'proposed',
      verdict: 'missing-allow',
    });
    expect(run.lines.at(-1)).toMatchObject({ auditId: eventId(0), occurrences: OCCURRENCES });
  });

  it('keeps one full record in the audit trail, and a bounded file', () => {
    const entries = jsonLines(readFileSync(audit, 'utf8'));
    expect(entries.filter((entry) => typeof entry.auditId === 'string')).toHaveLength(1);
    expect(statSync(audit).size).toBeLessThan(MAX_AUDIT_BYTES);
    expect(jsonLines(readFileSync(proposals, 'utf8'))).toHaveLength(1);
    expect(readFileSync(state, 'utf8')).toBe(readFileSync(STATE, 'utf8'));
  });

  it('shows the occurrence count when the record is read back', () => {
    const show = runCli(['audit', 'show', eventId(0), '--audit', audit, '--format', 'json']);
    expect(show.status).toBe(0);
    expect(show.lines).toEqual([expect.objectContaining({ auditId: eventId(0), occurrences: OCCURRENCES })]);
    const list = runCli(['audit', 'list', '--audit', audit, '--format', 'json']);
    expect(list.status).toBe(0);
    expect(list.lines).toEqual([expect.objectContaining({ auditId: eventId(0), occurrences: OCCURRENCES })]);
  });

  it('still answers a redelivery as a duplicate and ignores the remediator’s own identical call', () => {
    const more = join(dir, 'more.jsonl');
    const own = { ...record, eventID: eventId(OCCURRENCES), userAgent: 'access-remediator/0.1.0' };
    writeFileSync(more, `${JSON.stringify({ ...record, eventID: eventId(0) })}\n${JSON.stringify(own)}\n`);
    const again = runCli(['remediate', '--events', more, ...common]);
    expect(again.status).toBe(0);
    expect(again.lines).toEqual([
      expect.objectContaining({ auditId: eventId(0), handling: 'duplicate', occurrences: OCCURRENCES }),
      expect.objectContaining({ auditId: eventId(OCCURRENCES), handling: 'recorded', outcome: 'ignored' }),
    ]);
  });
});
