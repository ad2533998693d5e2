import type { PolicyDocument, PolicyStatement } from '../policy/types.ts';
import type { Patch } from '../report/types.ts';
import { ADMIN_ACTIONS, adminActionReachedBy } from './adminActions.ts';
import { type GuardrailContext, type GuardrailRule, patchViolations } from './guardrails.ts';

const KEY = 'arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab';
const AWS_KEY = 'arn:aws:kms:us-east-1:111122223333:key/aaaa0000-12ab-34cd-56ef-1234567890ab';
const ROLE = 'arn:aws:iam::444455556666:role/analytics-reader';
const BUCKET = 'arn:aws:s3:::shared-data';

const context: GuardrailContext = {
  remediatorPrefix: 'access-remediator',
  organizationAccounts: new Set(['111122223333', '444455556666']),
  keyManagerOf: (arn) => (arn === AWS_KEY ? 'AWS' : arn === KEY ? 'CUSTOMER' : null),
};

const ADMIN_STATEMENT: PolicyStatement = {
  Sid: 'KeyAdmins',
  Effect: 'Allow',
  Principal: { AWS: 'arn:aws:iam::111122223333:role/KeyAdmins' },
  Action: 'kms:*',
  Resource: '*',
};
const DENY_STATEMENT: PolicyStatement = {
  Sid: 'DenyOutsideVpc',
  Effect: 'Deny',
  Principal: '*',
  Action: 'kms:Decrypt',
  Resource: '*',
  Condition: { StringNotEquals: { 'aws:SourceVpc': 'vpc-1' } },
};
const KEY_BEFORE: PolicyDocument = { Version: '2012-10-17', Statement: [ADMIN_STATEMENT, DENY_STATEMENT] };

const grant = (change: Partial<PolicyStatement> = {}): PolicyStatement => ({
  Sid: 'AccessRemediatorKms',
  Effect: 'Allow',
  Principal: { AWS: ROLE },
  Action: 'kms:Decrypt',
  Resource: '*',
  ...change,
});

function keyPatch(statements: PolicyStatement[], target = KEY, before: PolicyDocument = KEY_BEFORE): Patch {
  return {
    account: '111122223333',
    target: { type: 'kms-key', arn: target },
    policyName: null,
    addStatements: statements,
    before,
    after: { ...before, Statement: [...(before.Statement as PolicyStatement[]), ...statements] },
  };
}

function identityPatch(arn: string, statements: PolicyStatement[]): Patch {
  return {
    account: arn.split(':')[4]!,
    target: { type: 'iam-role', arn },
    policyName: 'access-remediator',
    addStatements: statements,
    before: null,
    after: { Version: '2012-10-17', Statement: statements },
  };
}

const identityGrant = (change: Partial<PolicyStatement> = {}): PolicyStatement => ({
  Sid: 'AccessRemediatorS3',
  Effect: 'Allow',
  Action: 's3:GetObject',
  Resource: `${BUCKET}/features/*`,
  ...change,
});

const rulesOf = (patch: Patch, ctx = context): GuardrailRule[] =>
  patchViolations(patch, ctx).map((v) => v.rule);

describe('guardrails: what passes', () => {
  it.each([
    ['a key-policy grant to one role', keyPatch([grant()])],
    ['an identity grant of an object prefix', identityPatch(ROLE, [identityGrant()])],
    [
      'widening a remediator-owned statement',
      (() => {
        const owned = grant({ Action: 'kms:Decrypt' });
        const before = { Version: '2012-10-17', Statement: [ADMIN_STATEMENT, owned] };
        const widened = grant({ Action: ['kms:Decrypt', 'kms:GenerateDataKey'] });
        return {
          ...keyPatch([widened], KEY, before),
          after: { ...before, Statement: [ADMIN_STATEMENT, widened] },
        };
      })(),
    ],
  ])('%s', (_name, patch) => {
    expect(patchViolations(patch, context)).toEqual([]);
  });
});

