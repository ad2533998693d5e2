import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { reportSchemaErrors } from '../support/reportSchema.ts';
import { ROOT, runCli } from '../support/runCli.ts';

const exampleEvent = JSON.parse(readFileSync(join(ROOT, 'contract/examples/event.json'), 'utf8'));
const statePath = join(ROOT, 'contract/examples/state.json');
const record = exampleEvent.detail as Record<string, unknown>;
const withId = (id: string) => ({ ...record, eventID: id });
const envelope = (id: string) => ({ ...exampleEvent, detail: withId(id) });

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'ar-cli-'));
}

describe('analyze accepts every input shape of the contract', () => {
  const dir = tempDir();
  const shapes: [string, string | Buffer, string[]][] = [
    ['envelope.json', JSON.stringify(envelope('e-1')), ['e-1']],
    ['array.json', JSON.stringify([envelope('a-1'), envelope('a-2')]), ['a-1', 'a-2']],
    ['bare.json', JSON.stringify(withId('b-1')), ['b-1']],
    ['trail.json', JSON.stringify({ Records: [withId('t-1'), withId('t-2')] }), ['t-1', 't-2']],
    ['trail.json.gz', gzipSync(JSON.stringify({ Records: [withId('g-1')] })), ['g-1']],
    [
      'lookup.json',
      JSON.stringify({ Events: [{ EventId: 'l-1', CloudTrailEvent: JSON.stringify(withId('l-1')) }] }),
      ['l-1'],
    ],
    ['lines.jsonl', `${JSON.stringify(envelope('j-1'))}\n${JSON.stringify(withId('j-2'))}\n`, ['j-1', 'j-2']],
  ];
  for (const [name, content] of shapes) writeFileSync(join(dir, name), content);

  it.each(shapes)('%s', (name, _content, ids) => {
    const run = runCli(['analyze', '--events', join(dir, name), '--state', statePath, '--format', 'json']);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.lines.map((line) => line.eventId)).toEqual(ids);
    for (const line of run.lines) {
      expect(reportSchemaErrors(line)).toEqual([]);
      expect(line.verdict).toBe('missing-allow');
    }
  });

  it('reads a directory recursively in sorted path order, and several paths after one --events', () => {
    const nested = tempDir();
    mkdirSync(join(nested, 'b'));
    writeFileSync(join(nested, 'b', 'x.json'), JSON.stringify(envelope('2')));
    writeFileSync(join(nested, 'a.json'), JSON.stringify(envelope('1')));
    writeFileSync(join(nested, 'notes.txt'), 'not an event');
    const single = join(dir, 'bare.json');
    const run = runCli(['analyze', '--events', nested, single, '--state', statePath]);
    expect(run.status).toBe(0);
    expect(run.lines.map((line) => line.eventId)).toEqual(['1', '2', 'b-1']);
  });
});

describe('bad input', () => {
  it('gives an unreadable record its invalid-event line, goes on, and exits 1', () => {
    const dir = tempDir();
    const file = join(dir, 'mixed.jsonl');
    writeFileSync(
      file,
      `${JSON.stringify(envelope('ok-1'))}\n{"truncated": \n${JSON.stringify(withId('ok-2'))}\n`,
    );
    const run = runCli(['analyze', '--events', file, '--state', statePath]);
    expect(run.status).toBe(1);
    expect(run.lines.map((line) => line.verdict)).toEqual([
      'missing-allow',
      'invalid-event',
      'missing-allow',
    ]);
    const invalid = run.lines[1]!;
    expect(invalid.eventId).toBeNull();
    expect(invalid.decision).toBe('ignore');
    expect(String(invalid.reason)).toContain('mixed.jsonl line 2');
    expect(reportSchemaErrors(invalid)).toEqual([]);
  });

  it('treats a .json file that is not JSON as one invalid record', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'broken.json'), '{"eventVersion": "1.10", "eventSource": ');
    const run = runCli(['analyze', '--events', join(dir, 'broken.json'), '--state', statePath]);
    expect(run.status).toBe(1);
    expect(run.lines).toHaveLength(1);
    expect(run.lines[0]!.verdict).toBe('invalid-event');
    expect(String(run.lines[0]!.reason)).toContain('broken.json');
  });

  it('exits 2 with nothing on stdout for a path that does not exist', () => {
    const run = runCli(['analyze', '--events', '/nonexistent/events.json', '--state', statePath]);
    expect(run.status).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain('/nonexistent/events.json');
  });

  it.each([
    ['not JSON', '{ nope', 'not valid JSON'],
    ['wrong version', JSON.stringify({ version: 2, accounts: { '111122223333': {} } }), 'version'],
    ['no accounts', JSON.stringify({ version: 1, accounts: {} }), 'accounts'],
    [
      'a policy that is not JSON',
      JSON.stringify({
        version: 1,
        accounts: {
          '111122223333': { s3: [{ name: 'bucket-a', region: 'us-east-1', policy: '%7Bbroken' }] },
        },
      }),
      'accounts.111122223333.s3[0].policy',
    ],
  ])('exits 2 naming the snapshot and the problem: %s', (_name, content, problem) => {
    const dir = tempDir();
    const bad = join(dir, 'state.json');
    writeFileSync(bad, content);
    const run = runCli(['analyze', '--events', join(ROOT, 'contract/examples/event.json'), '--state', bad]);
    expect(run.status).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain(bad);
    expect(run.stderr).toContain(problem);
  });

  it('exits 2 on a usage error', () => {
    const run = runCli(['analyze', '--state', statePath]);
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('--events');
  });
});

describe('text format', () => {
  it('shows a block per event with the patch as a diff and a summary', () => {
    const run = runCli([
      'analyze',
      '--events',
      join(ROOT, 'contract/examples/event.json'),
      '--state',
      statePath,
      '--format',
      'text',
    ]);
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('MISSING-ALLOW');
    expect(run.stdout).toContain('+      "Action": "kms:GenerateDataKey",');
    expect(run.stdout).toContain('1 event analysed');
    expect(run.stdout).not.toContain('\u001b[');
  });
});
