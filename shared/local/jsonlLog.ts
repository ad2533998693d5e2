import { statSync } from 'node:fs';
import { appendFile, open } from 'node:fs/promises';

const NEWLINE = 0x0a;

type ReadResult<T> = { reset: boolean; entries: T[] };

function isMissing(error: unknown): boolean {
  return (error as NodeJS.ErrnoException).code === 'ENOENT';
}

/**
 * An append-only JSON Lines file, read incrementally: each `readNew` returns only the entries appended since the
 * previous one (by this or another process). A last line without its newline is still being written and waits.
 * A line that is not JSON is skipped and counted, so one damaged line never makes the whole log unreadable.
 */
export class JsonlLog<T> {
  readonly path: string;
  private offset = 0;
  skipped = 0;

  constructor(path: string) {
    this.path = path;
  }

  /**
   * The file's size, or null when it does not exist. Synchronous: a stat takes microseconds, while a round trip
   * through the thread pool is most of what a storm's occurrence costs (two or three stats each).
   */
  private size(): number | null {
    try {
      return statSync(this.path).size;
    } catch (error) {
      if (isMissing(error)) return null;
      throw error;
    }
  }

  private vanished(): ReadResult<T> {
    const reset = this.offset > 0;
    this.offset = 0;
    return { reset, entries: [] };
  }

  /** New entries; `reset` when the file shrank or vanished, so the caller must forget what it read before. */
  async readNew(): Promise<ReadResult<T>> {
    // One stat answers the common case, nothing new, without opening the file (a storm reads it per event).
    const size = this.size();
    if (size === null) return this.vanished();
    if (size === this.offset) return { reset: false, entries: [] };
    let handle: Awaited<ReturnType<typeof open>>;
    try {
      handle = await open(this.path, 'r');
    } catch (error) {
      if (!isMissing(error)) throw error;
      return this.vanished();
    }
    try {
      const { size } = await handle.stat();
      const reset = size < this.offset;
      if (reset) this.offset = 0;
      if (size === this.offset) return { reset, entries: [] };
      const buffer = Buffer.alloc(size - this.offset);
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, this.offset);
      const end = buffer.subarray(0, bytesRead).lastIndexOf(NEWLINE);
      if (end < 0) return { reset, entries: [] };
      this.offset += end + 1;
      const entries: T[] = [];
      for (const line of buffer.subarray(0, end).toString('utf8').split('\n')) {
        if (line.trim() === '') continue;
        try {
          entries.push(JSON.parse(line) as T);
        } catch {
          this.skipped += 1;
        }
      }
      return { reset, entries };
    } finally {
      await handle.close();
    }
  }

  /** One line, written with a single append so that concurrent writers do not interleave within it. */
  async append(entry: T): Promise<void> {
    await appendFile(this.path, `${JSON.stringify(entry)}\n`, 'utf8');
  }

  /**
   * `append`, then `readNew`: what is new since the previous read, the appended entry included. When the file grew
   * by exactly the new line since that read, nothing else can be new, and the entry is not read back.
   */
  async appendAndReadNew(entry: T): Promise<ReadResult<T>> {
    const line = `${JSON.stringify(entry)}\n`;
    const before = this.offset;
    await appendFile(this.path, line, 'utf8');
    if (this.size() !== before + Buffer.byteLength(line)) return this.readNew();
    this.offset = before + Buffer.byteLength(line);
    return { reset: false, entries: [JSON.parse(line) as T] };
  }
}
