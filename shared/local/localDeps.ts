import { randomUUID } from 'node:crypto';
import type { RemediationDeps } from '../remediation/ports.ts';
import { JsonlAuditStore } from './jsonlAuditStore.ts';
import { JsonlStormStore } from './jsonlStormStore.ts';
import { JsonlNotifier, StreamNotifier } from './notifiers.ts';
import { SnapshotFile } from './snapshotFile.ts';
import { SnapshotPolicyStore } from './snapshotPolicyStore.ts';
import { SnapshotStateReader } from './snapshotStateReader.ts';
import { systemClock } from './systemClock.ts';

export interface LocalPaths {
  /** The snapshot file: read as the state, changed as the account. */
  state: string;
  /** The audit trail (JSON Lines). */
  audit: string;
  /** Where proposals and escalations go (JSON Lines); null: one line each on stderr. */
  proposals: string | null;
}

/** Storm claims and applies live beside the audit trail: `audit.jsonl` → `audit.storms.jsonl`. */
export function stormPathFor(auditPath: string): string {
  return auditPath.endsWith('.jsonl')
    ? `${auditPath.slice(0, -'.jsonl'.length)}.storms.jsonl`
    : `${auditPath}.storms.jsonl`;
}

/** The embedded default's adapters: the snapshot file is the account, JSON Lines files the audit trail and outbox. */
export function localRemediationDeps(paths: LocalPaths): RemediationDeps & { audit: JsonlAuditStore } {
  const file = new SnapshotFile(paths.state);
  const audit = new JsonlAuditStore(paths.audit);
  return {
    state: new SnapshotStateReader(file),
    policies: new SnapshotPolicyStore(file),
    audit,
    storms: new JsonlStormStore(stormPathFor(paths.audit), audit, systemClock.now),
    notifier: paths.proposals ? new JsonlNotifier(paths.proposals) : new StreamNotifier(process.stderr),
    clock: systemClock,
    newId: randomUUID,
  };
}
