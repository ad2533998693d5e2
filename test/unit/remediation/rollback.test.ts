import { remediateEvent } from '../../../shared/remediation/remediateEvent.ts';
import { rollback } from '../../../shared/remediation/rollback.ts';
import {
  AUTO_APPLY_ALL,
  fixtureEvent,
  fixtureState,
  PROPOSE_ONLY,
  type World,
  world,
} from './support/memoryAdapters.ts';

const PUT = 'kc000-putobject-missing-generatedatakey';
const THREE = 'kc001-cross-account-getobject-three-patches';
const options = { actor: 'alice@example.com', verification: AUTO_APPLY_ALL.verification };

async function applied(fixture: string): Promise<{ w: World; original: unknown; auditId: string }> {
  const w = world(fixtureState(fixture));
  const original = structuredClone(w.account.snapshot);
  const result = await remediateEvent(fixtureEvent(fixture), w.deps, AUTO_APPLY_ALL);
  expect(result.record.outcome).toBe('applied');
  return { w, original, auditId: result.record.auditId };
}

describe('rollback', () => {
  it('restores every before-image and links the two records both ways', async () => {
    const { w, original, auditId } = await applied(THREE);
    const result = await rollback(auditId, w.deps, options);
    if (!result.ok) throw new Error(result.reason);
    expect(w.account.snapshot).toEqual(original);
    expect(result.record).toMatchObject({
      auditId: 'generated-1',
      outcome: 'rolled-back',
      rollbackOf: auditId,
      actor: 'alice@example.com',
    });
    expect(result.original).toMatchObject({ auditId, outcome: 'rolled-back', rolledBackBy: 'generated-1' });
    expect((await w.audit.get('generated-1'))?.outcome).toBe('rolled-back');
  });

  it('is refused a second time', async () => {
    const { w, auditId } = await applied(PUT);
    await rollback(auditId, w.deps, options);
    const again = await rollback(auditId, w.deps, options);
    expect(again).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/rolled-back \(by generated-1\)/),
    });
  });

  it('refuses with a diff of the drift when a target changed since the apply, changing nothing', async () => {
    const { w, auditId } = await applied(PUT);
    const target = {
      account: '111122223333',
      type: 'iam-role' as const,
      arn: 'arn:aws:iam::111122223333:role/invoice-uploader',
      policyName: 'access-remediator',
    };
    const drifted = structuredClone(w.account.policy(target)!);
    (drifted.Statement as { Action: string }[])[0]!.Action = 'kms:Decrypt';
    w.account.setPolicy(target, drifted);
    const before = structuredClone(w.account.snapshot);
    const writes = w.policies.writes.length;

    const result = await rollback(auditId, w.deps, options);
    if (result.ok) throw new Error('expected a refusal');
    expect(result.reason).toMatch(/1 target has changed since/);
    expect(result.drift).toMatch(/^-\s+"Action": "kms:GenerateDataKey",$/m);
    expect(result.drift).toMatch(/^\+\s+"Action": "kms:Decrypt",$/m);
    expect(result.drift).toContain('(recorded after-image)');
    expect(w.account.snapshot).toEqual(before);
    expect(w.policies.writes.length).toBe(writes);
    expect((await w.audit.get(auditId))?.outcome).toBe('applied');
  });

  it('ignores key order when comparing (no false drift)', async () => {
    const { w, auditId } = await applied(PUT);
    const target = {
      account: '111122223333',
      type: 'iam-role' as const,
      arn: 'arn:aws:iam::111122223333:role/invoice-uploader',
      policyName: 'access-remediator',
    };
    const current = w.account.policy(target)!;
    w.account.setPolicy(target, { Statement: current.Statement, Version: current.Version! });
    const result = await rollback(auditId, w.deps, options);
    expect(result.ok).toBe(true);
  });

  it('only rolls back applied records', async () => {
    const w = world(fixtureState(PUT));
    const proposed = await remediateEvent(fixtureEvent(PUT), w.deps, PROPOSE_ONLY);
    expect(await rollback(proposed.record.auditId, w.deps, options)).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/is proposed; only an applied change/),
    });
    expect(await rollback('no-such-id', w.deps, options)).toMatchObject({
      ok: false,
      reason: 'no audit record no-such-id',
    });
  });

  it('a failing restore puts the after-images back and records the rollback as failed', async () => {
    const { w, auditId } = await applied(THREE);
    const afterApply = structuredClone(w.account.snapshot);
    let calls = 0;
    w.policies.beforeWrite = () => {
      calls += 1;
      if (calls === 2) throw new Error('PutKeyPolicy: MalformedPolicyDocument');
    };
    const result = await rollback(auditId, w.deps, options);
    if (result.ok) throw new Error('expected a failure');
    expect(result.reason).toMatch(/MalformedPolicyDocument; the after-images were put back/);
    expect(result.record?.outcome).toBe('failed');
    expect(w.account.snapshot).toEqual(afterApply);
    expect((await w.audit.get(auditId))?.outcome).toBe('applied');
  });
});
