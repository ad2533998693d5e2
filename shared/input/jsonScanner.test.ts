import fc from 'fast-check';
import { isJsonValue, JsonScanner, MAX_KEY_BYTES } from './jsonScanner.ts';

/** Feeds the text in pieces cut at the given points, and records every event. */
function scan(text: string | Buffer, cuts: number[] = []) {
  const bytes = typeof text === 'string' ? Buffer.from(text) : text;
  const events: string[] = [];
  const scanner = new JsonScanner({
    valueStart: (depth, offset, first) =>
      events.push(`start ${depth} ${offset} ${String.fromCharCode(first)}`),
    valueEnd: (depth, offset) => events.push(`end ${depth} ${offset}`),
    rootKey: (raw) => events.push(`key ${raw === null ? null : raw.toString()}`),
  });
  let from = 0;
  for (const cut of [...cuts.map((c) => c % (bytes.length + 1))].sort((a, b) => a - b)) {
    scanner.feed(bytes.subarray(from, cut));
    from = cut;
  }
  scanner.feed(bytes.subarray(from));
  const ok = scanner.end();
  return { ok, error: scanner.error, events };
}

function parses(text: string): boolean {
  try {
    JSON.parse(new TextDecoder().decode(Buffer.from(text)));
    return true;
  } catch {
    return false;
  }
}

describe('JsonScanner', () => {
  const jsonish = fc.string({
    unit: fc.constantFrom(...'{}[]":,\n\r\t 0123456789.eE+-truefalsn\\u/abcAF\u00e9\u0001'.split('')),
    maxLength: 40,
  });

  it('accepts exactly what JSON.parse accepts, however the text is cut into chunks', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.json(),
          jsonish,
          fc.json().map((json) => json.slice(0, -1)),
          fc.string({ unit: 'binary' }),
        ),
        fc.array(fc.nat(), { maxLength: 4 }),
        (text, cuts) => {
          const { ok, error } = scan(text, cuts);
          expect(ok).toBe(parses(text));
          expect(error === null).toBe(ok);
        },
      ),
      { numRuns: 1500 },
    );
  });

  it.each([
    ['1', true],
    ['-0.5e+3', true],
    ['01', false],
    ['1.', false],
    ['-', false],
    ['1e', false],
    ['"\\u00e9\\n"', true],
    ['"\\x"', false],
    ['"a\u0001"', false],
    ['[1,]', false],
    ['{"a":1,}', false],
    ['{"a" 1}', false],
    ['[1 2]', false],
    ['[}', false],
    ['nul', false],
    ['truex', false],
    ['', false],
    ['   ', false],
    ['\ufeff{}', true],
    ['{} {}', false],
  ])('scans %j as JSON: %s', (text, valid) => {
    expect(scan(text).ok).toBe(valid);
    expect(parses(text)).toBe(valid);
  });

  it('reports where the values of the first three levels begin and end, and the root keys', () => {
    const text = '{"Records":[{"a":[1]},"x"],"n":-12}';
    expect(scan(text).events).toEqual([
      'start 0 0 {',
      'key Records',
      'start 1 11 [',
      'start 2 12 {',
      'end 2 21',
      'start 2 22 "',
      'end 2 25',
      'end 1 26',
      'key n',
      'start 1 31 -',
      'end 1 34',
      'end 0 35',
    ]);
    // The same events whatever the chunks.
    fc.assert(
      fc.property(fc.array(fc.nat(), { maxLength: 6 }), (cuts) => {
        expect(scan(text, cuts).events).toEqual(scan(text).events);
      }),
    );
  });

  it('gives each item of a list the exact bytes JSON.stringify makes of it', () => {
    fc.assert(
      fc.property(fc.array(fc.jsonValue(), { maxLength: 5 }), (items) => {
        const text = JSON.stringify(items);
        const spans: [number, number][] = [];
        const scanner = new JsonScanner({
          valueStart: (depth, offset) => depth === 1 && spans.push([offset, -1]),
          valueEnd: (depth, offset) => {
            if (depth === 1) spans[spans.length - 1]![1] = offset;
          },
        });
        scanner.feed(Buffer.from(text));
        expect(scanner.end()).toBe(true);
        const bytes = Buffer.from(text);
        expect(spans.map(([from, to]) => bytes.subarray(from, to).toString())).toEqual(
          items.map((item) => JSON.stringify(item)),
        );
      }),
    );
  });

  it('reports a root key longer than MAX_KEY_BYTES as null, and escaped keys raw', () => {
    const long = 'k'.repeat(MAX_KEY_BYTES + 1);
    expect(scan(`{"${long}":1,"R\\u0065cords":2}`).events.filter((e) => e.startsWith('key'))).toEqual([
      'key null',
      'key R\\u0065cords',
    ]);
  });

  it('scans ten million levels of nesting without recursion', () => {
    const depth = 10_000_000;
    const open = Buffer.alloc(depth, '[');
    const close = Buffer.alloc(depth, ']');
    expect(isJsonValue(Buffer.concat([open, close]))).toBe(true);
    expect(isJsonValue(open)).toBe(false);
    expect(isJsonValue(Buffer.concat([open, close, Buffer.from(']')]))).toBe(false);
  });

  it('says where the text stops being JSON', () => {
    expect(scan('[1, }').error).toBe('unexpected "}" where a value was expected at byte 4');
    expect(scan('[1').error).toBe('unexpected end of the input at byte 2');
    expect(scan(' ').error).toBe('no JSON value at byte 1');
  });
});
