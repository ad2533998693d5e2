import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { analyzeRecord } from '../../shared/analysis/analyzeRecord.ts';
import { DEFAULT_CONFIG } from '../../shared/analysis/decide.ts';
import { InputFileError, loadSnapshot } from '../../shared/cli/loadFiles.ts';
import { recordsFromText } from '../../shared/input/records.ts';
import type { ReportLine } from '../../shared/report/types.ts';
import { snapshotSchema } from '../../shared/state/snapshotSchema.ts';
import { indexSnapshot } from '../../shared/state/stateIndex.ts';
import { loadState } from '../support/loadCase.ts';
import { reportSchemaErrors } from '../support/reportSchema.ts';

const root = join(__dirname, '../..');
const eventText = readFileSync(join(root, 'contract/examples/event.json'), 'utf8');
const stateText = readFileSync(join(root, 'contract/examples/state.json'), 'utf8');
const state = loadState(join(root, 'contract/examples/state.json'));
const event = JSON.parse(eventText) as { detail: Record<string, unknown> };
const eventId = event.detail.eventID as string;
const FILE = 'generated.json';

type Json = unknown;

/** Replaces the value at a random path of a JSON value; returns the result and the keys of the replaced place. */
function mutate(value: Json, path: number[], replacement: Json): { value: Json; at: string[] } {
  if (path.length === 0 || typeof value !== 'object' || value === null) return { value: replacement, at: [] };
  const entries = Array.isArray(value) ? value.map((v, i) => [String(i), v] as const) : Object.entries(value);
  if (entries.length === 0) return { value: replacement, at: [] };
  const [key, child] = entries[path[0]! % entries.length]!;
  const inner = mutate(child, path.slice(1), replacement);
  const copy: Record<string, unknown> | unknown[] = Array.isArray(value) ? [...value] : { ...value };
  (copy as Record<string, unknown>)[key] = inner.value;
  return { value: copy, at: [key, ...inner.at] };
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const parses = (text: string): boolean => {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
};

/** One `.json` document's records, each analysed: what the CLI prints for the file. */
const lines = (text: string): ReportLine[] =>
  recordsFromText(text, FILE, { jsonLines: false }).map((raw) => analyzeRecord(raw, state, DEFAULT_CONFIG));

/** The one line a single-event document makes; fails when it makes none or several. */
function onlyLine(text: string): ReportLine {
  const result = lines(text);
  expect(result).toHaveLength(1);
  const [line] = result;
  expect(reportSchemaErrors(line)).toEqual([]);
  return line!;
}

/**
 * What the engine requires of a CloudTrail record to read it (contract: "not a readable CloudTrail event"),
 * restated field by field so that the test does not ask the reader whether the reader is right.
 */
const optional = (check: (value: unknown) => boolean) => (value: unknown) =>
  value === undefined || value === null || check(value);
const isString = (value: unknown): boolean => typeof value === 'string';
const READABLE_FIELDS: Record<string, (value: unknown) => boolean> = {
  eventID: (value) => typeof value === 'string' && value !== '',
  eventSource: (value) => typeof value === 'string' && /^[a-z0-9][a-z0-9.-]*$/.test(value),
  eventName: (value) => typeof value === 'string' && /^[A-Za-z][A-Za-z0-9]*$/.test(value),
  ...Object.fromEntries(
    [
      'eventTime',
      'awsRegion',
      'errorCode',
      'errorMessage',
      'eventCategory',
      'eventType',
      'recipientAccountId',
      'sharedEventID',
      'vpcEndpointId',
      'sourceIPAddress',
      'userAgent',
    ].map((field) => [field, optional(isString)]),
  ),
  ...Object.fromEntries(
    ['userIdentity', 'requestParameters', 'additionalEventData', 'tlsDetails'].map((field) => [
      field,
      optional(isObject),
    ]),
  ),
  resources: optional((value) => Array.isArray(value) && value.every(isObject)),
};

/** The EventBridge event keeps its CloudTrail detail-type, so it is readable exactly when its detail is. */
function isReadableEvent(value: Json): boolean {
  if (!isObject(value) || !isObject(value.detail)) return false;
  const detail = value.detail;
  return Object.entries(READABLE_FIELDS).every(([field, check]) =>
    check(Object.hasOwn(detail, field) ? detail[field] : undefined),
  );
}

/** Where the records of an arbitrary JSON value are, as a reason names them (contract: file, line or index). */
function recordLocations(value: Json): string[] {
  if (Array.isArray(value)) return value.map((_, index) => `${FILE} index ${index}`);
  if (!isObject(value) || 'detail' in value || Object.keys(value).some((key) => key.startsWith('event')))
    return [FILE];
  for (const container of ['Records', 'Events']) {
    if (!Object.hasOwn(value, container)) continue;
    const list = value[container];
    return Array.isArray(list) ? list.map((_, index) => `${FILE} ${container}[${index}]`) : [FILE];
  }
  return [FILE];
}

describe('the analyzer never crashes on bad input', () => {
  const fullLine = onlyLine(eventText);

  it('analyses the untouched example event (the baseline every property below departs from)', () => {
    expect(isReadableEvent(event)).toBe(true);
    expect(fullLine.verdict).not.toBe('invalid-event');
    expect(fullLine.eventId).toBe(eventId);
  });

  it('gives every truncated event one valid line: invalid-event naming the file unless the text still parses', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: eventText.length }), (cut) => {
        const text = eventText.slice(0, cut);
        const line = onlyLine(text);
        if (parses(text)) {
          expect(line).toEqual(fullLine);
          return;
        }
        expect(line.verdict).toBe('invalid-event');
        expect(line.eventId).toBeNull();
        expect(line.reason).toMatch(
          new RegExp(`^${FILE}: ${cut === 0 ? 'not valid JSON \\(the file is empty\\)' : 'not valid JSON'}`),
        );
      }),
      { numRuns: 300, examples: [[0], [1], [eventText.length - 2], [eventText.length]] },
    );
  });

  it('gives every mutated event one valid line, invalid-event exactly when the event is no longer readable', () => {
    const seen = { readable: 0, unreadable: 0 };
    fc.assert(
      fc.property(fc.array(fc.nat(), { minLength: 1, maxLength: 5 }), fc.jsonValue(), (path, replacement) => {
        const mutated = mutate(event, path, replacement);
        // Through text, as the CLI reads it (JSON has no undefined, -0 or sparse arrays).
        const text = JSON.stringify(mutated.value);
        const reread = JSON.parse(text) as Json;
        const line = onlyLine(text);
        const detail = isObject(reread) && isObject(reread.detail) ? reread.detail : null;
        if (isReadableEvent(reread)) {
          seen.readable++;
          expect(line.verdict).not.toBe('invalid-event');
          expect(line.eventId).toBe(detail!.eventID);
          return;
        }
        seen.unreadable++;
        expect(line.verdict).toBe('invalid-event');
        expect(line.decision).toBe('ignore');
        const id = detail?.eventID;
        expect(line.eventId).toBe(typeof id === 'string' && id !== '' ? id : null);
        // The reason says where (the file) and what: the field the mutation broke.
        expect(line.reason.startsWith(`${FILE}: `)).toBe(true);
        const broken = detail
          ? Object.entries(READABLE_FIELDS)
              .filter(([field, check]) => !check(Object.hasOwn(detail, field) ? detail[field] : undefined))
              .map(([field]) => field)
          : ['detail'];
        expect(broken.some((field) => line.reason.includes(field))).toBe(true);
      }),
      {
        numRuns: 1000,
        examples: [
          [[1000], 5], // some top-level envelope member
          [[9], { eventName: 'GetObject' }], // detail, replaced by an object without eventSource
          [[9, 0], null], // detail.eventVersion, which the engine does not read
        ],
      },
    );
    // Both sides of "exactly when" were exercised, not only one of them.
    expect(seen.readable).toBeGreaterThan(100);
    expect(seen.unreadable).toBeGreaterThan(50);
  });

  it('gives arbitrary JSON one invalid-event line per record, each naming where the record is', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const result = lines(JSON.stringify(value));
        const locations = recordLocations(value);
        expect(result).toHaveLength(locations.length);
        result.forEach((line, index) => {
          expect(reportSchemaErrors(line)).toEqual([]);
          expect(line.verdict).toBe('invalid-event');
          expect(line.reason.startsWith(`${locations[index]}: `)).toBe(true);
        });
      }),
      { numRuns: 500, examples: [[[]], [[1, 'a', null]], [{ Records: [{}, 2] }], [{ Events: 'x' }], ['']] },
    );
  });

  it('rejects mutated snapshots naming the place that broke, or analyses the event with them', () => {
    const snapshot = JSON.parse(stateText) as Json;
    const seen = { schema: 0, policies: 0, analysed: 0 };
    /** Whether one place is inside the other (or is it): an error at a parent or a child names the mutation. */
    const related = (a: readonly string[], b: readonly string[]): boolean =>
      a.slice(0, Math.min(a.length, b.length)).every((key, i) => key === b[i]);
    /** `accounts.1111.iam.RoleDetailList[0].RolePolicyList[0]`, as indexSnapshot names a policy's place. */
    const dotted = (keys: readonly string[]): string =>
      keys.map((key, i) => (/^\d+$/.test(key) && i > 1 ? `[${key}]` : i === 0 ? key : `.${key}`)).join('');
    fc.assert(
      fc.property(
        fc.array(fc.nat(), { minLength: 1, maxLength: 10 }),
        fc.jsonValue(),
        (path, replacement) => {
          const mutated = mutate(snapshot, path, replacement);
          const parsed = snapshotSchema.safeParse(JSON.parse(JSON.stringify(mutated.value)));
          if (!parsed.success) {
            seen.schema++;
            const places = parsed.error.issues.map((issue) => issue.path.map(String));
            expect(places.some((place) => related(place, mutated.at))).toBe(true);
            return;
          }
          const indexed = indexSnapshot(parsed.data);
          if (!indexed.ok) {
            seen.policies++;
            const where = dotted(mutated.at);
            const named = indexed.errors.map((error) => error.split(/ \(|: /)[0]!);
            expect(named.some((place) => where === place || where.startsWith(place))).toBe(true);
            return;
          }
          seen.analysed++;
          const [raw] = recordsFromText(eventText, 'event.json', { jsonLines: false });
          const line = analyzeRecord(raw!, indexed.index, DEFAULT_CONFIG);
          expect(reportSchemaErrors(line)).toEqual([]);
          expect(line.verdict).not.toBe('invalid-event');
          expect(line.eventId).toBe(eventId);
        },
      ),
      { numRuns: 1000 },
    );
    expect(seen.schema).toBeGreaterThan(50);
    expect(seen.analysed).toBeGreaterThan(50);
  });

  it('rejects every truncated snapshot file with a message naming the file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'robustness-'));
    const file = join(dir, 'state.json');
    try {
      await fc.assert(
        fc.asyncProperty(fc.integer({ min: 0, max: stateText.length }), async (cut) => {
          const text = stateText.slice(0, cut);
          writeFileSync(file, text);
          const loading = loadSnapshot(file);
          if (parses(text)) {
            await expect(loading).resolves.toBeDefined();
            return;
          }
          await expect(loading).rejects.toThrow(InputFileError);
          await expect(loading).rejects.toThrow(`snapshot ${file} is not valid JSON`);
        }),
        { numRuns: 150, examples: [[0], [stateText.length - 2], [stateText.length]] },
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
