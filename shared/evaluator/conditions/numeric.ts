import type { BaseOperator } from './operator.ts';

const NUMBER = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;

/** Decimal number (integer, fraction or exponent form); null for anything else, including '' and hex. */
export function parseNumber(text: string): number | null {
  if (!NUMBER.test(text)) return null;
  const value = Number(text);
  return Number.isFinite(value) ? value : null;
}

/** Builds a numeric operator testing `request <op> policy`; non-numbers on either side never match. */
function numericOperator(name: string, test: (request: number, policy: number) => boolean): BaseOperator {
  return {
    name,
    negated: false,
    usesVariables: false,
    matches(requestValue, policyValue) {
      const policy = parseNumber(policyValue);
      if (policy === null) return false;
      const request = parseNumber(requestValue);
      return request !== null && test(request, policy);
    },
  };
}

export const NumericEquals = numericOperator('NumericEquals', (request, policy) => request === policy);
export const NumericNotEquals: BaseOperator = { ...NumericEquals, name: 'NumericNotEquals', negated: true };
export const NumericLessThan = numericOperator('NumericLessThan', (request, policy) => request < policy);
export const NumericLessThanEquals = numericOperator(
  'NumericLessThanEquals',
  (request, policy) => request <= policy,
);
export const NumericGreaterThan = numericOperator(
  'NumericGreaterThan',
  (request, policy) => request > policy,
);
export const NumericGreaterThanEquals = numericOperator(
  'NumericGreaterThanEquals',
  (request, policy) => request >= policy,
);
