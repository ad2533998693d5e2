import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { normalizeRecord } from '../../../../shared/events/normalize.ts';
import type { NormalizedEvent } from '../../../../shared/events/types.ts';
import {
  readTargetPolicy,
  removeTargetPolicy,
  writeTargetPolicy,
} from '../../../../shared/local/snapshotPolicies.ts';
import type { PolicyDocument } from '../../../../shared/policy/types.ts';
import { filterAuditRecords } from '../../../../shared/remediation/auditFilter.ts';
import {
  DEFAULT_REMEDIATION_OPTIONS,
  type RemediationOptions,
} from '../../../../shared/remediation/options.ts';
import type {
  AuditFilter,
  AuditOutcome,
  AuditRecord,
  AuditStore,
  Clock,
  Notifier,
  PatchTarget,
  PolicyStore,
  RemediationDeps,
  StateReader,
  StormClaim,
  StormStore,
} from '../../../../shared/remediation/ports.ts';
import { type Snapshot, snapshotSchema } from '../../../../shared/state/snapshotSchema.ts';

type Json = Record<string, unknown>;

export const FIXTURES = join(__dirname, '../../../fixtures');

export function fixtureState(name: string): Json {
  return JSON.parse(readFileSync(join(FIXTURES, name, 'state.json'), 'utf8')) as Json;
}

export function fixtureRecord(name: string): Json {
  const raw = JSON.parse(readFileSync(join(FIXTURES, name, 'event.json'), 'utf8')) as Json;
  return (raw.detail as Json | undefined) ?? raw;
}

export function eventOf(record: Json, change: Partial<Json> = {}): NormalizedEvent {
  const normalized = normalizeRecord({ ...record, ...change });
  if (!normalized.ok) throw new Error(normalized.reason);
  return normalized.event;
}

export function fixtureEvent(name: string, change: Partial<Json> = {}): NormalizedEvent {
  return eventOf(fixtureRecord(name), change);
}

/** The "account": a snapshot JSON that the state reader and the policy store share, as AWS would. */
export class MemoryAccount {
  snapshot: Json;
  constructor(snapshot: Json) {
    this.snapshot = structuredClone(snapshot);
  }
  policy(target: PatchTarget): PolicyDocument | null {
    return readTargetPolicy(this.snapshot, target);
  }
  setPolicy(target: PatchTarget, document: PolicyDocument): void {
    writeTargetPolicy(this.snapshot, target, document);
  }
}

export class MemoryStateReader implements StateReader {
  reads = 0;
  /** Runs after each read (the state as read is already taken): lets a test change the account "meanwhile". */
  afterRead: ((reads: number) => void) | null = null;
  failWith: Error | null = null;
  constructor(private readonly account: MemoryAccount) {}
  async readFor(): Promise<Snapshot> {
    if (this.failWith) throw this.failWith;
    this.reads += 1;
    const snapshot = snapshotSchema.parse(structuredClone(this.account.snapshot));
    this.afterRead?.(this.reads);
    return snapshot;
  }
}

export class MemoryPolicyStore implements PolicyStore {
  writes: { target: PatchTarget; document: PolicyDocument | null }[] = [];
  /** Called before each write; throw to make the write fail. */
  beforeWrite:
    | ((target: PatchTarget, document: PolicyDocument | null, index: number) => void | Promise<void>)
    | null = null;
  /** What a read returns instead of the account's document (e.g. a stale copy). */
  readOverride: ((target: PatchTarget, actual: PolicyDocument | null) => PolicyDocument | null) | null = null;
  constructor(private readonly account: MemoryAccount) {}
  async read(target: PatchTarget): Promise<PolicyDocument | null> {
    const actual = this.account.policy(target);
    return this.readOverride ? this.readOverride(target, actual) : actual;
  }
  async write(target: PatchTarget, document: PolicyDocument): Promise<void> {
    await this.beforeWrite?.(target, document, this.writes.length);
    this.writes.push({ target, document });
    this.account.setPolicy(target, document);
  }
  async remove(target: PatchTarget): Promise<void> {
    await this.beforeWrite?.(target, null, this.writes.length);
    this.writes.push({ target, document: null });
    removeTargetPolicy(this.account.snapshot, target);
  }
}

