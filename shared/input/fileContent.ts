/**
 * The bytes of one event file as the readers see them: gunzipped when the file is gzip (told by its bytes,
 * whatever its name), UTF-16 turned into UTF-8, counted against a limit, and streamed, so that memory stays
 * bounded however far a file expands. A regular file is read again for each pass a reader makes; anything
 * else (a FIFO) is read once into memory, within the limit.
 */
import { createReadStream } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { pipeline } from 'node:stream';
import { TextDecoder } from 'node:util';
import { createGunzip } from 'node:zlib';
import { EventInputError, errorMessage, inputError, UnreadableFileError } from './inputErrors.ts';
import { fileTooLarge } from './limits.ts';

const CHUNK_BYTES = 64 * 1024;
/** Enough of the start to see a gzip header, a UTF-16 byte-order mark or a UTF-8 one whole. */
const HEAD_BYTES = 4;

export interface FileContent {
  /** Whether the file is gzip. */
  readonly gzip: boolean;
  /**
   * The expanded bytes from the start, UTF-8 (a UTF-8 byte-order mark kept, as TextDecoder would drop it).
   * Throws UnreadableFileError past `limit` expanded bytes or for bad gzip, EventInputError if the file
   * cannot be read. The first chunk holds at least HEAD_BYTES bytes unless the content is shorter.
   */
  bytes(limit: number | null): AsyncGenerator<Buffer>;
}

/** Throws EventInputError when the path cannot be read, UnreadableFileError for a FIFO over `maxBytes`. */
export async function openContent(fsPath: string, maxBytes: number): Promise<FileContent> {
  const stats = await stat(fsPath).catch((error: unknown) => {
    throw inputError(fsPath, error);
  });
  if (stats.isFile()) {
    const head = await readHead(fsPath);
    return content(isGzip(head), () => fileChunks(fsPath));
  }
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of fileChunks(fsPath)) {
    total += chunk.length;
    if (total > maxBytes) throw new UnreadableFileError(fileTooLarge(maxBytes, false));
    chunks.push(chunk);
  }
  return content(isGzip(Buffer.concat(chunks.slice(0, 2))), async function* () {
    yield* chunks;
  });
}

function content(gzip: boolean, raw: () => AsyncGenerator<Buffer>): FileContent {
  return {
    gzip,
    async *bytes(limit: number | null): AsyncGenerator<Buffer> {
      let total = 0;
      const expanded = gzip ? gunzipped(raw()) : raw();
      for await (const chunk of utf8(headFirst(expanded))) {
        total += chunk.length;
        if (limit !== null && total > limit) throw new UnreadableFileError(fileTooLarge(limit, gzip));
        yield chunk;
      }
    },
  };
}

async function readHead(fsPath: string): Promise<Buffer> {
  try {
    const handle = await open(fsPath, 'r');
    try {
      const { buffer, bytesRead } = await handle.read(Buffer.alloc(2), 0, 2, 0);
      return buffer.subarray(0, bytesRead);
    } finally {
      await handle.close();
    }
  } catch (error) {
    throw inputError(fsPath, error);
  }
}

async function* fileChunks(fsPath: string): AsyncGenerator<Buffer> {
  try {
    for await (const chunk of createReadStream(fsPath, { highWaterMark: CHUNK_BYTES })) yield chunk as Buffer;
  } catch (error) {
    throw inputError(fsPath, error);
  }
}

/** Streaming gunzip: memory holds one chunk, whatever the file expands to; concatenated members are read on. */
async function* gunzipped(raw: AsyncGenerator<Buffer>): AsyncGenerator<Buffer> {
  const gunzip = createGunzip({ chunkSize: CHUNK_BYTES });
  // The pipeline's errors reach the loop below through `gunzip`; the callback only keeps them from escaping.
  const output = pipeline(raw, gunzip, () => {});
  try {
    for await (const chunk of output) yield chunk as Buffer;
  } catch (error) {
    if (error instanceof EventInputError) throw error;
    throw new UnreadableFileError(`could not be decompressed as gzip (${errorMessage(error)})`, {
      cause: error,
    });
  } finally {
    gunzip.destroy();
  }
}

/** Chunks regrouped so that the first holds HEAD_BYTES bytes (or all there is). */
async function* headFirst(chunks: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
  let head: Buffer[] | null = [];
  let headBytes = 0;
  for await (const chunk of chunks) {
    if (head === null) {
      yield chunk;
      continue;
    }
    head.push(chunk);
    headBytes += chunk.length;
    if (headBytes >= HEAD_BYTES) {
      yield Buffer.concat(head);
      head = null;
    }
  }
  if (head !== null && headBytes > 0) yield Buffer.concat(head);
}

/** UTF-16 with a byte-order mark (Windows PowerShell redirects output that way) re-encoded as UTF-8; else as is. */
async function* utf8(chunks: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
  let decoder: TextDecoder | null | undefined;
  for await (const chunk of chunks) {
    if (decoder === undefined) {
      const encoding =
        chunk[0] === 0xff && chunk[1] === 0xfe
          ? 'utf-16le'
          : chunk[0] === 0xfe && chunk[1] === 0xff
            ? 'utf-16be'
            : null;
      decoder = encoding === null ? null : new TextDecoder(encoding);
    }
    if (decoder === null) yield chunk;
    else {
      const text = decoder.decode(chunk, { stream: true });
      if (text !== '') yield Buffer.from(text, 'utf8');
    }
  }
  const rest = decoder?.decode() ?? '';
  if (rest !== '') yield Buffer.from(rest, 'utf8');
}

function isGzip(bytes: Buffer): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}
