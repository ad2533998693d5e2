/**
 * The I/O edge of event input: expands the `--events` paths into files, reads them (gunzipping and decoding
 * as needed) and hands each file's content to records.ts. Every path is expanded and checked before the
 * first record is yielded, so that a usage error leaves stdout empty.
 */
import type { Dirent } from 'node:fs';
import { access, constants, readdir, readFile, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { gunzip } from 'node:zlib';
import { type RawRecord, recordsFromLine, recordsFromText } from './records.ts';

/** A path that does not exist or cannot be read; the CLI reports it and exits with status 2. */
export class EventInputError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'EventInputError';
  }
}

export interface EventFile {
  /** Where to read it. */
  fsPath: string;
  /** How records name it: the path as given, or the directory as given joined with the path found in it. */
  label: string;
}

/** What a directory contributes; a file named on the command line is read whatever its name. */
const DIRECTORY_EXTENSIONS = ['.json', '.jsonl', '.ndjson', '.gz'];
const JSON_LINES_EXTENSIONS = ['.jsonl', '.ndjson'];
/** Well above any trail log file; bounds what a hostile gzip file can make us allocate. */
const MAX_GUNZIPPED_BYTES = 1024 * 1024 * 1024;

const gunzipAsync = promisify(gunzip);

export async function* readEventInputs(paths: readonly string[]): AsyncGenerator<RawRecord> {
  const files = await listEventFiles(paths);
  for (const file of files) yield* await readEventFile(file);
}

/** Every file the paths name, in input order (a directory's files in sorted path order); throws EventInputError. */
export async function listEventFiles(paths: readonly string[]): Promise<EventFile[]> {
  const files: EventFile[] = [];
  for (const given of paths) {
    const stats = await stat(given).catch((error: unknown) => {
      throw inputError(given, error);
    });
    if (stats.isDirectory()) files.push(...(await filesUnder(given)));
    else if (stats.isFile() || stats.isFIFO()) {
      await checkReadable(given);
      files.push({ fsPath: given, label: given });
    } else throw new EventInputError(`events path ${given} is not a file or a directory`);
  }
  return files;
}

async function filesUnder(directory: string): Promise<EventFile[]> {
  const found: { relative: string; fsPath: string }[] = [];
  const visited = new Set<string>([await realpath(directory).catch((error) => fail(directory, error))]);
  await walk(directory, '', found, visited);
  // Sort whole relative paths by code unit so the order does not depend on the file system or the locale.
  found.sort((a, b) => (a.relative < b.relative ? -1 : a.relative > b.relative ? 1 : 0));
  return found.map(({ relative, fsPath }) => ({
    fsPath,
    label: path.join(directory, ...relative.split('/')),
  }));
}

async function walk(
  directory: string,
  relative: string,
  found: { relative: string; fsPath: string }[],
  visited: Set<string>,
): Promise<void> {
  const entries: Dirent[] = await readdir(directory, { withFileTypes: true }).catch((error) =>
    fail(directory, error),
  );
  for (const entry of entries) {
    if (entry.name.startsWith('.')) continue;
    const fsPath = path.join(directory, entry.name);
    const entryRelative = relative === '' ? entry.name : `${relative}/${entry.name}`;
    const wanted = hasExtension(entry.name, DIRECTORY_EXTENSIONS);
    let isDirectory = entry.isDirectory();
    let isFile = entry.isFile();
    if (entry.isSymbolicLink()) {
      const target = await stat(fsPath).catch((error: unknown) => {
        // A dangling link we would have read is an unreadable path; any other is not ours to judge.
        if (wanted) fail(fsPath, error);
        return null;
      });
      isDirectory = target?.isDirectory() ?? false;
      isFile = target?.isFile() ?? false;
    }
    if (isDirectory) {
      // Follow linked directories once each, so a link cycle ends.
      const real = await realpath(fsPath).catch((error) => fail(fsPath, error));
      if (visited.has(real)) continue;
      visited.add(real);
      await walk(fsPath, entryRelative, found, visited);
    } else if (isFile && wanted) {
      await checkReadable(fsPath);
      found.push({ relative: entryRelative, fsPath });
    }
  }
}

