import {
  NumericEquals,
  NumericGreaterThan,
  NumericGreaterThanEquals,
  NumericLessThan,
  NumericLessThanEquals,
  NumericNotEquals,
  parseNumber,
} from './numeric.ts';

describe('parseNumber', () => {
  test.each<[string, number | null]>([
    ['10', 10],
    ['-3', -3],
    ['+3', 3],
    ['1.5', 1.5],
    ['.5', 0.5],
    ['1e3', 1000],
    ['007', 7],
    ['', null],
    [' 1', null],
    ['0x10', null],
    ['1,000', null],
    ['abc', null],
    ['Infinity', null],
    ['1e999', null],
  ])('%j → %s', (text, expected) => {
    expect(parseNumber(text)).toBe(expected);
  });
});

describe('Numeric operators (request <op> policy)', () => {
  test.each([
    [NumericEquals, '10', '10', true],
    [NumericEquals, '10', '10.0', true],
    [NumericEquals, '10', '11', false],
    [NumericEquals, 'ten', '10', false],
    [NumericEquals, '10', 'ten', false],
    [NumericLessThan, '9', '10', true],
    [NumericLessThan, '10', '10', false],
    [NumericLessThanEquals, '10', '10', true],
    [NumericLessThanEquals, '11', '10', false],
    [NumericGreaterThan, '11', '10', true],
    [NumericGreaterThan, '10', '10', false],
    [NumericGreaterThanEquals, '10', '10', true],
    [NumericGreaterThanEquals, '9.99', '10', false],
    [NumericGreaterThan, '-1', '-2', true],
  ])('%#: %p request %j policy %j → %s', (operator, request, policy, expected) => {
    expect(operator.matches(request, policy, undefined)).toBe(expected);
  });

  test('NumericNotEquals is the negated NumericEquals', () => {
    expect(NumericNotEquals).toMatchObject({ name: 'NumericNotEquals', negated: true, usesVariables: false });
    expect(NumericNotEquals.matches('1', '1', undefined)).toBe(true);
  });
});
