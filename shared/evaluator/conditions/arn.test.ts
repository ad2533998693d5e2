// biome-ignore-all lint/suspicious/noTemplateCurlyInString: IAM policy variables are written ${...} in plain strings.
import { contextFrom } from '../context.ts';
import { ArnEquals, ArnLike, ArnNotEquals, ArnNotLike } from './arn.ts';

const context = contextFrom({ 'aws:PrincipalAccount': '111122223333' });
const role = 'arn:aws:iam::111122223333:role/app';

describe('Arn operators', () => {
  test.each<[string, string, boolean]>([
    [role, role, true],
    [role, 'arn:aws:iam::111122223333:role/*', true],
    [role, 'arn:aws:iam::*:role/app', true],
    [role, 'arn:aws:iam::444455556666:role/*', false],
    [role, 'arn:aws:iam::111122223333:ROLE/app', false],
    [role, 'arn:aws:iam::*', false],
    ['not-an-arn', '*', true],
    ['not-an-arn', 'not-an-arn', false],
    ['arn:aws:sqs:us-east-1:111122223333:queue', 'arn:aws:sqs:*:111122223333:*', true],
  ])('request %j, policy %j → %s', (request, policy, expected) => {
    // AWS evaluates ArnEquals exactly like ArnLike.
    expect(ArnLike.matches(request, policy, undefined)).toBe(expected);
    expect(ArnEquals.matches(request, policy, undefined)).toBe(expected);
  });

  test('policy variables resolve when a context is given', () => {
    const policy = 'arn:aws:iam::${aws:PrincipalAccount}:role/*';
    expect(ArnLike.matches(role, policy, context)).toBe(true);
    expect(ArnLike.matches(role, policy, undefined)).toBe(false);
  });

  test.each([
    [ArnLike, 'ArnLike', false],
    [ArnEquals, 'ArnEquals', false],
    [ArnNotLike, 'ArnNotLike', true],
    [ArnNotEquals, 'ArnNotEquals', true],
  ])('%#: %s negated=%s', (operator, name, negated) => {
    expect(operator).toMatchObject({ name, negated, usesVariables: true });
  });
});
