// biome-ignore-all lint/suspicious/noTemplateCurlyInString: IAM policy variables are written ${...} in plain strings.
import { contextFrom } from '../context.ts';
import { StringEquals, StringNotEquals } from './stringEquals.ts';

const context = contextFrom({ 'aws:username': 'alice', 'aws:TagKeys': ['a', 'b'] });

describe('StringEquals', () => {
  test.each<[string, string, boolean]>([
    ['abc', 'abc', true],
    ['abc', 'ABC', false],
    ['abc', 'ab', false],
    ['a*', 'a*', true],
    ['abc', 'a*', false],
    ['', '', true],
  ])('request %j, policy %j → %s', (request, policy, expected) => {
    expect(StringEquals.matches(request, policy, undefined)).toBe(expected);
  });

  test.each<[string, string, boolean]>([
    ['alice', '${aws:username}', true],
    ['bob', '${aws:username}', false],
    ['home/alice', 'home/${aws:username}', true],
    ['*', '${*}', true],
    ['x', '${aws:PrincipalTag/missing}', false],
    ['dflt', "${aws:PrincipalTag/missing, 'dflt'}", true],
    ['a', '${aws:TagKeys}', false],
  ])('with variables: request %j, policy %j → %s', (request, policy, expected) => {
    expect(StringEquals.matches(request, policy, context)).toBe(expected);
  });

  test('without a context the variable is literal text', () => {
    expect(StringEquals.matches('alice', '${aws:username}', undefined)).toBe(false);
    expect(StringEquals.matches('${aws:username}', '${aws:username}', undefined)).toBe(true);
  });

  test('StringNotEquals shares the positive test and is marked negated', () => {
    expect(StringNotEquals).toMatchObject({ name: 'StringNotEquals', negated: true, usesVariables: true });
    expect(StringEquals).toMatchObject({ name: 'StringEquals', negated: false, usesVariables: true });
    expect(StringNotEquals.matches('abc', 'abc', undefined)).toBe(true);
    expect(StringNotEquals.matches('abc', 'abd', undefined)).toBe(false);
  });
});
