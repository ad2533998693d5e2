import { analyzeEvent } from '../../../shared/analysis/analyzeEvent.ts';
import { removeTargetPolicy } from '../../../shared/local/snapshotPolicies.ts';
import type { RemediationOptions } from '../../../shared/remediation/options.ts';
import { targetOf } from '../../../shared/remediation/ports.ts';
import { remediateEvent } from '../../../shared/remediation/remediateEvent.ts';
import { snapshotSchema } from '../../../shared/state/snapshotSchema.ts';
import { indexSnapshot } from '../../../shared/state/stateIndex.ts';
import {
  AUTO_APPLY_ALL,
  eventOf,
  fixtureEvent,
  fixtureRecord,
  fixtureState,
  PROPOSE_ONLY,
  world,
} from './support/memoryAdapters.ts';

const PUT = 'kc000-putobject-missing-generatedatakey';
const ROLE = 'arn:aws:iam::111122223333:role/invoice-uploader';
const INLINE = {
  account: '111122223333',
  type: 'iam-role' as const,
  arn: ROLE,
  policyName: 'access-remediator',
};

function expectedPatches(fixture: string, options: RemediationOptions) {
  const indexed = indexSnapshot(snapshotSchema.parse(fixtureState(fixture)));
  if (!indexed.ok) throw new Error(indexed.errors.join('; '));
  return analyzeEvent(fixtureEvent(fixture), indexed.index, options.decision).patches;
}

describe('remediateEvent: auto-apply', () => {
  it('writes exactly the proven statement and records the apply', async () => {
    const w = world(fixtureState(PUT));
    const [patch] = expectedPatches(PUT, AUTO_APPLY_ALL);
    const result = await remediateEvent(fixtureEvent(PUT), w.deps, AUTO_APPLY_ALL);

    expect(result.handling).toBe('recorded');
    expect(result.record.outcome).toBe('applied');
    expect(result.record.actor).toBe('access-remediator');
    expect(w.account.policy(INLINE)).toEqual(patch!.after);
    expect(w.account.policy(INLINE)).toEqual({
      Version: '2012-10-17',
      Statement: [
        {
          Sid: 'AccessRemediatorKms',
          Effect: 'Allow',
          Action: 'kms:GenerateDataKey',
          Resource: 'arn:aws:kms:ap-northeast-2:111122223333:key/441d2c27-ba6d-4aaa-bf0d-864e73759850',
          Condition: { StringEquals: { 'kms:ViaService': 's3.ap-northeast-2.amazonaws.com' } },
        },
      ],
    });
    // Nothing else in the account changed.
    const rest = structuredClone(w.account.snapshot);
    removeTargetPolicy(rest, INLINE);
    expect(rest).toEqual(fixtureState(PUT));
    expect(w.policies.writes).toHaveLength(1);
    expect(w.storms.applies).toEqual([{ account: '111122223333', at: w.clock.now().getTime() }]);
    expect(w.notifier.notified).toEqual([]);
  });

  it('stores the audit record with before- and after-images before the first write', async () => {
    const w = world(fixtureState(PUT));
    const seen: unknown[] = [];
    w.policies.beforeWrite = async () => {
      const record = await w.audit.get('f5dca2cd-d0b2-4153-929c-5b5dd559960e');
      seen.push(
        record && {
          outcome: record.outcome,
          before: record.patches[0]?.before,
          after: record.patches[0]?.after,
        },
      );
    };
    await remediateEvent(fixtureEvent(PUT), w.deps, AUTO_APPLY_ALL);
    const [patch] = expectedPatches(PUT, AUTO_APPLY_ALL);
    expect(seen).toEqual([{ outcome: 'applying', before: null, after: patch!.after }]);
  });

  it('a failing write ends as failed with every before-image restored (multi-patch: all or nothing)', async () => {
    const fixture = 'kc001-cross-account-getobject-three-patches';
    const w = world(fixtureState(fixture));
    const original = structuredClone(w.account.snapshot);
    const patches = expectedPatches(fixture, AUTO_APPLY_ALL);
    expect(patches.length).toBe(3);
    let failed = false;
    w.policies.beforeWrite = (_target, _document, index) => {
      if (index === 1 && !failed) {
        failed = true;
        throw new Error('PutKeyPolicy: throttled');
      }
    };
    const result = await remediateEvent(fixtureEvent(fixture), w.deps, AUTO_APPLY_ALL);

    expect(result.record.outcome).toBe('failed');
    expect(result.record.outcomeReason).toMatch(/PutKeyPolicy: throttled/);
    expect(result.record.outcomeReason).toMatch(/every before-image was restored/);
    expect(w.account.snapshot).toEqual(original);
    // The first target was written, then restored; the failed one (still as before) was left alone.
    expect(w.policies.writes.map((x) => x.target.type)).toEqual(['iam-role', 'iam-role']);
    expect(w.policies.writes.map((x) => x.document === null)).toEqual([false, true]);
    expect(w.audit.versions.map((v) => v.outcome)).toEqual(['applying', 'failed']);
  });

  it('retries verification with exponential backoff until the change is visible (eventual consistency)', async () => {
    const w = world(fixtureState(PUT));
    let staleReads = 3;
    w.policies.readOverride = (target, actual) =>
      target.type === 'iam-role' && w.policies.writes.length > 0 && staleReads-- > 0 ? null : actual;
    const options = {
      ...AUTO_APPLY_ALL,
      verification: { initialDelayMs: 100, maxDelayMs: 1000, deadlineMs: 10_000 },
    };
    const result = await remediateEvent(fixtureEvent(PUT), w.deps, options);
    expect(result.record.outcome).toBe('applied');
    expect(result.record.outcomeReason).toMatch(/4 checks/);
    expect(w.clock.sleeps).toEqual([100, 200, 400]);
  });

  it('restores and records failed when the change never becomes effective before the deadline', async () => {
    const w = world(fixtureState(PUT));
    const original = structuredClone(w.account.snapshot);
    // Written, but reads keep returning the old document (and so does the state the re-analysis reads).
    w.policies.readOverride = (target, actual) => (target.type === 'iam-role' ? null : actual);
    const options = {
      ...AUTO_APPLY_ALL,
      verification: { initialDelayMs: 1000, maxDelayMs: 4000, deadlineMs: 10_000 },
    };
    const result = await remediateEvent(fixtureEvent(PUT), w.deps, options);
    expect(result.record.outcome).toBe('failed');
    expect(result.record.outcomeReason).toMatch(/not effective within 10s/);
    expect(w.clock.sleeps).toEqual([1000, 2000, 4000, 3000]);
    // The write happened; the restore removed the inline policy the remediator had created.
    expect(w.policies.writes.map((x) => x.document === null)).toEqual([false, true]);
    w.policies.readOverride = null;
    expect(w.account.snapshot).toEqual(original);
  });
});