export class MemoryAuditStore implements AuditStore {
  readonly records = new Map<string, AuditRecord>();
  /** Every version written, in order. */
  readonly versions: AuditRecord[] = [];
  failWith: Error | null = null;
  private put(record: AuditRecord) {
    this.records.set(record.auditId, record);
    this.versions.push(structuredClone(record));
  }
  async create(record: AuditRecord): Promise<'created' | 'exists'> {
    if (this.failWith) throw this.failWith;
    if (this.records.has(record.auditId)) return 'exists';
    this.put(structuredClone(record));
    return 'created';
  }
  async update(auditId: string, change: Partial<AuditRecord>, expected: AuditOutcome): Promise<boolean> {
    const current = this.records.get(auditId);
    if (!current || current.outcome !== expected) return false;
    this.put({ ...current, ...structuredClone(change) });
    return true;
  }
  async get(auditId: string): Promise<AuditRecord | null> {
    if (this.failWith) throw this.failWith;
    const record = this.records.get(auditId);
    return record ? structuredClone(record) : null;
  }
  async list(filter: AuditFilter): Promise<AuditRecord[]> {
    return filterAuditRecords(this.records.values(), filter);
  }
}

export class MemoryStormStore implements StormStore {
  claims: { stormKey: string; auditId: string; at: number }[] = [];
  applies: { account: string; at: number }[] = [];
  constructor(private readonly audit: MemoryAuditStore) {}
  private held(stormKey: string, windowSeconds: number, now: Date) {
    return this.claims.find(
      (c) => c.stormKey === stormKey && Math.abs(c.at - now.getTime()) < windowSeconds * 1000,
    );
  }
  async claim(stormKey: string, auditId: string, windowSeconds: number, now: Date) {
    const held = this.held(stormKey, windowSeconds, now);
    if (held) return { first: false as const, auditId: held.auditId };
    this.claims.push({ stormKey, auditId, at: now.getTime() });
    return { first: true as const };
  }
  async heldClaim(stormKey: string, windowSeconds: number, now: Date): Promise<StormClaim | null> {
    const held = this.held(stormKey, windowSeconds, now);
    return held ? { auditId: held.auditId, at: new Date(held.at) } : null;
  }
  async countOccurrence(auditId: string): Promise<AuditRecord | null> {
    const record = this.audit.records.get(auditId);
    if (!record) return null;
    const counted = { ...record, occurrences: record.occurrences + 1 };
    this.audit.records.set(auditId, counted);
    return structuredClone(counted);
  }
  async appliesInLastHour(account: string, now: Date): Promise<number> {
    return this.applies.filter((a) => a.account === account && a.at > now.getTime() - 3_600_000).length;
  }
  async recordApply(account: string, now: Date): Promise<void> {
    this.applies.push({ account, at: now.getTime() });
  }
}

export class RecordingNotifier implements Notifier {
  notified: AuditRecord[] = [];
  async notify(record: AuditRecord): Promise<void> {
    this.notified.push(structuredClone(record));
  }
}

/** Time that moves only when the pipeline sleeps. */
export class FakeClock implements Clock {
  sleeps: number[] = [];
  constructor(private time = Date.parse('2026-11-20T02:00:00Z')) {}
  now(): Date {
    return new Date(this.time);
  }
  async sleep(ms: number): Promise<void> {
    this.sleeps.push(ms);
    this.time += ms;
  }
  advance(ms: number): void {
    this.time += ms;
  }
}

export interface World {
  account: MemoryAccount;
  state: MemoryStateReader;
  policies: MemoryPolicyStore;
  audit: MemoryAuditStore;
  storms: MemoryStormStore;
  notifier: RecordingNotifier;
  clock: FakeClock;
  deps: RemediationDeps;
}

export function world(snapshot: Json): World {
  const account = new MemoryAccount(snapshot);
  const audit = new MemoryAuditStore();
  const parts = {
    account,
    state: new MemoryStateReader(account),
    policies: new MemoryPolicyStore(account),
    audit,
    storms: new MemoryStormStore(audit),
    notifier: new RecordingNotifier(),
    clock: new FakeClock(),
  };
  let next = 0;
  return { ...parts, deps: { ...parts, newId: () => `generated-${++next}` } };
}

export const AUTO_APPLY_ALL: RemediationOptions = {
  ...DEFAULT_REMEDIATION_OPTIONS,
  decision: { ...DEFAULT_REMEDIATION_OPTIONS.decision, autoApply: [{}] },
};

export const PROPOSE_ONLY: RemediationOptions = DEFAULT_REMEDIATION_OPTIONS;
