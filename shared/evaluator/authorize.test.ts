import type { PolicyDocument, SourcedPolicy } from '../policy/types.ts';
import { authorize } from './authorize.ts';
import { contextFrom } from './context.ts';
import type { ApplicablePolicies, CallerIdentity } from './types.ts';

const A = '111122223333';
const B = '444455556666';
const ROLE: CallerIdentity = {
  accountId: A,
  kind: 'role',
  arn: `arn:aws:iam::${A}:role/app`,
  sessionArn: `arn:aws:sts::${A}:assumed-role/app/s`,
};
const USER: CallerIdentity = {
  accountId: A,
  kind: 'user',
  arn: `arn:aws:iam::${A}:user/alice`,
  sessionArn: null,
};
const REMOTE_ROLE: CallerIdentity = {
  accountId: B,
  kind: 'role',
  arn: `arn:aws:iam::${B}:role/etl`,
  sessionArn: null,
};
const KEY = `arn:aws:kms:us-east-1:${A}:key/k1`;
const OBJECT = 'arn:aws:s3:::bucket/data/x.csv';

const allow = (action: string, resource = '*', extra: object = {}) => ({
  Effect: 'Allow' as const,
  Action: action,
  Resource: resource,
  ...extra,
});
const deny = (action: string, resource = '*', extra: object = {}) => ({
  Effect: 'Deny' as const,
  Action: action,
  Resource: resource,
  ...extra,
});
const doc = (...Statement: PolicyDocument['Statement'][]): PolicyDocument => ({
  Version: '2012-10-17',
  Statement: Statement.flat() as never,
});
const sourced = (
  type: SourcedPolicy['ref']['type'],
  document: PolicyDocument,
  id: string = type,
): SourcedPolicy => ({
  ref: { type, id, name: null },
  document,
});
const delegating = doc(allow('kms:*', '*', { Principal: { AWS: `arn:aws:iam::${A}:root` } }));

function policies(overrides: Partial<ApplicablePolicies>): ApplicablePolicies {
  return {
    identity: [],
    resource: null,
    resourceIsKmsKey: false,
    permissionsBoundary: null,
    sessionPolicies: null,
    scpLevels: null,
    rcpLevels: null,
    vpcEndpoint: null,
    ...overrides,
  };
}

interface Case {
  name: string;
  caller: CallerIdentity;
  action: string;
  resource: string;
  resourceAccount: string;
  policies: ApplicablePolicies;
  decision: 'allowed' | 'explicit-deny' | 'implicit-deny';
  missing?: string[];
}

