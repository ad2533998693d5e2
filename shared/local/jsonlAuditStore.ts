import { filterAuditRecords } from '../remediation/auditFilter.ts';
import type { AuditFilter, AuditOutcome, AuditRecord, AuditStore } from '../remediation/ports.ts';
import { JsonlLog } from './jsonlLog.ts';
import { SerialQueue } from './serialQueue.ts';

/**
 * The audit trail as a JSON Lines file: every create or change appends the record's whole new version, nothing is
 * ever rewritten, and the latest version of each audit id wins. Conditions (create if absent, update if the
 * outcome is still the expected one) are checked against the file as it is just before the append; they hold for
 * one process at a time writing the file.
 */
export class JsonlAuditStore implements AuditStore {
  private readonly log: JsonlLog<AuditRecord>;
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
    const { reset, entries } = await this.log.readNew();
    if (reset) this.records.clear();
    for (const record of entries) {
      if (record && typeof record.auditId === 'string') this.records.set(record.auditId, record);
    }
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

  /** Counts one more occurrence of a storm on its first record, whatever its outcome. */
  incrementOccurrences(auditId: string, now: Date): Promise<boolean> {
    return this.queue.run(async () => {
      await this.sync();
      const current = this.records.get(auditId);
      if (!current) return false;
      await this.put({ ...current, occurrences: current.occurrences + 1, updatedAt: now.toISOString() });
      return true;
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
