/**
 * JSON Lines read as a stream: one line in memory at a time, a line over the record limit skipped (and
 * reported) without being held. A first pass counts the lines, so that a file with more records than the
 * limit yields only the one record that says so, and a gzip file that is corrupt or expands too far is
 * caught before any of its lines is reported.
 */
import type { FileContent } from './fileContent.ts';
import { UnreadableFileError } from './inputErrors.ts';
import { JsonScanner } from './jsonScanner.ts';
import { type InputLimits, recordTooLarge, tooManyRecords, tooManyRecordsFrom } from './limits.ts';
import { iterateRecords, parseLine, type RawRecord, recordCount, unreadableRecord } from './records.ts';

export type Line =
  | { number: number; text: string }
  /** A line over the limit: its size, whether it holds only blanks, and (when asked) whether it is JSON. */
  | { number: number; text: null; bytes: number; blank: boolean; json: boolean };

export async function* jsonLinesRecords(
  content: FileContent,
  file: string,
  limits: InputLimits,
): AsyncGenerator<RawRecord> {
  // A plain file is read as a stream whatever its size; a gzip one within the limit of what it expands to.
  const limit = content.gzip ? limits.maxFileBytes : null;
  const lines = await countLines(content.bytes(limit));
  if (lines > limits.maxRecords) throw new UnreadableFileError(tooManyRecords(limits, lines));
  let records = 0;
  for await (const line of linesOf(content.bytes(limit), limits.maxRecordBytes)) {
    if (line.text === null) {
      if (line.blank) continue;
      records++;
      yield unreadableRecord({ file, line: line.number }, recordTooLarge(limits, line.bytes));
      continue;
    }
    const parsed = parseLine(line.text, file, line.number);
    if (parsed.kind === 'blank') continue;
    if (parsed.kind === 'unreadable') {
      records++;
      yield parsed.record;
      continue;
    }
    // Lines that are lists may hold many records each.
    records += recordCount(parsed.value);
    if (records > limits.maxRecords) {
      yield unreadableRecord(parsed.location, tooManyRecordsFrom(limits));
      return;
    }
    yield* iterateRecords(parsed.value, parsed.location);
  }
}

/**
 * The lines of UTF-8 bytes as JSON Lines defines them: split on LF, a CR before it dropped, a byte-order
 * mark at the start dropped. A line longer than `maxBytes` is not held; with `checkJson`, it is validated.
 */
export async function* linesOf(
  chunks: AsyncIterable<Buffer>,
  maxBytes: number,
  options: { checkJson?: boolean } = {},
): AsyncGenerator<Line> {
  let pieces: Buffer[] | null = [];
  let bytes = 0;
  let scanner: JsonScanner | null = null;
  let blank = true;
  let number = 1;
  let first = true;
  const take = (piece: Buffer): void => {
    bytes += piece.length;
    if (pieces !== null && bytes <= maxBytes) {
      pieces.push(piece);
      return;
    }
    if (pieces !== null && options.checkJson) {
      scanner = new JsonScanner({}, { skipBom: false });
      for (const held of pieces) scanner.feed(held);
    }
    if (pieces !== null) for (const held of pieces) blank &&= isBlankBytes(held);
    pieces = null;
    blank &&= isBlankBytes(piece);
    scanner?.feed(piece);
  };
  const finish = (): Line => {
    const line: Line =
      pieces === null
        ? { number, text: null, bytes, blank, json: scanner?.end() ?? false }
        : { number, text: text(pieces) };
    pieces = [];
    bytes = 0;
    scanner = null;
    blank = true;
    number++;
    return line;
  };
  for await (let chunk of chunks) {
    if (first) {
      first = false;
      if (chunk[0] === 0xef && chunk[1] === 0xbb && chunk[2] === 0xbf) chunk = chunk.subarray(3);
    }
    let start = 0;
    for (let newline = chunk.indexOf(0x0a); newline !== -1; newline = chunk.indexOf(0x0a, start)) {
      take(chunk.subarray(start, newline));
      yield finish();
      start = newline + 1;
    }
    if (start < chunk.length) take(chunk.subarray(start));
  }
  yield finish();
}

/** Lines with anything but blanks on them, without holding any line. */
async function countLines(chunks: AsyncIterable<Buffer>): Promise<number> {
  let count = 0;
  let blank = true;
  for await (const chunk of chunks) {
    let i = 0;
    while (i < chunk.length) {
      if (!blank) {
        // The rest of a line with something on it does not matter: go to its end.
        const newline = chunk.indexOf(0x0a, i);
        if (newline === -1) break;
        count++;
        blank = true;
        i = newline + 1;
        continue;
      }
      const b = chunk[i]!;
      if (b !== 0x0a && b !== 0x20 && b !== 0x09 && b !== 0x0d) blank = false;
      i++;
    }
  }
  return blank ? count : count + 1;
}

/** A line's text, a CR before its LF (or at the end of the file) dropped. */
function text(pieces: Buffer[]): string {
  const line = pieces.length === 1 ? pieces[0]! : Buffer.concat(pieces);
  const end = line.length > 0 && line[line.length - 1] === 0x0d ? line.length - 1 : line.length;
  return line.toString('utf8', 0, end);
}

/** Only JSON's blanks (a line over the record limit is not decoded to be trimmed). */
function isBlankBytes(bytes: Buffer): boolean {
  for (const b of bytes) if (b !== 0x20 && b !== 0x09 && b !== 0x0d) return false;
  return true;
}
