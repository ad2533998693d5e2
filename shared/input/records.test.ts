import fc from 'fast-check';
import {
  describeLocation,
  type RawRecord,
  type RecordLocation,
  recordsFromLine,
  recordsFromText,
  recordsFromValue,
} from './records.ts';

function cloudTrailRecord(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    eventVersion: '1.10',
    userIdentity: { type: 'AssumedRole', arn: 'arn:aws:sts::111122223333:assumed-role/app-writer/session' },
    eventTime: '2026-11-20T09:15:42Z',
    eventSource: 'kms.amazonaws.com',
    eventName: 'GenerateDataKey',
    awsRegion: 'us-east-1',
    errorCode: 'AccessDenied',
    eventID: 'event-1',
    ...overrides,
  };
}

function eventBridgeEvent(
  detail: unknown,
  detailType: unknown = 'AWS API Call via CloudTrail',
): Record<string, unknown> {
  return { version: '0', id: 'eb-1', 'detail-type': detailType, source: 'aws.kms', detail };
}

/** A compact view of what came out: kind, where, event id, and for unreadable records the reason. */
function summary(records: RawRecord[]) {
  return records.map((r) =>
    r.kind === 'record'
      ? {
          kind: r.kind,
          at: describeLocation(r.location),
          eventId: r.record.eventID,
          enveloped: r.envelope !== null,
        }
      : { kind: r.kind, at: describeLocation(r.location), eventId: r.eventId, reason: r.reason },
  );
}

