import { normalizeRecord } from '../events/normalize.ts';
import type { NormalizedEvent } from '../events/types.ts';
import type { PermissionNeed } from '../permissions/types.ts';
import { eventReferences, keyLookups } from './eventReferences.ts';

const ROLE_CALLER = {
  type: 'AssumedRole',
  principalId: 'AROAEXAMPLEROLEID0001:s',
  arn: 'arn:aws:sts::444455556666:assumed-role/reader/s',
  accountId: '444455556666',
  sessionContext: {
    sessionIssuer: {
      type: 'Role',
      arn: 'arn:aws:iam::444455556666:role/team/reader',
      accountId: '444455556666',
      userName: 'reader',
    },
  },
};

function event(overrides: Record<string, unknown>): NormalizedEvent {
  const result = normalizeRecord({
    eventID: 'e1',
    eventSource: 's3.amazonaws.com',
    eventName: 'GetObject',
    awsRegion: 'us-east-1',
    errorCode: 'AccessDenied',
    recipientAccountId: '444455556666',
    userIdentity: ROLE_CALLER,
    requestParameters: { bucketName: 'data', key: 'a/b.csv' },
    resources: [{ type: 'AWS::S3::Bucket', ARN: 'arn:aws:s3:::data', accountId: '111122223333' }],
    ...overrides,
  });
  if (!result.ok) throw new Error(result.reason);
  return result.event;
}

describe('eventReferences', () => {
  it('names the caller role, the bucket with its owner first, no endpoint', () => {
    expect(eventReferences(event({}))).toEqual({
      needsState: true,
      principal: { account: '444455556666', kind: 'role', name: 'reader' },
      buckets: [{ name: 'data', owners: ['111122223333', '444455556666'] }],
      vpcEndpoint: null,
    });
  });

  it.each([
    ['NoSuchKey', { errorCode: 'NoSuchKey' }],
    ['no error', { errorCode: null }],
    [
      'a VPC endpoint network record',
      { errorCode: 'VpceAccessDenied', vpcEndpointId: 'vpce-0123456789abcdef0' },
    ],
  ])('reads nothing for %s', (_label, overrides) => {
    expect(eventReferences(event(overrides))).toMatchObject({
      needsState: false,
      principal: null,
      buckets: [],
    });
  });

  it('reads key-state failures', () => {
    expect(eventReferences(event({ errorCode: 'KMS.DisabledException' })).needsState).toBe(true);
  });

  it('adds the copy source bucket and the VPC endpoint in the caller account', () => {
    const refs = eventReferences(
      event({
        eventName: 'CopyObject',
        vpcEndpointId: 'vpce-0123456789abcdef0',
        requestParameters: { bucketName: 'data', key: 'k', 'x-amz-copy-source': '/source%2Dbucket/in/x.csv' },
      }),
    );
    expect(refs.buckets.map((b) => b.name)).toEqual(['data', 'source-bucket']);
    expect(refs.vpcEndpoint).toEqual({
      id: 'vpce-0123456789abcdef0',
      account: '444455556666',
      region: 'us-east-1',
    });
  });

  it('finds the owner copy caller by unique id and a KMS call bucket by the encryption context', () => {
    const refs = eventReferences(
      event({
        eventSource: 'kms.amazonaws.com',
        eventName: 'Decrypt',
        recipientAccountId: '111122223333',
        userIdentity: {
          type: 'AWSAccount',
          accountId: '444455556666',
          principalId: 'AROAEXAMPLEROLEID0001:s',
        },
        requestParameters: { encryptionContext: { 'aws:s3:arn': 'arn:aws:s3:::data/a/b.csv' } },
        resources: [{ ARN: 'arn:aws:kms:us-east-1:111122223333:key/k-1', accountId: '111122223333' }],
      }),
    );
    expect(refs.principal).toEqual({ account: '444455556666', uniqueId: 'AROAEXAMPLEROLEID0001' });
    expect(refs.buckets).toEqual([{ name: 'data', owners: ['111122223333', '444455556666'] }]);
  });
});

describe('keyLookups', () => {
  const need = (value: string | null, account = '444455556666'): PermissionNeed => ({
    action: 'kms:Decrypt',
    resource: { kind: 'kms-key', ref: { value, source: 'request', account, region: 'eu-west-1' } },
    viaS3: null,
    alsoGrant: [],
  });

  it.each([
    [
      'a key ARN in its own account and region',
      'arn:aws:kms:us-east-1:111122223333:key/k-1',
      { account: '111122223333', region: 'us-east-1', keyId: 'arn:aws:kms:us-east-1:111122223333:key/k-1' },
    ],
    [
      'an alias ARN in its own account and region',
      'arn:aws:kms:us-west-2:111122223333:alias/a',
      { account: '111122223333', region: 'us-west-2', keyId: 'arn:aws:kms:us-west-2:111122223333:alias/a' },
    ],
    [
      'an alias name where the reference resolves',
      'alias/a',
      { account: '444455556666', region: 'eu-west-1', keyId: 'alias/a' },
    ],
    [
      'a bare key id where the reference resolves',
      'k-1',
      { account: '444455556666', region: 'eu-west-1', keyId: 'k-1' },
    ],
    [
      'the bucket owner aws/s3 key',
      null,
      { account: '444455556666', region: 'eu-west-1', keyId: 'alias/aws/s3' },
    ],
  ])('looks up %s', (_label, value, expected) => {
    expect(keyLookups([need(value)])).toEqual([expected]);
  });

  it('skips references without a known account and repeats', () => {
    expect(keyLookups([need('alias/a', ''), need('k-1'), need('k-1')])).toHaveLength(1);
  });
});
