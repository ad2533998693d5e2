import type { AuditRecord } from '../remediation/ports.ts';
import type { RemediationResult } from '../remediation/remediateEvent.ts';
import { metricNamesOf, summaryOf } from './remediateCloudTrailEvent.ts';

function result(
  handling: RemediationResult['handling'],
  record: Partial<AuditRecord> = {},
): RemediationResult {
  return {
    handling,
    record: {
      auditId: 'e-1',
      eventId: 'e-1',
      recordedAt: '2026-11-20T09:15:42.000Z',
      account: '111122223333',
      principal: null,
      request: null,
      verdict: 'missing-allow',
      decision: 'auto-apply',
      reason: 'r',
      patches: [],
      proof: null,
      actor: null,
      outcome: 'applied',
      outcomeReason: null,
      stormKey: '',
      occurrences: 1,
      rollbackOf: null,
      rolledBackBy: null,
      updatedAt: '2026-11-20T09:15:42.000Z',
      ...record,
    },
  };
}

describe('metricNamesOf', () => {
  it.each([
    [result('recorded'), ['VerdictMissingAllow', 'DecisionAutoApply', 'Applied']],
    [
      result('recorded', { verdict: 'missing-allow', decision: 'auto-apply', outcome: 'rate-limited' }),
      ['VerdictMissingAllow', 'DecisionAutoApply', 'RateLimited'],
    ],
    [
      result('recorded', { verdict: 'invalid-event', decision: 'ignore', outcome: 'ignored' }),
      ['VerdictInvalidEvent', 'DecisionIgnore', 'Ignored'],
    ],
    [
      result('recorded', { outcome: 'rolled-back' }),
      ['VerdictMissingAllow', 'DecisionAutoApply', 'RolledBack'],
    ],
    [result('recorded', { outcome: 'conflict' }), ['VerdictMissingAllow', 'DecisionAutoApply', 'Conflict']],
    [
      result('recorded', { decision: 'needs-approval', outcome: 'failed' }),
      ['VerdictMissingAllow', 'DecisionNeedsApproval', 'Failed'],
    ],
    // Another event's record (or none): counted by how it was handled only.
    [result('duplicate'), ['Duplicate']],
    [result('storm-occurrence'), ['StormOccurrence']],
    [result('not-recorded'), ['NotRecorded']],
  ])('%#: %j', (given, names) => {
    expect(metricNamesOf(summaryOf(given))).toEqual(names);
  });
});

describe('summaryOf', () => {
  it('keeps the outcome and names the targets, without the documents', () => {
    const summary = summaryOf(
      result('recorded', {
        patches: [
          {
            account: '111122223333',
            target: { type: 'iam-role', arn: 'arn:aws:iam::111122223333:role/app' },
            policyName: 'access-remediator',
            addStatements: [],
            before: null,
            after: { Version: '2012-10-17', Statement: [] },
          },
        ],
      }),
    );
    expect(summary).toEqual({
      auditId: 'e-1',
      eventId: 'e-1',
      handling: 'recorded',
      verdict: 'missing-allow',
      decision: 'auto-apply',
      outcome: 'applied',
      outcomeReason: null,
      occurrences: 1,
      patchTargets: ['arn:aws:iam::111122223333:role/app#access-remediator'],
    });
  });
});
