/**
 * The one place ARNs are read and written, in every partition (aws, aws-cn, aws-us-gov, the ISO partitions):
 * `arn:partition:service:region:account:resource`. Everything else asks this module, so a role in China or GovCloud
 * is read and patched exactly like one in `aws`.
 */
export interface ArnParts {
  partition: string;
  service: string;
  region: string;
  /** As written: 12 digits in AWS, but documentation (and our seed articles) redact it ("XXXXXXXX9645"). */
  account: string;
  resource: string;
}

export const DEFAULT_PARTITION = 'aws';

const ARN = /^arn:(aws(?:-[a-z]+)*):([a-z0-9-]+):([a-z0-9-]*):([^:]*):(.+)$/s;
const ACCOUNT_ID = /^\d{12}$/;

export function parseArn(text: string): ArnParts | null {
  const match = ARN.exec(text);
  if (!match) return null;
  return {
    partition: match[1]!,
    service: match[2]!,
    region: match[3]!,
    account: match[4]!,
    resource: match[5]!,
  };
}

export function formatArn(parts: ArnParts): string {
  return `arn:${parts.partition}:${parts.service}:${parts.region}:${parts.account}:${parts.resource}`;
}

export function isAccountId(text: string): boolean {
  return ACCOUNT_ID.test(text);
}

/** The partition a region belongs to (AWS's documented region prefixes); `aws` for every other region. */
export function partitionOfRegion(region: string | null | undefined): string {
  if (!region) return DEFAULT_PARTITION;
  if (region.startsWith('cn-')) return 'aws-cn';
  if (region.startsWith('us-gov-')) return 'aws-us-gov';
  if (region.startsWith('us-isob-')) return 'aws-iso-b';
  if (region.startsWith('us-isof-')) return 'aws-iso-f';
  if (region.startsWith('eu-isoe-')) return 'aws-iso-e';
  if (region.startsWith('us-iso-')) return 'aws-iso';
  if (region.startsWith('eusc-')) return 'aws-eusc';
  return DEFAULT_PARTITION;
}

// ---------------------------------------------------------------------------------------------------------- S3

export function s3BucketArn(bucket: string, partition: string = DEFAULT_PARTITION): string {
  return `arn:${partition}:s3:::${bucket}`;
}

export function s3ObjectArn(bucket: string, key: string, partition: string = DEFAULT_PARTITION): string {
  return `arn:${partition}:s3:::${bucket}/${key}`;
}

/** Bucket and object key of an S3 ARN (key null for a bucket ARN); null for anything else. */
export function s3Parts(arn: string): { partition: string; bucket: string; key: string | null } | null {
  const parts = parseArn(arn);
  if (parts?.service !== 's3' || parts.region !== '' || parts.account !== '') return null;
  const slash = parts.resource.indexOf('/');
  if (slash === 0) return null;
  return slash === -1
    ? { partition: parts.partition, bucket: parts.resource, key: null }
    : {
        partition: parts.partition,
        bucket: parts.resource.slice(0, slash),
        key: parts.resource.slice(slash + 1),
      };
}

// ---------------------------------------------------------------------------------------------------------- KMS

export function kmsKeyArn(
  region: string,
  account: string,
  keyId: string,
  partition = partitionOfRegion(region),
): string {
  return `arn:${partition}:kms:${region}:${account}:key/${keyId}`;
}

/** Whether an ARN names a KMS key or an alias, with its region and account; null for anything else. */
export function kmsParts(
  arn: string,
): { kind: 'key' | 'alias'; region: string; account: string; id: string } | null {
  const parts = parseArn(arn);
  if (parts?.service !== 'kms' || parts.region === '' || /\s/.test(arn)) return null;
  const slash = parts.resource.indexOf('/');
  const kind = parts.resource.slice(0, slash);
  if (slash <= 0 || (kind !== 'key' && kind !== 'alias') || slash === parts.resource.length - 1) return null;
  return { kind, region: parts.region, account: parts.account, id: parts.resource.slice(slash + 1) };
}

// ---------------------------------------------------------------------------------------------------------- IAM, STS

export function accountRootArn(account: string, partition: string = DEFAULT_PARTITION): string {
  return `arn:${partition}:iam::${account}:root`;
}

export function iamRoleArn(
  account: string,
  name: string,
  partition: string = DEFAULT_PARTITION,
  path = '/',
): string {
  return `arn:${partition}:iam::${account}:role${path}${name}`;
}

