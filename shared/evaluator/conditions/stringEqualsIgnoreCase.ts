import type { BaseOperator } from './operator.ts';
import { policyText } from './stringEquals.ts';

/** Exact comparison ignoring case. */
export const StringEqualsIgnoreCase: BaseOperator = {
  name: 'StringEqualsIgnoreCase',
  negated: false,
  usesVariables: true,
  matches(requestValue, policyValue, context) {
    const expected = policyText(policyValue, context);
    if (expected === null) return false;
    return requestValue === expected || requestValue.toLowerCase() === expected.toLowerCase();
  },
};

export const StringNotEqualsIgnoreCase: BaseOperator = {
  ...StringEqualsIgnoreCase,
  name: 'StringNotEqualsIgnoreCase',
  negated: true,
};
