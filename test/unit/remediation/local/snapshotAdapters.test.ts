import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SnapshotFile } from '../../../../shared/local/snapshotFile.ts';
import { SnapshotPolicyStore } from '../../../../shared/local/snapshotPolicyStore.ts';
import { SnapshotStateReader } from '../../../../shared/local/snapshotStateReader.ts';
import type { Snapshot } from '../../../../shared/state/snapshotSchema.ts';
import { fixtureEvent, fixtureState } from '../support/memoryAdapters.ts';

const FIXTURE = 'kc001-cross-account-getobject-three-patches';
const ROLE = 'arn:aws:iam::444455556666:role/analytics-reader';
const KEY = 'arn:aws:kms:us-east-1:111122223333:key/6830ba71-635c-4166-b8da-901b16698e7e';
const BUCKET = 'arn:aws:s3:::example-shared-features';

function copy(change?: (snapshot: Snapshot) => void): {
  path: string;
  store: SnapshotPolicyStore;
  file: SnapshotFile;
} {
  const dir = mkdtempSync(join(tmpdir(), 'ar-snapshot-'));
  const path = join(dir, 'state.json');
  const snapshot = fixtureState(FIXTURE);
  change?.(snapshot as unknown as Snapshot);
  writeFileSync(path, JSON.stringify(snapshot, null, 2));
  const file = new SnapshotFile(path);
  return { path, store: new SnapshotPolicyStore(file), file };
}

const inline = {
  account: '444455556666',
  type: 'iam-role' as const,
  arn: ROLE,
  policyName: 'access-remediator',
};
const key = { account: '111122223333', type: 'kms-key' as const, arn: KEY, policyName: null };
const bucket = { account: '111122223333', type: 's3-bucket' as const, arn: BUCKET, policyName: null };
const doc = {
  Version: '2012-10-17',
  Statement: [{ Sid: 'X', Effect: 'Allow' as const, Action: 's3:GetObject', Resource: `${BUCKET}/a/*` }],
};

describe('SnapshotPolicyStore: the snapshot file is the account', () => {
  it('reads policies however the snapshot holds them (object, JSON text, URL-encoded text)', async () => {
    const { store } = copy((s) => {
      const owner = s.accounts['111122223333']!;
      owner.kms![0]!.policy = encodeURIComponent(JSON.stringify(doc));
      owner.s3![0]!.policy = JSON.stringify(doc);
    });
    expect(await store.read(key)).toEqual(doc);
    expect(await store.read(bucket)).toEqual(doc);
    expect(await store.read(inline)).toBeNull();
  });

  it('writes and removes an inline policy, leaving everything else in the file as it was', async () => {
    const { path, store } = copy();
    const original = JSON.parse(readFileSync(path, 'utf8'));
    await store.write(inline, doc);
    expect(await store.read(inline)).toEqual(doc);
    await store.remove(inline);
    expect(await store.read(inline)).toBeNull();
    expect(JSON.parse(readFileSync(path, 'utf8'))).toEqual(original);
  });

  it('replaces the file atomically (no temporary file is left behind)', async () => {
    const { path, store } = copy();
    await Promise.all([store.write(bucket, doc), store.write(key, doc)]);
    expect(await store.read(bucket)).toEqual(doc);
    expect(await store.read(key)).toEqual(doc);
    expect(readdirSync(join(path, '..'))).toEqual(['state.json']);
  });

  it('names what it cannot find, and never removes a key policy', async () => {
    const { store } = copy();
    await expect(store.read({ ...inline, arn: 'arn:aws:iam::444455556666:role/nobody' })).rejects.toThrow(
      /no role arn:aws:iam::444455556666:role\/nobody/,
    );
    await expect(store.read({ ...key, account: '999988887777' })).rejects.toThrow(/no account 999988887777/);
    await expect(store.remove(key)).rejects.toThrow(/cannot be removed/);
  });
});

describe('SnapshotStateReader', () => {
  it('returns the validated snapshot and sees writes made through the store', async () => {
    const { file, store } = copy();
    const reader = new SnapshotStateReader(file);
    const event = fixtureEvent(FIXTURE);
    const first = await reader.readFor(event);
    expect(await reader.readFor(event)).toBe(first);
    await store.write(bucket, doc);
    const second = await reader.readFor(event);
    expect(second).not.toBe(first);
    expect(second.accounts['111122223333']!.s3![0]!.policy).toEqual(doc);
  });

  it('throws a readable error for a snapshot that is no longer valid', async () => {
    const { path, file } = copy();
    writeFileSync(path, JSON.stringify({ version: 2, accounts: {} }));
    await expect(new SnapshotStateReader(file).readFor(fixtureEvent(FIXTURE))).rejects.toThrow(
      /is not valid: version/,
    );
  });
});
