import { stormKeyOf } from '../../../shared/remediation/stormKey.ts';

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
