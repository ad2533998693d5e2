import { arnMatch } from '../wildcard.ts';
import type { BaseOperator } from './operator.ts';

/** ArnLike: component-wise ARN match with wildcards. AWS evaluates ArnEquals exactly like ArnLike. */
export const ArnLike: BaseOperator = {
  name: 'ArnLike',
  negated: false,
  usesVariables: true,
  matches(requestValue, policyValue, context) {
    return arnMatch(policyValue, requestValue, context);
  },
};

export const ArnEquals: BaseOperator = { ...ArnLike, name: 'ArnEquals' };
export const ArnNotLike: BaseOperator = { ...ArnLike, name: 'ArnNotLike', negated: true };
export const ArnNotEquals: BaseOperator = { ...ArnLike, name: 'ArnNotEquals', negated: true };