describe('recordsFromValue', () => {
  const file = 'events/in.json';
  const first = cloudTrailRecord({ eventID: 'e1' });
  const second = cloudTrailRecord({ eventID: 'e2', eventSource: 's3.amazonaws.com', eventName: 'PutObject' });

  const cases: { name: string; value: unknown; expected: ReturnType<typeof summary> }[] = [
    {
      name: 'an EventBridge event',
      value: eventBridgeEvent(first),
      expected: [{ kind: 'record', at: file, eventId: 'e1', enveloped: true }],
    },
    {
      name: 'an EventBridge event in the China partition spelling',
      value: eventBridgeEvent(first, 'Amazon API Call via CloudTrail'),
      expected: [{ kind: 'record', at: file, eventId: 'e1', enveloped: true }],
    },
    {
      name: 'an object whose detail is a CloudTrail record, whatever its detail-type',
      value: { detail: first },
      expected: [{ kind: 'record', at: file, eventId: 'e1', enveloped: true }],
    },
    {
      name: 'a bare CloudTrail record',
      value: first,
      expected: [{ kind: 'record', at: file, eventId: 'e1', enveloped: false }],
    },
    {
      name: 'an array of EventBridge events and bare records',
      value: [eventBridgeEvent(first), second],
      expected: [
        { kind: 'record', at: `${file} index 0`, eventId: 'e1', enveloped: true },
        { kind: 'record', at: `${file} index 1`, eventId: 'e2', enveloped: false },
      ],
    },
    {
      name: 'a trail log file',
      value: { Records: [first, second] },
      expected: [
        { kind: 'record', at: `${file} Records[0]`, eventId: 'e1', enveloped: false },
        { kind: 'record', at: `${file} Records[1]`, eventId: 'e2', enveloped: false },
      ],
    },
    {
      name: 'lookup-events output',
      value: {
        Events: [
          { EventId: 'e1', EventName: 'GenerateDataKey', CloudTrailEvent: JSON.stringify(first) },
          { EventId: 'e2', CloudTrailEvent: JSON.stringify(second) },
        ],
        NextToken: 'abc',
      },
      expected: [
        { kind: 'record', at: `${file} Events[0]`, eventId: 'e1', enveloped: false },
        { kind: 'record', at: `${file} Events[1]`, eventId: 'e2', enveloped: false },
      ],
    },
    {
      name: 'lookup-events output with CloudTrailEvent already parsed',
      value: { Events: [{ EventId: 'e1', CloudTrailEvent: first }] },
      expected: [{ kind: 'record', at: `${file} Events[0]`, eventId: 'e1', enveloped: false }],
    },
    { name: 'an empty array', value: [], expected: [] },
    { name: 'an empty trail log file', value: { Records: [] }, expected: [] },
    { name: 'empty lookup-events output', value: { Events: [] }, expected: [] },
    {
      name: 'lookup-events entries whose CloudTrailEvent is not JSON or is absent',
      value: {
        Events: [
          { EventId: 'e1', CloudTrailEvent: JSON.stringify(first) },
          { EventId: 'bad-1', CloudTrailEvent: '{"eventVersion": "1.10", "eventSo' },
          { EventId: 'bad-2' },
          'not an entry',
        ],
      },
      expected: [
        { kind: 'record', at: `${file} Events[0]`, eventId: 'e1', enveloped: false },
        {
          kind: 'unreadable',
          at: `${file} Events[1]`,
          eventId: 'bad-1',
          reason: expect.stringMatching(
            /^events\/in\.json Events\[1\]: CloudTrailEvent is not valid JSON \(.+\)$/,
          ),
        },
        {
          kind: 'unreadable',
          at: `${file} Events[2]`,
          eventId: 'bad-2',
          reason: `${file} Events[2]: lookup-events entry has no CloudTrailEvent string (it has none)`,
        },
        {
          kind: 'unreadable',
          at: `${file} Events[3]`,
          eventId: null,
          reason: `${file} Events[3]: not a lookup-events entry: found a string ("not an entry")`,
        },
      ],
    },
    {
      name: 'a record missing eventName',
      value: cloudTrailRecord({ eventID: 'e9', eventName: undefined }),
      expected: [
        {
          kind: 'unreadable',
          at: file,
          eventId: 'e9',
          reason: `${file}: not a readable CloudTrail event: eventName is missing`,
        },
      ],
    },
    {
      name: 'a record whose eventSource is not a string and eventName is empty',
      value: cloudTrailRecord({ eventID: 'e9', eventSource: 42, eventName: ' ' }),
      expected: [
        {
          kind: 'unreadable',
          at: file,
          eventId: 'e9',
          reason: `${file}: not a readable CloudTrail event: eventSource is not a string (found a number (42)), eventName is empty`,
        },
      ],
    },
    {
      name: 'an EventBridge event whose detail lacks eventSource, without any eventID',
      value: eventBridgeEvent({ eventVersion: '1.10', eventName: 'PutObject' }),
      expected: [
        {
          kind: 'unreadable',
          at: file,
          eventId: null,
          reason: `${file}: not a readable CloudTrail event: eventSource is missing`,
        },
      ],
    },
    {
      name: 'a CloudTrail EventBridge event without a detail object',
      value: eventBridgeEvent('oops'),
      expected: [
        {
          kind: 'unreadable',
          at: file,
          eventId: null,
          reason: `${file}: not a readable CloudTrail event: an EventBridge event of detail-type "AWS API Call via CloudTrail" whose detail is a string ("oops")`,
        },
      ],
    },
    {
      name: 'an EventBridge event that is not from CloudTrail',
      value: eventBridgeEvent({ bucket: { name: 'b' }, object: { key: 'k' } }, 'Object Created'),
      expected: [
        {
          kind: 'unreadable',
          at: file,
          eventId: null,
          reason: `${file}: not a CloudTrail event: an EventBridge event of detail-type "Object Created" whose detail is not a CloudTrail record`,
        },
      ],
    },
    {
      name: 'an object of another kind',
      value: { hello: 'world', n: 1 },
      expected: [
        {
          kind: 'unreadable',
          at: file,
          eventId: null,
          reason: `${file}: not a CloudTrail event: found an object with keys "hello", "n"`,
        },
      ],
    },
    {
      name: 'a number',
      value: 42,
      expected: [
        {
          kind: 'unreadable',
          at: file,
          eventId: null,
          reason: `${file}: not a CloudTrail event: found a number (42)`,
        },
      ],
    },
    {
      name: 'null',
      value: null,
      expected: [
        {
          kind: 'unreadable',
          at: file,
          eventId: null,
          reason: `${file}: not a CloudTrail event: found null`,
        },
      ],
    },
    {
      name: 'a trail log file whose Records is not a list',
      value: { Records: { a: 1 } },
      expected: [
        {
          kind: 'unreadable',
          at: file,
          eventId: null,
          reason: `${file}: not a CloudTrail log file: Records is an object with keys "a", not a list`,
        },
      ],
    },
    {
      name: 'an array mixing good and bad items, nested lists and containers included',
      value: [
        first,
        7,
        { eventID: 'e3', eventSource: 's3.amazonaws.com' },
        [second],
        { Records: [second] },
        second,
      ],
      expected: [
        { kind: 'record', at: `${file} index 0`, eventId: 'e1', enveloped: false },
        {
          kind: 'unreadable',
          at: `${file} index 1`,
          eventId: null,
          reason: `${file} index 1: not a CloudTrail event: found a number (7)`,
        },
        {
          kind: 'unreadable',
          at: `${file} index 2`,
          eventId: 'e3',
          reason: `${file} index 2: not a readable CloudTrail event: eventName is missing`,
        },
        {
          kind: 'unreadable',
          at: `${file} index 3`,
          eventId: null,
          reason: `${file} index 3: not a CloudTrail event: found a list of 1 items`,
        },
        {
          kind: 'unreadable',
          at: `${file} index 4`,
          eventId: null,
          reason: `${file} index 4: not a CloudTrail event: found a trail log file or lookup-events output inside a list, which is not read`,
        },
        { kind: 'record', at: `${file} index 5`, eventId: 'e2', enveloped: false },
      ],
    },
  ];

  it.each(cases)('reads $name', ({ value, expected }) => {
    expect(summary(recordsFromValue(value, { file }))).toEqual(expected);
  });

  it('hands over the CloudTrail record itself and the EventBridge envelope around it', () => {
    const envelope = eventBridgeEvent(first);
    const [read] = recordsFromValue(envelope, { file });
    expect(read).toEqual({ kind: 'record', location: { file }, record: first, envelope });
  });

  it('keeps the line of a JSON Lines container in the location of each record', () => {
    const records = recordsFromValue({ Records: [first, second] }, { file, line: 4 });
    expect(records.map((r) => r.location)).toEqual([
      { file, line: 4, index: 0, container: 'Records' },
      { file, line: 4, index: 1, container: 'Records' },
    ]);
  });
});

