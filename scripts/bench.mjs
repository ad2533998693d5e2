// Measures `analyze` on the embedded example and on a generated run of 10,000 events: wall time and peak memory.
// Usage: npm run bench [-- <events>]. Figures go to stdout as a small table; nothing here is a test.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..');
const cli = join(root, 'dist/cli.js');
const count = Number(process.argv[2] ?? 10_000);

function eventFiles(dir) {
  return readdirSync(dir)
    .sort()
    .flatMap((name) => {
      const path = join(dir, name);
      return statSync(path).isDirectory() ? eventFiles(path) : [path];
    });
}

/** Every readable record of the example, as bare CloudTrail records, to vary into a large run. */
function exampleRecords() {
  const run = spawnSync(
    process.execPath,
    [
      cli,
      'analyze',
      '--events',
      join(root, 'examples/events'),
      '--state',
      join(root, 'examples/state.json'),
      '--format',
      'json',
    ],
    { encoding: 'utf8' },
  );
  const ids = new Set(
    run.stdout
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l))
      .filter((l) => l.verdict !== 'invalid-event')
      .map((l) => l.eventId),
  );
  const records = [];
  const collect = (value) => {
    if (Array.isArray(value)) for (const v of value) collect(v);
    else if (value && typeof value === 'object') {
      if (value.detail?.eventID) collect(value.detail);
      else if (value.Records) collect(value.Records);
      else if (value.Events) for (const e of value.Events) collect(JSON.parse(e.CloudTrailEvent));
      else if (value.eventID && ids.has(value.eventID)) records.push(value);
    }
  };
  for (const file of eventFiles(join(root, 'examples/events'))) {
    if (!file.endsWith('.json') && !file.endsWith('.jsonl')) continue;
    const text = readFileSync(file, 'utf8');
    for (const chunk of file.endsWith('.jsonl') ? text.split('\n') : [text]) {
      try {
        collect(JSON.parse(chunk));
      } catch {
        // broken lines are part of the example on purpose
      }
    }
  }
  return records;
}

function measure(label, args) {
  const started = process.hrtime.bigint();
  const run = spawnSync('/usr/bin/time', ['-f', '%M', process.execPath, cli, ...args], {
    encoding: 'utf8',
    maxBuffer: 1 << 30,
  });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const lines = run.stdout.split('\n').filter(Boolean).length;
  const peakKb = Number(run.stderr.trim().split('\n').pop());
  return {
    label,
    events: lines,
    seconds: seconds.toFixed(2),
    eventsPerSecond: Math.round(lines / seconds),
    peakMiB: (peakKb / 1024).toFixed(0),
  };
}

const records = exampleRecords();
const dir = mkdtempSync(join(tmpdir(), 'ar-bench-'));
const big = join(dir, `events-${count}.jsonl`);
const lines = [];
for (let i = 0; i < count; i++) {
  const base = records[i % records.length];
  const record = structuredClone(base);
  record.eventID = `bench-${i}`;
  const params = record.requestParameters;
  // Vary object keys so that not every event is the same request.
  if (params && typeof params.key === 'string') params.key = params.key.replace(/([^/]*)$/, `${i % 97}-$1`);
  lines.push(JSON.stringify(record));
}
writeFileSync(big, `${lines.join('\n')}\n`);

const state = join(root, 'examples/state.json');
const results = [
  measure('examples/', [
    'analyze',
    '--events',
    join(root, 'examples/events'),
    '--state',
    state,
    '--format',
    'json',
  ]),
  measure(`${count} events`, ['analyze', '--events', big, '--state', state, '--format', 'json']),
];
console.table(results);
