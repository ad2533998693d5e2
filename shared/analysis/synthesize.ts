import { s3Parts, viaServiceName } from '../arn/arn.ts';
import type { CallerIdentity } from '../evaluator/types.ts';
import { statementsOf, toArray } from '../policy/parseDocument.ts';
import type { PolicyDocument, PolicyStatement } from '../policy/types.ts';
import { REMEDIATOR_NAME } from '../remediatorName.ts';
import type { Patch, PatchTargetType } from '../report/types.ts';
import type { PrincipalEntry } from '../state/stateIndex.ts';
import type { EvaluatedNeed } from './evaluateNeeds.ts';
import { type GrantReach, type ObjectScope, objectGrantReach, reachPattern } from './objectScope.ts';
import { documentBytes, iamPolicyChars, POLICY_LIMITS } from './policySize.ts';

/** The inline policy the remediator writes into roles and users; it owns it and nothing else. */
export const REMEDIATOR_POLICY_NAME = REMEDIATOR_NAME;
export const SID_PREFIX = 'AccessRemediator';

/** One permission to grant on one side (the caller's identity, the key policy or the bucket policy). */
export interface Grant {
  side: 'identity' | 'key' | 'bucket';
  action: string;
  /** The resource the grant names: object prefix, bucket or key ARN; "*" in a key policy means the key itself. */
  resource: string;
  /** The resource as it was requested. */
  requestedResource: string;
  /** What the grant was meant to cover, literally: the proof judges "intended" by this, not by `resource`. */
  reach: GrantReach;
  viaS3Region: string | null;
}

export type SynthesisResult =
  | { ok: true; patches: Patch[]; grants: Grant[] }
  | { ok: false; problem: SynthesisProblem; reason: string };

/**
 * Why no patch could be written, as a fact; classify.ts turns it into a verdict. `nothing-to-grant`: no missing Allow
 * a patch could add; `caller-not-nameable`: root, a service, a federated session on a resource policy; `unbounded`:
 * the action takes no resource; `policy-size`: the patched policy would exceed IAM's, KMS's or S3's size limit.
 */
export type SynthesisProblem = 'nothing-to-grant' | 'caller-not-nameable' | 'unbounded' | 'policy-size';

const PATCHABLE = new Set(['identity', 'key', 'bucket']);

/** What to grant for every denied permission, on each side that lacked an Allow. */
export function grantsFor(items: EvaluatedNeed[], scope: ObjectScope): Grant[] {
  const grants: Grant[] = [];
  for (const item of items) {
    if (item.result.decision === 'allowed') continue;
    const resource = item.need.resource;
    const reach: GrantReach =
      resource.kind === 's3-object'
        ? objectGrantReach(resource.bucket, resource.key, scope, s3Parts(resource.arn)?.partition)
        : { kind: 'exact', arn: item.resourceArn };
    for (const side of item.result.missingAllows) {
      if (!PATCHABLE.has(side)) continue;
      grants.push({
        side: side as Grant['side'],
        action: item.need.action,
        resource: side === 'key' ? '*' : item.resourceArn === '*' ? '*' : reachPattern(reach),
        requestedResource: item.resourceArn,
        reach,
        viaS3Region: item.need.viaS3 && item.need.resource.kind === 'kms-key' ? item.need.viaS3.region : null,
      });
    }
  }
  return grants;
}

function one<T>(values: T[]): T | T[] {
  return values.length === 1 ? values[0]! : values;
}

function conditionFor(viaS3Region: string | null): PolicyStatement['Condition'] | undefined {
  return viaS3Region ? { StringEquals: { 'kms:ViaService': viaServiceName('s3', viaS3Region) } } : undefined;
}

interface Draft {
  kind: 'S3' | 'Kms';
  principal: string | null;
  actions: string[];
  resources: string[];
  condition: PolicyStatement['Condition'] | undefined;
}

const signature = (draft: Draft, part: 'actions' | 'resources') =>
  JSON.stringify([draft.kind, draft.principal, draft.condition ?? null, [...draft[part]].sort()]);

