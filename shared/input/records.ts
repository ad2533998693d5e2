/**
 * Turns the content of one `--events` input into raw records, in input order. Pure: text or parsed JSON in,
 * records out. The shapes a file may hold are detected from its content:
 * - an EventBridge event whose `detail` is a CloudTrail record, or a JSON array of them (or of bare records);
 * - a bare CloudTrail record;
 * - a trail log file, `{"Records": [...]}`;
 * - `aws cloudtrail lookup-events` output, `{"Events": [{"CloudTrailEvent": "<json string>"}]}`;
 * - JSON Lines, each non-blank line one of the above.
 * Whatever cannot be read becomes an `unreadable` record whose reason names where it is and what is wrong, so
 * the run can report it and go on. Nothing here throws, whatever the input.
 */

export interface RecordLocation {
  /** The file as the user named it, or as found under a directory they named. */
  file: string;
  /** 1-based line number, for JSON Lines. */
  line?: number;
  /** 0-based position in a JSON array, a trail log's `Records` or lookup-events' `Events`. */
  index?: number;
  /** The list `index` counts in; absent for a plain JSON array. */
  container?: 'Records' | 'Events';
}

export type RawRecord =
  /** `record` is the CloudTrail record; `envelope` the EventBridge event it came in, if any. */
  | {
      kind: 'record';
      location: RecordLocation;
      record: Record<string, unknown>;
      envelope: Record<string, unknown> | null;
    }
  /** `reason` is a complete sentence: where the record is (see describeLocation) and what is wrong with it. */
  | { kind: 'unreadable'; location: RecordLocation; reason: string; eventId: string | null };

type JsonObject = Record<string, unknown>;

/** Keys only a CloudTrail record has; any of them makes an object an attempt at one. */
const RECORD_MARKERS = [
  'eventVersion',
  'eventSource',
  'eventName',
  'eventID',
  'eventTime',
  'eventType',
  'eventCategory',
  'userIdentity',
];
/** The fields every later stage needs; a record without them cannot be analysed. */
const REQUIRED_FIELDS = ['eventSource', 'eventName'] as const;
/** "AWS API Call via CloudTrail", the China partition's "Amazon API Call via CloudTrail", and their siblings. */
const CLOUDTRAIL_DETAIL_TYPE = /^(AWS|Amazon) .* via CloudTrail$/;
const MAX_SNIPPET = 160;

export function describeLocation(l: RecordLocation): string {
  let where = l.file;
  if (l.line !== undefined) where += ` line ${l.line}`;
  if (l.index !== undefined) where += l.container ? ` ${l.container}[${l.index}]` : ` index ${l.index}`;
  return where;
}

export function recordsFromText(text: string, file: string, hint: { jsonLines: boolean }): RawRecord[] {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  if (hint.jsonLines) return splitLines(body).flatMap((line, i) => recordsFromLine(line, file, i + 1));
  const document = documentValues(body, file);
  if (!document.ok) return [document.record];
  return document.values.flatMap(({ value, location }) => recordsFromValue(value, location));
}

/** A document's JSON values and where each is, or the one unreadable record it makes. */
export type DocumentValues =
  | { ok: true; values: { value: unknown; location: RecordLocation }[] }
  | { ok: false; record: RawRecord };

/** The text of a `.json` file: one JSON value, or JSON Lines under that name if every non-blank line parses. */
export function documentValues(text: string, file: string): DocumentValues {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const whole = parseJson(body);
  if (whole.ok) return { ok: true, values: [{ value: whole.value, location: { file } }] };
  const lines = splitLines(body);
  const parsed = lines.map((line) => (isBlank(line) ? null : parseJson(line)));
  const isJsonLines = parsed.some((p) => p !== null) && parsed.every((p) => p === null || p.ok);
  if (isJsonLines) {
    const values: { value: unknown; location: RecordLocation }[] = [];
    parsed.forEach((p, i) => {
      if (p?.ok) values.push({ value: p.value, location: { file, line: i + 1 } });
    });
    return { ok: true, values };
  }
  const problem = isBlank(body) ? 'the file is empty' : whole.error;
  return { ok: false, record: unreadable({ file }, `not valid JSON (${problem})`, null) };
}

