/**
 * Input bombs: small files that expand to a huge line, a huge list or a huge depth. Each must become an
 * `invalid-event` line naming the file and the limit it broke, the run must go on with the next record and
 * exit 1, never 70 (internal error) or 134 (out of heap), and memory must stay bounded. The hostile files
 * are generated at test time, streamed through gzip so that they never sit whole in this process either.
 */
import { createWriteStream, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { constants, createGzip } from 'node:zlib';
import { reportSchemaErrors } from '../support/reportSchema.ts';
import { type CliRun, ROOT, runCli } from '../support/runCli.ts';

const STATE = join(ROOT, 'examples/state.json');
const MIB = 1024 * 1024;
/** Twice what the CLI needs for these inputs (under 190 MiB), a quarter of what they took unbounded (1.3-5 GiB). */
const MAX_RSS_MIB = 400;

function exampleLine(name: string): string {
  return JSON.stringify(JSON.parse(readFileSync(join(ROOT, 'examples/events', name), 'utf8')));
}
const FIRST = exampleLine('01-kc000-putobject-missing-generatedatakey.json');
const FIRST_ID = 'a2eb33fd-3938-45db-abaa-15633f2f8108';
const SECOND = exampleLine('02-kc000-kms-record-of-the-same-upload.json');
const SECOND_ID = 'd4d35995-5431-452b-9940-0f97ca8b054e';

let dir: string;
let preload: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'ar-input-bombs-'));
  // Reports the child's peak resident set size on stderr, so a test can bound the memory a bomb costs.
  preload = join(dir, 'peak-rss.cjs');
  writeFileSync(
    preload,
    "process.on('exit', () => process.stderr.write('peak-rss-kib=' + process.resourceUsage().maxRSS + '\\n'));\n",
  );
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

/** `times` copies of `unit`, in blocks of about 1 MiB. */
function* repeated(unit: string, times: number): Generator<Buffer> {
  const perBlock = Math.max(1, Math.floor(MIB / unit.length));
  const block = Buffer.from(unit.repeat(perBlock));
  let left = times;
  for (; left >= perBlock; left -= perBlock) yield block;
  if (left > 0) yield Buffer.from(unit.repeat(left));
}

async function gzipFile(name: string, parts: Iterable<Buffer | string>): Promise<string> {
  const file = join(dir, name);
  const chunks = (function* () {
    for (const part of parts) yield typeof part === 'string' ? Buffer.from(part) : part;
  })();
  await pipeline(
    Readable.from(chunks),
    createGzip({ level: constants.Z_BEST_SPEED }),
    createWriteStream(file),
  );
  return file;
}

function plainFile(name: string, content: string): string {
  const file = join(dir, name);
  writeFileSync(file, content);
  return file;
}

/** The built CLI in a child process with a 512 MiB heap, and the peak RSS it reported. */
function analyze(files: string[]): CliRun & { peakRssMiB: number } {
  const run = runCli(['analyze', '--events', ...files, '--state', STATE, '--format', 'json'], {
    NODE_OPTIONS: `--max-old-space-size=512 --require ${preload}`,
  });
  const peak = /peak-rss-kib=(\d+)/.exec(run.stderr);
  return { ...run, peakRssMiB: peak ? Number(peak[1]) / 1024 : Number.NaN };
}

/** Exit 1, only report lines on stdout, each valid against the schema, and memory bounded. */
function expectFinishedRun(run: ReturnType<typeof analyze>): void {
  expect(run.stderr).not.toContain('internal error');
  expect(run.status).toBe(1);
  expect(run.stdout).toBe(run.lines.map((line) => `${JSON.stringify(line)}\n`).join(''));
  for (const line of run.lines) expect(reportSchemaErrors(line)).toEqual([]);
  expect(run.peakRssMiB).toBeLessThan(MAX_RSS_MIB);
}

