import { objectGrantReach, objectGrantResource, reachCovers } from './objectScope.ts';

describe('objectGrantResource', () => {
  it.each([
    ['features/2026-11/part-1.parquet', 'arn:aws:s3:::b/features/*'],
    ['reports/q3/summary.pdf', 'arn:aws:s3:::b/reports/q3/*'],
    ['tenants/123/data.bin', 'arn:aws:s3:::b/tenants/123/*'],
    ['2026/11/20/daily-summary.csv', 'arn:aws:s3:::b/2026/11/20/*'],
    ['2026-11-18/x.csv', 'arn:aws:s3:::b/2026-11-18/*'],
    ['logs/dt=2026-11-20/hour=09/x.gz', 'arn:aws:s3:::b/logs/*'],
    ['events/year=2026/month=11/x.json', 'arn:aws:s3:::b/events/*'],
    ['raw/sales/2026/11/x.csv', 'arn:aws:s3:::b/raw/sales/*'],
    ['archive/2026/summary.pdf', 'arn:aws:s3:::b/archive/2026/*'],
    ['exports/20261120/x.csv', 'arn:aws:s3:::b/exports/*'],
    ['readme.txt', 'arn:aws:s3:::b/readme.txt'],
  ])('%s → %s', (key, expected) => {
    expect(objectGrantResource('b', key)).toBe(expected);
  });

  it('narrows to the folder or the object when configured', () => {
    expect(objectGrantResource('b', 'features/2026-11/part-1.parquet', 'folder')).toBe(
      'arn:aws:s3:::b/features/2026-11/*',
    );
    expect(objectGrantResource('b', 'features/2026-11/part-1.parquet', 'object')).toBe(
      'arn:aws:s3:::b/features/2026-11/part-1.parquet',
    );
  });

  it.each([
    ['*', 'arn:aws:s3:::b/${*}'],
    ['*/x.csv', 'arn:aws:s3:::b/${*}/*'],
    ['rep?rts/q3/x.csv', 'arn:aws:s3:::b/rep${?}rts/q3/*'],
    ['${aws:username}/x.csv', 'arn:aws:s3:::b/${$}{aws:username}/*'],
    ['a*b/2026-11/x', 'arn:aws:s3:::b/a${*}b/*'],
  ])('keeps the event text literal: %s → %s', (key, expected) => {
    expect(objectGrantResource('b', key)).toBe(expected);
  });

  it('covers by literal prefix, never by the pattern', () => {
    const reach = objectGrantReach('b', '*/x.csv');
    expect(reachCovers(reach, 'arn:aws:s3:::b/*/y.csv')).toBe(true);
    expect(reachCovers(reach, 'arn:aws:s3:::b/other/y.csv')).toBe(false);
    expect(reachCovers(objectGrantReach('b', '*'), 'arn:aws:s3:::b/anything')).toBe(false);
  });
});
