import { DEFAULT_REMEDIATION_OPTIONS } from '../remediation/options.ts';
import { readRemediateEnvironment, remediationOptionsFromConfigText } from './environment.ts';

const VALID = {
  AUDIT_TABLE: 'audit',
  PROPOSALS_TABLE: 'proposals',
  IDEMPOTENCY_TABLE: 'idempotency',
  STORM_TABLE: 'storms',
  TOPIC_ARN: 'arn:aws:sns:eu-west-1:123456789012:access-remediator-NotificationsTopic-AbC123',
  MEMBER_ROLE_NAME: 'access-remediator-member',
  ORGANIZATION_ID: 'o-a1b2c3d4e5',
  AUTO_APPLY_CONFIG: '{"autoApply":[]}',
  POWERTOOLS_SERVICE_NAME: 'access-remediator-remediate',
  POWERTOOLS_METRICS_NAMESPACE: 'AccessRemediator',
};

describe('readRemediateEnvironment', () => {
  it('reads the settings template.yaml gives the function, with the default remediation options', () => {
    const result = readRemediateEnvironment(VALID);
    expect(result).toEqual({
      ok: true,
      settings: {
        auditTable: 'audit',
        proposalsTable: 'proposals',
        idempotencyTable: 'idempotency',
        stormTable: 'storms',
        topicArn: VALID.TOPIC_ARN,
        memberRoleName: 'access-remediator-member',
        organizationId: 'o-a1b2c3d4e5',
        options: DEFAULT_REMEDIATION_OPTIONS,
      },
    });
  });

  it('names every variable that is missing or wrong, all at once', () => {
    const { AUDIT_TABLE: _a, STORM_TABLE: _s, ...rest } = VALID;
    const result = readRemediateEnvironment({ ...rest, TOPIC_ARN: 'my-topic', ORGANIZATION_ID: 'org-1' });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems).toEqual([
      'AUDIT_TABLE is not set',
      'STORM_TABLE is not set',
      'TOPIC_ARN is not an SNS topic ARN',
      'ORGANIZATION_ID is not an organization id (o-...)',
    ]);
  });

  it.each([
    ['{"autoApply":', 'AUTO_APPLY_CONFIG is not JSON'],
    ['[]', 'AUTO_APPLY_CONFIG must be a JSON object'],
    ['{"autoApply":[{"targets":["lambda"]}]}', 'AUTO_APPLY_CONFIG autoApply.0.targets.0'],
    ['{"remediation":{"remediatorPrefix":""}}', 'AUTO_APPLY_CONFIG remediation.remediatorPrefix'],
    ['', 'AUTO_APPLY_CONFIG is empty'],
  ])('rejects AUTO_APPLY_CONFIG %s', (text, problem) => {
    const result = readRemediateEnvironment({ ...VALID, AUTO_APPLY_CONFIG: text });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.problems.join('\n')).toContain(problem);
  });
});

describe('remediationOptionsFromConfigText', () => {
  it('takes the decision rules and the remediation settings of the --config format', () => {
    const result = remediationOptionsFromConfigText(
      JSON.stringify({
        autoApply: [{ accounts: ['111122223333'], targets: ['iam-role'] }],
        objectScope: 'folder',
        remediation: { stormWindowMinutes: 5, appliesPerAccountPerHour: 3, verifyDeadlineSeconds: 30 },
      }),
    );
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.options.decision).toEqual({
      autoApply: [{ accounts: ['111122223333'], targets: ['iam-role'] }],
      objectScope: 'folder',
      remediator: { namePrefix: 'access-remediator', userAgentMarker: 'access-remediator' },
    });
    expect(result.options.stormWindowSeconds).toBe(300);
    expect(result.options.appliesPerAccountPerHour).toBe(3);
    expect(result.options.verification.deadlineMs).toBe(30_000);
    expect(result.options.decision.remediator.namePrefix).toBe('access-remediator');
  });
});
