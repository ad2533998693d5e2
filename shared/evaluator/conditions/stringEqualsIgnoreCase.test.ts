// biome-ignore-all lint/suspicious/noTemplateCurlyInString: IAM policy variables are written ${...} in plain strings.
import { contextFrom } from '../context.ts';
import { StringEqualsIgnoreCase, StringNotEqualsIgnoreCase } from './stringEqualsIgnoreCase.ts';

const context = contextFrom({ 'aws:username': 'Alice' });

describe('StringEqualsIgnoreCase', () => {
  test.each<[string, string, boolean]>([
    ['abc', 'abc', true],
    ['abc', 'ABC', true],
    ['Straße', 'STRASSE', false],
    ['abc', 'abd', false],
    ['abc', 'a*', false],
  ])('request %j, policy %j → %s', (request, policy, expected) => {
    expect(StringEqualsIgnoreCase.matches(request, policy, undefined)).toBe(expected);
  });

  test.each<[string, string, boolean]>([
    ['alice', '${aws:username}', true],
    ['ALICE', 'home/${aws:username}', false],
    ['HOME/ALICE', 'home/${aws:username}', true],
    ['x', '${aws:PrincipalTag/missing}', false],
  ])('with variables: request %j, policy %j → %s', (request, policy, expected) => {
    expect(StringEqualsIgnoreCase.matches(request, policy, context)).toBe(expected);
  });

  test('the Not form is negated', () => {
    expect(StringNotEqualsIgnoreCase).toMatchObject({ name: 'StringNotEqualsIgnoreCase', negated: true });
    expect(StringEqualsIgnoreCase.negated).toBe(false);
  });
});