describe('remediateEvent: concurrent changes', () => {
  it('re-analyses and keeps the other change when the target changed between analysis and write', async () => {
    const w = world(fixtureState(PUT));
    const theirs = {
      Sid: 'AddedByAPerson',
      Effect: 'Allow' as const,
      Action: 's3:GetObject',
      Resource: 'arn:aws:s3:::seoul-invoices-prod/invoices/*',
    };
    w.state.afterRead = (reads) => {
      if (reads === 1) w.account.setPolicy(INLINE, { Version: '2012-10-17', Statement: [theirs] });
    };
    const result = await remediateEvent(fixtureEvent(PUT), w.deps, AUTO_APPLY_ALL);
    expect(result.record.outcome).toBe('applied');
    expect(result.record.outcomeReason).toMatch(/changed since the analysis; re-analysed/);
    const statements = w.account.policy(INLINE)!.Statement as { Sid: string }[];
    expect(statements.map((s) => s.Sid)).toEqual(['AddedByAPerson', 'AccessRemediatorKms']);
    expect(result.record.patches[0]!.before).toEqual({ Version: '2012-10-17', Statement: [theirs] });
  });

  it('does not overwrite a concurrent change that makes the patch wrong (conflict)', async () => {
    const w = world(fixtureState(PUT));
    const deny = {
      Version: '2012-10-17',
      Statement: [
        {
          Sid: 'NoKmsForNow',
          Effect: 'Deny' as const,
          Action: 'kms:GenerateDataKey',
          Resource: '*',
        },
      ],
    };
    w.state.afterRead = (reads) => {
      if (reads === 1) w.account.setPolicy(INLINE, deny);
    };
    const result = await remediateEvent(fixtureEvent(PUT), w.deps, AUTO_APPLY_ALL);
    expect(result.record.outcome).toBe('conflict');
    expect(result.record.outcomeReason).toMatch(/explicit-deny/);
    expect(w.policies.writes).toEqual([]);
    expect(w.account.policy(INLINE)).toEqual(deny);
  });
});

