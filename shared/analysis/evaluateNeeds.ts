import { authorize } from '../evaluator/authorize.ts';
import type { RequestContext } from '../evaluator/context.ts';
import type { ApplicablePolicies, AuthorizationResult, CallerIdentity } from '../evaluator/types.ts';
import type { NormalizedEvent } from '../events/types.ts';
import type { PermissionNeed } from '../permissions/types.ts';
import type { KeyStateName } from '../report/types.ts';
import { applicablePolicies, type ResourceSide } from '../state/applicablePolicies.ts';
import { isIndirectKeyReference, resolveKey } from '../state/resolveKey.ts';
import type { BucketEntry, KeyEntry, PrincipalEntry, StateIndex } from '../state/stateIndex.ts';
import { requestContext } from './requestContext.ts';
import { awsManagedS3Key } from './virtualKeys.ts';

/** One needed permission, resolved against the snapshot and evaluated. */
export interface EvaluatedNeed {
  need: PermissionNeed;
  /** False for permissions a patch grants along (CreateMultipartUpload's kms:Decrypt): not part of `missing`. */
  reported: boolean;
  resourceArn: string;
  resourceAccount: string | null;
  key: KeyEntry | null;
  bucket: BucketEntry | null;
  context: RequestContext;
  policies: ApplicablePolicies;
  result: AuthorizationResult;
}

/**
 * Why the evaluation could not go on, as a fact; classify.ts turns it into a verdict. `state-incomplete`: the snapshot
 * lacks what is needed; `key-state`: the key cannot be used (disabled, missing, wrong region…); `aws-managed-key`:
 * another account's AWS managed key; `indirect-key-reference`: an alias or key id in a bucket's default encryption
 * that a writer from another account resolves in its own account.
 */
export type StopProblem = 'state-incomplete' | 'key-state' | 'aws-managed-key' | 'indirect-key-reference';

export interface EvaluationStop {
  problem: StopProblem;
  reason: string;
  keyState?: KeyStateName;
  finding?: string;
  need?: PermissionNeed;
  keyArn?: string | null;
}

export type NeedsEvaluation = { ok: true; items: EvaluatedNeed[] } | { ok: false; stop: EvaluationStop };

const KEY_STATES: Record<string, KeyStateName | null> = {
  Enabled: null,
  Updating: null,
  Disabled: 'Disabled',
  PendingDeletion: 'PendingDeletion',
  PendingReplicaDeletion: 'PendingDeletion',
  PendingImport: 'PendingImport',
  Unavailable: 'Unavailable',
  Creating: 'Unavailable',
};

interface Resolved {
  side: ResourceSide;
  arn: string;
  key: KeyEntry | null;
  bucket: BucketEntry | null;
}

