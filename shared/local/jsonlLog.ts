import { appendFile, open } from 'node:fs/promises';

const NEWLINE = 0x0a;

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

  /** New entries; `reset` when the file shrank or vanished, so the caller must forget what it read before. */
  async readNew(): Promise<{ reset: boolean; entries: T[] }> {
    let handle: Awaited<ReturnType<typeof open>>;
    try {
      handle = await open(this.path, 'r');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      const reset = this.offset > 0;
      this.offset = 0;
      return { reset, entries: [] };
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
}
