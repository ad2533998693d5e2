// biome-ignore-all lint/suspicious/noTemplateCurlyInString: IAM policy variables are written ${...} in plain strings.
import { contextFrom } from '../context.ts';
import { StringLike, StringNotLike } from './stringLike.ts';

const context = contextFrom({ 'aws:username': 'alice', 'aws:PrincipalTag/pattern': 'a?c' });

describe('StringLike', () => {
  test.each<[string, string, boolean]>([
    ['arn:aws:kms:us-east-1:111122223333:key/abcd', 'arn:aws:kms:us-east-1:111122223333:key/*', true],
    ['arn:aws:kms:us-east-1:444455556666:key/abcd', 'arn:aws:kms:us-east-1:111122223333:key/*', false],
    ['home/alice/notes.txt', 'home/*', true],
    ['Home/alice', 'home/*', false],
    ['abc', 'a?c', true],
    ['a.c', 'a.c', true],
    ['abc', 'a.c', false],
    ['', '*', true],
    ['x', '', false],
  ])('request %j, policy %j → %s', (request, policy, expected) => {
    expect(StringLike.matches(request, policy, undefined)).toBe(expected);
  });

  test.each<[string, string, boolean]>([
    ['home/alice/x', 'home/${aws:username}/*', true],
    ['home/bob/x', 'home/${aws:username}/*', false],
    ['a*b', 'a${*}b', true],
    ['axb', 'a${*}b', false],
    // A variable's value is literal: its `?` is not a wildcard.
    ['a?c', '${aws:PrincipalTag/pattern}', true],
    ['abc', '${aws:PrincipalTag/pattern}', false],
    ['anything', '*${aws:PrincipalTag/missing}', false],
  ])('with variables: request %j, policy %j → %s', (request, policy, expected) => {
    expect(StringLike.matches(request, policy, context)).toBe(expected);
  });

  test('StringNotLike is the negated form', () => {
    expect(StringNotLike).toMatchObject({ name: 'StringNotLike', negated: true, usesVariables: true });
    expect(StringNotLike.matches('abc', 'a*', undefined)).toBe(true);
  });
});
