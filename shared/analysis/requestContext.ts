import { partitionOfRegion, s3BucketArn, viaServiceName } from '../arn/arn.ts';
import { type ContextValue, contextFrom } from '../evaluator/context.ts';
import type { CallerIdentity } from '../evaluator/types.ts';
import type { NormalizedEvent } from '../events/types.ts';
import type { ViaS3 } from '../permissions/types.ts';
import type { PrincipalEntry, StateIndex } from '../state/stateIndex.ts';

const PRINCIPAL_TYPE: Record<CallerIdentity['kind'], string> = {
  role: 'AssumedRole',
  user: 'User',
  root: 'Account',
  federated: 'FederatedUser',
  service: 'AWSService',
};

export interface ContextInput {
  event: NormalizedEvent;
  caller: CallerIdentity;
  principal: PrincipalEntry | null;
  state: StateIndex;
  resourceAccount: string | null;
  /** Set when S3 called KMS for the caller: the context of a forward access session. */
  viaS3: ViaS3 | null;
  /** The bucket's Bucket Key setting decides the encryption context S3 sends (bucket ARN instead of object ARN). */
  bucketKeyEnabled: boolean;
}

/**
 * The request context a policy condition sees, built from the record and the snapshot only (no clock):
 * global keys, and the S3 and KMS keys the record carries (aws-facts §1.9, §3, §5).
 */
export function requestContext(input: ContextInput): Map<string, ContextValue> {
  const { event, caller, principal, state, viaS3 } = input;
  const direct = viaS3 === null || event.service === 's3';
  const orgId = state.organization?.parents.has(caller.accountId) ? state.organization.id : null;
  const time = event.eventTime ? Date.parse(event.eventTime) : Number.NaN;
  const entries: Record<string, ContextValue | null> = {
    'aws:PrincipalArn': caller.arn,
    'aws:PrincipalAccount': caller.accountId,
    'aws:PrincipalOrgID': orgId,
    'aws:PrincipalType': PRINCIPAL_TYPE[caller.kind],
    'aws:PrincipalIsAWSService': caller.kind === 'service' ? 'true' : 'false',
    'aws:username': caller.kind === 'user' ? (principal?.name ?? null) : null,
    'aws:userid': principal?.uniqueId
      ? caller.sessionArn && caller.kind === 'role'
        ? `${principal.uniqueId}:${caller.sessionArn.split('/').pop()}`
        : principal.uniqueId
      : null,
    'aws:SourceIp': direct ? event.sourceIp : null,
    'aws:SourceVpce': direct ? event.vpcEndpointId : null,
    'aws:SecureTransport': 'true',
    'aws:RequestedRegion': event.region,
    'aws:ResourceAccount': input.resourceAccount,
    'aws:CurrentTime': Number.isNaN(time) ? null : new Date(time).toISOString(),
    'aws:EpochTime': Number.isNaN(time) ? null : String(Math.floor(time / 1000)),
    'aws:MultiFactorAuthPresent': event.mfaAuthenticated === null ? null : String(event.mfaAuthenticated),
    'aws:ViaAWSService': viaS3 && event.service !== 's3' ? 'true' : 'false',
  };
  for (const [tag, value] of Object.entries(principal?.tags ?? {}))
    entries[`aws:PrincipalTag/${tag}`] = value;

  if (viaS3 !== null) {
    entries['aws:ViaAWSService'] = 'true';
    entries['aws:CalledVia'] = ['s3.amazonaws.com'];
    entries['aws:CalledViaFirst'] = 's3.amazonaws.com';
    entries['aws:CalledViaLast'] = 's3.amazonaws.com';
    entries['kms:ViaService'] = viaServiceName('s3', viaS3.region);
    const contextArn =
      input.bucketKeyEnabled || viaS3.objectArn === null
        ? s3BucketArn(viaS3.bucket, partitionOfRegion(viaS3.region))
        : viaS3.objectArn;
    entries['kms:EncryptionContext:aws:s3:arn'] = contextArn;
    entries['kms:EncryptionContextKeys'] = ['aws:s3:arn'];
    entries['aws:SourceIp'] = null;
    entries['aws:SourceVpce'] = null;
  }
  if (event.service === 'kms' || viaS3 !== null) entries['kms:CallerAccount'] = caller.accountId;
  if (event.service === 'kms' && viaS3 === null) {
    const encryptionContext = event.requestParameters.encryptionContext;
    if (typeof encryptionContext === 'object' && encryptionContext !== null) {
      const keys: string[] = [];
      for (const [key, value] of Object.entries(encryptionContext)) {
        if (typeof value === 'string') entries[`kms:EncryptionContext:${key}`] = value;
        keys.push(key);
      }
      entries['kms:EncryptionContextKeys'] = keys;
    }
  }
  if (event.service === 's3') {
    for (const [name, value] of Object.entries(event.requestParameters)) {
      if (name.startsWith('x-amz-') && typeof value === 'string') entries[`s3:${name}`] = value;
    }
    for (const name of ['prefix', 'delimiter', 'max-keys']) {
      const value = event.requestParameters[name];
      if (typeof value === 'string' || typeof value === 'number') entries[`s3:${name}`] = String(value);
    }
    entries['s3:ResourceAccount'] = input.resourceAccount;
    if (event.tlsVersion) entries['s3:TlsVersion'] = event.tlsVersion.replace(/^TLSv/, '');
    entries['s3:authType'] = 'REST-HEADER';
    entries['s3:signatureversion'] = 'AWS4-HMAC-SHA256';
  }
  return contextFrom(entries);
}
