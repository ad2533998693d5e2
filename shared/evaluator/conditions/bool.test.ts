import { Bool } from './bool.ts';

describe('Bool', () => {
  test.each<[string, string, boolean]>([
    ['true', 'true', true],
    ['TRUE', 'true', true],
    ['true', 'True', true],
    ['false', 'false', true],
    ['false', 'true', false],
    ['true', 'false', false],
    ['yes', 'true', false],
    ['1', 'true', false],
    ['', 'false', false],
    ['true', 'maybe', false],
  ])('request %j, policy %j → %s', (request, policy, expected) => {
    expect(Bool.matches(request, policy, undefined)).toBe(expected);
  });

  test('is positive and takes no variables', () => {
    expect(Bool).toMatchObject({ name: 'Bool', negated: false, usesVariables: false });
  });
});
