import { nullConditionMatches } from './nullCondition.ts';

describe('nullConditionMatches', () => {
  test.each<[string, boolean, boolean]>([
    ['true', false, true],
    ['true', true, false],
    ['false', true, true],
    ['false', false, false],
    ['TRUE', false, true],
    ['False', true, true],
    ['yes', false, false],
    ['yes', true, false],
  ])('policy %j, key present %s → %s', (policyValue, present, expected) => {
    expect(nullConditionMatches(policyValue, present)).toBe(expected);
  });
});