/** Folds grants into as few statements as possible without granting any action on a resource it was not meant for. */
function mergeDrafts(drafts: Draft[]): Draft[] {
  const byResources = new Map<string, Draft>();
  for (const draft of drafts) {
    const key = signature(draft, 'resources');
    const existing = byResources.get(key);
    if (existing) existing.actions = [...new Set([...existing.actions, ...draft.actions])];
    else byResources.set(key, { ...draft, actions: [...draft.actions], resources: [...draft.resources] });
  }
  const byActions = new Map<string, Draft>();
  for (const draft of byResources.values()) {
    const key = signature(draft, 'actions');
    const existing = byActions.get(key);
    if (existing) existing.resources = [...new Set([...existing.resources, ...draft.resources])];
    else byActions.set(key, draft);
  }
  return [...byActions.values()];
}

function toStatement(draft: Draft, sid: string): PolicyStatement {
  const statement: PolicyStatement = { Sid: sid, Effect: 'Allow' };
  if (draft.principal) statement.Principal = { AWS: draft.principal };
  statement.Action = one(draft.actions.sort());
  statement.Resource = one(draft.resources.sort());
  if (draft.condition) statement.Condition = draft.condition;
  return statement;
}

function draftOf(statement: PolicyStatement): Draft | null {
  if (statement.Effect !== 'Allow' || !statement.Sid?.startsWith(SID_PREFIX)) return null;
  const principal =
    statement.Principal && statement.Principal !== '*' ? toArray(statement.Principal.AWS) : [];
  const actions = toArray(statement.Action);
  return {
    kind: actions.every((a) => a.startsWith('kms:')) ? 'Kms' : 'S3',
    principal: principal.length === 1 ? principal[0]! : null,
    actions,
    resources: toArray(statement.Resource),
    condition: statement.Condition,
  };
}

/**
 * The resulting document: new drafts merge into remediator-owned statements (stable Sid prefix) that differ only in
 * actions or only in resources, so repeated fixes do not pile up; nothing else in the document changes.
 */
function mergeIntoDocument(
  before: PolicyDocument | null,
  drafts: Draft[],
): { after: PolicyDocument; added: PolicyStatement[] } {
  const existing = before ? statementsOf(before).map((s) => ({ ...s })) : [];
  const usedSids = new Set(existing.map((s) => s.Sid).filter((s): s is string => typeof s === 'string'));
  const added: PolicyStatement[] = [];
  for (const draft of drafts) {
    const delta = toStatement({ ...draft }, `${SID_PREFIX}${draft.kind}`);
    const target = existing.findIndex((statement) => {
      const owned = draftOf(statement);
      if (!owned || owned.kind !== draft.kind || owned.principal !== draft.principal) return false;
      if (JSON.stringify(owned.condition ?? null) !== JSON.stringify(draft.condition ?? null)) return false;
      return (
        signature(owned, 'resources') === signature(draft, 'resources') ||
        signature(owned, 'actions') === signature(draft, 'actions')
      );
    });
    if (target >= 0) {
      const owned = draftOf(existing[target]!)!;
      const merged = mergeDrafts([owned, draft])[0]!;
      existing[target] = toStatement(merged, existing[target]!.Sid!);
      added.push({ ...delta, Sid: existing[target]!.Sid! });
      continue;
    }
    let sid = `${SID_PREFIX}${draft.kind}`;
    for (let n = 2; usedSids.has(sid); n++) sid = `${SID_PREFIX}${draft.kind}${n}`;
    usedSids.add(sid);
    const statement = toStatement(draft, sid);
    existing.push(statement);
    added.push(statement);
  }
  return {
    after: {
      Version: before?.Version ?? '2012-10-17',
      ...(before?.Id ? { Id: before.Id } : {}),
      Statement: existing,
    },
    added,
  };
}

function draftsFor(grants: Grant[], principal: string | null): Draft[] {
  return mergeDrafts(
    grants.map((grant) => ({
      kind: grant.action.startsWith('kms:') ? 'Kms' : 'S3',
      principal,
      actions: [grant.action],
      resources: [grant.resource],
      condition: conditionFor(grant.viaS3Region),
    })),
  );
}

export interface SynthesisInput {
  caller: CallerIdentity;
  principal: PrincipalEntry | null;
  items: EvaluatedNeed[];
  scope: ObjectScope;
}

