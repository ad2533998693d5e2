import type { AuditRecord, StormClaim, StormStore } from '../remediation/ports.ts';
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
 * are counted on the storm's first audit record (a counter entry in the audit trail each).
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
    this.absorb(await this.log.readNew());
  }

  private absorb({ reset, entries }: { reset: boolean; entries: StormEntry[] }): void {
    if (reset) {
      this.claims = new Map();
      this.applies = new Map();
    }
    for (const entry of entries) if (entry?.kind === 'claim' || entry?.kind === 'apply') this.remember(entry);
  }

  /** Appends, then reads the log up to and including the new line, so that every entry is remembered once. */
  private async add(entry: StormEntry): Promise<void> {
    this.absorb(await this.log.appendAndReadNew(entry));
  }

  /** The claim on the key that holds at `now`, as remembered (the caller syncs first). */
  private held(stormKey: string, windowSeconds: number, now: Date): StormClaim | null {
    const windowMs = windowSeconds * 1000;
    const claims = this.claims.get(stormKey) ?? [];
    const held = claims.find((claim) => Math.abs(claim.at - now.getTime()) < windowMs);
    return held ? { auditId: held.auditId, at: new Date(held.at) } : null;
  }

  claim(
    stormKey: string,
    auditId: string,
    windowSeconds: number,
    now: Date,
  ): Promise<{ first: true } | { first: false; auditId: string }> {
    return this.queue.run(async () => {
      await this.sync();
      const held = this.held(stormKey, windowSeconds, now);
      if (held !== null) return { first: false as const, auditId: held.auditId };
      await this.add({ kind: 'claim', stormKey, auditId, at: now.toISOString(), windowSeconds });
      return { first: true as const };
    });
  }

  heldClaim(stormKey: string, windowSeconds: number, now: Date): Promise<StormClaim | null> {
    return this.queue.run(async () => {
      await this.sync();
      return this.held(stormKey, windowSeconds, now);
    });
  }

  countOccurrence(auditId: string): Promise<AuditRecord | null> {
    return this.audit.countOccurrence(auditId, this.now());
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
