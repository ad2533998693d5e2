/**
 * The Null operator tests presence, not value: policy value "true" means the key must be absent, "false"
 * that it must be present (case-insensitive). Any other policy value never matches.
 */
export function nullConditionMatches(policyValue: string, keyPresent: boolean): boolean {
  const expected = policyValue.toLowerCase();
  return keyPresent ? expected === 'false' : expected === 'true';
}
