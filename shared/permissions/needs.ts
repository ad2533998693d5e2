import { isAccountId, kmsParts, s3BucketArn, s3ObjectArn, s3Parts } from '../arn/arn.ts';
import { callerAccountOf, type NormalizedEvent } from '../events/types.ts';
import type { DenialEvidence } from '../messages/parseDenialMessage.ts';
import type { StateIndex } from '../state/stateIndex.ts';
import { kmsActionTakesKey } from './kmsActions.ts';
import { S3_ACTIONS, versionedAction } from './s3Actions.ts';
import type { KeyReference, NeedResource, NeedsResult, PermissionNeed, ViaS3 } from './types.ts';

/** A key or alias ARN with a real account: what a record's resources or a message can name a key by. */
const isKmsArn = (arn: string): boolean => {
  const parts = kmsParts(arn);
  return parts !== null && isAccountId(parts.account);
};

function param(event: NormalizedEvent, name: string): string | null {
  const value = event.requestParameters[name];
  return typeof value === 'string' && value.length > 0 ? value : null;
}

/** `x-amz-copy-source`: "bucket/key" or "/bucket/key", URL-encoded, optionally "?versionId=…". */
function parseCopySource(value: string): { bucket: string; key: string } | null {
  let text = value.split('?')[0] ?? '';
  try {
    text = decodeURIComponent(text);
  } catch {
    // keep the raw text: a malformed escape is still the best name we have
  }
  const trimmed = text.replace(/^\//, '');
  const slash = trimmed.indexOf('/');
  if (slash <= 0 || slash === trimmed.length - 1) return null;
  return { bucket: trimmed.slice(0, slash), key: trimmed.slice(slash + 1) };
}

interface BucketContext {
  name: string;
  region: string;
  owner: string | null;
}

function bucketContext(event: NormalizedEvent, state: StateIndex, name: string): BucketContext {
  const bucket = state.buckets.get(name);
  return { name, region: bucket?.region ?? event.region ?? 'us-east-1', owner: bucket?.accountId ?? null };
}

/** Which key encrypts new objects in a bucket, when its default encryption uses KMS. */
function defaultWriteKey(state: StateIndex, bucket: BucketContext): KeyReference | null {
  const encryption = state.buckets.get(bucket.name)?.encryption;
  if (!encryption || encryption.algorithm === 'AES256') return null;
  return {
    value: encryption.kmsKeyId,
    source: 'bucket-default',
    account: bucket.owner ?? '',
    region: bucket.region,
  };
}

/** The key a write uses: the request's SSE headers win over the bucket default. */
function writeKey(event: NormalizedEvent, state: StateIndex, bucket: BucketContext): KeyReference | null {
  const sse = param(event, 'x-amz-server-side-encryption');
  const keyId = param(event, 'x-amz-server-side-encryption-aws-kms-key-id');
  if (sse === 'AES256') return null;
  if (sse?.startsWith('aws:kms') || keyId) {
    // A bare key id or alias in the header resolves in the requester's account (S3 API reference, SSEKMSKeyId).
    const account = callerAccountOf(event.caller) ?? bucket.owner ?? '';
    return {
      value: keyId,
      source: 'request',
      account: keyId ? account : (bucket.owner ?? ''),
      region: bucket.region,
    };
  }
  return defaultWriteKey(state, bucket);
}

/** The key an existing object was written with: named in the event if it is, else the bucket default. */
function readKey(
  event: NormalizedEvent,
  evidence: DenialEvidence,
  state: StateIndex,
  bucket: BucketContext,
): KeyReference | null {
  const fromResources = event.resources.find((r) => isKmsArn(r.arn))?.arn;
  if (fromResources)
    return { value: fromResources, source: 'resources', account: bucket.owner ?? '', region: bucket.region };
  const named =
    evidence.keyArn ?? (evidence.resource && isKmsArn(evidence.resource) ? evidence.resource : null);
  if (named) return { value: named, source: 'message', account: bucket.owner ?? '', region: bucket.region };
  const fromResponse = event.additionalEventData.SSEKMSKeyId;
  if (typeof fromResponse === 'string' && fromResponse) {
    return { value: fromResponse, source: 'request', account: bucket.owner ?? '', region: bucket.region };
  }
  return defaultWriteKey(state, bucket);
}

function kmsNeed(action: string, ref: KeyReference, via: ViaS3, alsoGrant: string[] = []): PermissionNeed {
  return { action, resource: { kind: 'kms-key', ref }, viaS3: via, alsoGrant };
}

function s3Needs(event: NormalizedEvent, evidence: DenialEvidence, state: StateIndex): NeedsResult {
  const spec = S3_ACTIONS[event.eventName];
  const bucketName =
    param(event, 'bucketName') ??
    s3Parts(event.resources.find((r) => r.type === 'AWS::S3::Bucket')?.arn ?? '')?.bucket;
  if (!bucketName) return { ok: false, reason: `the ${event.eventName} record names no bucket` };
  const bucket = bucketContext(event, state, bucketName);
  const key =
    param(event, 'key') ??
    s3Parts(event.resources.find((r) => r.type === 'AWS::S3::Object')?.arn ?? '')?.key ??
    undefined;
  const versioned = param(event, 'versionId') !== null;
  const needs: PermissionNeed[] = [];

  if (!spec) {
    // An S3 API we do not model: name its action after the API, on what the record names.
    const resource: NeedResource = key
      ? { kind: 's3-object', bucket: bucketName, key, arn: s3ObjectArn(bucketName, key, event.partition) }
      : { kind: 's3-bucket', bucket: bucketName, arn: s3BucketArn(bucketName, event.partition) };
    return { ok: true, needs: [{ action: `s3:${event.eventName}`, resource, viaS3: null, alsoGrant: [] }] };
  }
  if (spec.level === 'object' && !key)
    return { ok: false, reason: `the ${event.eventName} record names no object key` };

  const target: NeedResource =
    spec.level === 'object'
      ? {
          kind: 's3-object',
          bucket: bucketName,
          key: key!,
          arn: s3ObjectArn(bucketName, key!, event.partition),
        }
      : { kind: 's3-bucket', bucket: bucketName, arn: s3BucketArn(bucketName, event.partition) };
  const action = versioned ? versionedAction(spec.action) : spec.action;
  const via: ViaS3 = {
    region: bucket.region,
    bucket: bucketName,
    objectArn: target.kind === 's3-object' ? target.arn : null,
  };

  const copySource = param(event, 'x-amz-copy-source');
  if ((event.eventName === 'CopyObject' || event.eventName === 'UploadPartCopy') && copySource) {
    const source = parseCopySource(copySource);
    if (source) {
      const sourceArn = s3ObjectArn(source.bucket, source.key, event.partition);
      needs.push({
        action: 's3:GetObject',
        resource: { kind: 's3-object', bucket: source.bucket, key: source.key, arn: sourceArn },
        viaS3: null,
        alsoGrant: [],
      });
      const sourceBucket = bucketContext(event, state, source.bucket);
      const sourceKey = readKey(event, evidence, state, sourceBucket);
      if (sourceKey)
        needs.push(
          kmsNeed('kms:Decrypt', sourceKey, { ...via, bucket: source.bucket, objectArn: sourceArn }),
        );
    }
  }
  needs.push({ action, resource: target, viaS3: null, alsoGrant: [] });
  if (event.eventName === 'PutObject' || event.eventName === 'PostObject') {
    const aclHeaders = [
      'x-amz-acl',
      'x-amz-grant-full-control',
      'x-amz-grant-read',
      'x-amz-grant-read-acp',
      'x-amz-grant-write-acp',
    ];
    if (aclHeaders.some((h) => param(event, h) !== null)) {
      needs.push({ action: 's3:PutObjectAcl', resource: target, viaS3: null, alsoGrant: [] });
    }
    if (param(event, 'x-amz-tagging') !== null) {
      needs.push({ action: 's3:PutObjectTagging', resource: target, viaS3: null, alsoGrant: [] });
    }
  }

  const checksumRead = param(event, 'x-amz-checksum-mode') === 'ENABLED';
  switch (event.eventName) {
    case 'PutObject':
    case 'PostObject':
    case 'CopyObject': {
      const ref = writeKey(event, state, bucket);
      if (ref) needs.push(kmsNeed('kms:GenerateDataKey', ref, via));
      break;
    }
    case 'CreateMultipartUpload': {
      const ref = writeKey(event, state, bucket);
      if (ref) needs.push(kmsNeed('kms:GenerateDataKey', ref, via, ['kms:Decrypt']));
      break;
    }
    case 'UploadPart':
    case 'UploadPartCopy': {
      const ref = readKey(event, evidence, state, bucket);
      if (ref) needs.push(kmsNeed('kms:Decrypt', ref, via));
      break;
    }
    case 'GetObject':
    case 'SelectObjectContent':
    case 'RestoreObject': {
      if (event.eventName === 'RestoreObject') break;
      const ref = readKey(event, evidence, state, bucket);
      if (ref) needs.push(kmsNeed('kms:Decrypt', ref, via));
      break;
    }
    case 'HeadObject':
    case 'GetObjectAttributes': {
      if (!checksumRead) break;
      const ref = readKey(event, evidence, state, bucket);
      if (ref) needs.push(kmsNeed('kms:Decrypt', ref, via));
      break;
    }
    default:
      break;
  }
  return { ok: true, needs };
}

function kmsNeeds(event: NormalizedEvent, evidence: DenialEvidence): NeedsResult {
  const region = event.region ?? 'us-east-1';
  const account = event.recipientAccountId ?? callerAccountOf(event.caller) ?? '';
  const context = event.requestParameters.encryptionContext;
  const s3Arn =
    typeof context === 'object' && context !== null
      ? (context as Record<string, unknown>)['aws:s3:arn']
      : undefined;
  const byS3 =
    event.invokedBy === 's3.amazonaws.com' ||
    event.sourceIpField === 's3.amazonaws.com' ||
    event.userAgent === 's3.amazonaws.com' ||
    typeof s3Arn === 'string';
  let via: ViaS3 | null = null;
  if (byS3) {
    const arn = typeof s3Arn === 'string' ? s3Arn : null;
    const bucket = arn ? (s3Parts(arn)?.bucket ?? '') : '';
    via = { region, bucket, objectArn: arn?.includes('/') ? arn : null };
  }
  // The caller's account is where a bare key id or alias resolves; a key ARN names its own account.
  const callerAccount = callerAccountOf(event.caller) ?? account;
  const reference = (value: string | null, source: KeyReference['source']): KeyReference => ({
    value,
    source,
    account: callerAccount,
    region,
  });
  const keyFromEvent = (): KeyReference | null => {
    const fromParam = param(event, 'keyId');
    if (fromParam) return reference(fromParam, 'request');
    const fromResources = event.resources.find((r) => isKmsArn(r.arn))?.arn;
    if (fromResources) return reference(fromResources, 'resources');
    const named =
      evidence.keyArn ?? (evidence.resource && isKmsArn(evidence.resource) ? evidence.resource : null);
    return named ? reference(named, 'message') : null;
  };
  const make = (action: string, ref: KeyReference | null): PermissionNeed => ({
    action,
    resource: ref ? { kind: 'kms-key', ref } : { kind: 'none' },
    viaS3: via,
    alsoGrant: [],
  });

  if (!kmsActionTakesKey(event.eventName)) return { ok: true, needs: [make(`kms:${event.eventName}`, null)] };
  if (event.eventName === 'ReEncrypt') {
    const source = param(event, 'sourceKeyId');
    const destination = param(event, 'destinationKeyId');
    const needs: PermissionNeed[] = [];
    const sourceRef = source ? reference(source, 'request') : keyFromEvent();
    if (sourceRef) needs.push(make('kms:ReEncryptFrom', sourceRef));
    if (destination) needs.push(make('kms:ReEncryptTo', reference(destination, 'request')));
    return needs.length > 0
      ? { ok: true, needs }
      : { ok: false, reason: 'the ReEncrypt record names no key' };
  }
  const ref = keyFromEvent();
  if (!ref)
    return {
      ok: false,
      reason: `the ${event.eventName} record names no KMS key (no keyId, resources or key ARN in the message)`,
    };
  return { ok: true, needs: [make(`kms:${event.eventName}`, ref)] };
}

/** What the failed call needed, before any policy is read (aws-facts §3; docs/DIAGNOSIS.md §2). */
export function permissionNeeds(
  event: NormalizedEvent,
  evidence: DenialEvidence,
  state: StateIndex,
): NeedsResult {
  if (event.service === 's3') return s3Needs(event, evidence, state);
  if (event.service === 'kms') return kmsNeeds(event, evidence);
  return {
    ok: false,
    reason: `${event.eventSource} calls are outside what access-remediator models (S3 and KMS)`,
  };
}