describe('guardrails: each one blocks what it exists for', () => {
  const removal: Patch = {
    ...keyPatch([grant()]),
    after: { Version: '2012-10-17', Statement: [ADMIN_STATEMENT, grant()] },
  };
  const loosenedDeny: Patch = {
    ...keyPatch([grant()]),
    after: {
      Version: '2012-10-17',
      Statement: [ADMIN_STATEMENT, { ...DENY_STATEMENT, Action: 'kms:Encrypt' }, grant()],
    },
  };
  const narrowedOwned = (() => {
    const owned = grant({ Action: ['kms:Decrypt', 'kms:Encrypt'] });
    const before = { Version: '2012-10-17', Statement: [owned] };
    return {
      ...keyPatch([], KEY, before),
      after: { ...before, Statement: [grant({ Action: 'kms:Decrypt', Principal: '*' })] },
    };
  })();

  it.each<[string, Patch, GuardrailRule]>([
    ['removing a Deny', removal, 'removes-or-changes-statement'],
    ['changing a Deny', loosenedDeny, 'removes-or-changes-statement'],
    [
      'changing a remediator-owned statement other than by widening',
      narrowedOwned,
      'removes-or-changes-statement',
    ],
    ['adding a Deny', keyPatch([grant({ Effect: 'Deny' })]), 'adds-non-allow'],
    ['NotAction', keyPatch([grant({ Action: undefined, NotAction: 'kms:Decrypt' })]), 'grants-by-exclusion'],
    [
      'NotPrincipal',
      keyPatch([grant({ Principal: undefined, NotPrincipal: { AWS: ROLE } })]),
      'grants-by-exclusion',
    ],
    ['Principal "*"', keyPatch([grant({ Principal: '*' })]), 'wildcard-principal'],
    ['AWS "*"', keyPatch([grant({ Principal: { AWS: '*' } })]), 'wildcard-principal'],
    [
      'a wildcard role ARN',
      keyPatch([grant({ Principal: { AWS: 'arn:aws:iam::444455556666:role/*' } })]),
      'wildcard-principal',
    ],
    [
      'a missing Principal in a key policy',
      keyPatch([grant({ Principal: undefined })]),
      'wildcard-principal',
    ],
    [
      'an account root',
      keyPatch([grant({ Principal: { AWS: 'arn:aws:iam::444455556666:root' } })]),
      'account-root-principal',
    ],
    [
      'a bare account id',
      keyPatch([grant({ Principal: { AWS: '444455556666' } })]),
      'account-root-principal',
    ],
    [
      'a service principal',
      keyPatch([grant({ Principal: { Service: 's3.amazonaws.com' } })]),
      'non-iam-principal',
    ],
    [
      'a service-linked role (resource policy)',
      keyPatch([
        grant({
          Principal: {
            AWS: 'arn:aws:iam::111122223333:role/aws-service-role/elasticmapreduce.amazonaws.com/AWSServiceRoleForEMR',
          },
        }),
      ]),
      'service-linked-role',
    ],
    [
      'a service-linked role (its identity policy)',
      identityPatch(
        'arn:aws:iam::111122223333:role/aws-service-role/glue.amazonaws.com/AWSServiceRoleForGlue',
        [identityGrant()],
      ),
      'service-linked-role',
    ],
    [
      "the remediator's own role (resource policy)",
      keyPatch([grant({ Principal: { AWS: 'arn:aws:iam::111122223333:role/Access-Remediator-Member' } })]),
      'remediator-principal',
    ],
    [
      "the remediator's own role (its identity policy)",
      identityPatch('arn:aws:iam::111122223333:role/ops/access-remediator-exec', [identityGrant()]),
      'remediator-principal',
    ],
    [
      'a principal outside the organization',
      keyPatch([grant({ Principal: { AWS: 'arn:aws:iam::999988887777:role/partner' } })]),
      'outside-organization',
    ],
    [
      'an identity patch in an account outside the organization',
      identityPatch('arn:aws:iam::999988887777:role/partner', [identityGrant()]),
      'outside-organization',
    ],
    ['an AWS managed key', keyPatch([grant()], AWS_KEY), 'aws-managed-key'],
    [
      'iam:PassRole',
      identityPatch(ROLE, [
        identityGrant({ Action: 'iam:PassRole', Resource: 'arn:aws:iam::444455556666:role/x' }),
      ]),
      'admin-action',
    ],
    ['kms:PutKeyPolicy', keyPatch([grant({ Action: 'kms:PutKeyPolicy' })]), 'admin-action'],
    ['kms:Put* (reaches PutKeyPolicy)', keyPatch([grant({ Action: 'kms:Put*' })]), 'admin-action'],
    ['kms:*', keyPatch([grant({ Action: 'kms:*' })]), 'wildcard-action'],
    ['Action "*"', keyPatch([grant({ Action: '*' })]), 'wildcard-action'],
    [
      'Resource "*" outside a key policy',
      identityPatch(ROLE, [identityGrant({ Resource: '*' })]),
      'wildcard-resource',
    ],
  ])('%s', (_name, patch, rule) => {
    expect(rulesOf(patch)).toContain(rule);
  });

  it('takes the accounts the state describes as the boundary when the organization is unknown', () => {
    const patch = keyPatch([grant({ Principal: { AWS: 'arn:aws:iam::999988887777:role/partner' } })]);
    expect(
      rulesOf(patch, { ...context, organizationAccounts: new Set(['111122223333', '999988887777']) }),
    ).toEqual([]);
    expect(rulesOf(patch, { ...context, organizationAccounts: new Set(['111122223333']) })).toContain(
      'outside-organization',
    );
  });

  it.each([
    ['s3:PutBucketVersioning', 'not-data-plane-action'],
    ['s3:PutLifecycleConfiguration', 'not-data-plane-action'],
    ['s3:DeleteBucket', 'not-data-plane-action'],
    ['s3:PutObjectRetention', 'not-data-plane-action'],
    ['s3:DeleteObjectVersion', 'not-data-plane-action'],
    ['s3:Put*', 'wildcard-action'],
    ['s3:Put*', 'admin-action'],
  ])('an identity grant of %s breaks %s', (action, rule) => {
    expect(rulesOf(identityPatch(ROLE, [identityGrant({ Action: action })]))).toContain(rule);
  });

  it.each([
    [
      'arn:aws:iam::111122223333:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_Admin_0123abcd',
      'identity-center-role',
    ],
    ['arn:aws:iam::111122223333:role/AWSReservedSSO_Admin_0123abcd', 'identity-center-role'],
    [
      'arn:aws:iam::111122223333:role/aws-service-role/replication.s3.amazonaws.com/AWSServiceRoleForS3Replication',
      'service-linked-role',
    ],
    [
      'arn:aws:iam::111122223333:role/access-remediator/StackSet-ar-member-ForwardingRole-1XK2',
      'remediator-principal',
    ],
    [
      'arn:aws:iam::111122223333:role/StackSet-access-remediator-member-0a1b-ForwardingRole-7Y8Z',
      'remediator-principal',
    ],
    ['arn:aws:iam::111122223333:role/Access-Remediator-Member', 'remediator-principal'],
  ])('%s is never patched nor granted to (%s)', (arn, rule) => {
    expect(rulesOf(identityPatch(arn, [identityGrant()]))).toContain(rule);
    expect(rulesOf(keyPatch([grant({ Principal: { AWS: arn } })]))).toContain(rule);
  });

  it('never changes a policy in an account outside the organization', () => {
    const outside = { ...keyPatch([grant()]), account: '777788889999' };
    expect(rulesOf(outside)).toContain('outside-organization');
  });
});

describe('administrative actions', () => {
  const listed = ADMIN_ACTIONS.flatMap((entry) =>
    [entry.pattern, ...entry.examples].map((a) => [a, entry.pattern]),
  );
  it.each(listed)('%s is never granted (%s)', (action, pattern) => {
    expect(adminActionReachedBy(action)?.pattern).toBe(pattern);
  });

  it.each([
    ['sts:AssumeRole', 'sts:*'],
    ['organizations:DetachPolicy', 'organizations:*'],
    ['kms:Disable*', 'kms:Disable*'],
    ['kms:DisableKeyRotation', 'kms:Disable*'],
    ['kms:Create*', 'kms:CreateGrant'],
    ['*', 'iam:*'],
  ])('%s reaches %s', (action, pattern) => {
    expect(adminActionReachedBy(action)?.pattern).toBe(pattern);
  });

  it.each([
    'kms:Decrypt',
    'kms:GenerateDataKey',
    'kms:Encrypt',
    'kms:DescribeKey',
    's3:GetObject',
    's3:PutObject',
    's3:PutObjectAcl',
    's3:ListBucket',
  ])('%s, which the remediator grants, is not administrative', (action) => {
    expect(adminActionReachedBy(action)).toBeNull();
  });
});