describe('remediateEvent: other decisions', () => {
  it('records a proposal and notifies for needs-approval, changing nothing', async () => {
    const w = world(fixtureState(PUT));
    const result = await remediateEvent(fixtureEvent(PUT), w.deps, PROPOSE_ONLY);
    expect(result.record.outcome).toBe('proposed');
    expect(result.record.patches).toHaveLength(1);
    expect(w.notifier.notified.map((r) => r.outcome)).toEqual(['proposed']);
    expect(w.policies.writes).toEqual([]);
  });

  it('escalates (and notifies) what no patch may fix; ignores what needs nothing', async () => {
    const w = world(fixtureState('deny-identity-explicit-inline'));
    const escalated = await remediateEvent(
      fixtureEvent('deny-identity-explicit-inline'),
      w.deps,
      AUTO_APPLY_ALL,
    );
    expect(escalated.record.outcome).toBe('escalated');
    const v = world(fixtureState('verdict-not-permission-nosuchkey'));
    const ignored = await remediateEvent(
      fixtureEvent('verdict-not-permission-nosuchkey'),
      v.deps,
      AUTO_APPLY_ALL,
    );
    expect(ignored.record.outcome).toBe('ignored');
    expect(w.notifier.notified.map((r) => r.outcome)).toEqual(['escalated']);
    expect(v.notifier.notified).toEqual([]);
    expect([...w.policies.writes, ...v.policies.writes]).toEqual([]);
  });

  it('a duplicate event changes nothing: no state read, no write, no new audit version', async () => {
    const w = world(fixtureState(PUT));
    await remediateEvent(fixtureEvent(PUT), w.deps, AUTO_APPLY_ALL);
    const account = structuredClone(w.account.snapshot);
    const versions = w.audit.versions.length;
    const reads = w.state.reads;
    const again = await remediateEvent(fixtureEvent(PUT), w.deps, AUTO_APPLY_ALL);
    expect(again.handling).toBe('duplicate');
    expect(again.record.outcome).toBe('applied');
    expect(w.account.snapshot).toEqual(account);
    expect(w.audit.versions.length).toBe(versions);
    expect(w.state.reads).toBe(reads);
  });

  it('turns a guardrail hit into an escalation with the reason (outside the organization)', async () => {
    const state = fixtureState(PUT);
    state.organization = {
      id: 'o-a1b2c3d4e5',
      rootId: 'r-a1b2',
      accounts: { '999988887777': { parents: ['r-a1b2'] } },
      policies: [],
    };
    const w = world(state);
    const result = await remediateEvent(fixtureEvent(PUT), w.deps, AUTO_APPLY_ALL);
    expect(result.record.decision).toBe('escalate');
    expect(result.record.outcome).toBe('escalated');
    expect(result.record.reason).toMatch(/outside-organization/);
    expect(w.policies.writes).toEqual([]);
  });

  it("ignores events the remediator's own calls caused, even when auto-apply would cover them", async () => {
    const record = fixtureRecord(PUT);
    const byAgent = eventOf(record, {
      eventID: 'own-agent',
      userAgent: 'aws-sdk-js/3.700 access-remediator/0.1.0',
    });
    const w = world(fixtureState(PUT));
    const result = await remediateEvent(byAgent, w.deps, AUTO_APPLY_ALL);
    expect(result.record.outcome).toBe('ignored');
    expect(result.record.decision).toBe('escalate');
    expect(result.record.verdict).toBe('undetermined');
    expect(result.record.reason).toMatch(/own calls/);
    expect(result.record.outcomeReason).toMatch(/user agent/);
    expect(w.policies.writes).toEqual([]);
    expect(w.notifier.notified).toEqual([]);
  });

  it('an unreadable state becomes an escalation with the reason, never an exception', async () => {
    const w = world(fixtureState(PUT));
    w.state.failWith = new Error('AccessDenied on iam:GetRole');
    const result = await remediateEvent(fixtureEvent(PUT), w.deps, AUTO_APPLY_ALL);
    expect(result.record.outcome).toBe('escalated');
    expect(result.record.reason).toMatch(/AccessDenied on iam:GetRole/);
  });

  it('when the audit trail cannot be written, nothing is applied', async () => {
    const w = world(fixtureState(PUT));
    w.audit.failWith = new Error('table unavailable');
    const result = await remediateEvent(fixtureEvent(PUT), w.deps, AUTO_APPLY_ALL);
    expect(result.handling).toBe('not-recorded');
    expect(result.record.outcomeReason).toMatch(/table unavailable/);
    expect(w.policies.writes).toEqual([]);
  });
});