/** One line of a JSON Lines file: nothing when blank, else its records or one unreadable record. */
export function recordsFromLine(line: string, file: string, lineNumber: number): RawRecord[] {
  const parsed = parseLine(line, file, lineNumber);
  if (parsed.kind === 'blank') return [];
  if (parsed.kind === 'unreadable') return [parsed.record];
  return recordsFromValue(parsed.value, parsed.location);
}

export type ParsedLine =
  | { kind: 'blank' }
  | { kind: 'value'; value: unknown; location: RecordLocation }
  | { kind: 'unreadable'; record: RawRecord };

/** One line of a JSON Lines file parsed, so that a reader can count its records before it makes them. */
export function parseLine(line: string, file: string, lineNumber: number): ParsedLine {
  if (isBlank(line)) return { kind: 'blank' };
  const location: RecordLocation = { file, line: lineNumber };
  const parsed = parseJson(line);
  if (!parsed.ok)
    return { kind: 'unreadable', record: unreadable(location, `not valid JSON (${parsed.error})`, null) };
  return { kind: 'value', value: parsed.value, location };
}

export function recordsFromValue(value: unknown, location: RecordLocation): RawRecord[] {
  try {
    return [...listedRecords(value, location)];
  } catch (error) {
    return [couldNotRead(location, error)];
  }
}

/** The records of a JSON value one at a time, so that a long list never has all its records made at once. */
export function* iterateRecords(value: unknown, location: RecordLocation): Generator<RawRecord> {
  try {
    yield* listedRecords(value, location);
  } catch (error) {
    yield couldNotRead(location, error);
  }
}

function* listedRecords(value: unknown, location: RecordLocation): Generator<RawRecord> {
  if (Array.isArray(value)) {
    for (let index = 0; index < value.length; index++)
      yield recordFromItem(value[index], at(location, index));
    return;
  }
  const container = isObject(value) ? containerOf((key) => Object.hasOwn(value, key)) : null;
  if (container === 'Records') yield* recordsFromTrailLog((value as JsonObject).Records, location);
  else if (container === 'Events') yield* recordsFromLookupEvents((value as JsonObject).Events, location);
  else yield recordFromItem(value, location);
}

/** Only reachable with values JSON.parse never makes (getters that throw, proxies); still never throw. */
function couldNotRead(location: RecordLocation, error: unknown): RawRecord {
  return unreadable(location, `could not be read (${errorMessage(error)})`, null);
}

/** How many records iterateRecords makes of a value, without making them. */
export function recordCount(value: unknown): number {
  try {
    if (Array.isArray(value)) return value.length;
    const container = isObject(value) ? containerOf((key) => Object.hasOwn(value, key)) : null;
    const list = container === null ? undefined : (value as JsonObject)[container];
    return Array.isArray(list) ? list.length : 1;
  } catch {
    return 1;
  }
}

/** The keys whose presence decides what an object is (see containerOf). */
export const SHAPE_KEYS: readonly string[] = ['detail', ...RECORD_MARKERS, 'Records', 'Events'];

/** Which list an object is, told by its keys: a trail log's Records, lookup-events' Events, or none (an event). */
export function containerOf(has: (key: string) => boolean): 'Records' | 'Events' | null {
  if (has('detail') || RECORD_MARKERS.some(has)) return null;
  if (has('Records')) return 'Records';
  if (has('Events')) return 'Events';
  return null;
}

