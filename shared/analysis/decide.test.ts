import type { GuardrailViolation } from '../guardrails/guardrails.ts';
import type { Patch } from '../report/types.ts';
import { DEFAULT_CONFIG, type DecisionConfig, type DecisionInput, decide } from './decide.ts';

const CALLER = 'arn:aws:iam::444455556666:role/consumer-etl';
const bucketPatch: Patch = {
  account: '111122223333',
  target: { type: 's3-bucket', arn: 'arn:aws:s3:::example-shared-exports' },
  policyName: null,
  addStatements: [
    {
      Sid: 'AccessRemediatorS3',
      Effect: 'Allow',
      Principal: { AWS: CALLER },
      Action: 's3:GetObject',
      Resource: 'arn:aws:s3:::example-shared-exports/returns/*',
    },
  ],
  before: null,
  after: { Version: '2012-10-17', Statement: [] },
};

const config = (autoApply: DecisionConfig['autoApply']): DecisionConfig => ({ ...DEFAULT_CONFIG, autoApply });
const input = (over: Partial<DecisionInput>): DecisionInput => ({
  verdict: 'missing-allow',
  principal: CALLER,
  patches: [bucketPatch],
  violations: [],
  selfCaused: null,
  config: DEFAULT_CONFIG,
  ...over,
});

describe('decide', () => {
  it('proposes by default and auto-applies what a rule covers', () => {
    expect(decide(input({})).decision).toBe('needs-approval');
    expect(decide(input({ config: config([{ actions: ['s3:GetObject'] }]) })).decision).toBe('auto-apply');
  });

  it("reads a rule's accounts as every account the change touches, the grantee's too", () => {
    // The bucket is in 111122223333, but the grant opens it to 444455556666.
    expect(decide(input({ config: config([{ accounts: ['111122223333'] }]) })).decision).toBe(
      'needs-approval',
    );
    expect(decide(input({ config: config([{ accounts: ['111122223333', '444455556666'] }]) })).decision).toBe(
      'auto-apply',
    );
  });

  it('withholds a patch that breaks a guardrail, whatever the rules say', () => {
    const violation: GuardrailViolation = {
      rule: 'admin-action',
      target: 'x',
      detail: 'grants s3:PutBucketPolicy',
    };
    const decided = decide(input({ violations: [violation], config: config([{}]) }));
    expect(decided).toMatchObject({
      verdict: 'undetermined',
      decision: 'escalate',
      finding: 'guardrail-admin-action',
    });
    expect(decided.withheld).toContain('grants s3:PutBucketPolicy');
  });

  it('sends Identity Center roles to their permission set', () => {
    const violation: GuardrailViolation = { rule: 'identity-center-role', target: 'x', detail: 'd' };
    expect(decide(input({ violations: [violation] }))).toMatchObject({
      verdict: 'misconfiguration',
      decision: 'escalate',
      finding: 'identity-center-permission-set',
    });
  });

  it("never patches on account of the remediator's own calls", () => {
    expect(decide(input({ selfCaused: 'the caller is the remediator', config: config([{}]) }))).toMatchObject(
      {
        verdict: 'undetermined',
        decision: 'escalate',
        finding: 'remediator-own-call',
      },
    );
  });

  it('keeps the contract table for every other verdict', () => {
    expect(decide(input({ verdict: 'already-allowed', patches: [] })).decision).toBe('ignore');
    expect(decide(input({ verdict: 'guardrail', patches: [] })).decision).toBe('escalate');
    expect(decide(input({ verdict: 'already-allowed', patches: [], selfCaused: 'x' })).decision).toBe(
      'ignore',
    );
  });
});