describe('remediateEvent: event storms and the apply limit', () => {
  const record = fixtureRecord(PUT);
  const at = (id: string, time: string) => eventOf(record, { eventID: id, eventTime: time });

  it('one diagnosis and one proposal per storm key within the window; later ones count on the first', async () => {
    const w = world(fixtureState(PUT));
    const first = await remediateEvent(at('e1', '2026-11-20T01:00:00Z'), w.deps, PROPOSE_ONLY);
    const second = await remediateEvent(at('e2', '2026-11-20T01:05:00Z'), w.deps, PROPOSE_ONLY);
    const third = await remediateEvent(at('e3', '2026-11-20T01:14:00Z'), w.deps, PROPOSE_ONLY);
    expect(first.record.outcome).toBe('proposed');
    expect(second.handling).toBe('storm-occurrence');
    expect(third.handling).toBe('storm-occurrence');
    expect(third.record.auditId).toBe('e1');
    expect(third.record.occurrences).toBe(3);
    expect([...w.audit.records.keys()]).toEqual(['e1']);
    expect(w.notifier.notified).toHaveLength(1);

    const later = await remediateEvent(at('e4', '2026-11-20T01:16:00Z'), w.deps, PROPOSE_ONLY);
    expect(later.handling).toBe('recorded');
    expect(later.record.outcome).toBe('proposed');
    expect(w.notifier.notified).toHaveLength(2);
  });

  it('a storm gets at most one apply: a failed apply is not retried by later occurrences', async () => {
    const w = world(fixtureState(PUT));
    w.policies.beforeWrite = () => {
      throw new Error('PutRolePolicy: AccessDenied');
    };
    const first = await remediateEvent(at('e1', '2026-11-20T01:00:00Z'), w.deps, AUTO_APPLY_ALL);
    const second = await remediateEvent(at('e2', '2026-11-20T01:01:00Z'), w.deps, AUTO_APPLY_ALL);
    expect(first.record.outcome).toBe('failed');
    expect(second.handling).toBe('storm-occurrence');
    expect(second.record.occurrences).toBe(2);
    expect(w.storms.applies).toHaveLength(1);
  });

  it('after an apply, later occurrences analyse as already allowed and change nothing', async () => {
    const w = world(fixtureState(PUT));
    await remediateEvent(at('e1', '2026-11-20T01:00:00Z'), w.deps, AUTO_APPLY_ALL);
    const second = await remediateEvent(at('e2', '2026-11-20T01:01:00Z'), w.deps, AUTO_APPLY_ALL);
    expect(second.record.verdict).toBe('already-allowed');
    expect(second.record.outcome).toBe('ignored');
    expect(w.policies.writes).toHaveLength(1);
  });

  it('over the per-account apply limit, an auto-apply becomes a rate-limited proposal', async () => {
    const w = world(fixtureState(PUT));
    const now = w.clock.now();
    for (let i = 0; i < 3; i++)
      await w.storms.recordApply('111122223333', new Date(now.getTime() - i * 60_000));
    const options = { ...AUTO_APPLY_ALL, appliesPerAccountPerHour: 3 };
    const result = await remediateEvent(fixtureEvent(PUT), w.deps, options);
    expect(result.record.outcome).toBe('rate-limited');
    expect(result.record.outcomeReason).toMatch(/3 automatic applies in the last hour \(limit 3\)/);
    expect(w.policies.writes).toEqual([]);
    expect(w.notifier.notified.map((r) => r.outcome)).toEqual(['rate-limited']);

    const relaxed = world(fixtureState(PUT));
    for (let i = 0; i < 2; i++) await relaxed.storms.recordApply('111122223333', now);
    const applied = await remediateEvent(fixtureEvent(PUT), relaxed.deps, options);
    expect(applied.record.outcome).toBe('applied');
    expect(targetOf(applied.record.patches[0]!)).toEqual(INLINE);
  });
});
