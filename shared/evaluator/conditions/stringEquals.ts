import type { RequestContext } from '../context.ts';
import { resolveVariables } from '../wildcard.ts';
import type { BaseOperator } from './operator.ts';

/** The policy value with variables substituted; null when a variable cannot be resolved. */
export function policyText(policyValue: string, context: RequestContext | undefined): string | null {
  return context === undefined ? policyValue : resolveVariables(policyValue, context);
}

/** Exact, case-sensitive comparison. */
export const StringEquals: BaseOperator = {
  name: 'StringEquals',
  negated: false,
  usesVariables: true,
  matches(requestValue, policyValue, context) {
    return requestValue === policyText(policyValue, context);
  },
};

export const StringNotEquals: BaseOperator = { ...StringEquals, name: 'StringNotEquals', negated: true };
