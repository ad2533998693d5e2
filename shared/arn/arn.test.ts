import {
  accountOfPrincipal,
  formatArn,
  isArnOf,
  kmsKeyArn,
  kmsParts,
  namesWholeAccount,
  parseArn,
  partitionOfRegion,
  principalParts,
  s3BucketArn,
  s3ObjectArn,
  s3Parts,
} from './arn.ts';

describe('ARNs in every partition', () => {
  it.each([
    ['us-east-1', 'aws'],
    ['cn-north-1', 'aws-cn'],
    ['cn-northwest-1', 'aws-cn'],
    ['us-gov-west-1', 'aws-us-gov'],
    ['us-iso-east-1', 'aws-iso'],
    ['us-isob-east-1', 'aws-iso-b'],
    ['eu-west-3', 'aws'],
  ])('%s is in %s', (region, partition) => {
    expect(partitionOfRegion(region)).toBe(partition);
  });

  it.each([
    'arn:aws:s3:::bucket/key/with:colons',
    'arn:aws-cn:kms:cn-north-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab',
    'arn:aws-us-gov:iam::111122223333:role/path/to/name',
  ])('round-trips %s', (arn) => {
    expect(formatArn(parseArn(arn)!)).toBe(arn);
  });

  it('reads and writes S3 ARNs', () => {
    expect(s3ObjectArn('b', 'a/*', 'aws-cn')).toBe('arn:aws-cn:s3:::b/a/*');
    expect(s3Parts('arn:aws-us-gov:s3:::b/x/y')).toEqual({
      partition: 'aws-us-gov',
      bucket: 'b',
      key: 'x/y',
    });
    expect(s3Parts(s3BucketArn('b'))).toEqual({ partition: 'aws', bucket: 'b', key: null });
    expect(s3Parts('arn:aws:kms:us-east-1:111122223333:key/x')).toBeNull();
  });

  it('reads KMS keys and aliases, redacted accounts included', () => {
    expect(kmsParts('arn:aws-cn:kms:cn-north-1:111122223333:alias/app')).toEqual({
      kind: 'alias',
      region: 'cn-north-1',
      account: '111122223333',
      id: 'app',
    });
    expect(kmsParts('arn:aws:kms:us-east-1:XXXXXXXX9645:key/abc')?.kind).toBe('key');
    expect(kmsParts('arn:aws:kms:us-east-1:111122223333:grant/abc')).toBeNull();
    expect(kmsKeyArn('us-gov-west-1', '111122223333', 'k')).toBe(
      'arn:aws-us-gov:kms:us-gov-west-1:111122223333:key/k',
    );
  });

  it('reads principals', () => {
    expect(principalParts('arn:aws-cn:sts::111122223333:assumed-role/r/s/x')).toEqual({
      kind: 'assumed-role',
      partition: 'aws-cn',
      account: '111122223333',
      roleName: 'r',
      sessionName: 's/x',
    });
    expect(
      principalParts('arn:aws:iam::111122223333:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_A_1'),
    ).toMatchObject({ kind: 'role', path: '/aws-reserved/sso.amazonaws.com/', name: 'AWSReservedSSO_A_1' });
    expect(accountOfPrincipal('arn:aws-us-gov:iam::111122223333:user/u')).toBe('111122223333');
    expect(accountOfPrincipal('*')).toBeNull();
    expect(namesWholeAccount('arn:aws-cn:iam::111122223333:root')).toBe(true);
    expect(namesWholeAccount('111122223333')).toBe(true);
    expect(isArnOf('arn:aws-cn:iam::111122223333:role/x', 'iam', 'role/', { regional: false })).toBe(true);
    expect(isArnOf('arn:aws:iam::aws:policy/x', 'iam', 'policy/', { regional: false })).toBe(false);
  });
});
