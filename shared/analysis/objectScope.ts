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
 * The object resource a grant names (contract, "What every patch must satisfy"): the folder path cut before its
 * first time partition, so tomorrow's objects stay covered while other tenants' folders do not.
 */
export function objectGrantResource(
  bucket: string,
  key: string,
  scope: ObjectScope = 'stable-prefix',
): string {
  const parts = key.split('/');
  const folders = parts.slice(0, -1);
  if (scope === 'object' || folders.length === 0) return `arn:aws:s3:::${bucket}/${key}`;
  if (scope === 'folder') return `arn:aws:s3:::${bucket}/${folders.join('/')}/*`;
  const cut = folders.findIndex((_, index) => isTimePartition(folders, index));
  const kept = cut === -1 || cut === 0 ? folders : folders.slice(0, cut);
  return `arn:aws:s3:::${bucket}/${kept.join('/')}/*`;
}