async function readEventFile(file: EventFile): Promise<RawRecord[]> {
  let bytes: Buffer;
  try {
    bytes = await readFile(file.fsPath);
  } catch (error) {
    if (errorCode(error) === 'ERR_FS_FILE_TOO_LARGE') {
      return [unreadableFile(file, `is too large to read (${errorMessage(error)})`)];
    }
    throw inputError(file.fsPath, error);
  }
  let name = path.basename(file.label);
  if (isGzip(bytes)) {
    try {
      bytes = await gunzipAsync(bytes, { maxOutputLength: MAX_GUNZIPPED_BYTES });
    } catch (error) {
      return [unreadableFile(file, `could not be decompressed as gzip (${errorMessage(error)})`)];
    }
    name = name.replace(/\.gz$/i, '');
  }
  const jsonLines = hasExtension(name, JSON_LINES_EXTENSIONS);
  if (jsonLines && !hasUtf16Bom(bytes)) return recordsFromUtf8Lines(bytes, file.label);
  try {
    return recordsFromText(decodeText(bytes), file.label, { jsonLines });
  } catch (error) {
    // Decoding fails only for text longer than a JavaScript string can hold.
    return [unreadableFile(file, `is too large to read as text (${errorMessage(error)})`)];
  }
}

/** JSON Lines decoded line by line, so a file larger than one JavaScript string can hold still reads. */
function recordsFromUtf8Lines(bytes: Buffer, label: string): RawRecord[] {
  const records: RawRecord[] = [];
  let start = hasUtf8Bom(bytes) ? 3 : 0;
  for (let lineNumber = 1; start <= bytes.length; lineNumber++) {
    const newline = bytes.indexOf(0x0a, start);
    const end = newline === -1 ? bytes.length : newline;
    const stop = end > start && bytes[end - 1] === 0x0d ? end - 1 : end;
    for (const record of recordsFromLine(bytes.toString('utf8', start, stop), label, lineNumber)) {
      records.push(record);
    }
    start = end + 1;
  }
  return records;
}

/** UTF-8, or UTF-16 when a byte-order mark says so (Windows PowerShell writes redirected output that way). */
function decodeText(bytes: Buffer): string {
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return new TextDecoder('utf-16le').decode(bytes);
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return new TextDecoder('utf-16be').decode(bytes);
  return new TextDecoder('utf-8').decode(bytes); // drops a leading BOM; bad bytes become U+FFFD
}

function isGzip(bytes: Buffer): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

function hasUtf8Bom(bytes: Buffer): boolean {
  return bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf;
}

function hasUtf16Bom(bytes: Buffer): boolean {
  return (bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff);
}

function hasExtension(name: string, extensions: readonly string[]): boolean {
  const lower = name.toLowerCase();
  return extensions.some((extension) => lower.endsWith(extension));
}

function unreadableFile(file: EventFile, problem: string): RawRecord {
  return {
    kind: 'unreadable',
    location: { file: file.label },
    reason: `${file.label}: ${problem}`,
    eventId: null,
  };
}

async function checkReadable(fsPath: string): Promise<void> {
  await access(fsPath, constants.R_OK).catch((error) => fail(fsPath, error));
}

function fail(fsPath: string, error: unknown): never {
  throw inputError(fsPath, error);
}

function inputError(fsPath: string, error: unknown): EventInputError {
  const code = errorCode(error);
  const problem =
    code === 'ENOENT' || code === 'ENOTDIR'
      ? 'does not exist'
      : code === 'EACCES' || code === 'EPERM'
        ? 'cannot be read: permission denied'
        : code === 'ELOOP'
          ? 'cannot be read: too many levels of symbolic links'
          : `cannot be read: ${errorMessage(error)}`;
  return new EventInputError(`events path ${fsPath} ${problem}`, { cause: error });
}

function errorCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
