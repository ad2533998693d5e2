// biome-ignore-all lint/suspicious/noTemplateCurlyInString: IAM policy variables are written ${...} in plain strings.
import fc from 'fast-check';
import { contextFrom } from './context.ts';
import { arnMatch, collectUnresolvedVariables, resolveVariables, wildcardMatch } from './wildcard.ts';

const context = contextFrom({
  'aws:username': 'alice',
  'aws:PrincipalTag/team': 'blue',
  'aws:PrincipalTag/cost center': 'cc-1',
  'aws:PrincipalAccount': '111122223333',
  's3:prefix': 'home/alice/',
  'aws:TagKeys': ['a', 'b'],
  'aws:PrincipalTag/star': 'a*b',
  'aws:PrincipalTag/withColon': 'x:y',
});

describe('resolveVariables', () => {
  test.each<[string, string | null]>([
    ['no variables here', 'no variables here'],
    ['', ''],
    ['home/${aws:username}/', 'home/alice/'],
    ['${aws:username}', 'alice'],
    ['${AWS:UserName}', 'alice'],
    ['${aws:PrincipalTag/team}-${aws:username}', 'blue-alice'],
    ['${aws:principaltag/TEAM}', 'blue'],
    ['${aws:PrincipalTag/cost center}', 'cc-1'],
    ['${s3:prefix}*', 'home/alice/*'],
    ['${aws:PrincipalTag/missing}', null],
    ['prefix-${aws:PrincipalTag/missing}-suffix', null],
    ["${aws:PrincipalTag/missing, 'company-wide'}", 'company-wide'],
    ["${aws:PrincipalTag/missing,'x'}", 'x'],
    ["${aws:PrincipalTag/missing, ''}", ''],
    ["${aws:PrincipalTag/team, 'ignored'}", 'blue'],
    ["${aws:PrincipalTag/missing, 'a}b'}", 'a}b'],
    ['${aws:TagKeys}', null],
    ["${aws:TagKeys, 'default'}", null],
    ['${*}', '*'],
    ['${?}', '?'],
    ['${$}', '$'],
    ['a${*}b${?}c${$}d', 'a*b?c$d'],
    ['${aws:username', '${aws:username'],
    ['cost: $5 {x}', 'cost: $5 {x}'],
    ['${constructor}', null],
    ['${}', null],
  ])('%j → %j', (text, expected) => {
    expect(resolveVariables(text, context)).toBe(expected);
  });
});

describe('collectUnresolvedVariables', () => {
  test.each<[string, string[]]>([
    ['plain', []],
    ['${aws:username}', []],
    ['${aws:PrincipalTag/Missing}/${aws:SourceVpc}', ['aws:principaltag/missing', 'aws:sourcevpc']],
    ["${aws:PrincipalTag/missing, 'dflt'}", []],
    ['${*}${?}${$}', []],
    ['${aws:SourceVpc}${aws:SourceVpc}', ['aws:sourcevpc']],
  ])('%j', (text, expected) => {
    const keys: string[] = [];
    collectUnresolvedVariables(text, context, keys);
    expect(keys).toEqual(expected);
  });
});

