import { DEFAULT_PARTITION, s3ObjectArn } from '../arn/arn.ts';
import { literalPattern } from '../policy/literal.ts';

/** How far an object grant reaches: the stable prefix (default), the object's folder, or the object itself. */
export type ObjectScope = 'stable-prefix' | 'folder' | 'object';

const DATE_FOLDER = /^(19|20)\d{2}-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?$/;
const COMPACT_DATE_FOLDER = /^(19|20)\d{2}(0[1-9]|1[0-2])(0[1-9]|[12]\d|3[01])$/;
const YEAR_FOLDER = /^(19|20)\d{2}$/;
const MONTH_FOLDER = /^(0?[1-9]|1[0-2])$/;
const HIVE_PARTITION = /^(dt|date|ds|year|month|day|hour)=/i;

/** A folder that changes with time: tomorrow's objects land in a sibling of it. */
function isTimePartition(folders: string[], index: number): boolean {
  const folder = folders[index]!;
  if (DATE_FOLDER.test(folder) || COMPACT_DATE_FOLDER.test(folder) || HIVE_PARTITION.test(folder))
    return true;
  const next = folders[index + 1];
  return YEAR_FOLDER.test(folder) && next !== undefined && MONTH_FOLDER.test(next);
}

/**
 * How far a grant reaches, literally: one exact resource, or every resource whose ARN starts with a prefix. The proof
 * judges "intended" by this, never by the grant's own pattern, so a key that looks like a wildcard cannot vouch for
 * itself.
 */
export interface GrantReach {
  kind: 'exact' | 'prefix';
  /** The literal ARN, or the literal ARN prefix (ending in "/"). */
  arn: string;
}

/** The pattern a policy writes for a reach: event text escaped (`${*}`, `${?}`, `${$}`), then `*` for a prefix. */
export function reachPattern(reach: GrantReach): string {
  return reach.kind === 'exact' ? literalPattern(reach.arn) : `${literalPattern(reach.arn)}*`;
}

export function reachCovers(reach: GrantReach, arn: string): boolean {
  return reach.kind === 'exact' ? arn === reach.arn : arn.startsWith(reach.arn);
}

/**
 * What an object grant covers (contract, "What every patch must satisfy"): the folder path cut before its first time
 * partition, so tomorrow's objects stay covered while other tenants' folders do not.
 */
export function objectGrantReach(
  bucket: string,
  key: string,
  scope: ObjectScope = 'stable-prefix',
  partition: string = DEFAULT_PARTITION,
): GrantReach {
  const parts = key.split('/');
  const folders = parts.slice(0, -1);
  if (scope === 'object' || folders.length === 0)
    return { kind: 'exact', arn: s3ObjectArn(bucket, key, partition) };
  if (scope === 'folder')
    return { kind: 'prefix', arn: s3ObjectArn(bucket, `${folders.join('/')}/`, partition) };
  const cut = folders.findIndex((_, index) => isTimePartition(folders, index));
  const kept = cut === -1 || cut === 0 ? folders : folders.slice(0, cut);
  return { kind: 'prefix', arn: s3ObjectArn(bucket, `${kept.join('/')}/`, partition) };
}

/** The Resource a grant names for one object: its reach as an IAM pattern. */
export function objectGrantResource(
  bucket: string,
  key: string,
  scope: ObjectScope = 'stable-prefix',
): string {
  return reachPattern(objectGrantReach(bucket, key, scope));
}
