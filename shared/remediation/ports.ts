import type { NormalizedEvent } from '../events/types.ts';
import type { PolicyDocument } from '../policy/types.ts';
import type { Patch, PatchTargetType, ReportLine } from '../report/types.ts';
import type { Snapshot } from '../state/snapshotSchema.ts';

/**
 * The small interfaces through which the remediation pipeline talks to the world. Adapters implement them:
 * `shared/aws/` against AWS (and the moto emulator in tests), `shared/local/` against files for the embedded default.
 */

/** Reads what the analysis of one event needs, in the contract's snapshot shape (only the accounts involved). */
export interface StateReader {
  readFor(event: NormalizedEvent): Promise<Snapshot>;
}

/** Where a patch goes. */
export interface PatchTarget {
  account: string;
  type: PatchTargetType;
  arn: string;
  /** The inline policy name for iam-role / iam-user; null for key and bucket policies. */
  policyName: string | null;
}

export function targetOf(patch: Patch): PatchTarget {
  return {
    account: patch.account,
    type: patch.target.type,
    arn: patch.target.arn,
    policyName: patch.policyName,
  };
}

/** The documents a patch changes: an inline role/user policy, a key policy, a bucket policy. */
export interface PolicyStore {
  /** The current document, or null when there is none (no such inline policy, no bucket policy). */
  read(target: PatchTarget): Promise<PolicyDocument | null>;
  write(target: PatchTarget, document: PolicyDocument): Promise<void>;
  /** Deletes a document the remediator created (rolling back a patch whose `before` was null). */
  remove(target: PatchTarget): Promise<void>;
}

export type AuditOutcome =
  | 'proposed' // waiting for a person (needs-approval)
  | 'escalated' // a verdict no patch may fix
  | 'ignored' // not-permission-error, already-allowed, invalid-event
  | 'applying' // before-image recorded, write in progress
  | 'applied' // written, read back and verified
  | 'conflict' // the target changed since the analysis; not overwritten
  | 'failed' // the write or verification failed; before-image restored
  | 'rolled-back'
  | 'rate-limited'; // over the per-account apply limit: proposal instead

/** One audit record per handled event; never deleted, never expiring. */
export interface AuditRecord {
  auditId: string;
  eventId: string | null;
  recordedAt: string;
  account: string | null;
  principal: string | null;
  request: ReportLine['request'];
  verdict: ReportLine['verdict'];
  decision: ReportLine['decision'];
  reason: string;
  patches: Patch[];
  proof: ReportLine['proof'];
  /** Who or what acted: "access-remediator" for automatic applies, the approver's identity otherwise. */
  actor: string | null;
  outcome: AuditOutcome;
  outcomeReason: string | null;
  /** The (principal, missing permissions, resource) key that groups an event storm. */
  stormKey: string;
  occurrences: number;
  rollbackOf: string | null;
  rolledBackBy: string | null;
  updatedAt: string;
}

export interface AuditFilter {
  account?: string;
  principal?: string;
  verdict?: string;
  decision?: string;
  since?: string;
  until?: string;
  limit?: number;
}

export interface AuditStore {
  /** Writes a new record; 'exists' when one with that id is already there (conditional write). */
  create(record: AuditRecord): Promise<'created' | 'exists'>;
  /** Changes a record, only if its outcome is still `expected` (optimistic concurrency); false otherwise. */
  update(auditId: string, change: Partial<AuditRecord>, expected: AuditOutcome): Promise<boolean>;
  get(auditId: string): Promise<AuditRecord | null>;
  list(filter: AuditFilter): Promise<AuditRecord[]>;
}

/** Who claimed a storm key, and the time the claim's window is centred on. */
export interface StormClaim {
  auditId: string;
  at: Date;
}

/** Event storms: the first event of a storm key within the window claims it; the rest count occurrences. */
export interface StormStore {
  claim(
    stormKey: string,
    auditId: string,
    windowSeconds: number,
    now: Date,
  ): Promise<{ first: true } | { first: false; auditId: string }>;
  /** The claim on the key that holds at `now` (within the window on either side), or null; claims nothing. */
  heldClaim(stormKey: string, windowSeconds: number, now: Date): Promise<StormClaim | null>;
  /**
   * One more occurrence counted on the storm's first record, as one small write (never a copy of the record): the
   * record with its new count, or null when there is no such record (counting never creates one).
   */
  countOccurrence(auditId: string): Promise<AuditRecord | null>;
  /** Applies recorded for an account within the last hour, for the per-account limit. */
  appliesInLastHour(account: string, now: Date): Promise<number>;
  recordApply(account: string, now: Date): Promise<void>;
}

/** Sends proposals and escalations to people (SNS → e-mail, Slack). */
export interface Notifier {
  notify(record: AuditRecord): Promise<void>;
}

/** Time, injected so that the pipeline's waits and windows are testable. */
export interface Clock {
  now(): Date;
  sleep(ms: number): Promise<void>;
}

/** New ids for audit records that no event id names (rollbacks, unreadable records); `crypto.randomUUID` at the edge. */
export type IdGenerator = () => string;

/** Everything the remediation pipeline talks to, in one place so that adapters are swapped as a set. */
export interface RemediationDeps {
  state: StateReader;
  policies: PolicyStore;
  audit: AuditStore;
  storms: StormStore;
  notifier: Notifier;
  clock: Clock;
  newId: IdGenerator;
}
