import { readFile, stat } from 'node:fs/promises';
import { writeFileAtomic } from './atomicFile.ts';

export class SnapshotFileError extends Error {
  override name = 'SnapshotFileError';
}

type Json = Record<string, unknown>;

/**
 * The snapshot file as the embedded default's "account": read fresh whenever it changed on disk, changed by
 * read-modify-write with an atomic replace. Changes from this process are serialized so none is lost.
 */
export class SnapshotFile {
  readonly path: string;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(path: string) {
    this.path = path;
  }

  /** Identifies the file's current version cheaply: an atomic replace gives a new inode, a write a new mtime. */
  async version(): Promise<string> {
    const info = await stat(this.path);
    return `${info.ino}:${info.mtimeMs}:${info.size}`;
  }

  /** The file's JSON, a fresh copy the caller may change. */
  async read(): Promise<Json> {
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch (cause) {
      throw new SnapshotFileError(`snapshot ${this.path} cannot be read: ${(cause as Error).message}`, {
        cause,
      });
    }
    let value: unknown;
    try {
      value = JSON.parse(text.replace(/^\uFEFF/, ''));
    } catch (cause) {
      throw new SnapshotFileError(`snapshot ${this.path} is not valid JSON: ${(cause as Error).message}`, {
        cause,
      });
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value))
      throw new SnapshotFileError(`snapshot ${this.path} is not a JSON object`);
    return value as Json;
  }

  /** Reads, lets `change` edit the JSON in place, and replaces the file atomically. */
  update(change: (snapshot: Json) => void): Promise<void> {
    const run = this.queue.then(async () => {
      const snapshot = await this.read();
      change(snapshot);
      await writeFileAtomic(this.path, `${JSON.stringify(snapshot, null, 2)}\n`);
    });
    this.queue = run.catch(() => {});
    return run;
  }
}