function resolveResource(
  state: StateIndex,
  caller: CallerIdentity,
  need: PermissionNeed,
): { ok: true; resolved: Resolved } | { ok: false; stop: EvaluationStop } {
  const resource = need.resource;
  if (resource.kind === 'none') {
    return {
      ok: true,
      resolved: {
        side: { account: null, policy: null, isKmsKey: false, rcpApplies: false },
        arn: '*',
        key: null,
        bucket: null,
      },
    };
  }
  if (resource.kind === 's3-object' || resource.kind === 's3-bucket') {
    const bucket = state.buckets.get(resource.bucket);
    if (!bucket) {
      return {
        ok: false,
        stop: {
          problem: 'state-incomplete',
          reason: `bucket ${resource.bucket} is not in the snapshot`,
          need,
        },
      };
    }
    const policy = bucket.policy
      ? { ref: { type: 'bucket' as const, id: bucket.arn, name: null }, document: bucket.policy }
      : null;
    return {
      ok: true,
      resolved: {
        side: { account: bucket.accountId, policy, isKmsKey: false, rcpApplies: true },
        arn: resource.arn,
        key: null,
        bucket,
      },
    };
  }
  const ref = resource.ref;
  // An alias or bare key id in a bucket's default encryption resolves outside the bucket owner's account for a
  // writer from another account (S3 API reference, KMSMasterKeyID; KC-001): the fix is the full key ARN.
  if (
    ref.source === 'bucket-default' &&
    ref.account !== caller.accountId &&
    isIndirectKeyReference(ref.value)
  ) {
    return {
      ok: false,
      stop: {
        problem: 'indirect-key-reference',
        reason: `the default encryption of ${need.viaS3?.bucket ?? 'the bucket'} names its key as "${ref.value}", which S3 resolves outside account ${ref.account} for a writer from account ${caller.accountId}; set the full key ARN instead`,
        need,
      },
    };
  }
  const resolution = resolveKey(state, ref);
  switch (resolution.kind) {
    case 'unknown-account':
      return {
        ok: false,
        stop: {
          problem: 'state-incomplete',
          reason: `${resolution.description}: account ${resolution.account} is not in the snapshot`,
          need,
        },
      };
    case 'not-found':
      return {
        ok: false,
        stop: {
          problem: 'key-state',
          keyState: 'NotFound',
          reason: `the KMS key does not exist: ${resolution.description}`,
          need,
          keyArn: resolution.arn,
        },
      };
    case 'wrong-region':
      return {
        ok: false,
        stop: {
          problem: 'key-state',
          keyState: 'WrongRegion',
          reason: `key ${resolution.arn} is in ${resolution.keyRegion} but the request ran in ${resolution.requestRegion}; KMS keys are regional and S3 needs a key in the bucket's region`,
          need,
          keyArn: resolution.arn,
        },
      };
    default:
      break;
  }
  const key =
    resolution.kind === 'found' ? resolution.key : awsManagedS3Key(resolution.account, resolution.region);
  const keyState = key.state in KEY_STATES ? KEY_STATES[key.state]! : 'Unavailable';
  if (keyState !== null) {
    return {
      ok: false,
      stop: {
        problem: 'key-state',
        keyState,
        reason: `key ${key.arn} is ${key.state}`,
        need,
        keyArn: key.arn,
      },
    };
  }
  if (key.manager === 'AWS' && key.accountId !== caller.accountId) {
    return {
      ok: false,
      stop: {
        problem: 'aws-managed-key',
        reason: `the request needs the AWS managed key ${key.aliasNames[0] ?? key.arn} of account ${key.accountId}, which principals of other accounts can never use and whose policy cannot be changed`,
        need,
        keyArn: key.arn,
      },
    };
  }
  const policy = { ref: { type: 'key' as const, id: key.arn, name: null }, document: key.policy };
  return {
    ok: true,
    // RCPs do not apply to AWS managed keys (aws-facts §4.5).
    resolved: {
      side: { account: key.accountId, policy, isKmsKey: true, rcpApplies: key.manager === 'CUSTOMER' },
      arn: key.arn,
      key,
      bucket: null,
    },
  };
}

/** Resolves every needed permission (and those a patch grants along) and evaluates it against the snapshot. */
export function evaluateNeeds(
  event: NormalizedEvent,
  state: StateIndex,
  caller: CallerIdentity,
  principal: PrincipalEntry | null,
  needs: PermissionNeed[],
): NeedsEvaluation {
  const expanded = needs.flatMap((need) => [
    { need, reported: true },
    ...need.alsoGrant.map((action) => ({ need: { ...need, action, alsoGrant: [] }, reported: false })),
  ]);
  const items: EvaluatedNeed[] = [];
  for (const { need, reported } of expanded) {
    const outcome = resolveResource(state, caller, need);
    if (!outcome.ok) return outcome;
    const { side, arn, key, bucket } = outcome.resolved;
    const bucketForContext = need.viaS3 ? state.buckets.get(need.viaS3.bucket) : undefined;
    const context = requestContext({
      event,
      caller,
      principal,
      state,
      resourceAccount: side.account,
      viaS3: need.viaS3,
      bucketKeyEnabled: bucketForContext?.encryption?.bucketKeyEnabled === true,
    });
    // S3's own call to KMS does not travel through the caller's VPC endpoint.
    const endpoint = need.viaS3 ? null : event.vpcEndpointId;
    const policies = applicablePolicies(state, caller, principal, side, endpoint);
    if (!policies.ok)
      return { ok: false, stop: { problem: 'state-incomplete', reason: policies.reason, need } };
    const result = authorize(
      { caller, action: need.action, resource: arn, resourceAccount: side.account, context },
      policies.policies,
    );
    items.push({
      need,
      reported,
      resourceArn: arn,
      resourceAccount: side.account,
      key,
      bucket,
      context,
      policies: policies.policies,
      result,
    });
  }
  return { ok: true, items };
}