describe('wildcardMatch', () => {
  const caseSensitive = { ignoreCase: false };
  const ignoreCase = { ignoreCase: true };

  test.each<[string, string, boolean]>([
    ['*', '', true],
    ['*', 'anything:with/colons', true],
    ['', '', true],
    ['', 'x', false],
    ['abc', 'abc', true],
    ['abc', 'abcd', false],
    ['abc', 'ABC', false],
    ['a*', 'a', true],
    ['a*', 'abc:def/ghi', true],
    ['a*', 'ba', false],
    ['*c', 'abc', true],
    ['*c', 'abd', false],
    ['a*c', 'ac', true],
    ['a*c', 'a:b/c', true],
    ['a*c*e', 'abcde', true],
    ['a*c*e', 'abcd', false],
    ['**', '', true],
    ['a?c', 'abc', true],
    ['a?c', 'ac', false],
    ['a?c', 'abbc', false],
    ['???', 'a:b', true],
    ['?', '😀', true],
    ['a?', 'a\n', true],
    ['a*', 'a\nb', true],
    // Regex metacharacters are literal.
    ['a.c', 'abc', false],
    ['a.c', 'a.c', true],
    ['a+b', 'aab', false],
    ['a+b', 'a+b', true],
    ['(x)|y', 'y', false],
    ['(x)|y', '(x)|y', true],
    ['[ab]', 'a', false],
    ['[ab]', '[ab]', true],
    ['^a$', '^a$', true],
    ['a\\d', 'a1', false],
    ['a\\d', 'a\\d', true],
    ['{1}', '{1}', true],
    ['s3:Get*', 's3:GetObject', true],
    ['s3:Get*', 's3:getobject', false],
    // Without a context, variables are literal text (policies without Version 2012-10-17).
    ['${aws:username}', '${aws:username}', true],
    ['${aws:username}', 'alice', false],
    ['${*}', '${anything}', true],
  ])('case-sensitive %j vs %j → %s', (pattern, value, expected) => {
    expect(wildcardMatch(pattern, value, caseSensitive)).toBe(expected);
  });

  test.each<[string, string, boolean]>([
    ['s3:Get*', 's3:getobject', true],
    ['S3:GETOBJECT', 's3:GetObject', true],
    ['kms:Re*', 'KMS:ReEncryptFrom', true],
    ['kms:?ecrypt', 'kms:DECRYPT', true],
    ['kms:decrypt', 'kms:Encrypt', false],
  ])('ignore-case %j vs %j → %s', (pattern, value, expected) => {
    expect(wildcardMatch(pattern, value, ignoreCase)).toBe(expected);
  });

  test.each<[string, string, boolean]>([
    ['home/${aws:username}/*', 'home/alice/docs', true],
    ['home/${aws:username}/*', 'home/bob/docs', false],
    ['${aws:username}', 'alice', true],
    // Characters produced by variables are literal, including ${*} and wildcards inside values.
    ['${*}', '*', true],
    ['${*}', 'anything', false],
    ['a${?}', 'a?', true],
    ['a${?}', 'ab', false],
    ['price${$}', 'price$', true],
    ['${aws:PrincipalTag/star}', 'a*b', true],
    ['${aws:PrincipalTag/star}', 'axxb', false],
    ['${aws:PrincipalTag/star}*', 'a*bc', true],
    // Unresolvable variables never match; defaults stand in.
    ['${aws:PrincipalTag/missing}', '', false],
    ['*${aws:PrincipalTag/missing}*', 'anything', false],
    ["${aws:PrincipalTag/missing, 'none'}/*", 'none/x', true],
    ['${aws:TagKeys}', 'a', false],
  ])('with context %j vs %j → %s', (pattern, value, expected) => {
    expect(wildcardMatch(pattern, value, { ignoreCase: false, context })).toBe(expected);
  });

  test('variables resolve case-insensitively with ignoreCase', () => {
    expect(wildcardMatch('HOME/${aws:username}/*', 'home/ALICE/x', { ignoreCase: true, context })).toBe(true);
  });

  test('stays correct beyond the cache bound', () => {
    for (let index = 0; index < 12_000; index++) {
      expect(wildcardMatch(`key-${index}-*`, `key-${index}-x`, caseSensitive)).toBe(true);
    }
    expect(wildcardMatch('key-0-*', 'key-1-x', caseSensitive)).toBe(false);
  });

  test('agrees with a reference matcher on random patterns', () => {
    const alphabet = fc.constantFrom('a', 'b', ':', '/', '.', '*', '?', '(', '$', '\\');
    const text = fc.array(alphabet, { maxLength: 8 }).map((chars) => chars.join(''));
    fc.assert(
      fc.property(text, text, (pattern, value) => {
        expect(wildcardMatch(pattern, value, caseSensitive)).toBe(referenceMatch(pattern, value));
      }),
      { numRuns: 2_000 },
    );
  });
});

