import type { StormStore } from '../remediation/ports.ts';
import type { JsonlAuditStore } from './jsonlAuditStore.ts';
import { JsonlLog } from './jsonlLog.ts';
import { SerialQueue } from './serialQueue.ts';

type StormEntry =
  | { kind: 'claim'; stormKey: string; auditId: string; at: string; windowSeconds: number }
  | { kind: 'apply'; account: string; at: string };

const HOUR_MS = 3_600_000;

/**
 * Storm claims and automatic applies as a JSON Lines file beside the audit trail. A claim holds for its window on
 * either side of its time, so events replayed out of order still fall into the storm they belong to. Occurrences
 * are counted on the storm's first audit record.
 */
export class JsonlStormStore implements StormStore {
  private readonly log: JsonlLog<StormEntry>;
  private readonly queue = new SerialQueue();
  private readonly audit: JsonlAuditStore;
  private readonly now: () => Date;
  private claims = new Map<string, { auditId: string; at: number }[]>();
  private applies = new Map<string, number[]>();

  constructor(path: string, audit: JsonlAuditStore, now: () => Date = () => new Date()) {
    this.log = new JsonlLog(path);
    this.audit = audit;
    this.now = now;
  }

  private remember(entry: StormEntry): void {
    const at = Date.parse(entry.at);
    if (entry.kind === 'claim')
      this.claims.set(entry.stormKey, [
        ...(this.claims.get(entry.stormKey) ?? []),
        { auditId: entry.auditId, at },
      ]);
    else this.applies.set(entry.account, [...(this.applies.get(entry.account) ?? []), at]);
  }

  private async sync(): Promise<void> {
    const { reset, entries } = await this.log.readNew();
    if (reset) {
      this.claims = new Map();
      this.applies = new Map();
    }
    for (const entry of entries) if (entry?.kind === 'claim' || entry?.kind === 'apply') this.remember(entry);
  }

  /** Appends, then reads the log up to and including the new line, so that every entry is remembered once. */
  private async add(entry: StormEntry): Promise<void> {
    await this.log.append(entry);
    await this.sync();
  }

  claim(
    stormKey: string,
    auditId: string,
    windowSeconds: number,
    now: Date,
  ): Promise<{ first: true } | { first: false; auditId: string }> {
    return this.queue.run(async () => {
      await this.sync();
      const windowMs = windowSeconds * 1000;
      const held = (this.claims.get(stormKey) ?? []).find(
        (claim) => Math.abs(claim.at - now.getTime()) < windowMs,
      );
      if (held) return { first: false as const, auditId: held.auditId };
      await this.add({ kind: 'claim', stormKey, auditId, at: now.toISOString(), windowSeconds });
      return { first: true as const };
    });
  }

  async countOccurrence(auditId: string): Promise<void> {
    await this.audit.incrementOccurrences(auditId, this.now());
  }

  appliesInLastHour(account: string, now: Date): Promise<number> {
    return this.queue.run(async () => {
      await this.sync();
      const since = now.getTime() - HOUR_MS;
      return (this.applies.get(account) ?? []).filter((at) => at > since && at <= now.getTime()).length;
    });
  }

  recordApply(account: string, now: Date): Promise<void> {
    return this.queue.run(async () => {
      await this.sync();
      await this.add({ kind: 'apply', account, at: now.toISOString() });
    });
  }
}
