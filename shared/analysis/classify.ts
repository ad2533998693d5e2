import type { StatementRef } from '../evaluator/types.ts';
import type { NormalizedEvent } from '../events/types.ts';
import type { DenialEvidence } from '../messages/parseDenialMessage.ts';
import { statementsOf } from '../policy/parseDocument.ts';
import type { PolicyType } from '../policy/types.ts';
import type { DeniedBy, DeniedByType, Verdict } from '../report/types.ts';
import type { EvaluatedNeed, EvaluationStop } from './evaluateNeeds.ts';
import type { SynthesisProblem } from './synthesize.ts';

const GUARDRAILS: ReadonlySet<PolicyType> = new Set([
  'scp',
  'rcp',
  'permissions-boundary',
  'session-policy',
  'vpc-endpoint-policy',
]);

export type Classification =
  | { verdict: 'explicit-deny'; item: EvaluatedNeed; deniedBy: DeniedBy; finding: string | null }
  | { verdict: 'guardrail'; item: EvaluatedNeed | null; deniedBy: DeniedBy; source: 'snapshot' | 'message' }
  | { verdict: 'missing-allow'; denied: EvaluatedNeed[] }
  | { verdict: 'already-allowed' };

function deniedByOf(ref: StatementRef): DeniedBy {
  const deniedBy: DeniedBy = {
    policyType: ref.policy.type,
    policyId: ref.policy.id,
    sid: ref.sid,
  };
  if (ref.policy.type === 'identity' && ref.policy.name && !ref.policy.id?.includes(':policy/'))
    deniedBy.policyName = ref.policy.name;
  if (ref.policy.type === 'permissions-boundary' && ref.policy.name && !ref.policy.id)
    deniedBy.policyName = ref.policy.name;
  return deniedBy;
}

/** A bucket Deny that only bites uploads without the right SSE header (KC-003): the fix is the header, not IAM. */
function demandsEncryptionHeader(item: EvaluatedNeed, ref: StatementRef): boolean {
  if (ref.policy.type !== 'bucket' || !item.bucket?.policy) return false;
  const statement = statementsOf(item.bucket.policy)[ref.index];
  const keys = Object.values(statement?.Condition ?? {}).flatMap((block) => Object.keys(block));
  return keys.some((key) => key.toLowerCase().startsWith('s3:x-amz-server-side-encryption'));
}

function implicitGuardrail(item: EvaluatedNeed, type: PolicyType, evidence: DenialEvidence): DeniedBy {
  const layer = item.result.layers.find((l) => l.type === type);
  let policyId: string | null = null;
  if (type === 'permissions-boundary') policyId = item.policies.permissionsBoundary?.ref.id ?? null;
  else if (type === 'vpc-endpoint-policy') policyId = item.policies.vpcEndpoint?.ref.id ?? null;
  else if (type === 'scp' || type === 'rcp') {
    // No single statement denies when a level lacks an Allow: name the policies of the first such level.
    const level = layer?.levelsWithoutAllow?.[0];
    policyId =
      evidence.policyType === type && evidence.policyId
        ? evidence.policyId
        : level && level !== ''
          ? (level.split('+')[0] ?? null)
          : null;
  }
  return { policyType: type, policyId, sid: null };
}

const MESSAGE_TYPES: Partial<Record<string, DeniedByType>> = {
  scp: 'scp',
  rcp: 'rcp',
  'permissions-boundary': 'permissions-boundary',
  'session-policy': 'session-policy',
  'vpc-endpoint-policy': 'vpc-endpoint-policy',
};

/**
 * A deny the snapshot cannot show: session policies always, and endpoint, boundary or organization policies the
 * snapshot does not hold. The message names it, and that decides (contract, "How a snapshot is read").
 */
