import { filterAuditRecords } from '../remediation/auditFilter.ts';
import type { AuditFilter, AuditOutcome, AuditRecord, AuditStore } from '../remediation/ports.ts';
import { JsonlLog } from './jsonlLog.ts';
import { SerialQueue } from './serialQueue.ts';

/**
 * One more occurrence of a storm on its first record: a line of a few dozen bytes instead of a copy of the record.
 * It has no `auditId`, so a reader that does not know it skips it rather than taking it for a record.
 */
interface OccurrenceEntry {
  occurrenceOf: string;
  at: string;
}

type AuditEntry = AuditRecord | OccurrenceEntry;

/**
 * The audit trail as a JSON Lines file: every create or change appends the record's whole new version, nothing is
 * ever rewritten, and the latest version of each audit id wins; a storm's later occurrences append a counter entry
 * each, folded into the record's `occurrences` (and `updatedAt`) when the file is read. Conditions (create if
 * absent, update if the outcome is still the expected one) are checked against the file as it is just before the
 * append; they hold for one process at a time writing the file.
 */
export class JsonlAuditStore implements AuditStore {
  private readonly log: JsonlLog<AuditEntry>;
  private readonly queue = new SerialQueue();
  private readonly records = new Map<string, AuditRecord>();

  constructor(path: string) {
    this.log = new JsonlLog(path);
  }

  get path(): string {
    return this.log.path;
  }

  /** Lines of the file that could not be read (skipped). */
  get skippedLines(): number {
    return this.log.skipped;
  }

  private async sync(): Promise<void> {
    this.absorb(await this.log.readNew());
  }

  private absorb({ reset, entries }: { reset: boolean; entries: AuditEntry[] }): void {
    if (reset) this.records.clear();
    for (const entry of entries) {
      if (typeof entry !== 'object' || entry === null) continue; // a line of JSON that is not an entry
      if ('auditId' in entry && typeof entry.auditId === 'string') this.records.set(entry.auditId, entry);
      else if ('occurrenceOf' in entry && typeof entry.occurrenceOf === 'string') this.fold(entry);
    }
  }

  /** A counter entry into its record (whose later versions carry the count on); one for no record is ignored. */
  private fold(entry: OccurrenceEntry): void {
    const current = this.records.get(entry.occurrenceOf);
    if (!current) return;
    const updatedAt =
      typeof entry.at === 'string' && entry.at > current.updatedAt ? entry.at : current.updatedAt;
    this.records.set(current.auditId, { ...current, occurrences: current.occurrences + 1, updatedAt });
  }

  private async put(record: AuditRecord): Promise<void> {
    await this.log.append(record);
    this.records.set(record.auditId, record);
  }

  create(record: AuditRecord): Promise<'created' | 'exists'> {
    return this.queue.run(async () => {
      await this.sync();
      if (this.records.has(record.auditId)) return 'exists';
      await this.put(record);
      return 'created';
    });
  }

  update(auditId: string, change: Partial<AuditRecord>, expected: AuditOutcome): Promise<boolean> {
    return this.queue.run(async () => {
      await this.sync();
      const current = this.records.get(auditId);
      if (!current || current.outcome !== expected) return false;
      await this.put({ ...current, ...change, auditId });
      return true;
    });
  }

  /**
   * Counts one more occurrence of a storm on its first record, whatever its outcome, with a counter entry; the
   * record with its new count, or null when there is none. The entry is folded as it is read back, like every
   * reader folds it, so that it is counted once.
   */
  countOccurrence(auditId: string, now: Date): Promise<AuditRecord | null> {
    return this.queue.run(async () => {
      await this.sync();
      if (!this.records.has(auditId)) return null;
      this.absorb(await this.log.appendAndReadNew({ occurrenceOf: auditId, at: now.toISOString() }));
      return this.records.get(auditId) ?? null;
    });
  }

  get(auditId: string): Promise<AuditRecord | null> {
    return this.queue.run(async () => {
      await this.sync();
      return this.records.get(auditId) ?? null;
    });
  }

  list(filter: AuditFilter): Promise<AuditRecord[]> {
    return this.queue.run(async () => {
      await this.sync();
      return filterAuditRecords(this.records.values(), filter);
    });
  }
}
