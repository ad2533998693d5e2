/**
 * The I/O edge of event input: expands the `--events` paths into files and reads each as JSON Lines or as
 * one JSON document (fileContent.ts gunzips and decodes; jsonLines.ts and jsonDocument.ts cut the content
 * into records). Every path is expanded and checked before the first record is yielded, so that a usage
 * error leaves stdout empty.
 */
import type { Dirent } from 'node:fs';
import { access, constants, readdir, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import { openContent } from './fileContent.ts';
import { EventInputError, inputError, UnreadableFileError } from './inputErrors.ts';
import { documentRecords } from './jsonDocument.ts';
import { jsonLinesRecords } from './jsonLines.ts';
import { DEFAULT_LIMITS, type InputLimits } from './limits.ts';
import type { RawRecord } from './records.ts';

export { EventInputError };

export interface EventFile {
  /** Where to read it. */
  fsPath: string;
  /** How records name it: the path as given, or the directory as given joined with the path found in it. */
  label: string;
}

/** What a directory contributes; a file named on the command line is read whatever its name. */
const DIRECTORY_EXTENSIONS = ['.json', '.jsonl', '.ndjson', '.gz'];
const JSON_LINES_EXTENSIONS = ['.jsonl', '.ndjson'];

/**
 * Every record of the paths, in order, one at a time: neither a file's records nor its content are held
 * whole. `limits` (see limits.ts) bound what one file or record may cost; tests pass smaller ones.
 */
export async function* readEventInputs(
  paths: readonly string[],
  limits: InputLimits = DEFAULT_LIMITS,
): AsyncGenerator<RawRecord> {
  const files = await listEventFiles(paths);
  for (const file of files) yield* readEventFile(file, limits);
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

/** One file's records, streamed; a file that cannot be read as a whole is one unreadable record. */
async function* readEventFile(file: EventFile, limits: InputLimits): AsyncGenerator<RawRecord> {
  try {
    const content = await openContent(file.fsPath, limits.maxFileBytes);
    const name = path.basename(file.label);
    const jsonLines = hasExtension(content.gzip ? name.replace(/\.gz$/i, '') : name, JSON_LINES_EXTENSIONS);
    yield* (jsonLines ? jsonLinesRecords : documentRecords)(content, file.label, limits);
  } catch (error) {
    if (!(error instanceof UnreadableFileError)) throw error;
    yield unreadableFile(file, error.problem);
  }
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