/** What an IAM or STS ARN names: a role, user, group, policy, the account root, or a role or federated session. */
export type PrincipalArn =
  | { kind: 'root'; partition: string; account: string }
  | {
      kind: 'role' | 'user' | 'group' | 'policy';
      partition: string;
      account: string;
      path: string;
      name: string;
    }
  | { kind: 'assumed-role'; partition: string; account: string; roleName: string; sessionName: string }
  | { kind: 'federated-user'; partition: string; account: string; name: string };

export function principalParts(arn: string): PrincipalArn | null {
  const parts = parseArn(arn);
  if (parts?.region !== '') return null;
  const { partition, account, resource } = parts;
  if (parts.service === 'iam') {
    if (resource === 'root') return { kind: 'root', partition, account };
    const slash = resource.indexOf('/');
    const kind = resource.slice(0, slash);
    if (slash <= 0 || !['role', 'user', 'group', 'policy'].includes(kind)) return null;
    const rest = resource.slice(slash);
    const cut = rest.lastIndexOf('/');
    const name = rest.slice(cut + 1);
    if (name === '') return null;
    return { kind: kind as 'role', partition, account, path: rest.slice(0, cut + 1), name };
  }
  if (parts.service === 'sts') {
    const assumed = /^assumed-role\/([^/]+)\/(.+)$/s.exec(resource);
    if (assumed)
      return { kind: 'assumed-role', partition, account, roleName: assumed[1]!, sessionName: assumed[2]! };
    const federated = /^federated-user\/(.+)$/s.exec(resource);
    if (federated) return { kind: 'federated-user', partition, account, name: federated[1]! };
  }
  return null;
}

/** The account of an IAM or STS principal ARN (12 digits), or of a bare account id; null otherwise. */
export function accountOfPrincipal(value: string): string | null {
  if (isAccountId(value)) return value;
  const parts = principalParts(value);
  return parts && isAccountId(parts.account) ? parts.account : null;
}

/** Whether a value is a 12-digit account id or an IAM ARN of an account's root. */
export function namesWholeAccount(value: string): boolean {
  if (isAccountId(value)) return true;
  const parts = principalParts(value);
  return parts?.kind === 'root' && isAccountId(parts.account);
}

/** Whether text is an ARN of `service` whose resource starts with `resourcePrefix` and whose account is 12 digits. */
export function isArnOf(
  text: string,
  service: string,
  resourcePrefix: string,
  options: { regional: boolean },
): boolean {
  const parts = parseArn(text);
  return (
    parts !== null &&
    parts.service === service &&
    parts.resource.startsWith(resourcePrefix) &&
    (options.regional ? parts.region !== '' : parts.region === '') &&
    isAccountId(parts.account)
  );
}

// ---------------------------------------------------------------------------------------------------------- endpoints

/** The DNS suffix of a partition's service endpoints: what `kms:ViaService` values end in. */
function dnsSuffix(partition: string): string {
  switch (partition) {
    case 'aws-cn':
      return 'amazonaws.com.cn';
    case 'aws-iso':
      return 'c2s.ic.gov';
    case 'aws-iso-b':
      return 'sc2s.sgov.gov';
    default:
      return 'amazonaws.com';
  }
}

/** The `kms:ViaService` value of a service in a region, e.g. `s3.us-east-1.amazonaws.com`. */
export function viaServiceName(service: string, region: string): string {
  return `${service}.${region}.${dnsSuffix(partitionOfRegion(region))}`;
}

/** A managed policy ARN: a customer managed one (12-digit account) or an AWS managed one (account `aws`). */
export function isManagedPolicyArn(text: string): boolean {
  const parts = parseArn(text);
  return (
    parts?.service === 'iam' &&
    parts.region === '' &&
    (isAccountId(parts.account) || parts.account === 'aws') &&
    parts.resource.startsWith('policy/')
  );
}

/** The `p-…` id of an SCP or RCP ARN; null for any other ARN. */
export function organizationPolicyId(text: string): string | null {
  const parts = parseArn(text);
  if (parts?.service !== 'organizations' || parts.region !== '') return null;
  return (
    /^policy\/(?:o-[a-z0-9]+\/)?(?:service_control_policy|resource_control_policy)\/(p-[A-Za-z0-9_]+)$/.exec(
      parts.resource,
    )?.[1] ?? null
  );
}