function escaped(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** What the report says of each line: the event id and verdict, or for an invalid event its reason. */
function verdicts(run: CliRun): string[] {
  return run.lines.map((line) =>
    line.verdict === 'invalid-event'
      ? `invalid-event ${String(line.eventId)}: ${String(line.reason)}`
      : `${String(line.eventId)} ${String(line.verdict)}`,
  );
}

describe('input bombs', () => {
  it('a gzip file that expands to one 600 MB line is one invalid-event naming the 256 MiB file limit', async () => {
    const bomb = await gzipFile('one-line.json.gz', ['"', ...repeated('a', 600 * MIB), '"\n']);
    const lines = await gzipFile('one-line.jsonl.gz', [FIRST, '\n"', ...repeated('a', 600 * MIB), '"\n']);
    const after = plainFile('after.json', SECOND);
    const run = analyze([bomb, lines, after]);
    expectFinishedRun(run);
    const fileLimit = 'expands past the 256 MiB limit for one input file';
    expect(verdicts(run)).toEqual([
      expect.stringMatching(new RegExp(`^invalid-event null: ${escaped(bomb)}: ${fileLimit}`)),
      expect.stringMatching(new RegExp(`^invalid-event null: ${escaped(lines)}: ${fileLimit}`)),
      `${SECOND_ID} missing-allow`,
    ]);
  }, 60_000);

  it('a JSON array or trail log of tens of millions of items is one invalid-event naming the item limit', async () => {
    const items = 42_000_000;
    const array = await gzipFile('zeros.json.gz', ['[0', ...repeated(',0', items - 1), ']']);
    const trail = await gzipFile('records.json.gz', ['{"Records":[{}', ...repeated(',{}', items - 1), ']}']);
    // Small enough to be parsed whole, yet two million items: the limit holds there too.
    const small = plainFile('small.json', `[0${',0'.repeat(1_999_999)}]`);
    const after = plainFile('after.json', FIRST);
    const run = analyze([array, trail, small, after]);
    expectFinishedRun(run);
    const itemLimit = (count: string) =>
      `holds ${count} records, over the 1,000,000 limit for one input file`;
    expect(verdicts(run)).toEqual([
      expect.stringMatching(new RegExp(`^invalid-event null: ${escaped(array)}: ${itemLimit('42,000,000')}`)),
      expect.stringMatching(new RegExp(`^invalid-event null: ${escaped(trail)}: ${itemLimit('42,000,000')}`)),
      expect.stringMatching(new RegExp(`^invalid-event null: ${escaped(small)}: ${itemLimit('2,000,000')}`)),
      `${FIRST_ID} missing-allow`,
    ]);
  }, 60_000);

  it('a .jsonl line over the 8 MiB record limit is one invalid-event; the lines around it keep theirs, in order', async () => {
    // A readable CloudTrail record, padded past the limit: without the limit it would be analysed.
    const event = JSON.parse(FIRST) as { detail: Record<string, unknown> };
    event.detail.requestParameters = { padding: 'p'.repeat(9 * MIB) };
    const file = plainFile('oversized-line.jsonl', [FIRST, JSON.stringify(event), SECOND, ''].join('\n'));
    const gzipped = await gzipFile('oversized-line.jsonl.gz', [readFileSync(file)]);
    const run = analyze([file, gzipped]);
    expectFinishedRun(run);
    const recordLimit = (where: string) =>
      new RegExp(
        `^invalid-event null: ${escaped(where)} line 2: is 9\\.0 MiB, over the 8 MiB limit for one record`,
      );
    expect(verdicts(run)).toEqual([
      `${FIRST_ID} missing-allow`,
      expect.stringMatching(recordLimit(file)),
      `${SECOND_ID} missing-allow`,
      `${FIRST_ID} missing-allow`,
      expect.stringMatching(recordLimit(gzipped)),
      `${SECOND_ID} missing-allow`,
    ]);
  }, 60_000);

  it('deeply nested JSON, closed or not, whole file or one line, neither overflows the stack nor the heap', async () => {
    const depth = 50_000_000;
    const closed = await gzipFile('deep.json.gz', [...repeated('[', depth), ...repeated(']', depth)]);
    const open = await gzipFile('deep-open.json.gz', [...repeated('[', depth)]);
    const million = 1_000_000;
    const lines = plainFile(
      'nested.jsonl',
      [FIRST, '['.repeat(million), `${'['.repeat(million)}${']'.repeat(million)}`, SECOND, ''].join('\n'),
    );
    const run = analyze([closed, open, lines]);
    expectFinishedRun(run);
    expect(verdicts(run)).toEqual([
      expect.stringMatching(
        new RegExp(`^invalid-event null: ${escaped(closed)} index 0: is 95\\.4 MiB, over the 8 MiB limit`),
      ),
      expect.stringMatching(new RegExp(`^invalid-event null: ${escaped(open)}: not valid JSON \\(.+\\)$`)),
      `${FIRST_ID} missing-allow`,
      expect.stringMatching(new RegExp(`^invalid-event null: ${escaped(lines)} line 2: not valid JSON`)),
      `invalid-event null: ${lines} line 3 index 0: not a CloudTrail event: found a list of 1 items`,
      `${SECOND_ID} missing-allow`,
    ]);
  }, 60_000);
});