describe('recordsFromText', () => {
  const good = (id: string) => JSON.stringify(cloudTrailRecord({ eventID: id }));

  const cases: {
    name: string;
    file: string;
    jsonLines: boolean;
    text: string;
    expected: ReturnType<typeof summary>;
  }[] = [
    {
      name: 'a pretty-printed EventBridge event',
      file: 'a.json',
      jsonLines: false,
      text: JSON.stringify(eventBridgeEvent(cloudTrailRecord({ eventID: 'e1' })), null, 2),
      expected: [{ kind: 'record', at: 'a.json', eventId: 'e1', enveloped: true }],
    },
    {
      name: 'a .json file that is not valid JSON',
      file: 'dir/bad.json',
      jsonLines: false,
      text: '{"eventVersion": "1.10", "eventSource": "s3.amazonaws.com",',
      expected: [
        {
          kind: 'unreadable',
          at: 'dir/bad.json',
          eventId: null,
          reason: expect.stringMatching(/^dir\/bad\.json: not valid JSON \(.+\)$/),
        },
      ],
    },
    {
      name: 'an empty .json file',
      file: 'empty.json',
      jsonLines: false,
      text: '  \n',
      expected: [
        {
          kind: 'unreadable',
          at: 'empty.json',
          eventId: null,
          reason: 'empty.json: not valid JSON (the file is empty)',
        },
      ],
    },
    {
      name: 'a .json file holding JSON Lines',
      file: 'lines.json',
      jsonLines: false,
      text: `${good('e1')}\n\n${good('e2')}\n`,
      expected: [
        { kind: 'record', at: 'lines.json line 1', eventId: 'e1', enveloped: false },
        { kind: 'record', at: 'lines.json line 3', eventId: 'e2', enveloped: false },
      ],
    },
    {
      name: 'a .json file whose lines do not all parse, as one unreadable record',
      file: 'mixed.json',
      jsonLines: false,
      text: `${good('e1')}\nnot json\n`,
      expected: [
        {
          kind: 'unreadable',
          at: 'mixed.json',
          eventId: null,
          reason: expect.stringMatching(/^mixed\.json: not valid JSON/),
        },
      ],
    },
    {
      name: 'JSON Lines with a bad line, blank lines and CRLF endings',
      file: 'events/a.jsonl',
      jsonLines: true,
      text: `${good('e1')}\r\n\r\n{"eventVersion": \r\n   \r\n${good('e4')}`,
      expected: [
        { kind: 'record', at: 'events/a.jsonl line 1', eventId: 'e1', enveloped: false },
        {
          kind: 'unreadable',
          at: 'events/a.jsonl line 3',
          eventId: null,
          reason: expect.stringMatching(/^events\/a\.jsonl line 3: not valid JSON \(.+\)$/),
        },
        { kind: 'record', at: 'events/a.jsonl line 5', eventId: 'e4', enveloped: false },
      ],
    },
    {
      name: 'JSON Lines whose lines are containers',
      file: 'c.jsonl',
      jsonLines: true,
      text: [
        JSON.stringify({
          Records: [cloudTrailRecord({ eventID: 'e1' }), cloudTrailRecord({ eventID: 'e2' })],
        }),
        JSON.stringify({ Events: [{ CloudTrailEvent: good('e3') }] }),
        JSON.stringify([eventBridgeEvent(cloudTrailRecord({ eventID: 'e4' }))]),
        JSON.stringify({ Records: [] }),
      ].join('\n'),
      expected: [
        { kind: 'record', at: 'c.jsonl line 1 Records[0]', eventId: 'e1', enveloped: false },
        { kind: 'record', at: 'c.jsonl line 1 Records[1]', eventId: 'e2', enveloped: false },
        { kind: 'record', at: 'c.jsonl line 2 Events[0]', eventId: 'e3', enveloped: false },
        { kind: 'record', at: 'c.jsonl line 3 index 0', eventId: 'e4', enveloped: true },
      ],
    },
    {
      name: 'a pretty-printed object under a JSON Lines name, one unreadable record per line',
      file: 'p.jsonl',
      jsonLines: true,
      text: '{\n  "eventName": "x"\n}\n',
      expected: [
        {
          kind: 'unreadable',
          at: 'p.jsonl line 1',
          eventId: null,
          reason: expect.stringMatching(/^p\.jsonl line 1: /),
        },
        {
          kind: 'unreadable',
          at: 'p.jsonl line 2',
          eventId: null,
          reason: expect.stringMatching(/^p\.jsonl line 2: /),
        },
        {
          kind: 'unreadable',
          at: 'p.jsonl line 3',
          eventId: null,
          reason: expect.stringMatching(/^p\.jsonl line 3: /),
        },
      ],
    },
    {
      name: 'a file starting with a byte-order mark',
      file: 'bom.json',
      jsonLines: false,
      text: `\ufeff${good('e1')}`,
      expected: [{ kind: 'record', at: 'bom.json', eventId: 'e1', enveloped: false }],
    },
    { name: 'an empty JSON Lines file', file: 'e.jsonl', jsonLines: true, text: '', expected: [] },
  ];

  it.each(cases)('reads $name', ({ text, file, jsonLines, expected }) => {
    expect(summary(recordsFromText(text, file, { jsonLines }))).toEqual(expected);
  });

  it('keeps reasons on one line and bounded even for huge garbage', () => {
    const [only] = recordsFromText(`\u0000\n${'x'.repeat(100_000)}`, 'g.json', { jsonLines: false });
    expect(only?.kind).toBe('unreadable');
    if (only?.kind !== 'unreadable') return;
    expect(only.reason).not.toMatch(/[\n\r]/);
    expect(only.reason.length).toBeLessThan(400);
  });
});

