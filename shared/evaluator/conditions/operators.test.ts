import { findOperator, OPERATORS } from './operators.ts';

const NEGATED = [
  'StringNotEquals',
  'StringNotEqualsIgnoreCase',
  'StringNotLike',
  'NumericNotEquals',
  'DateNotEquals',
  'NotIpAddress',
  'ArnNotEquals',
  'ArnNotLike',
];

describe('operator registry', () => {
  test('holds the 26 value operators of the IAM reference, each once', () => {
    const names = OPERATORS.map((operator) => operator.name);
    expect(new Set(names).size).toBe(26);
    expect(names.length).toBe(26);
  });

  test.each(OPERATORS.map((operator) => [operator.name, operator] as const))('%s', (name, operator) => {
    expect(findOperator(name)).toBe(operator);
    expect(findOperator(name.toUpperCase())).toBe(operator);
    expect(operator.negated).toBe(NEGATED.includes(name));
    expect(operator.usesVariables).toBe(name.startsWith('String') || name.startsWith('Arn'));
  });

  test.each(['Null', 'StringLikeIfExists', 'ForAnyValue:StringLike', 'StringGlob', ''])(
    '%j is not a base operator',
    (n) => {
      expect(findOperator(n)).toBeUndefined();
    },
  );
});
