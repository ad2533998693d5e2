import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { DEFAULT_LIMITS, type InputLimits } from './limits.ts';
import { EventInputError, listEventFiles, readEventInputs } from './readEventFiles.ts';
import { describeLocation, type RawRecord } from './records.ts';

function cloudTrailRecord(eventID: string): Record<string, unknown> {
  return { eventVersion: '1.10', eventSource: 's3.amazonaws.com', eventName: 'PutObject', eventID };
}

async function readAll(paths: string[], limits?: InputLimits): Promise<RawRecord[]> {
  const records: RawRecord[] = [];
  for await (const record of readEventInputs(paths, limits)) records.push(record);
  return records;
}

/** Where each record came from (relative to the temp dir) and its event id or its reason. */
function summary(records: RawRecord[], root: string): string[] {
  return records.map((r) => {
    const at = describeLocation({ ...r.location, file: path.relative(root, r.location.file) });
    return r.kind === 'record' ? `${at} ${String(r.record.eventID)}` : `${at} unreadable`;
  });
}

let root: string;

beforeEach(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'event-inputs-'));
});

afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

async function put(relative: string, content: string | Buffer): Promise<string> {
  const file = path.join(root, relative);
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, content);
  return file;
}

describe('readEventInputs', () => {
  it('reads a gzipped trail log file, and gzip detected by its bytes whatever the name', async () => {
    const log = JSON.stringify({ Records: [cloudTrailRecord('e1'), cloudTrailRecord('e2')] });
    const gz = await put('trail.json.gz', gzipSync(log));
    const disguised = await put('trail-copy.json', gzipSync(log));
    const lines = await put('lines.jsonl.gz', gzipSync(`${JSON.stringify(cloudTrailRecord('e3'))}\nnope\n`));
    expect(summary(await readAll([gz, disguised, lines]), root)).toEqual([
      'trail.json.gz Records[0] e1',
      'trail.json.gz Records[1] e2',
      'trail-copy.json Records[0] e1',
      'trail-copy.json Records[1] e2',
      'lines.jsonl.gz line 1 e3',
      'lines.jsonl.gz line 2 unreadable',
    ]);
  });

  it('reads a gzip file that does not decompress as one unreadable record', async () => {
    const whole = gzipSync(JSON.stringify({ Records: [cloudTrailRecord('e1')] }));
    const truncated = await put('cut.json.gz', whole.subarray(0, whole.length - 12));
    const records = await readAll([truncated]);
    expect(records).toEqual([
      {
        kind: 'unreadable',
        location: { file: truncated },
        reason: expect.stringMatching(/cut\.json\.gz: could not be decompressed as gzip \(.+\)$/),
        eventId: null,
      },
    ]);
  });

  it('expands directories recursively in code-unit order of the whole relative path', async () => {
    const names = [
      'b.json',
      'a/z.json',
      'a.json',
      'a-b.json',
      'A.json',
      'a/b/c.ndjson',
      'x/y.jsonl',
      'Z/q.gz',
    ];
    for (const [i, name] of names.entries()) {
      await put(`events/${name}`, `${JSON.stringify(cloudTrailRecord(`e${i}`))}\n`);
    }
    expect(summary(await readAll([path.join(root, 'events')]), root)).toEqual([
      'events/A.json e4',
      'events/Z/q.gz e7',
      'events/a-b.json e3',
      'events/a.json e2',
      'events/a/b/c.ndjson line 1 e5',
      'events/a/z.json e1',
      'events/b.json e0',
      'events/x/y.jsonl line 1 e6',
    ]);
  });

  it('skips hidden files, hidden directories and other extensions in a directory, not when named', async () => {
    await put('events/kept.json', JSON.stringify(cloudTrailRecord('kept')));
    await put('events/.hidden.json', JSON.stringify(cloudTrailRecord('hidden')));
    await put('events/.cache/inner.json', JSON.stringify(cloudTrailRecord('hidden-dir')));
    const notes = await put('events/notes.txt', JSON.stringify(cloudTrailRecord('notes')));
    expect(summary(await readAll([path.join(root, 'events')]), root)).toEqual(['events/kept.json kept']);
    expect(summary(await readAll([notes, path.join(root, 'events', '.hidden.json')]), root)).toEqual([
      'events/notes.txt notes',
      'events/.hidden.json hidden',
    ]);
  });

  it('follows a directory link cycle once', async () => {
    await put('events/sub/a.json', JSON.stringify(cloudTrailRecord('a')));
    await symlink(path.join(root, 'events'), path.join(root, 'events', 'sub', 'loop'), 'dir');
    expect(summary(await readAll([path.join(root, 'events')]), root)).toEqual(['events/sub/a.json a']);
  });

  it('keeps the order of the paths given, and names files as given', async () => {
    const second = await put('2.json', JSON.stringify(cloudTrailRecord('two')));
    const first = await put('1.json', JSON.stringify(cloudTrailRecord('one')));
    const records = await readAll([second, first]);
    expect(records.map((r) => r.location.file)).toEqual([second, first]);
  });

  it('throws EventInputError for a missing path before yielding anything', async () => {
    const good = await put('good.json', JSON.stringify(cloudTrailRecord('e1')));
    const missing = path.join(root, 'nope', 'missing.json');
    const seen: RawRecord[] = [];
    const reading = (async () => {
      for await (const record of readEventInputs([good, missing])) seen.push(record);
    })();
    await expect(reading).rejects.toThrow(EventInputError);
    await expect(listEventFiles([missing])).rejects.toThrow(`events path ${missing} does not exist`);
    expect(seen).toEqual([]);
  });

  it('throws EventInputError with the cause for a dangling link a directory would have read', async () => {
    await mkdir(path.join(root, 'events'));
    await symlink(path.join(root, 'gone.json'), path.join(root, 'events', 'link.json'));
    const error = await listEventFiles([path.join(root, 'events')]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EventInputError);
    expect((error as Error).message).toContain('link.json does not exist');
    expect((error as Error).cause).toMatchObject({ code: 'ENOENT' });
  });

  it('reads a bad .json file as one unreadable record and goes on', async () => {
    const bad = await put('bad.json', '{"eventVersion": "1.10", ');
    const good = await put('good.json', JSON.stringify(cloudTrailRecord('e1')));
    expect(summary(await readAll([bad, good]), root)).toEqual(['bad.json unreadable', 'good.json e1']);
  });

  it('decodes UTF-8 with a byte-order mark and UTF-16 with one', async () => {
    const text = JSON.stringify(cloudTrailRecord('e1'));
    const utf8 = await put('utf8.json', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text)]));
    const utf8Lines = await put(
      'utf8.jsonl',
      Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text)]),
    );
    const utf16 = await put(
      'utf16.json',
      Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]),
    );
    expect(summary(await readAll([utf8, utf8Lines, utf16]), root)).toEqual([
      'utf8.json e1',
      'utf8.jsonl line 1 e1',
      'utf16.json e1',
    ]);
  });

  it('reads a 10,000-line JSON Lines file quickly', async () => {
    const lines = Array.from({ length: 10_000 }, (_, i) => JSON.stringify(cloudTrailRecord(`e${i}`)));
    const file = await put('big.jsonl', `${lines.join('\r\n')}\r\n`);
    const started = performance.now();
    const records = await readAll([file]);
    expect(records).toHaveLength(10_000);
    expect(records.every((r) => r.kind === 'record')).toBe(true);
    expect(records[9_999]?.location).toEqual({ file, line: 10_000 });
    expect(performance.now() - started).toBeLessThan(3_000);
  });
});

