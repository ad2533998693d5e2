import { wildcardMatch } from '../evaluator/wildcard.ts';
import type { DecisionName, Patch, PatchTargetType, Verdict } from '../report/types.ts';
import type { ObjectScope } from './objectScope.ts';

/** One rule of the operator's configuration: patches it covers entirely may be applied without a person. */
export interface AutoApplyRule {
  /** Accounts every patch must be in (the account of the changed policy). Absent: any. */
  accounts?: string[];
  /** Caller ARNs (wildcards allowed). Absent: any. */
  principals?: string[];
  /** Kinds of policy that may be changed. Absent: any. */
  targets?: PatchTargetType[];
  /** Actions every added statement may grant (wildcards allowed). Absent: any. */
  actions?: string[];
}

export interface DecisionConfig {
  autoApply: AutoApplyRule[];
  objectScope: ObjectScope;
}

/** Nothing is applied without a person unless the operator says so. */
export const DEFAULT_CONFIG: DecisionConfig = { autoApply: [], objectScope: 'stable-prefix' };

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

function actionsOf(patch: Patch): string[] {
  return patch.addStatements.flatMap((s) =>
    Array.isArray(s.Action) ? s.Action : s.Action ? [s.Action] : [],
  );
}

function ruleCovers(rule: AutoApplyRule, principal: string, patches: Patch[]): boolean {
  if (rule.principals && !rule.principals.some((p) => wildcardMatch(p, principal, { ignoreCase: false })))
    return false;
  return patches.every(
    (patch) =>
      (!rule.accounts || rule.accounts.includes(patch.account)) &&
      (!rule.targets || rule.targets.includes(patch.target.type)) &&
      (!rule.actions ||
        actionsOf(patch).every((a) => rule.actions!.some((p) => wildcardMatch(p, a, { ignoreCase: true })))),
  );
}

/** The contract's verdict table; only missing-allow is the operator's choice. */
export function decide(
  verdict: Verdict,
  principal: string | null,
  patches: Patch[],
  config: DecisionConfig,
): DecisionName {
  if (verdict !== 'missing-allow') return FIXED[verdict];
  if (principal && config.autoApply.some((rule) => ruleCovers(rule, principal, patches))) return 'auto-apply';
  return 'needs-approval';
}
