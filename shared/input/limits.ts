/**
 * How much one input file may cost. A hostile file a few hundred KB in size can expand (gzip) to gigabytes,
 * to tens of millions of list items or to millions of nesting levels; each limit below turns such a file, or
 * such a record, into an `invalid-event` record that says which limit it broke, and the run goes on.
 */

export interface InputLimits {
  /**
   * Bytes a gzip file may expand to, and a JSON document (not JSON Lines) or a FIFO may hold. A trail writes a
   * log file every few minutes; 256 MiB holds some 200,000 records of a typical 1.3 KB, far more than one
   * file carries. The reader streams, so this bounds time (and what a FIFO makes us hold), not the heap, and
   * a laptop or a Lambda survives it.
   */
  maxFileBytes: number;
  /**
   * Bytes of one record: a JSON Lines line, an item of a list, or a document parsed whole. A CloudTrail record
   * is at most a few hundred KB (EventBridge caps events at 256 KB). JSON.parse of hostile text costs up to
   * about 30 times its size in heap (8 MiB of `[{},{},...]` or of 4 million nested `[` take ~240 MiB), so
   * 8 MiB keeps the worst record within a 512 MiB heap while leaving 30 times headroom over real records.
   */
  maxRecordBytes: number;
  /**
   * Records one file may hold. A real CloudTrail record takes well over 268 bytes, so within maxFileBytes a
   * real file stays under this count; what goes over is a flood of tiny items whose report would be a hundred
   * times larger than the file itself.
   */
  maxRecords: number;
}

export const DEFAULT_LIMITS: InputLimits = {
  maxFileBytes: 256 * 1024 * 1024,
  maxRecordBytes: 8 * 1024 * 1024,
  maxRecords: 1_000_000,
};

export function fileTooLarge(maxFileBytes: number, gzip: boolean): string {
  const verb = gzip ? 'expands past' : 'is larger than';
  return `${verb} the ${size(maxFileBytes)} limit for one input file; it is not read`;
}

export function recordTooLarge(limits: InputLimits, bytes: number): string {
  return `is ${size(bytes)}, over the ${size(limits.maxRecordBytes)} limit for one record`;
}

export function tooManyRecords(limits: InputLimits, count: number): string {
  return `holds ${count.toLocaleString('en-US')} records, over the ${limits.maxRecords.toLocaleString('en-US')} limit for one input file; it is not read`;
}

/** The rest of a JSON Lines file, whose lines hold more records than the limit once lists are expanded. */
export function tooManyRecordsFrom(limits: InputLimits): string {
  return `this line takes the file over the ${limits.maxRecords.toLocaleString('en-US')} limit of records for one input file; the rest of the file is not read`;
}

/** Whole MiB as "8 MiB", anything else with one decimal, "9.0 MiB"; small sizes in bytes. */
function size(bytes: number): string {
  const mib = bytes / (1024 * 1024);
  if (mib < 0.1) return `${bytes} bytes`;
  return Number.isInteger(mib) ? `${mib} MiB` : `${mib.toFixed(1)} MiB`;
}
