import type { BaseOperator } from './operator.ts';

function normalBoolean(value: string): 'true' | 'false' | null {
  const lower = value.toLowerCase();
  return lower === 'true' || lower === 'false' ? lower : null;
}

/** Boolean comparison, case-insensitive; anything but true/false on either side never matches. */
export const Bool: BaseOperator = {
  name: 'Bool',
  negated: false,
  usesVariables: false,
  matches(requestValue, policyValue) {
    const expected = normalBoolean(policyValue);
    return expected !== null && expected === normalBoolean(requestValue);
  },
};
