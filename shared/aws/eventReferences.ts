import { isAccountId, kmsParts, s3Parts } from '../arn/arn.ts';
import { callerAccountOf, type NormalizedEvent } from '../events/types.ts';
import { isAuthorizationFailure, isKeyStateFailure, isVpceNetworkDenial } from '../messages/errorCodes.ts';
import type { PermissionNeed } from '../permissions/types.ts';

/** The caller to read: by name, or (resource owner's copy of a cross-account record) by unique id. */
export type PrincipalRef =
  | { account: string; kind: 'role' | 'user'; name: string }
  | { account: string; uniqueId: string };

/** A bucket the event names, with the accounts that may own it, most likely first. */
export interface BucketRef {
  name: string;
  owners: string[];
}

/** A KMS key to describe: `keyId` is a key ARN, alias ARN, alias name or bare key id, looked up in account/region. */
export interface KeyLookup {
  account: string;
  region: string;
  keyId: string;
}

export interface EventReferences {
  /** False when the analysis reads no state at all (not an authorization or key-state failure, a VPCE record). */
  needsState: boolean;
  principal: PrincipalRef | null;
  buckets: BucketRef[];
  vpcEndpoint: { id: string; account: string; region: string } | null;
}

/** Region and account of a key or alias ARN with a real account. */
function kmsArn(value: string): { region: string; account: string } | null {
  const parts = kmsParts(value);
  return parts && isAccountId(parts.account) ? parts : null;
}

function unique(values: (string | null | undefined)[]): string[] {
  return [...new Set(values.filter((v): v is string => typeof v === 'string' && /^\d{12}$/.test(v)))];
}

function param(event: NormalizedEvent, name: string): string | null {
  const value = event.requestParameters[name];
  return typeof value === 'string' && value.length > 0 ? value : null;
}

function principalOf(event: NormalizedEvent): PrincipalRef | null {
  const caller = event.caller;
  switch (caller.type) {
    case 'role':
      return caller.accountId ? { account: caller.accountId, kind: 'role', name: caller.roleName } : null;
    case 'user':
      return { account: caller.accountId, kind: 'user', name: caller.userName };
    case 'federated': {
      // A federation token's session belongs to the IAM user that asked for it.
      const name = caller.issuerArn?.includes(':user/') ? caller.issuerArn.split('/').pop() : undefined;
      return name ? { account: caller.accountId, kind: 'user', name } : null;
    }
    case 'account': {
      const uniqueId = caller.principalId?.split(':')[0];
      return uniqueId ? { account: caller.accountId, uniqueId } : null;
    }
    default:
      return null;
  }
}

function copySourceBucket(event: NormalizedEvent): string | null {
  const source = param(event, 'x-amz-copy-source');
  if (!source) return null;
  let text = source.split('?')[0] ?? '';
  try {
    text = decodeURIComponent(text);
  } catch {
    // keep the raw text
  }
  return text.replace(/^\//, '').split('/')[0] || null;
}

/** The bucket of an S3 call KMS records in its encryption context (`aws:s3:arn`). */
function encryptionContextBucket(event: NormalizedEvent): string | null {
  const context = event.requestParameters.encryptionContext;
  if (typeof context !== 'object' || context === null) return null;
  const arn = (context as Record<string, unknown>)['aws:s3:arn'];
  return typeof arn === 'string' ? (s3Parts(arn)?.bucket ?? null) : null;
}

function keyAccountOf(event: NormalizedEvent): string | null {
  const named = [param(event, 'keyId'), ...event.resources.map((r) => r.arn)];
  for (const value of named) {
    const match = value ? kmsArn(value) : null;
    if (match) return match.account;
  }
  return null;
}

function bucketsOf(event: NormalizedEvent): BucketRef[] {
  const callerAccount = callerAccountOf(event.caller);
  const ownerInResources = (name: string) =>
    event.resources.find(
      (r) => r.accountId && s3Parts(r.arn)?.bucket === name && s3Parts(r.arn)?.key === null,
    )?.accountId ?? event.resources.find((r) => r.accountId && s3Parts(r.arn)?.bucket === name)?.accountId;
  const names: string[] = [];
  if (event.service === 's3') {
    names.push(
      ...[param(event, 'bucketName'), copySourceBucket(event)].filter((n): n is string => n !== null),
      ...event.resources.flatMap((r) => s3Parts(r.arn)?.bucket ?? []),
    );
    return [...new Set(names)].map((name) => ({
      name,
      owners: unique([ownerInResources(name), event.recipientAccountId, callerAccount]),
    }));
  }
  const viaS3 = encryptionContextBucket(event);
  if (event.service === 'kms' && viaS3) {
    // S3 calls KMS with the bucket owner's key in most setups: the key's account first.
    return [{ name: viaS3, owners: unique([keyAccountOf(event), event.recipientAccountId, callerAccount]) }];
  }
  return [];
}

/** What an event names that its analysis may read: the caller, the buckets, the VPC endpoint. */
export function eventReferences(event: NormalizedEvent): EventReferences {
  const needsState =
    (isAuthorizationFailure(event.errorCode) || isKeyStateFailure(event.errorCode, event.eventSource)) &&
    !isVpceNetworkDenial(event.errorCode);
  if (!needsState) return { needsState, principal: null, buckets: [], vpcEndpoint: null };
  const endpointAccount = callerAccountOf(event.caller) ?? event.recipientAccountId;
  return {
    needsState,
    principal: principalOf(event),
    buckets: bucketsOf(event),
    vpcEndpoint:
      event.vpcEndpointId && endpointAccount
        ? { id: event.vpcEndpointId, account: endpointAccount, region: event.region ?? 'us-east-1' }
        : null,
  };
}

/** The keys the needs name, as KMS would look them up: ARNs in their own account and region, the rest in the ref's. */
export function keyLookups(needs: PermissionNeed[]): KeyLookup[] {
  const lookups = new Map<string, KeyLookup>();
  for (const need of needs) {
    if (need.resource.kind !== 'kms-key') continue;
    const ref = need.resource.ref;
    const value = ref.value ?? 'alias/aws/s3';
    const arn = kmsArn(value);
    const lookup = arn
      ? { account: arn.account, region: arn.region, keyId: value }
      : { account: ref.account, region: ref.region, keyId: value };
    if (/^\d{12}$/.test(lookup.account))
      lookups.set(`${lookup.account}/${lookup.region}/${lookup.keyId}`, lookup);
  }
  return [...lookups.values()];
}
