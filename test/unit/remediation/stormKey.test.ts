import { eventStormKey, stormKeyOf } from '../../../shared/remediation/stormKey.ts';
import { eventOf, fixtureRecord } from './support/memoryAdapters.ts';

describe('storm keys', () => {
  const line = {
    principal: 'arn:aws:iam::111122223333:role/app',
    request: { service: 's3', eventName: 'PutObject', resource: 'arn:aws:s3:::b/k' },
    missing: [
      { action: 's3:PutObject', resource: 'arn:aws:s3:::b/k' },
      { action: 'kms:GenerateDataKey', resource: 'arn:aws:kms:us-east-1:111122223333:key/k' },
    ],
  };

  it('do not depend on the order the missing permissions were found in', () => {
    expect(stormKeyOf({ ...line, missing: [...line.missing].reverse() })).toBe(stormKeyOf(line));
  });

  it.each([
    ['principal', { principal: 'arn:aws:iam::111122223333:role/other' }],
    ['missing permissions', { missing: line.missing.slice(1) }],
    ['request resource', { request: { ...line.request, resource: 'arn:aws:s3:::b/other' } }],
  ])('change with the %s', (_name, change) => {
    expect(stormKeyOf({ ...line, ...change })).not.toBe(stormKeyOf(line));
  });
});

describe('event storm keys (before any diagnosis)', () => {
  const record = fixtureRecord('kc000-putobject-missing-generatedatakey');
  const params = record.requestParameters as Record<string, unknown>;
  const extra = record.additionalEventData as Record<string, unknown> | undefined;
  const key = (change: Record<string, unknown> = {}) => eventStormKey(eventOf(record, change));

  it('ignore what names the one request: event ids, time, per-request extras', () => {
    expect(
      key({
        eventID: 'another',
        eventTime: '2026-11-20T05:00:00Z',
        sharedEventID: 'shared',
        requestID: 'R2',
        additionalEventData: { ...extra, 'x-amz-id-2': 'other', bytesTransferredIn: 99 },
        requestParameters: { ...params, partNumber: '7', uploadId: 'u-2' },
      }),
    ).toBe(key());
  });

  it.each([
    [
      'caller session',
      {
        userIdentity: {
          ...(record.userIdentity as object),
          arn: 'arn:aws:sts::111122223333:assumed-role/r/other',
        },
      },
    ],
    ['event name', { eventName: 'GetObject' }],
    ['object key', { requestParameters: { ...params, key: 'other/key' } }],
    ['bucket', { requestParameters: { ...params, bucketName: 'other-bucket' } }],
    ['encryption header', { requestParameters: { ...params, 'x-amz-server-side-encryption': 'aws:kms' } }],
    ['error message', { errorMessage: 'Access Denied' }],
    ['source address', { sourceIPAddress: '10.9.9.9' }],
    [
      'key named in the response',
      { additionalEventData: { ...extra, SSEKMSKeyId: 'arn:aws:kms:us-east-1:1:key/x' } },
    ],
  ])('change with the %s', (_name, change) => {
    expect(key(change)).not.toBe(key());
  });

  it('never equal a diagnosed storm key', () => {
    expect(key()).toMatch(/^event\|s3\.amazonaws\.com:PutObject\|[0-9a-f]{32}$/);
  });
});