describe('arnMatch', () => {
  test.each<[string, string, boolean]>([
    ['*', 'arn:aws:s3:::bucket', true],
    ['*', 'not-an-arn', true],
    ['arn:aws:s3:::bucket', 'arn:aws:s3:::bucket', true],
    ['arn:aws:s3:::bucket', 'arn:aws:s3:::Bucket', false],
    ['arn:aws:s3:::bucket/*', 'arn:aws:s3:::bucket/a/b:c', true],
    ['arn:aws:s3:::bucket/*', 'arn:aws:s3:::bucket', false],
    ['arn:aws:s3:::bucket*', 'arn:aws:s3:::bucket-2/key', true],
    ['arn:aws:s3:::*', 'arn:aws:s3:::any/key', true],
    ['arn:aws:kms:*:111122223333:key/*', 'arn:aws:kms:us-east-1:111122223333:key/1234', true],
    ['arn:aws:kms:*:111122223333:key/*', 'arn:aws:kms:us-east-1:444455556666:key/1234', false],
    ['arn:aws:kms:us-east-?:*:key/*', 'arn:aws:kms:us-east-2:111122223333:key/k', true],
    ['arn:*:*:*:*:*', 'arn:aws-cn:s3:::b', true],
    ['arn:aws:iam::*:role/admin', 'arn:aws:iam::111122223333:role/admin', true],
    ['arn:aws:iam::*:role/*', 'arn:aws:iam::111122223333:role/path/admin', true],
    [
      'arn:aws:logs:us-east-1:111122223333:log-group:*',
      'arn:aws:logs:us-east-1:111122223333:log-group:g:*',
      true,
    ],
    // A wildcard in partition/service/region/account never spans a colon.
    ['arn:aws:iam::1*:role/x', 'arn:aws:iam::1:2:role/x', false],
    ['arn:aws:s3*:::bucket', 'arn:aws:s3:x:::bucket', false],
    ['arn:aws:kms:*:*', 'arn:aws:kms:us-east-1:111122223333:key/k', false],
    ['arn:aws:iam::*', 'arn:aws:iam::111122223333:role/x', false],
    ['arn:aws:s3:::bucket', 'arn:aws:s3::bucket', false],
    ['arn:aws:s3::bucket', 'arn:aws:s3::bucket', false],
    ['arn:aws:s3:::b?cket', 'arn:aws:s3:::bucket', true],
    ['ARN:aws:s3:::bucket', 'arn:aws:s3:::bucket', false],
    ['', '', false],
  ])('%j vs %j → %s', (pattern, arn, expected) => {
    expect(arnMatch(pattern, arn)).toBe(expected);
  });

  test.each<[string, string, boolean]>([
    ['arn:aws:s3:::bucket/home/${aws:username}/*', 'arn:aws:s3:::bucket/home/alice/file', true],
    ['arn:aws:s3:::bucket/home/${aws:username}/*', 'arn:aws:s3:::bucket/home/bob/file', false],
    ['arn:aws:iam::${aws:PrincipalAccount}:role/x', 'arn:aws:iam::111122223333:role/x', true],
    ['arn:aws:iam::${aws:PrincipalAccount}:role/x', 'arn:aws:iam::444455556666:role/x', false],
    ['arn:aws:s3:::bucket/${*}', 'arn:aws:s3:::bucket/*', true],
    ['arn:aws:s3:::bucket/${*}', 'arn:aws:s3:::bucket/key', false],
    ['arn:aws:s3:::bucket/${aws:PrincipalTag/missing}', 'arn:aws:s3:::bucket/', false],
    ['arn:aws:iam::${aws:PrincipalTag/withColon}:role/y', 'arn:aws:iam::x:y:role/y', false],
    ['arn:aws:s3:::b/${aws:PrincipalTag/withColon}', 'arn:aws:s3:::b/x:y', true],
  ])('with context %j vs %j → %s', (pattern, arn, expected) => {
    expect(arnMatch(pattern, arn, context)).toBe(expected);
  });

  test('without a context, variables are literal', () => {
    expect(arnMatch('arn:aws:s3:::b/${aws:username}', 'arn:aws:s3:::b/alice')).toBe(false);
    expect(arnMatch('arn:aws:s3:::b/${aws:username}', 'arn:aws:s3:::b/${aws:username}')).toBe(true);
  });

  test('agrees with a component-by-component reference on random ARNs', () => {
    const part = fc
      .array(fc.constantFrom('a', 'b', '*', '?', '/', '-'), { maxLength: 4 })
      .map((c) => c.join(''));
    const resource = fc
      .array(fc.constantFrom('a', 'b', ':', '*', '?', '/'), { maxLength: 6 })
      .map((c) => c.join(''));
    const arnLike = fc.tuple(part, part, part, part, part, resource).map((parts) => parts.join(':'));
    fc.assert(
      fc.property(arnLike, arnLike, (pattern, value) => {
        expect(arnMatch(pattern, value)).toBe(referenceArnMatch(pattern, value));
      }),
      { numRuns: 2_000 },
    );
  });
});

/** Straightforward dynamic-programming glob match, independent of the regex-based implementation. */
function referenceMatch(pattern: string, value: string): boolean {
  const p = [...pattern];
  const v = [...value];
  let row = [true, ...v.map(() => false)];
  for (const char of p) {
    const next = [char === '*' && row[0]!];
    for (let j = 1; j <= v.length; j++) {
      if (char === '*') next.push(row[j]! || next[j - 1]!);
      else next.push(row[j - 1]! && (char === '?' || char === v[j - 1]));
    }
    row = next;
  }
  return row[v.length]!;
}

function splitArn(arn: string): string[] | null {
  const parts = arn.split(':');
  if (parts.length < 6) return null;
  return [...parts.slice(0, 5), parts.slice(5).join(':')];
}

function referenceArnMatch(pattern: string, arn: string): boolean {
  if (pattern === '*') return true;
  const patternParts = splitArn(pattern);
  const arnParts = splitArn(arn);
  if (patternParts === null || arnParts === null) return false;
  return patternParts.every((part, index) => referenceMatch(part, arnParts[index]!));
}
