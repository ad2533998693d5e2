import { accountRootArn, iamRoleArn, kmsParts, s3BucketArn, s3ObjectArn } from '../arn/arn.ts';
import type { NormalizedEvent } from '../events/types.ts';
import { guardrailContextOf, guardrailViolations } from '../guardrails/guardrails.ts';
import { remediatorCause } from '../guardrails/selfCaused.ts';
import {
  type DenialEvidence,
  describePolicyType,
  isAuthorizationFailure,
  isKeyStateFailure,
  parseDenialMessage,
} from '../messages/parseDenialMessage.ts';
import { permissionNeeds } from '../permissions/needs.ts';
import { invalidEventLine } from '../report/blankLine.ts';
import type { DeniedBy, KeyStateName, ReportLine, Verdict } from '../report/types.ts';
import { resolveCaller } from '../state/resolveCaller.ts';
import type { StateIndex } from '../state/stateIndex.ts';
import { classify, verdictOfStop, verdictOfSynthesisProblem } from './classify.ts';
import { type DecisionConfig, decide } from './decide.ts';
import { type EvaluatedNeed, evaluateNeeds } from './evaluateNeeds.ts';
import { provePatches } from './prove.ts';
import { synthesizePatches } from './synthesize.ts';

function requestOf(event: NormalizedEvent): NonNullable<ReportLine['request']> {
  const p = event.requestParameters;
  const bucket = typeof p.bucketName === 'string' ? p.bucketName : null;
  const key = typeof p.key === 'string' ? p.key : null;
  let resource: string | null = null;
  if (event.service === 's3' && bucket)
    resource = key ? s3ObjectArn(bucket, key, event.partition) : s3BucketArn(bucket, event.partition);
  else if (event.service === 'kms') {
    const keyId = typeof p.keyId === 'string' ? p.keyId : null;
    resource =
      event.resources.find((r) => kmsParts(r.arn)?.kind === 'key')?.arn ??
      (keyId?.startsWith('arn:') ? keyId : null);
  }
  resource ??= event.resources[0]?.arn ?? null;
  return { service: event.service, eventName: event.eventName, resource };
}

function baseLine(event: NormalizedEvent, principal: string | null): ReportLine {
  return {
    ...invalidEventLine(event.eventId, ''),
    verdict: 'undetermined',
    decision: 'escalate',
    principal,
    request: requestOf(event),
  };
}

/** What every verdict of one event is decided with: the configuration, the state, and whether the remediator caused it. */
interface DecisionContext {
  config: DecisionConfig;
  state: StateIndex;
  selfCaused: string | null;
}

/**
 * The line with its verdict, reason and decision. Patches go through the guardrails first, so every command (analyze,
 * remediate, the Lambda) decides alike: a patch that breaks one is withheld and the line escalates.
 */
function finish(line: ReportLine, verdict: Verdict, reason: string, context: DecisionContext): ReportLine {
  const violations =
    verdict === 'missing-allow'
      ? guardrailViolations(
          line.patches,
          guardrailContextOf(context.state, context.config.remediator.namePrefix),
        )
      : [];
  const decided = decide({
    verdict,
    principal: line.principal,
    patches: line.patches,
    violations,
    selfCaused: context.selfCaused,
    config: context.config,
  });
  if (decided.withheld === null) return { ...line, verdict, decision: decided.decision, reason };
  const wanted = line.patches
    .map((p) => `${p.target.type} ${p.target.arn}: ${JSON.stringify(p.addStatements)}`)
    .join('; ');
  return {
    ...line,
    verdict: decided.verdict,
    decision: decided.decision,
    finding: decided.finding,
    patches: [],
    proof: null,
    reason: `${reason.replace(/ Add the proven statements to .*$/, '')} ${decided.withheld} The patch it would take: ${wanted}.`,
  };
}

/**
 * The denied permissions a line names. With `granted`, also those a patch grants along with them (the parts of a
 * multipart upload need kms:Decrypt next to kms:GenerateDataKey), so `missing` says everything the patch adds.
 */
function missingOf(items: EvaluatedNeed[], granted = false): ReportLine['missing'] {
  return items
    .filter((item) => (item.reported || granted) && item.result.decision !== 'allowed')
    .map((item) => ({
      action: item.need.action,
      resource: item.resourceArn === '*' ? null : item.resourceArn,
    }));
}

