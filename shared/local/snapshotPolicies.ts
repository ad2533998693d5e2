import { parsePolicyDocument } from '../policy/parseDocument.ts';
import type { PolicyDocument } from '../policy/types.ts';
import type { PatchTarget } from '../remediation/ports.ts';

/**
 * Where each kind of patch target keeps its policy inside a snapshot file, read and changed in place. Works on the
 * file's own JSON (not the validated copy), so that everything else in the file stays exactly as the user wrote it.
 */
type Json = Record<string, unknown>;

export class SnapshotTargetError extends Error {
  override name = 'SnapshotTargetError';
}

function object(value: unknown): Json | null {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Json) : null;
}

function list(owner: Json, key: string): Json[] {
  const value = owner[key];
  if (value === undefined) {
    const created: Json[] = [];
    owner[key] = created;
    return created;
  }
  if (!Array.isArray(value)) throw new SnapshotTargetError(`${key} is not a list`);
  return value as Json[];
}

function accountOf(snapshot: Json, target: PatchTarget): Json {
  const account = object(object(snapshot.accounts)?.[target.account]);
  if (!account) throw new SnapshotTargetError(`the snapshot has no account ${target.account}`);
  return account;
}

const INLINE = {
  'iam-role': { list: 'RoleDetailList', policies: 'RolePolicyList', what: 'role' },
  'iam-user': { list: 'UserDetailList', policies: 'UserPolicyList', what: 'user' },
} as const;

/** Reads and changes one target's policy where the snapshot keeps it. */
interface Slot {
  read(): unknown;
  write(document: PolicyDocument): void;
  remove(): void;
}

function inlineSlot(snapshot: Json, target: PatchTarget, kind: 'iam-role' | 'iam-user'): Slot {
  const shape = INLINE[kind];
  const iam = object(accountOf(snapshot, target).iam);
  const principal = iam ? list(iam, shape.list).find((p) => p.Arn === target.arn) : undefined;
  if (!principal) throw new SnapshotTargetError(`the snapshot has no ${shape.what} ${target.arn}`);
  if (!target.policyName) throw new SnapshotTargetError(`an inline policy of ${target.arn} needs a name`);
  const name = target.policyName;
  const policies = () => list(principal, shape.policies);
  return {
    read: () => policies().find((p) => p.PolicyName === name)?.PolicyDocument ?? null,
    write(document) {
      const entry = policies().find((p) => p.PolicyName === name);
      if (entry) entry.PolicyDocument = document;
      else policies().push({ PolicyName: name, PolicyDocument: document });
    },
    remove() {
      principal[shape.policies] = policies().filter((p) => p.PolicyName !== name);
    },
  };
}

function keySlot(snapshot: Json, target: PatchTarget): Slot {
  const key = list(accountOf(snapshot, target), 'kms').find((k) => object(k.keyMetadata)?.Arn === target.arn);
  if (!key) throw new SnapshotTargetError(`the snapshot has no key ${target.arn}`);
  return {
    read: () => key.policy ?? null,
    write(document) {
      key.policy = document;
    },
    remove() {
      throw new SnapshotTargetError(`a key policy cannot be removed (${target.arn})`);
    },
  };
}

function bucketSlot(snapshot: Json, target: PatchTarget): Slot {
  const name = target.arn.split(':::')[1] ?? '';
  const bucket = list(accountOf(snapshot, target), 's3').find((b) => b.name === name);
  if (!bucket) throw new SnapshotTargetError(`the snapshot has no bucket ${name}`);
  return {
    read: () => bucket.policy ?? null,
    write(document) {
      bucket.policy = document;
    },
    remove() {
      bucket.policy = null;
    },
  };
}

function slotOf(snapshot: Json, target: PatchTarget): Slot {
  switch (target.type) {
    case 'iam-role':
    case 'iam-user':
      return inlineSlot(snapshot, target, target.type);
    case 'kms-key':
      return keySlot(snapshot, target);
    case 's3-bucket':
      return bucketSlot(snapshot, target);
  }
}

/** The target's policy as a document (the snapshot may hold it as an object, JSON text or URL-encoded text). */
export function readTargetPolicy(snapshot: Json, target: PatchTarget): PolicyDocument | null {
  const raw = slotOf(snapshot, target).read();
  if (raw === null) return null;
  const parsed = parsePolicyDocument(raw);
  if (!parsed.ok)
    throw new SnapshotTargetError(`the policy of ${target.arn} cannot be read: ${parsed.error}`);
  return parsed.document;
}

/** Changes the snapshot in place. */
export function writeTargetPolicy(snapshot: Json, target: PatchTarget, document: PolicyDocument): void {
  slotOf(snapshot, target).write(structuredClone(document));
}

/** Changes the snapshot in place. */
export function removeTargetPolicy(snapshot: Json, target: PatchTarget): void {
  slotOf(snapshot, target).remove();
}