/** One item of a plain list (`location.container` absent), of a trail log's Records or of lookup-events' Events. */
export function recordFromListItem(item: unknown, location: RecordLocation): RawRecord {
  try {
    return location.container === 'Events'
      ? recordFromLookupEntry(item, location)
      : recordFromItem(item, location);
  } catch (error) {
    return couldNotRead(location, error);
  }
}

function* recordsFromTrailLog(records: unknown, location: RecordLocation): Generator<RawRecord> {
  if (!Array.isArray(records)) {
    yield unreadable(
      location,
      `not a CloudTrail log file: Records is ${describeValue(records)}, not a list`,
      null,
    );
    return;
  }
  for (let index = 0; index < records.length; index++) {
    yield recordFromItem(records[index], at(location, index, 'Records'));
  }
}

function* recordsFromLookupEvents(events: unknown, location: RecordLocation): Generator<RawRecord> {
  if (!Array.isArray(events)) {
    yield unreadable(
      location,
      `not lookup-events output: Events is ${describeValue(events)}, not a list`,
      null,
    );
    return;
  }
  for (let index = 0; index < events.length; index++) {
    yield recordFromLookupEntry(events[index], at(location, index, 'Events'));
  }
}

function recordFromLookupEntry(entry: unknown, location: RecordLocation): RawRecord {
  if (!isObject(entry)) {
    return unreadable(location, `not a lookup-events entry: found ${describeValue(entry)}`, null);
  }
  const entryEventId = nonEmptyString(own(entry, 'EventId'));
  const cloudTrailEvent = own(entry, 'CloudTrailEvent');
  // Some tools hand the entry over with CloudTrailEvent already parsed; take that too.
  if (isObject(cloudTrailEvent)) return recordFromItem(cloudTrailEvent, location, entryEventId);
  if (typeof cloudTrailEvent !== 'string') {
    const found = cloudTrailEvent === undefined ? 'it has none' : `found ${describeValue(cloudTrailEvent)}`;
    return unreadable(location, `lookup-events entry has no CloudTrailEvent string (${found})`, entryEventId);
  }
  const parsed = parseJson(cloudTrailEvent);
  if (!parsed.ok) {
    return unreadable(location, `CloudTrailEvent is not valid JSON (${parsed.error})`, entryEventId);
  }
  return recordFromItem(parsed.value, location, entryEventId);
}

/** One event: an EventBridge event carrying a CloudTrail record, or a bare record. Never a container. */
function recordFromItem(
  item: unknown,
  location: RecordLocation,
  fallbackEventId: string | null = null,
): RawRecord {
  if (!isObject(item)) {
    return unreadable(location, `not a CloudTrail event: found ${describeValue(item)}`, fallbackEventId);
  }
  const detail = own(item, 'detail');
  const detailType = own(item, 'detail-type');
  const claimsCloudTrail = typeof detailType === 'string' && CLOUDTRAIL_DETAIL_TYPE.test(detailType);
  if (isObject(detail) && (claimsCloudTrail || hasRecordMarker(detail))) {
    return checkedRecord(detail, item, location, fallbackEventId);
  }
  if (claimsCloudTrail) {
    return unreadable(
      location,
      `not a readable CloudTrail event: an EventBridge event of detail-type "${snippet(String(detailType))}" whose detail is ${describeValue(detail)}`,
      fallbackEventId,
    );
  }
  if (hasRecordMarker(item)) return checkedRecord(item, null, location, fallbackEventId);
  if (isObject(detail) && typeof detailType === 'string') {
    return unreadable(
      location,
      `not a CloudTrail event: an EventBridge event of detail-type "${snippet(detailType)}" whose detail is not a CloudTrail record`,
      fallbackEventId,
    );
  }
  if (Object.hasOwn(item, 'Records') || Object.hasOwn(item, 'Events')) {
    return unreadable(
      location,
      'not a CloudTrail event: found a trail log file or lookup-events output inside a list, which is not read',
      fallbackEventId,
    );
  }
  return unreadable(location, `not a CloudTrail event: found ${describeValue(item)}`, fallbackEventId);
}