function principalArnOf(event: NormalizedEvent): string | null {
  const caller = event.caller;
  switch (caller.type) {
    case 'role':
      return caller.roleArn ?? iamRoleArn(caller.accountId, caller.roleName, event.partition);
    case 'user':
      return caller.arn;
    case 'root':
      return accountRootArn(caller.accountId, event.partition);
    case 'federated':
      return caller.sessionArn;
    case 'account':
      return null;
    case 'service':
      return null;
    case 'unknown':
      return caller.arn;
  }
}

function describeDeny(deniedBy: DeniedBy): string {
  const what = describePolicyType(
    deniedBy.policyType === 'key' || deniedBy.policyType === 'bucket' ? 'resource' : deniedBy.policyType,
  );
  const name =
    deniedBy.policyType === 'key' ? 'key policy' : deniedBy.policyType === 'bucket' ? 'bucket policy' : what;
  const id = deniedBy.policyId ? ` ${deniedBy.policyId}` : '';
  const sid = deniedBy.sid ? ` (statement "${deniedBy.sid}")` : '';
  return `${name}${id}${sid}`;
}

/** The whole diagnosis of one event: normalize → needs → evaluate → classify → synthesize → prove → decide. */
export function analyzeEvent(event: NormalizedEvent, state: StateIndex, config: DecisionConfig): ReportLine {
  const context: DecisionContext = { config, state, selfCaused: remediatorCause(event, config.remediator) };
  const evidence: DenialEvidence = parseDenialMessage(event.errorCode, event.errorMessage);
  const unresolved = baseLine(event, principalArnOf(event));

  if (!event.errorCode)
    return finish(
      unresolved,
      'not-permission-error',
      `${event.eventName} did not fail (no errorCode).`,
      context,
    );
  if (!isAuthorizationFailure(event.errorCode) && !isKeyStateFailure(event.errorCode, event.eventSource)) {
    return finish(
      unresolved,
      'not-permission-error',
      `${event.errorCode} is not an authorization failure; nothing to remediate.`,
      context,
    );
  }
  if (event.errorCode === 'VpceAccessDenied' || evidence.form === 'vpce-network') {
    return finish(
      {
        ...unresolved,
        deniedBy: { policyType: 'vpc-endpoint-policy', policyId: event.vpcEndpointId, sid: null },
      },
      'guardrail',
      `The policy of VPC endpoint ${event.vpcEndpointId ?? '(unnamed)'} denied ${event.eventName}; endpoint policies are guardrails, not something to widen automatically. Review the endpoint policy with its owner.`,
      context,
    );
  }

  const caller = resolveCaller(state, event.caller, event.partition);
  if (!caller.ok) return finish(unresolved, 'undetermined', `Cannot diagnose: ${caller.reason}.`, context);
  const line: ReportLine = { ...unresolved, principal: caller.identity.arn };

  const needs = permissionNeeds(event, evidence, state);
  if (!needs.ok) return finish(line, 'undetermined', `Cannot diagnose: ${needs.reason}.`, context);

  const evaluation = evaluateNeeds(event, state, caller.identity, caller.principal, needs.needs);
  if (!evaluation.ok) {
    const stop = evaluation.stop;
    const { verdict, finding } = verdictOfStop(stop);
    const resource = stop.need?.resource;
    const arn =
      resource?.kind === 'kms-key'
        ? (stop.keyArn ?? resource.ref.value)
        : resource === undefined || resource.kind === 'none'
          ? null
          : resource.arn;
    return finish(
      {
        ...line,
        missing: stop.need && verdict !== 'undetermined' ? [{ action: stop.need.action, resource: arn }] : [],
        keyState: stop.keyState ?? null,
        finding,
      },
      verdict,
      `${capitalize(stop.reason)}.${nextStep(verdict, stop.keyState ?? null)}`,
      context,
    );
  }
  const items = evaluation.items;
  const classification = classify(event, evidence, items);

  switch (classification.verdict) {
    case 'already-allowed':
      return finish(
        line,
        'already-allowed',
        `Evaluated against the current state, ${items.map((i) => i.need.action).join(' and ')} ${items.length > 1 ? 'are' : 'is'} allowed now; the state has changed since the event, or the deny came from a session policy the event does not name.`,
        context,
      );
    case 'explicit-deny': {
      const header =
        classification.finding === 'encryption-header-required'
          ? ' The bucket requires uploads to name the SSE-KMS key in the x-amz-server-side-encryption headers: send them, do not loosen the deny.'
          : ' A Deny is never loosened automatically: review it with the policy owner.';
      return finish(
        {
          ...line,
          deniedBy: classification.deniedBy,
          finding: classification.finding,
          missing: missingOf([classification.item]),
        },
        'explicit-deny',
        `${classification.item.need.action} on ${classification.item.resourceArn} is denied by an explicit Deny in the ${describeDeny(classification.deniedBy)}.${header}`,
        context,
      );
    }
    case 'guardrail': {
      const action = classification.item?.need.action ?? evidence.action ?? event.eventName;
      const how = classification.source === 'message' ? 'a' : 'the';
      const said = classification.source === 'message' ? ', as the error message says' : '';
      return finish(
        {
          ...line,
          deniedBy: classification.deniedBy,
          missing: classification.item ? missingOf([classification.item]) : line.missing,
        },
        'guardrail',
        `${action} is denied by ${how} ${describeDeny(classification.deniedBy)}${said}: a guardrail that policy patches must not widen; escalate to its owner.`,
        context,
      );
    }
    case 'missing-allow':
      break;
  }

  const missing = missingOf(items, true);
  const synthesis = synthesizePatches({
    caller: caller.identity,
    principal: caller.principal,
    items,
    scope: config.objectScope,
  });
  if (!synthesis.ok) {
    const { verdict, finding } = verdictOfSynthesisProblem(synthesis.problem);
    return finish({ ...line, missing, finding }, verdict, `${capitalize(synthesis.reason)}.`, context);
  }
  const proof = provePatches(
    event,
    state,
    caller.identity,
    needs.needs,
    items,
    synthesis.patches,
    synthesis.grants,
  );
  if (!proof.ok) {
    return finish(
      { ...line, missing },
      'undetermined',
      `A patch was found but failed its proof: ${proof.reason}. Escalating instead of guessing.`,
      context,
    );
  }
  const targets = synthesis.patches.map((p) => `${p.target.type} ${p.target.arn}`).join(', ');
  const via = items.some(
    (i) => i.need.viaS3 && i.need.resource.kind === 'kms-key' && i.result.decision !== 'allowed',
  )
    ? ` (KMS use only through S3 in ${items.find((i) => i.need.viaS3)!.need.viaS3!.region})`
    : '';
  return finish(
    { ...line, missing, patches: synthesis.patches, proof: proof.proof },
    'missing-allow',
    `No policy allows ${missing.map((m) => `${m.action} on ${m.resource ?? '*'}`).join(', ')} for ${caller.identity.arn}. Add the proven statements to ${targets}${via}.`,
    context,
  );
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** What to do about a key no permission can help with, for the state it is in. */
const KEY_FIX: Record<KeyStateName, string> = {
  Disabled: 'enable the key (kms:EnableKey) if it was disabled by mistake, or re-encrypt with a key in use',
  PendingDeletion:
    'cancel the deletion (kms:CancelKeyDeletion) before the waiting period ends, or every object under it is lost',
  PendingImport: 'import the key material into the key',
  Unavailable: "reconnect the key's custom key store (or wait until the key leaves this state)",
  NotFound:
    'point the caller or the bucket at a key that exists; data encrypted under a deleted key cannot be decrypted',
  WrongRegion: "use a key in the request's region (a multi-Region replica there, or a new key)",
};

function nextStep(verdict: Verdict, keyState: KeyStateName | null): string {
  switch (verdict) {
    case 'key-unavailable':
      return ` No permission change can help: ${keyState ? KEY_FIX[keyState] : 'fix the key'}.`;
    case 'aws-managed-key':
      return ' Re-encrypt with a customer managed key whose policy can grant the other account.';
    case 'misconfiguration':
      return '';
    default:
      return ' Add what is missing to the snapshot and run again.';
  }
}
