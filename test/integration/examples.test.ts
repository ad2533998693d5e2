import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type ReportLine, VERDICTS } from '../../shared/report/types.ts';
import { type ExpectedReport, reportDifferences } from '../support/expectReport.ts';
import { reportSchemaErrors } from '../support/reportSchema.ts';
import { ROOT, runCli } from '../support/runCli.ts';

/** The embedded example, run as the README's Quick start runs it, checked event by event. */
const expected = JSON.parse(readFileSync(join(ROOT, 'examples/expected.json'), 'utf8')) as Record<
  string,
  ExpectedReport
>;
const eventDirs = ['examples/events', 'examples/bad-input'].filter((dir) => existsSync(join(ROOT, dir)));
const run = runCli([
  'analyze',
  '--events',
  ...eventDirs.map((dir) => join(ROOT, dir)),
  '--state',
  join(ROOT, 'examples/state.json'),
]);
const lines = run.lines as unknown as ReportLine[];

/** An expectation key is an eventID, or "file:line" for a record without one. */
function lineFor(key: string): ReportLine | undefined {
  const byId = lines.find((line) => line.eventId === key);
  if (byId) return byId;
  const located = /^(.+):(\d+)$/.exec(key);
  if (!located) return undefined;
  return lines.find(
    (line) => line.eventId === null && line.reason.includes(`${located[1]} line ${located[2]}`),
  );
}

describe('the embedded example', () => {
  it('analyses every record with schema-valid lines', () => {
    expect(run.stderr).toBe('');
    expect(lines.length).toBe(Object.keys(expected).length);
    for (const line of lines) expect(reportSchemaErrors(line)).toEqual([]);
  });

  it('covers every verdict of the contract', () => {
    const verdicts = new Set(lines.map((line) => line.verdict));
    for (const verdict of VERDICTS) {
      expect(verdicts).toContain(verdict);
    }
  });

  it('runs the Quick start events without unreadable records (exit 0)', () => {
    const quick = runCli([
      'analyze',
      '--events',
      join(ROOT, 'examples/events'),
      '--state',
      join(ROOT, 'examples/state.json'),
      '--format',
      'text',
    ]);
    expect(quick.stderr).toBe('');
    expect(quick.status).toBe(0);
    expect(quick.stdout).toContain('events analysed');
  });

  it.each(Object.keys(expected))('%s', (key) => {
    const line = lineFor(key);
    expect(line).toBeDefined();
    const differences = reportDifferences(line!, expected[key]!);
    expect({ reason: line!.reason, differences }).toEqual({ reason: line!.reason, differences: [] });
  });
});