function guardrailFromMessage(
  event: NormalizedEvent,
  evidence: DenialEvidence,
  items: EvaluatedNeed[],
): DeniedBy | null {
  const type = evidence.policyType ? MESSAGE_TYPES[evidence.policyType] : undefined;
  if (!type) return null;
  const item =
    items.find((i) => !evidence.action || i.need.action.toLowerCase() === evidence.action.toLowerCase()) ??
    items[0];
  const policies = item?.policies;
  const shown =
    (type === 'scp' && policies?.scpLevels != null) ||
    (type === 'rcp' && policies?.rcpLevels != null) ||
    (type === 'permissions-boundary' && policies?.permissionsBoundary != null) ||
    (type === 'vpc-endpoint-policy' && policies?.vpcEndpoint != null);
  if (shown) return null;
  const policyId =
    type === 'vpc-endpoint-policy'
      ? event.vpcEndpointId
      : type === 'session-policy'
        ? null
        : (evidence.policyId ?? evidence.policyArn);
  return { policyType: type, policyId, sid: null };
}

/**
 * classify.ts is where verdicts are named: from policy evaluation (below), from a fact that stopped evaluation, and
 * from a patch that could not be written. analyzeEvent only adds the ones the error itself decides (not a permission
 * error, a VPC endpoint network denial) and decide() the withholding of a blocked patch.
 */
/** The verdict that policy evaluation gives, first the needs that explicit denies stop, then guardrails, then allows. */
export function classify(
  event: NormalizedEvent,
  evidence: DenialEvidence,
  items: EvaluatedNeed[],
): Classification {
  const explicit = items.filter((item) => item.result.decision === 'explicit-deny');
  if (explicit.length > 0) {
    // Prefer the deny the message names; otherwise an organization or boundary deny over a local one.
    const refs = explicit.flatMap((item) => item.result.explicitDenies.map((ref) => ({ item, ref })));
    const named = refs.find(
      ({ ref }) =>
        evidence.form === 'explicit' &&
        evidence.policyType !== null &&
        sameKind(evidence.policyType, ref.policy.type),
    );
    const chosen = named ?? refs.find(({ ref }) => GUARDRAILS.has(ref.policy.type)) ?? refs[0]!;
    const deniedBy = deniedByOf(chosen.ref);
    if (GUARDRAILS.has(chosen.ref.policy.type))
      return { verdict: 'guardrail', item: chosen.item, deniedBy, source: 'snapshot' };
    return {
      verdict: 'explicit-deny',
      item: chosen.item,
      deniedBy,
      finding: demandsEncryptionHeader(chosen.item, chosen.ref) ? 'encryption-header-required' : null,
    };
  }
  const denied = items.filter((item) => item.result.decision === 'implicit-deny');
  for (const item of denied) {
    const guard = item.result.missingAllows.find((type) => GUARDRAILS.has(type));
    if (guard)
      return {
        verdict: 'guardrail',
        item,
        deniedBy: implicitGuardrail(item, guard, evidence),
        source: 'snapshot',
      };
  }
  const fromMessage = guardrailFromMessage(event, evidence, items);
  if (fromMessage) return { verdict: 'guardrail', item: null, deniedBy: fromMessage, source: 'message' };
  if (denied.length > 0) return { verdict: 'missing-allow', denied };
  return { verdict: 'already-allowed' };
}

function sameKind(messageType: string, policyType: PolicyType): boolean {
  if (messageType === 'resource') return policyType === 'key' || policyType === 'bucket';
  return messageType === policyType;
}

/** A verdict with the finding that goes with it. */
export interface VerdictWithFinding {
  verdict: Verdict;
  finding: string | null;
}

/** The verdict of a fact that stopped evaluation before any policy was read. */
export function verdictOfStop(stop: EvaluationStop): VerdictWithFinding {
  switch (stop.problem) {
    case 'state-incomplete':
      return { verdict: 'undetermined', finding: null };
    case 'key-state':
      return { verdict: 'key-unavailable', finding: null };
    case 'aws-managed-key':
      return { verdict: 'aws-managed-key', finding: null };
    case 'indirect-key-reference':
      return { verdict: 'misconfiguration', finding: 'alias-in-bucket-encryption' };
  }
}

/** The verdict when a denied permission was found but no patch could be written for it. */
export function verdictOfSynthesisProblem(problem: SynthesisProblem): VerdictWithFinding {
  return problem === 'policy-size'
    ? { verdict: 'misconfiguration', finding: 'patch-exceeds-policy-size' }
    : { verdict: 'undetermined', finding: null };
}
