import { type WildcardOptions, wildcardMatch } from '../wildcard.ts';
import type { BaseOperator } from './operator.ts';

const LITERAL_VARIABLES: WildcardOptions = { ignoreCase: false };

/** Case-sensitive match with `*` and `?` wildcards; characters produced by variables are literal. */
export const StringLike: BaseOperator = {
  name: 'StringLike',
  negated: false,
  usesVariables: true,
  matches(requestValue, policyValue, context) {
    // Only patterns with variables need the context (saves an options object per call).
    const options =
      context !== undefined && policyValue.includes('${')
        ? { ignoreCase: false, context }
        : LITERAL_VARIABLES;
    return wildcardMatch(policyValue, requestValue, options);
  },
};

export const StringNotLike: BaseOperator = { ...StringLike, name: 'StringNotLike', negated: true };
