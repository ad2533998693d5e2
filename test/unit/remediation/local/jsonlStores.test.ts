import { appendFileSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { JsonlAuditStore } from '../../../../shared/local/jsonlAuditStore.ts';
import { JsonlStormStore } from '../../../../shared/local/jsonlStormStore.ts';
import { stormPathFor } from '../../../../shared/local/localDeps.ts';
import { JsonlNotifier } from '../../../../shared/local/notifiers.ts';
import type { AuditRecord } from '../../../../shared/remediation/ports.ts';

function tempPath(name: string): string {
  return join(mkdtempSync(join(tmpdir(), 'ar-jsonl-')), name);
}

function record(auditId: string, change: Partial<AuditRecord> = {}): AuditRecord {
  return {
    auditId,
    eventId: auditId,
    recordedAt: '2026-11-20T01:00:00.000Z',
    account: '111122223333',
    principal: 'arn:aws:iam::111122223333:role/app',
    request: { service: 's3', eventName: 'PutObject', resource: 'arn:aws:s3:::b/k' },
    verdict: 'missing-allow',
    decision: 'needs-approval',
    reason: 'r',
    patches: [],
    proof: null,
    actor: null,
    outcome: 'proposed',
    outcomeReason: null,
    stormKey: 'k',
    occurrences: 1,
    rollbackOf: null,
    rolledBackBy: null,
    updatedAt: '2026-11-20T01:00:00.000Z',
    ...change,
  };
}

describe('JsonlAuditStore', () => {
  it('creates conditionally and appends every version; the latest wins, also for a new reader', async () => {
    const path = tempPath('audit.jsonl');
    const store = new JsonlAuditStore(path);
    expect(await store.create(record('a'))).toBe('created');
    expect(await store.create(record('a', { reason: 'other' }))).toBe('exists');
    expect(await store.update('a', { outcome: 'applying' }, 'applied')).toBe(false);
    expect(await store.update('a', { outcome: 'escalated', outcomeReason: 'x' }, 'proposed')).toBe(true);
    expect(readFileSync(path, 'utf8').trim().split('\n')).toHaveLength(2);
    const reopened = new JsonlAuditStore(path);
    expect(await reopened.get('a')).toMatchObject({ outcome: 'escalated', outcomeReason: 'x', reason: 'r' });
    expect(await reopened.get('b')).toBeNull();
  });

  it('sees what another writer appended, skips a damaged line and waits for an unfinished one', async () => {
    const path = tempPath('audit.jsonl');
    const mine = new JsonlAuditStore(path);
    await mine.create(record('a'));
    const theirs = new JsonlAuditStore(path);
    await theirs.create(record('b'));
    expect(await mine.create(record('b'))).toBe('exists');
    appendFileSync(path, 'not json\n');
    appendFileSync(path, JSON.stringify(record('c')).slice(0, 20));
    expect((await mine.list({})).map((r) => r.auditId)).toEqual(['a', 'b']);
    expect(mine.skippedLines).toBe(1);
  });

  it('filters by account, principal pattern, verdict, decision and time, most recent last', async () => {
    const store = new JsonlAuditStore(tempPath('audit.jsonl'));
    await store.create(record('a', { recordedAt: '2026-11-20T01:00:00.000Z' }));
    await store.create(
      record('b', { recordedAt: '2026-11-20T02:00:00.000Z', verdict: 'explicit-deny', decision: 'escalate' }),
    );
    await store.create(
      record('c', {
        recordedAt: '2026-11-20T03:00:00.000Z',
        account: '444455556666',
        principal: 'arn:aws:iam::444455556666:role/reader',
      }),
    );
    const ids = async (filter: Parameters<typeof store.list>[0]) =>
      (await store.list(filter)).map((r) => r.auditId);
    expect(await ids({})).toEqual(['a', 'b', 'c']);
    expect(await ids({ account: '444455556666' })).toEqual(['c']);
    expect(await ids({ principal: '*role/app' })).toEqual(['a', 'b']);
    expect(await ids({ verdict: 'explicit-deny' })).toEqual(['b']);
    expect(await ids({ decision: 'needs-approval' })).toEqual(['a', 'c']);
    expect(await ids({ since: '2026-11-20T01:30:00Z', until: '2026-11-20T02:30:00Z' })).toEqual(['b']);
    expect(await ids({ limit: 2 })).toEqual(['b', 'c']);
  });
  it('counts an occurrence with a small counter entry, folded into the record whenever the file is read', async () => {
    const path = tempPath('audit.jsonl');
    const store = new JsonlAuditStore(path);
    await store.create(record('a'));
    const at = new Date('2026-11-20T02:00:00Z');
    expect(await store.countOccurrence('a', at)).toMatchObject({
      occurrences: 2,
      updatedAt: at.toISOString(),
    });
    expect(await store.countOccurrence('a', at)).toMatchObject({ occurrences: 3 });
    expect(await store.countOccurrence('nothing-here', at)).toBeNull();
    const lines = readFileSync(path, 'utf8').trim().split('\n');
    expect(lines).toHaveLength(3);
    expect(lines.slice(1).map((line) => JSON.parse(line))).toEqual([
      { occurrenceOf: 'a', at: at.toISOString() },
      { occurrenceOf: 'a', at: at.toISOString() },
    ]);
    // A new reader folds them; a later version carries the count on, and counting goes on after it.
    const reopened = new JsonlAuditStore(path);
    expect((await reopened.get('a'))?.occurrences).toBe(3);
    expect(await reopened.update('a', { outcome: 'escalated' }, 'proposed')).toBe(true);
    await store.countOccurrence('a', at);
    expect(await new JsonlAuditStore(path).get('a')).toMatchObject({ outcome: 'escalated', occurrences: 4 });
    expect((await new JsonlAuditStore(path).list({})).map((r) => r.occurrences)).toEqual([4]);
  });
  it('counts once each what two writers count on the same record', async () => {
    const path = tempPath('audit.jsonl');
    const mine = new JsonlAuditStore(path);
    const theirs = new JsonlAuditStore(path);
    await mine.create(record('a'));
    const at = new Date('2026-11-20T02:00:00Z');
    for (let i = 0; i < 5; i++) {
      await mine.countOccurrence('a', at);
      await theirs.countOccurrence('a', at);
    }
    expect((await mine.get('a'))?.occurrences).toBe(11);
    expect((await theirs.get('a'))?.occurrences).toBe(11);
  });
});

describe('JsonlStormStore', () => {
  const t = (minutes: number) => new Date(Date.parse('2026-11-20T01:00:00Z') + minutes * 60_000);

  it('claims a storm key for its window on either side, and counts occurrences on the first record', async () => {
    const auditPath = tempPath('audit.jsonl');
    const audit = new JsonlAuditStore(auditPath);
    await audit.create(record('first'));
    const storms = new JsonlStormStore(stormPathFor(auditPath), audit, () => t(0));
    expect(await storms.claim('k', 'first', 900, t(0))).toEqual({ first: true });
    expect(await storms.claim('k', 'second', 900, t(14))).toEqual({ first: false, auditId: 'first' });
    expect(await storms.claim('k', 'early', 900, t(-14))).toEqual({ first: false, auditId: 'first' });
    expect(await storms.claim('other', 'x', 900, t(1))).toEqual({ first: true });
    expect(await storms.claim('k', 'later', 900, t(15))).toEqual({ first: true });
    expect(await storms.heldClaim('k', 900, t(10))).toEqual({ auditId: 'first', at: t(0) });
    expect(await storms.heldClaim('none', 900, t(10))).toBeNull();
    await storms.countOccurrence('first');
    expect((await storms.countOccurrence('first'))?.occurrences).toBe(3);
    expect(await storms.countOccurrence('missing')).toBeNull();
    expect((await audit.get('first'))?.occurrences).toBe(3);
    // Another process sees the same claims.
    const again = new JsonlStormStore(stormPathFor(auditPath), audit);
    expect(await again.claim('k', 'y', 900, t(5))).toEqual({ first: false, auditId: 'first' });
  });

  it('counts the applies of the last hour per account', async () => {
    const auditPath = tempPath('audit.jsonl');
    const storms = new JsonlStormStore(stormPathFor(auditPath), new JsonlAuditStore(auditPath));
    await storms.recordApply('111122223333', t(0));
    await storms.recordApply('111122223333', t(30));
    await storms.recordApply('444455556666', t(30));
    expect(await storms.appliesInLastHour('111122223333', t(59))).toBe(2);
    expect(await storms.appliesInLastHour('111122223333', t(61))).toBe(1);
    expect(await storms.appliesInLastHour('999988887777', t(1))).toBe(0);
  });

  it('lives beside the audit trail', () => {
    expect(stormPathFor('/x/audit.jsonl')).toBe('/x/audit.storms.jsonl');
    expect(stormPathFor('/x/trail')).toBe('/x/trail.storms.jsonl');
  });
});

describe('JsonlNotifier', () => {
  it('appends one line per proposal with the whole record', async () => {
    const path = tempPath('proposals.jsonl');
    const notifier = new JsonlNotifier(path, () => new Date('2026-11-20T01:00:00Z'));
    await notifier.notify(record('a'));
    expect(JSON.parse(readFileSync(path, 'utf8'))).toEqual({
      notifiedAt: '2026-11-20T01:00:00.000Z',
      record: record('a'),
    });
  });
});