describe('readEventInputs within limits', () => {
  const tight = (overrides: Partial<InputLimits>): InputLimits => ({ ...DEFAULT_LIMITS, ...overrides });
  const envelope = (eventID: string) => ({
    version: '0',
    'detail-type': 'AWS API Call via CloudTrail',
    detail: cloudTrailRecord(eventID),
  });

  it('reads a document larger than one record item by item, exactly as it reads it whole', async () => {
    const records = [1, 2, 3, 4, 5].map((i) => cloudTrailRecord(`e${i}`));
    const lookup = records.map((r) => ({ EventId: r.eventID, CloudTrailEvent: JSON.stringify(r) }));
    const lines = records.map((r) => JSON.stringify(r)).join('\n');
    const files = [
      await put('array.json', JSON.stringify([envelope('a1'), 7, cloudTrailRecord('a2'), { Records: [] }])),
      await put('trail.json', JSON.stringify({ Records: [...records, 'not one', { eventName: 'x' }] })),
      await put('trail.json.gz', gzipSync(JSON.stringify({ Records: records }, null, 2))),
      await put(
        'lookup.json',
        JSON.stringify({ Events: [...lookup, { EventId: 'x', CloudTrailEvent: '{' }] }),
      ),
      await put(
        'twice.json',
        `{"Records":[1],"R\\u0065cords":${JSON.stringify(records)},"note":"${'n'.repeat(300)}"}`,
      ),
      await put('not-a-list.json', JSON.stringify({ Records: { a: 1 }, Events: [], pad: 'p'.repeat(400) })),
      await put('lines.json', `${lines}\n\n`),
      await put('bad.json', `${JSON.stringify(records)}]`),
      await put('blank.json', ' '.repeat(400)),
      await put(
        'utf16.json',
        Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(JSON.stringify(records), 'utf16le')]),
      ),
      await put(
        'bom.json',
        Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(JSON.stringify(records))]),
      ),
    ];
    const whole = await readAll(files);
    const cut = await readAll(files, tight({ maxRecordBytes: 300 }));
    const reasons = (list: RawRecord[]) => list.map((r) => (r.kind === 'unreadable' ? r.reason : ''));
    // Where a large file says why it is not JSON, the scanner's words replace JSON.parse's.
    const bad = path.join(root, 'bad.json');
    expect(reasons(cut)).toContain(
      `${bad}: not valid JSON (unexpected "]" after the JSON value at byte ${JSON.stringify(records).length})`,
    );
    const same = (list: RawRecord[]) => list.filter((r) => r.location.file !== bad);
    expect(same(cut)).toEqual(same(whole));
    expect(summary(whole, root).length).toBeGreaterThan(30);
  });

  it('reads a record over the limit as one unreadable record that names the limit, and goes on', async () => {
    const big = cloudTrailRecord('big');
    big.requestParameters = { padding: 'p'.repeat(400) };
    const bare = await put('bare.json', JSON.stringify(big));
    const list = await put(
      'list.json',
      JSON.stringify({ Records: [cloudTrailRecord('e1'), big, cloudTrailRecord('e2')] }),
    );
    const lines = await put(
      'lines.jsonl',
      [cloudTrailRecord('e3'), big, cloudTrailRecord('e4')].map((r) => JSON.stringify(r)).join('\r\n'),
    );
    const records = await readAll([bare, list, lines], tight({ maxRecordBytes: 300 }));
    const size = JSON.stringify(big).length;
    expect(summary(records, root)).toEqual([
      'bare.json unreadable',
      'list.json Records[0] e1',
      'list.json Records[1] unreadable',
      'list.json Records[2] e2',
      'lines.jsonl line 1 e3',
      'lines.jsonl line 2 unreadable',
      'lines.jsonl line 3 e4',
    ]);
    const reasons = records.flatMap((r) => (r.kind === 'unreadable' ? [r.reason] : []));
    expect(reasons).toEqual([
      `${bare}: is ${size} bytes, over the 300 bytes limit for one record`,
      `${list} Records[1]: is ${size} bytes, over the 300 bytes limit for one record`,
      `${lines} line 2: is ${size + 1} bytes, over the 300 bytes limit for one record`,
    ]);
  });

  it('reads a file of more records than the limit as one unreadable record, however it holds them', async () => {
    const four = [1, 2, 3, 4].map((i) => cloudTrailRecord(`e${i}`));
    const files = [
      await put('small.json', JSON.stringify(four)),
      await put('large.json', JSON.stringify({ Records: four })),
      await put('lines.json', four.map((r) => JSON.stringify(r)).join('\n')),
      await put('four.jsonl', four.map((r) => JSON.stringify(r)).join('\n')),
    ];
    const records = await readAll(files, tight({ maxRecords: 3, maxRecordBytes: 300 }));
    expect(records.map((r) => (r.kind === 'unreadable' ? r.reason : r.kind))).toEqual(
      files.map((file) => `${file}: holds 4 records, over the 3 limit for one input file; it is not read`),
    );
  });

  it('stops a JSON Lines file at the line whose list takes it over the record limit', async () => {
    const file = await put(
      'lists.jsonl',
      [
        [cloudTrailRecord('e1'), cloudTrailRecord('e2')],
        [cloudTrailRecord('e3'), cloudTrailRecord('e4')],
        cloudTrailRecord('e5'),
      ]
        .map((line) => JSON.stringify(line))
        .join('\n'),
    );
    const records = await readAll([file], tight({ maxRecords: 3 }));
    expect(summary(records, root)).toEqual([
      'lists.jsonl line 1 index 0 e1',
      'lists.jsonl line 1 index 1 e2',
      'lists.jsonl line 2 unreadable',
    ]);
    expect(records[2]).toMatchObject({
      reason: expect.stringContaining('over the 3 limit of records for one input file'),
    });
  });

  it('reads a gzip or JSON file past the size limit as one unreadable record; a plain JSON Lines file has none', async () => {
    const lines = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]
      .map((i) => JSON.stringify(cloudTrailRecord(`e${i}`)))
      .join('\n');
    const plainLines = await put('plain.jsonl', lines);
    const gzipLines = await put('zipped.jsonl.gz', gzipSync(lines));
    const json = await put(
      'big.json',
      JSON.stringify({ Records: lines.split('\n').map((l) => JSON.parse(l)) }),
    );
    const records = await readAll([plainLines, gzipLines, json], tight({ maxFileBytes: 512 }));
    expect(records).toHaveLength(12);
    expect(records.slice(0, 10).every((r) => r.kind === 'record')).toBe(true);
    expect(records.slice(10).map((r) => (r.kind === 'unreadable' ? r.reason : r.kind))).toEqual([
      `${gzipLines}: expands past the 512 bytes limit for one input file; it is not read`,
      `${json}: is larger than the 512 bytes limit for one input file; it is not read`,
    ]);
  });

  it('reads a corrupt gzip JSON Lines file as one unreadable record, before any of its lines', async () => {
    const whole = gzipSync(
      `${[1, 2, 3].map((i) => JSON.stringify(cloudTrailRecord(`e${i}`))).join('\n')}\n${'x'.repeat(100_000)}`,
    );
    const file = await put('cut.jsonl.gz', whole.subarray(0, whole.length - 12));
    expect(await readAll([file])).toEqual([
      {
        kind: 'unreadable',
        location: { file },
        reason: expect.stringMatching(/cut\.jsonl\.gz: could not be decompressed as gzip \(.+\)$/),
        eventId: null,
      },
    ]);
  });

  it('reads a FIFO, gzip or not', async () => {
    const fifo = path.join(root, 'pipe.json');
    execFileSync('mkfifo', [fifo]);
    const writing = writeFile(fifo, gzipSync(JSON.stringify({ Records: [cloudTrailRecord('f1')] })));
    const records = await readAll([fifo]);
    await writing;
    expect(summary(records, root)).toEqual(['pipe.json Records[0] f1']);
  });
});
