/**
 * A file read as one JSON document (any shape but JSON Lines). One no larger than a record is parsed whole,
 * as it always was. A larger one is first scanned (is it one JSON value, of which shape, with how many
 * items?) without being held, then read again and cut into its items, each parsed alone: memory holds one
 * item at a time, whatever the file expands to, and a nesting millions deep costs one bit per level.
 */
import type { FileContent } from './fileContent.ts';
import { UnreadableFileError } from './inputErrors.ts';
import { linesOf } from './jsonLines.ts';
import { JsonScanner, type ScanListener } from './jsonScanner.ts';
import { type InputLimits, recordTooLarge, tooManyRecords } from './limits.ts';
import {
  at,
  containerOf,
  documentValues,
  isBlank,
  iterateRecords,
  parseJson,
  parseLine,
  type RawRecord,
  type RecordLocation,
  recordCount,
  recordFromListItem,
  SHAPE_KEYS,
  unreadableRecord,
} from './records.ts';

const OPEN_LIST = 0x5b; // [
const OPEN_OBJECT = 0x7b; // {

export async function* documentRecords(
  content: FileContent,
  file: string,
  limits: InputLimits,
): AsyncGenerator<RawRecord> {
  const survey = await surveyDocument(content, limits);
  if (survey.whole !== null) yield* wholeDocument(survey.whole, file, limits);
  else if (survey.valid) yield* largeDocument(content, file, limits, survey);
  else yield* largeNonDocument(content, file, limits, survey.error);
}

interface Survey {
  /** The content, when it is no larger than one record. */
  whole: Buffer | null;
  valid: boolean;
  error: string;
  bytes: number;
  shape: Shape;
}

async function surveyDocument(content: FileContent, limits: InputLimits): Promise<Survey> {
  const shape = new Shape();
  const scanner = new JsonScanner(shape);
  let held: Buffer[] | null = [];
  let bytes = 0;
  let scanning = true;
  for await (const chunk of content.bytes(limits.maxFileBytes)) {
    bytes += chunk.length;
    if (held !== null && bytes <= limits.maxRecordBytes) held.push(chunk);
    else held = null;
    if (scanning) scanning = scanner.feed(chunk);
  }
  const valid = scanning && scanner.end();
  const whole = held === null ? null : Buffer.concat(held);
  return { whole, valid, error: scanner.error ?? '', bytes, shape };
}

/** A small file, read exactly as before the limits: decoded, parsed whole, then its records made one by one. */
function* wholeDocument(bytes: Buffer, file: string, limits: InputLimits): Generator<RawRecord> {
  const text = new TextDecoder('utf-8').decode(bytes); // drops a leading BOM; bad bytes become U+FFFD
  const document = documentValues(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text, file);
  if (!document.ok) {
    yield document.record;
    return;
  }
  const count = document.values.reduce((sum, { value }) => sum + recordCount(value), 0);
  if (count > limits.maxRecords) {
    yield unreadableRecord({ file }, tooManyRecords(limits, count));
    return;
  }
  for (const { value, location } of document.values) yield* iterateRecords(value, location);
}

async function* largeDocument(
  content: FileContent,
  file: string,
  limits: InputLimits,
  survey: Survey,
): AsyncGenerator<RawRecord> {
  const { shape } = survey;
  if (shape.root === OPEN_LIST) {
    yield* listRecords(content, file, limits, {
      depth: 1,
      member: null,
      container: null,
      count: shape.items,
    });
    return;
  }
  const container = shape.root === OPEN_OBJECT ? containerOf((key) => shape.keys.has(key)) : null;
  const list = container === null ? undefined : shape.lists.get(container);
  if (
    container === null ||
    list === undefined ||
    (list.first !== OPEN_LIST && list.end - list.start > limits.maxRecordBytes)
  ) {
    // One event, or one thing that is not a list of them, larger than a record.
    yield unreadableRecord({ file }, recordTooLarge(limits, survey.bytes));
  } else if (list.first === OPEN_LIST) {
    yield* listRecords(content, file, limits, {
      depth: 2,
      member: list.member,
      container,
      count: list.items,
    });
  } else {
    // Records or Events that is not a list: said as for a small file.
    for await (const item of cut(content, limits, { depth: 1, member: list.member })) {
      const parsed = item.bytes === null ? null : parseJson(item.bytes.toString('utf8'));
      if (parsed?.ok) yield* iterateRecords({ [container]: parsed.value }, { file });
    }
  }
}

interface Target {
  /** 1 for the items of a list at the root, 2 for those of the list a root member holds. */
  depth: 1 | 2;
  /** Which member of the root object (0-based, in file order) holds them; null for a list at the root. */
  member: number | null;
}

async function* listRecords(
  content: FileContent,
  file: string,
  limits: InputLimits,
  target: Target & { container: 'Records' | 'Events' | null; count: number },
): AsyncGenerator<RawRecord> {
  if (target.count > limits.maxRecords) {
    yield unreadableRecord({ file }, tooManyRecords(limits, target.count));
    return;
  }
  let index = 0;
  for await (const item of cut(content, limits, target)) {
    const location = at({ file }, index++, target.container ?? undefined);
    yield itemRecord(item, location, limits);
  }
}

function itemRecord(item: Item, location: RecordLocation, limits: InputLimits): RawRecord {
  if (item.bytes === null) return unreadableRecord(location, recordTooLarge(limits, item.size));
  const parsed = parseJson(item.bytes.toString('utf8'));
  if (!parsed.ok) return unreadableRecord(location, `not valid JSON (${parsed.error})`);
  return recordFromListItem(parsed.value, location);
}