describe('recordsFromLine', () => {
  it.each([
    { name: 'a blank line', line: '   ', kinds: [] },
    { name: 'a broken line', line: '{', kinds: ['unreadable'] },
    { name: 'a record', line: JSON.stringify(cloudTrailRecord()), kinds: ['record'] },
  ])('reads $name', ({ line, kinds }) => {
    const records = recordsFromLine(line, 'f.jsonl', 7);
    expect(records.map((r) => r.kind)).toEqual(kinds);
    expect(records.every((r) => r.location.line === 7)).toBe(true);
  });
});

describe('describeLocation', () => {
  it.each<[RecordLocation, string]>([
    [{ file: 'a.json' }, 'a.json'],
    [{ file: 'events/a.jsonl', line: 3 }, 'events/a.jsonl line 3'],
    [{ file: 'trail.json.gz', index: 2, container: 'Records' }, 'trail.json.gz Records[2]'],
    [{ file: 'lookup.json', index: 0, container: 'Events' }, 'lookup.json Events[0]'],
    [{ file: 'list.json', index: 5 }, 'list.json index 5'],
    [{ file: 'x.jsonl', line: 2, index: 1, container: 'Records' }, 'x.jsonl line 2 Records[1]'],
  ])('describes %j as %s', (location, text) => {
    expect(describeLocation(location)).toBe(text);
  });
});