const cases: Case[] = [
  {
    name: 'same-account key: delegation to the account makes identity policies count',
    caller: ROLE,
    action: 'kms:Decrypt',
    resource: KEY,
    resourceAccount: A,
    decision: 'allowed',
    policies: policies({
      identity: [sourced('identity', doc(allow('kms:Decrypt', KEY)))],
      resource: sourced('key', delegating),
      resourceIsKmsKey: true,
    }),
  },
  {
    name: 'same-account key: delegation without an identity Allow is an identity gap',
    caller: ROLE,
    action: 'kms:Decrypt',
    resource: KEY,
    resourceAccount: A,
    decision: 'implicit-deny',
    missing: ['identity'],
    policies: policies({ resource: sourced('key', delegating), resourceIsKmsKey: true }),
  },
  {
    name: 'same-account key: no delegation, an identity Allow does not count (key gap)',
    caller: ROLE,
    action: 'kms:Decrypt',
    resource: KEY,
    resourceAccount: A,
    decision: 'implicit-deny',
    missing: ['key'],
    policies: policies({
      identity: [sourced('identity', doc(allow('kms:Decrypt', KEY)))],
      resource: sourced(
        'key',
        doc(allow('kms:*', '*', { Principal: { AWS: `arn:aws:iam::${A}:role/admin` } })),
      ),
      resourceIsKmsKey: true,
    }),
  },
  {
    name: 'same-account key: naming the role is enough without identity policies',
    caller: ROLE,
    action: 'kms:Decrypt',
    resource: KEY,
    resourceAccount: A,
    decision: 'allowed',
    policies: policies({
      resource: sourced('key', doc(allow('kms:Decrypt', '*', { Principal: { AWS: ROLE.arn } }))),
      resourceIsKmsKey: true,
    }),
  },
  {
    name: 'a key policy naming a role is still cut by the role boundary',
    caller: ROLE,
    action: 'kms:Decrypt',
    resource: KEY,
    resourceAccount: A,
    decision: 'implicit-deny',
    missing: ['permissions-boundary'],
    policies: policies({
      resource: sourced('key', doc(allow('kms:Decrypt', '*', { Principal: { AWS: ROLE.arn } }))),
      resourceIsKmsKey: true,
      permissionsBoundary: sourced('permissions-boundary', doc(allow('s3:*'))),
    }),
  },
  {
    name: 'a bucket policy naming a user is not cut by the user boundary',
    caller: USER,
    action: 's3:GetObject',
    resource: OBJECT,
    resourceAccount: A,
    decision: 'allowed',
    policies: policies({
      resource: sourced('bucket', doc(allow('s3:GetObject', OBJECT, { Principal: { AWS: USER.arn } }))),
      permissionsBoundary: sourced('permissions-boundary', doc(allow('kms:*'))),
    }),
  },
  {
    name: 'same-account S3: either identity or bucket policy suffices',
    caller: ROLE,
    action: 's3:GetObject',
    resource: OBJECT,
    resourceAccount: A,
    decision: 'allowed',
    policies: policies({
      identity: [sourced('identity', doc(allow('s3:GetObject', 'arn:aws:s3:::bucket/*')))],
    }),
  },
  {
    name: 'cross-account S3: identity alone is not enough',
    caller: REMOTE_ROLE,
    action: 's3:GetObject',
    resource: OBJECT,
    resourceAccount: A,
    decision: 'implicit-deny',
    missing: ['bucket'],
    policies: policies({
      identity: [sourced('identity', doc(allow('s3:GetObject', 'arn:aws:s3:::bucket/*')))],
    }),
  },
  {
    name: 'cross-account S3: a bucket grant to the account still needs the caller identity Allow',
    caller: REMOTE_ROLE,
    action: 's3:GetObject',
    resource: OBJECT,
    resourceAccount: A,
    decision: 'implicit-deny',
    missing: ['identity'],
    policies: policies({
      resource: sourced(
        'bucket',
        doc(allow('s3:GetObject', 'arn:aws:s3:::bucket/*', { Principal: { AWS: B } })),
      ),
    }),
  },
  {
    name: 'cross-account key: both sides allow',
    caller: REMOTE_ROLE,
    action: 'kms:Decrypt',
    resource: KEY,
    resourceAccount: A,
    decision: 'allowed',
    policies: policies({
      identity: [sourced('identity', doc(allow('kms:Decrypt', KEY)))],
      resource: sourced('key', doc(allow('kms:Decrypt', '*', { Principal: { AWS: REMOTE_ROLE.arn } }))),
      resourceIsKmsKey: true,
    }),
  },
  {
    name: 'cross-account key: neither side allows, both are missing',
    caller: REMOTE_ROLE,
    action: 'kms:Decrypt',
    resource: KEY,
    resourceAccount: A,
    decision: 'implicit-deny',
    missing: ['key', 'identity'],
    policies: policies({ resource: sourced('key', delegating), resourceIsKmsKey: true }),
  },
  {
    // Found by the differential test: IAM User Guide, permissions boundaries ("Important").
    name: 'a bucket Deny with NotPrincipal always denies a principal that has a boundary',
    caller: USER,
    action: 's3:GetObject',
    resource: OBJECT,
    resourceAccount: A,
    decision: 'explicit-deny',
    policies: policies({
      identity: [sourced('identity', doc(allow('s3:GetObject', 'arn:aws:s3:::bucket/*')))],
      permissionsBoundary: sourced('permissions-boundary', doc(allow('s3:*'))),
      resource: sourced(
        'bucket',
        doc(
          deny('s3:*', 'arn:aws:s3:::bucket/*', {
            NotPrincipal: { AWS: [USER.arn, `arn:aws:iam::${A}:root`] },
          }),
        ),
      ),
    }),
  },
  {
    // Found by the differential test: a grant to the session ARN itself is not cut by the boundary.
    name: 'a bucket grant naming the role session is not cut by the role boundary',
    caller: ROLE,
    action: 's3:GetObject',
    resource: OBJECT,
    resourceAccount: A,
    decision: 'allowed',
    policies: policies({
      permissionsBoundary: sourced('permissions-boundary', doc(allow('kms:*'))),
      resource: sourced(
        'bucket',
        doc(allow('s3:GetObject', 'arn:aws:s3:::bucket/*', { Principal: { AWS: ROLE.sessionArn } })),
      ),
    }),
  },
  {
    name: 'explicit deny wins over every allow',
    caller: ROLE,
    action: 'kms:Decrypt',
    resource: KEY,
    resourceAccount: A,
    decision: 'explicit-deny',
    policies: policies({
      identity: [sourced('identity', doc(allow('kms:*', '*'), deny('kms:Decrypt', '*')))],
      resource: sourced('key', delegating),
      resourceIsKmsKey: true,
    }),
  },
  {
    name: 'SCPs need an Allow at every level',
    caller: ROLE,
    action: 's3:GetObject',
    resource: OBJECT,
    resourceAccount: A,
    decision: 'implicit-deny',
    missing: ['scp'],
    policies: policies({
      identity: [sourced('identity', doc(allow('s3:*', '*')))],
      scpLevels: [
        [sourced('scp', doc(allow('*')), 'p-full')],
        [sourced('scp', doc(allow('kms:*')), 'p-kms-only')],
        [],
      ],
    }),
  },
  {
    name: 'an RCP level that lists nothing allows (RCPFullAWSAccess cannot be detached)',
    caller: ROLE,
    action: 's3:GetObject',
    resource: OBJECT,
    resourceAccount: A,
    decision: 'allowed',
    policies: policies({ identity: [sourced('identity', doc(allow('s3:*', '*')))], rcpLevels: [[], []] }),
  },
  {
    name: 'a VPC endpoint policy must allow too',
    caller: ROLE,
    action: 's3:PutObject',
    resource: OBJECT,
    resourceAccount: A,
    decision: 'implicit-deny',
    missing: ['vpc-endpoint-policy'],
    policies: policies({
      identity: [sourced('identity', doc(allow('s3:*', '*')))],
      vpcEndpoint: sourced('vpc-endpoint-policy', doc(allow('s3:GetObject', '*', { Principal: '*' }))),
    }),
  },
  {
    name: 'conditions decide: kms:ViaService limits a grant to S3',
    caller: ROLE,
    action: 'kms:GenerateDataKey',
    resource: KEY,
    resourceAccount: A,
    decision: 'implicit-deny',
    missing: ['identity'],
    policies: policies({
      identity: [
        sourced(
          'identity',
          doc(
            allow('kms:GenerateDataKey', KEY, {
              Condition: { StringEquals: { 'kms:ViaService': 's3.us-east-1.amazonaws.com' } },
            }),
          ),
        ),
      ],
      resource: sourced('key', delegating),
      resourceIsKmsKey: true,
    }),
  },
];

describe('authorize', () => {
  it.each(cases)('$name', (c) => {
    const result = authorize(
      {
        caller: c.caller,
        action: c.action,
        resource: c.resource,
        resourceAccount: c.resourceAccount,
        context: contextFrom({}),
      },
      c.policies,
    );
    expect(result.decision).toBe(c.decision);
    if (c.missing) expect(result.missingAllows).toEqual(c.missing);
  });

  it('says which statements decided', () => {
    const result = authorize(
      { caller: ROLE, action: 'kms:Decrypt', resource: KEY, resourceAccount: A, context: contextFrom({}) },
      policies({
        identity: [
          sourced(
            'identity',
            doc({ Sid: 'NoDecrypt', ...deny('kms:Decrypt') }),
            'arn:aws:iam::111122223333:policy/p',
          ),
        ],
        resource: sourced('key', delegating),
        resourceIsKmsKey: true,
      }),
    );
    expect(result.explicitDenies).toEqual([
      {
        policy: { type: 'identity', id: 'arn:aws:iam::111122223333:policy/p', name: null },
        sid: 'NoDecrypt',
        index: 0,
      },
    ]);
    expect(result.resourceGrant).toBe('account');
  });
});
