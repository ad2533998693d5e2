import type { BaseOperator } from './operator.ts';

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** Decoded bytes as a binary string, or null when the text is not base64. */
export function decodeBase64(text: string): string | null {
  if (!BASE64.test(text) || text.length % 4 === 1) return null;
  try {
    return atob(text);
  } catch {
    return null;
  }
}

/** Compares base64-encoded binary values by their bytes (so padding differences do not matter). */
export const BinaryEquals: BaseOperator = {
  name: 'BinaryEquals',
  negated: false,
  usesVariables: false,
  matches(requestValue, policyValue) {
    if (requestValue === policyValue) return decodeBase64(policyValue) !== null;
    const expected = decodeBase64(policyValue);
    return expected !== null && expected === decodeBase64(requestValue);
  },
};