function checkedRecord(
  record: JsonObject,
  envelope: JsonObject | null,
  location: RecordLocation,
  fallbackEventId: string | null,
): RawRecord {
  const problems: string[] = [];
  for (const field of REQUIRED_FIELDS) {
    const value = own(record, field);
    if (value === undefined) problems.push(`${field} is missing`);
    else if (typeof value !== 'string')
      problems.push(`${field} is not a string (found ${describeValue(value)})`);
    else if (value.trim() === '') problems.push(`${field} is empty`);
  }
  if (problems.length === 0) return { kind: 'record', location, record, envelope };
  const eventId = nonEmptyString(own(record, 'eventID')) ?? fallbackEventId;
  return unreadable(location, `not a readable CloudTrail event: ${problems.join(', ')}`, eventId);
}

/** An unreadable record whose reason is the location followed by `problem`. */
export function unreadableRecord(location: RecordLocation, problem: string): RawRecord {
  return unreadable(location, problem, null);
}

function unreadable(location: RecordLocation, problem: string, eventId: string | null): RawRecord {
  return { kind: 'unreadable', location, reason: `${describeLocation(location)}: ${problem}`, eventId };
}

export function at(
  location: RecordLocation,
  index: number,
  container?: 'Records' | 'Events',
): RecordLocation {
  const next: RecordLocation = { file: location.file };
  if (location.line !== undefined) next.line = location.line;
  next.index = index;
  if (container) next.container = container;
  return next;
}

export type Parsed = { ok: true; value: unknown } | { ok: false; error: string };

export function parseJson(text: string): Parsed {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (error) {
    return { ok: false, error: snippet(errorMessage(error)) };
  }
}

/** Lines as JSON Lines defines them: split on LF, a CR before it dropped. */
function splitLines(text: string): string[] {
  return text.split('\n').map((line) => (line.endsWith('\r') ? line.slice(0, -1) : line));
}

export function isBlank(text: string): boolean {
  return text.trim() === '';
}

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function hasRecordMarker(value: JsonObject): boolean {
  return RECORD_MARKERS.some((key) => Object.hasOwn(value, key));
}

/** Own properties only, so that keys such as "constructor" in odd input never reach the prototype. */
function own(object: JsonObject, key: string): unknown {
  return Object.hasOwn(object, key) ? object[key] : undefined;
}

function nonEmptyString(value: unknown): string | null {
  return typeof value === 'string' && value !== '' ? value : null;
}

/** What a value is, briefly, for a reason a person reads. */
function describeValue(value: unknown): string {
  if (value === undefined) return 'missing';
  if (value === null) return 'null';
  if (typeof value === 'string') return `a string ("${snippet(value, 40)}")`;
  if (typeof value === 'number' || typeof value === 'boolean') return `a ${typeof value} (${String(value)})`;
  if (Array.isArray(value)) return value.length === 0 ? 'an empty list' : `a list of ${value.length} items`;
  if (isObject(value)) {
    const keys = Object.keys(value);
    if (keys.length === 0) return 'an empty object';
    const shown = keys.slice(0, 6).map((key) => `"${snippet(key, 40)}"`);
    const more = keys.length > shown.length ? ` and ${keys.length - shown.length} more` : '';
    return `an object with keys ${shown.join(', ')}${more}`;
  }
  return `a value of type ${typeof value}`;
}

/** Text from the input made safe to embed in one line of a reason: no control characters, bounded length. */
function snippet(text: string, max = MAX_SNIPPET): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: removing control characters is the point.
  const flat = text.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g, ' ');
  if (flat.length <= max) return flat;
  // Do not cut a surrogate pair in half.
  const end = /[\ud800-\udbff]/.test(flat.charAt(max - 1)) ? max - 1 : max;
  return `${flat.slice(0, end)}…`;
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