/** Not one JSON value: it may still be JSON Lines under a `.json` name, if every non-blank line parses. */
async function* largeNonDocument(
  content: FileContent,
  file: string,
  limits: InputLimits,
  error: string,
): AsyncGenerator<RawRecord> {
  let records = 0;
  let someLine = false;
  let failed = false;
  const lines = linesOf(content.bytes(limits.maxFileBytes), limits.maxRecordBytes, { checkJson: true });
  for await (const line of lines) {
    if (line.text === null) {
      if (line.blank) continue;
      failed = !line.json;
      if (failed) break;
      records++;
      someLine = true;
      continue;
    }
    if (isBlank(line.text)) continue;
    const parsed = parseJson(line.text);
    failed = !parsed.ok;
    if (!parsed.ok) break;
    records += recordCount(parsed.value);
    someLine = true;
  }
  if (failed || !someLine) {
    yield unreadableRecord({ file }, `not valid JSON (${failed ? error : 'the file is empty'})`);
    return;
  }
  if (records > limits.maxRecords) {
    yield unreadableRecord({ file }, tooManyRecords(limits, records));
    return;
  }
  for await (const line of linesOf(content.bytes(limits.maxFileBytes), limits.maxRecordBytes)) {
    if (line.text === null) {
      if (!line.blank)
        yield unreadableRecord({ file, line: line.number }, recordTooLarge(limits, line.bytes));
      continue;
    }
    const parsed = parseLine(line.text, file, line.number);
    if (parsed.kind === 'value') yield* iterateRecords(parsed.value, parsed.location);
    else if (parsed.kind === 'unreadable') yield parsed.record; // only if the file changed since the first pass
  }
}

/** What the first pass learns of a document's shape: the root, its items or the lists its members hold. */
class Shape implements ScanListener {
  /** The first byte of the root value. */
  root = 0;
  /** Items of a list at the root. */
  items = 0;
  /** Which of SHAPE_KEYS the root object has. */
  readonly keys = new Set<string>();
  /** The last Records and Events members of the root object (JSON.parse keeps the last of duplicate keys). */
  readonly lists = new Map<string, MemberValue>();
  private members = 0;
  private current: MemberValue | null = null;

  valueStart(depth: number, offset: number, first: number): void {
    if (depth === 0) this.root = first;
    else if (depth === 1) {
      if (this.root === OPEN_LIST) this.items++;
      else if (this.current !== null) {
        this.current.first = first;
        this.current.start = offset;
      }
    } else if (this.current?.first === OPEN_LIST) this.current.items++;
  }

  valueEnd(depth: number, offset: number): void {
    if (depth === 1 && this.current !== null) this.current.end = offset;
  }

  rootKey(raw: Buffer | null): void {
    const member = this.members++;
    this.current = null;
    const name = raw === null ? null : parseJson(`"${raw.toString('utf8')}"`);
    if (!name?.ok || typeof name.value !== 'string' || !SHAPE_KEYS.includes(name.value)) return;
    this.keys.add(name.value);
    if (name.value === 'Records' || name.value === 'Events') {
      this.current = { member, first: 0, start: 0, end: 0, items: 0 };
      this.lists.set(name.value, this.current);
    }
  }
}

interface MemberValue {
  member: number;
  first: number;
  start: number;
  end: number;
  items: number;
}

/** One item's bytes, or null when it is over the record limit; its size either way. */
interface Item {
  bytes: Buffer | null;
  size: number;
}

/** The items of the target, read again from the start of the content, each within the record limit. */
async function* cut(content: FileContent, limits: InputLimits, target: Target): AsyncGenerator<Item> {
  const cutter = new Cutter(target, limits.maxRecordBytes);
  const scanner = new JsonScanner(cutter);
  for await (const chunk of content.bytes(limits.maxFileBytes)) {
    cutter.chunk = chunk;
    const ok = scanner.feed(chunk);
    cutter.chunkDone();
    yield* cutter.take();
    if (!ok) break;
  }
  if (!scanner.end()) throw new UnreadableFileError(`changed while it was read (${scanner.error})`);
}

class Cutter implements ScanListener {
  chunk: Buffer = Buffer.alloc(0);
  /** Absolute offset of the chunk being scanned. */
  private base = 0;
  private member = -1;
  /** Absolute offset where the item being cut starts; -1 between items. */
  private start = -1;
  /** Where in the chunk the item's bytes not yet held start. */
  private from = 0;
  private pieces: Buffer[] | null = null;
  private ready: Item[] = [];

  constructor(
    private readonly target: Target,
    private readonly maxBytes: number,
  ) {}

  rootKey(): void {
    this.member++;
  }

  valueStart(depth: number, offset: number): void {
    if (depth !== this.target.depth) return;
    if (this.target.member !== null && this.member !== this.target.member) return;
    this.start = offset;
    this.from = offset - this.base;
    this.pieces = [];
  }

  valueEnd(depth: number, offset: number): void {
    if (depth !== this.target.depth || this.start < 0) return;
    this.hold(offset - this.base);
    this.ready.push({
      bytes: this.pieces === null ? null : Buffer.concat(this.pieces),
      size: offset - this.start,
    });
    this.start = -1;
    this.pieces = null;
  }

  chunkDone(): void {
    if (this.start >= 0) this.hold(this.chunk.length);
    this.from = 0;
    this.base += this.chunk.length;
  }

  take(): Item[] {
    const ready = this.ready;
    this.ready = [];
    return ready;
  }

  /** Holds the item's bytes up to `to` in the chunk, or lets them go for good once it is over the limit. */
  private hold(to: number): void {
    if (this.pieces === null) return;
    if (this.base + to - this.start > this.maxBytes) this.pieces = null;
    else this.pieces.push(this.chunk.subarray(this.from, to));
  }
}