describe('robustness', () => {
  /** Lines JSON Lines readers may legitimately skip: blank ones, and empty lists or containers. */
  function mayYieldNothing(line: string): boolean {
    if (line.trim() === '') return true;
    try {
      const value: unknown = JSON.parse(line);
      if (Array.isArray(value)) return value.length === 0;
      if (typeof value !== 'object' || value === null) return false;
      const object = value as Record<string, unknown>;
      if (
        'detail' in object ||
        'eventVersion' in object ||
        'eventSource' in object ||
        'eventName' in object
      ) {
        return false;
      }
      return (
        (Array.isArray(object.Records) && object.Records.length === 0) ||
        (!('Records' in object) && Array.isArray(object.Events) && object.Events.length === 0)
      );
    } catch {
      return false;
    }
  }

  function checkShape(records: RawRecord[], file: string): void {
    for (const r of records) {
      expect(r.location.file).toBe(file);
      if (r.kind === 'unreadable') {
        expect(r.reason.startsWith(`${describeLocation(r.location)}: `)).toBe(true);
        expect(r.eventId === null || typeof r.eventId === 'string').toBe(true);
      } else {
        expect(typeof r.record.eventSource).toBe('string');
        expect(typeof r.record.eventName).toBe('string');
      }
    }
  }

  const validTexts = [
    JSON.stringify(eventBridgeEvent(cloudTrailRecord())),
    JSON.stringify({ Records: [cloudTrailRecord(), cloudTrailRecord({ eventID: 'e2' })] }),
    JSON.stringify({ Events: [{ EventId: 'e1', CloudTrailEvent: JSON.stringify(cloudTrailRecord()) }] }),
    JSON.stringify([eventBridgeEvent(cloudTrailRecord()), cloudTrailRecord()]),
    JSON.stringify(cloudTrailRecord(), null, 2),
  ];
  const anyText = fc.oneof(
    fc.string({ unit: 'binary', maxLength: 200 }),
    fc.string({
      unit: fc.constantFrom('{', '}', '[', ']', '"', ':', ',', '\n', '\r', ' ', 'a', '1', '\\'),
      maxLength: 80,
    }),
    fc.json(),
    fc.array(fc.json(), { maxLength: 6 }).map((lines) => lines.join('\n')),
  );
  const truncatedEvents = fc
    .tuple(fc.constantFrom(...validTexts), fc.nat())
    .map(([text, cut]) => text.slice(0, cut % text.length));

  it('never throws and yields at least one record for each non-blank JSON Lines line', () => {
    fc.assert(
      fc.property(fc.oneof(anyText, truncatedEvents), (text) => {
        const records = recordsFromText(text, 'p.jsonl', { jsonLines: true });
        checkShape(records, 'p.jsonl');
        text.split('\n').forEach((raw, i) => {
          const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
          if (mayYieldNothing(line)) return;
          expect(records.some((r) => r.location.line === i + 1)).toBe(true);
        });
      }),
    );
  });

  it('never throws on a .json file and reads a truncated event as one unreadable record', () => {
    fc.assert(
      fc.property(anyText, (text) => {
        checkShape(recordsFromText(text, 'p.json', { jsonLines: false }), 'p.json');
      }),
    );
    fc.assert(
      fc.property(truncatedEvents, (text) => {
        const records = recordsFromText(text, 't.json', { jsonLines: false });
        checkShape(records, 't.json');
        expect(records).toHaveLength(1);
        expect(records[0]?.kind).toBe('unreadable');
      }),
    );
  });

  it('never throws on any JSON value or JavaScript value', () => {
    fc.assert(
      fc.property(fc.oneof(fc.jsonValue(), fc.anything()), (value) => {
        checkShape(recordsFromValue(value, { file: 'v.json' }), 'v.json');
      }),
    );
  });
});