/** The smallest patches that grant the denied permissions, one per policy to change (contract, "Where a patch goes"). */
export function synthesizePatches(input: SynthesisInput): SynthesisResult {
  const { caller, principal, items } = input;
  const grants = grantsFor(items, input.scope);
  if (grants.length === 0) {
    return {
      ok: false,
      problem: 'nothing-to-grant',
      reason: 'no Allow that a policy patch could add was found missing',
    };
  }
  if (caller.kind === 'root' || caller.kind === 'service' || principal === null) {
    return {
      ok: false,
      problem: 'caller-not-nameable',
      reason: 'the caller is not an IAM role or user, so no least-privilege patch can name it',
    };
  }
  // Resource "*" is only acceptable in a key policy, where it means the key itself.
  const unbounded = grants.find((g) => g.side !== 'key' && g.resource === '*');
  if (unbounded) {
    return {
      ok: false,
      problem: 'unbounded',
      reason: `${unbounded.action} takes no resource, so it cannot be granted without Resource "*"`,
    };
  }
  const needsResourceGrant = grants.some((g) => g.side !== 'identity');
  if (caller.kind === 'federated' && needsResourceGrant) {
    return {
      ok: false,
      problem: 'caller-not-nameable',
      reason: 'a federated user session cannot be named by a key or bucket policy patch',
    };
  }

  const patches: Patch[] = [];
  const identityGrants = grants.filter((g) => g.side === 'identity');
  if (identityGrants.length > 0) {
    const existing =
      principal.inlinePolicies.find((p) => p.name === REMEDIATOR_POLICY_NAME)?.document ?? null;
    const { after, added } = mergeIntoDocument(existing, draftsFor(identityGrants, null));
    const others = principal.inlinePolicies.filter((p) => p.name !== REMEDIATOR_POLICY_NAME);
    const total = others.reduce((sum, p) => sum + iamPolicyChars(p.document), 0) + iamPolicyChars(after);
    const limit = principal.kind === 'role' ? POLICY_LIMITS.roleInlineChars : POLICY_LIMITS.userInlineChars;
    if (total > limit) {
      return {
        ok: false,
        problem: 'policy-size',
        reason: `granting the missing permissions would bring the inline policies of ${principal.arn} to ${total} characters, over IAM's ${limit}; consolidate its policies or attach a managed policy`,
      };
    }
    const type: PatchTargetType = principal.kind === 'role' ? 'iam-role' : 'iam-user';
    patches.push({
      account: principal.accountId,
      target: { type, arn: principal.arn },
      policyName: REMEDIATOR_POLICY_NAME,
      addStatements: added,
      before: existing,
      after,
    });
  }

  for (const side of ['key', 'bucket'] as const) {
    const sideGrants = grants.filter((g) => g.side === side);
    const byTarget = new Map<string, Grant[]>();
    for (const grant of sideGrants) {
      const item = items.find((i) => i.resourceArn === grant.requestedResource)!;
      const targetArn = side === 'key' ? item.key!.arn : item.bucket!.arn;
      byTarget.set(targetArn, [...(byTarget.get(targetArn) ?? []), grant]);
    }
    for (const [targetArn, targetGrants] of byTarget) {
      const item = items.find((i) => (side === 'key' ? i.key?.arn : i.bucket?.arn) === targetArn)!;
      const before = side === 'key' ? item.key!.policy : item.bucket!.policy;
      const { after, added } = mergeIntoDocument(before, draftsFor(targetGrants, caller.arn));
      const limit = side === 'key' ? POLICY_LIMITS.keyPolicyBytes : POLICY_LIMITS.bucketPolicyBytes;
      const size = documentBytes(after);
      if (size > limit) {
        return {
          ok: false,
          problem: 'policy-size',
          reason: `the ${side} policy of ${targetArn} would grow to ${size} bytes, over the ${limit}-byte limit; consolidate its statements first`,
        };
      }
      patches.push({
        account: item.resourceAccount!,
        target: { type: side === 'key' ? 'kms-key' : 's3-bucket', arn: targetArn },
        policyName: null,
        addStatements: added,
        before,
        after,
      });
    }
  }
  return { ok: true, patches, grants };
}
