import { accountOfPrincipal } from '../arn/arn.ts';
import { wildcardMatch } from '../evaluator/wildcard.ts';
import { describeViolations, type GuardrailViolation } from '../guardrails/guardrails.ts';
import { toArray } from '../policy/parseDocument.ts';
import { REMEDIATOR_NAME } from '../remediatorName.ts';
import type { DecisionName, Patch, PatchTargetType, Verdict } from '../report/types.ts';
import type { ObjectScope } from './objectScope.ts';

/** One rule of the operator's configuration: patches it covers entirely may be applied without a person. */
export interface AutoApplyRule {
  /** Accounts every change must stay in: the changed policy's account and every account it grants to. Absent: any. */
  accounts?: string[];
  /** Caller ARNs (wildcards allowed). Absent: any. */
  principals?: string[];
  /** Kinds of policy that may be changed. Absent: any. */
  targets?: PatchTargetType[];
  /** Actions every added statement may grant (wildcards allowed). Absent: any. */
  actions?: string[];
}

/** How the remediator recognises itself: its identities' name prefix and the user agent of its SDK clients. */
export interface RemediatorIdentity {
  namePrefix: string;
  userAgentMarker: string;
}

export interface DecisionConfig {
  autoApply: AutoApplyRule[];
  objectScope: ObjectScope;
  remediator: RemediatorIdentity;
}

/** Nothing is applied without a person unless the operator says so. */
export const DEFAULT_CONFIG: DecisionConfig = {
  autoApply: [],
  objectScope: 'stable-prefix',
  remediator: { namePrefix: REMEDIATOR_NAME, userAgentMarker: REMEDIATOR_NAME },
};

const FIXED: Record<Exclude<Verdict, 'missing-allow'>, DecisionName> = {
  'explicit-deny': 'escalate',
  guardrail: 'escalate',
  'aws-managed-key': 'escalate',
  'key-unavailable': 'escalate',
  misconfiguration: 'escalate',
  undetermined: 'escalate',
  'not-permission-error': 'ignore',
  'already-allowed': 'ignore',
  'invalid-event': 'ignore',
};

/** Every account a patch touches: the account of the changed policy and the accounts of the principals it names. */
export function accountsTouchedBy(patch: Patch): string[] {
  const accounts = new Set([patch.account]);
  for (const statement of patch.addStatements) {
    const principal = statement.Principal;
    for (const value of principal && principal !== '*' ? toArray(principal.AWS) : [])
      accounts.add(accountOfPrincipal(value) ?? value);
  }
  return [...accounts];
}

function ruleCovers(rule: AutoApplyRule, principal: string, patches: Patch[]): boolean {
  if (rule.principals && !rule.principals.some((p) => wildcardMatch(p, principal, { ignoreCase: false })))
    return false;
  return patches.every(
    (patch) =>
      (!rule.accounts || accountsTouchedBy(patch).every((account) => rule.accounts!.includes(account))) &&
      (!rule.targets || rule.targets.includes(patch.target.type)) &&
      (!rule.actions ||
        patch.addStatements
          .flatMap((s) => toArray(s.Action))
          .every((a) => rule.actions!.some((p) => wildcardMatch(p, a, { ignoreCase: true })))),
  );
}

/** Everything a decision depends on. */
export interface DecisionInput {
  verdict: Verdict;
  principal: string | null;
  patches: Patch[];
  /** The guardrails the patches break: any one means no patch is proposed or applied, whatever the configuration. */
  violations: readonly GuardrailViolation[];
  /** Why the event was caused by the remediator's own calls, or null: it never patches on their account. */
  selfCaused: string | null;
  config: DecisionConfig;
}

export interface Decided {
  /** The verdict as reported: a `missing-allow` whose patch may not be made becomes one that escalates. */
  verdict: Verdict;
  decision: DecisionName;
  /** A finding code when the decision itself is the finding (a blocked patch), else null. */
  finding: string | null;
  /** Why a patch was withheld, a sentence for the reason; null when nothing was. */
  withheld: string | null;
}

/** Where the fix goes when the caller is a role IAM will not let anyone change. */
const PERMISSION_SET_RULE = 'identity-center-role';

/**
 * The one place a report line's verdict turns into a decision: the contract's verdict table, where only
 * `missing-allow` is the operator's choice. A patch that breaks a guardrail, or one for an event the remediator's own
 * calls caused, is withheld: the line escalates without it (the contract has no `missing-allow` that escalates).
 */
export function decide(input: DecisionInput): Decided {
  const { verdict, principal, patches, violations, selfCaused, config } = input;
  if (verdict !== 'missing-allow')
    return { verdict, decision: FIXED[verdict], finding: null, withheld: null };
  if (selfCaused) {
    return {
      verdict: 'undetermined',
      decision: 'escalate',
      finding: 'remediator-own-call',
      withheld: `The remediator never patches on account of its own calls (${selfCaused}): a person must decide.`,
    };
  }
  if (violations.length > 0) {
    const permissionSet = violations.some((v) => v.rule === PERMISSION_SET_RULE);
    return {
      verdict: permissionSet ? 'misconfiguration' : 'undetermined',
      decision: 'escalate',
      finding: permissionSet ? 'identity-center-permission-set' : `guardrail-${violations[0]!.rule}`,
      withheld: `The patch is withheld by the remediator's guardrails, which no configuration turns off: ${describeViolations(violations)}.`,
    };
  }
  const covered = principal !== null && config.autoApply.some((rule) => ruleCovers(rule, principal, patches));
  return { verdict, decision: covered ? 'auto-apply' : 'needs-approval', finding: null, withheld: null };
}
