// biome-ignore-all lint/suspicious/noTemplateCurlyInString: IAM policy variables are written ${...} in plain strings.
import type { ConditionBlock } from '../../policy/types.ts';
import { type ContextValue, contextFrom, type RequestContext } from '../context.ts';
import { evaluateConditionBlock, parseOperatorName } from './conditionBlock.ts';

const V2012 = '2012-10-17';
const KMS_KEY_ID = 's3:x-amz-server-side-encryption-aws-kms-key-id';
const OWN_KEY = 'arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab';

const base: Record<string, ContextValue> = {
  'aws:SourceIp': '203.0.113.7',
  'aws:username': 'alice',
  's3:prefix': 'home/alice/',
  'aws:TagKeys': ['env', 'team'],
  'aws:EpochTime': '1563278400',
  'aws:CurrentTime': '2019-07-16T12:00:00Z',
  'aws:SecureTransport': 'true',
  's3:max-keys': '5',
  'aws:PrincipalArn': 'arn:aws:iam::111122223333:role/app',
  'test:empty': [],
};

function ctx(extra: Record<string, ContextValue | undefined> = {}): RequestContext {
  return contextFrom({ ...base, ...extra });
}

interface Case {
  name: string;
  block: ConditionBlock;
  context?: RequestContext;
  version?: string;
  matched: boolean;
  missingKeys?: string[];
  unknownOperators?: string[];
}

const kc003: ConditionBlock = {
  StringNotLikeIfExists: { [KMS_KEY_ID]: 'arn:aws:kms:us-east-1:111122223333:key/*' },
};

const cases: Case[] = [
  { name: 'empty block matches', block: {}, matched: true },
  // KC-003: Deny + StringNotLikeIfExists also denies uploads that omit the header.
  { name: 'KC-003 deny condition, header absent', block: kc003, matched: true, missingKeys: [KMS_KEY_ID] },
  {
    name: 'KC-003 deny condition, own key',
    block: kc003,
    context: ctx({ [KMS_KEY_ID]: OWN_KEY }),
    matched: false,
  },
  {
    name: 'KC-003 deny condition, foreign key',
    block: kc003,
    context: ctx({ [KMS_KEY_ID]: 'arn:aws:kms:us-east-1:444455556666:key/x' }),
    matched: true,
  },
  // Missing keys without IfExists: positive false, negated true.
  {
    name: 'StringLike, missing key',
    block: { StringLike: { 'test:missing': '*' } },
    matched: false,
    missingKeys: ['test:missing'],
  },
  {
    name: 'StringNotLike, missing key',
    block: { StringNotLike: { 'test:missing': 'x' } },
    matched: true,
    missingKeys: ['test:missing'],
  },
  {
    name: 'StringLikeIfExists, missing key',
    block: { StringLikeIfExists: { 'test:missing': 'x' } },
    matched: true,
    missingKeys: ['test:missing'],
  },
  {
    name: 'NotIpAddress, missing key',
    block: { NotIpAddress: { 'test:missing': '10.0.0.0/8' } },
    matched: true,
    missingKeys: ['test:missing'],
  },
  {
    name: 'ArnNotLike, missing key',
    block: { ArnNotLike: { 'aws:SourceArn': 'arn:aws:s3:::b' } },
    matched: true,
    missingKeys: ['aws:sourcearn'],
  },
  {
    name: 'NumericLessThan, missing key',
    block: { NumericLessThan: { 'test:missing': 1 } },
    matched: false,
    missingKeys: ['test:missing'],
  },
  // IfExists with the key present evaluates normally.
  {
    name: 'StringEqualsIfExists, present and equal',
    block: { StringEqualsIfExists: { 'aws:username': 'alice' } },
    matched: true,
  },
  {
    name: 'StringEqualsIfExists, present and different',
    block: { StringEqualsIfExists: { 'aws:username': 'bob' } },
    matched: false,
  },
  // Set operators with missing / empty keys.
  {
    name: 'ForAllValues, missing key',
    block: { 'ForAllValues:StringEquals': { 'test:missing': 'x' } },
    matched: true,
    missingKeys: ['test:missing'],
  },
  {
    name: 'ForAnyValue, missing key',
    block: { 'ForAnyValue:StringEquals': { 'test:missing': 'x' } },
    matched: false,
    missingKeys: ['test:missing'],
  },
  {
    name: 'ForAnyValue + IfExists, missing key',
    block: { 'ForAnyValue:StringEqualsIfExists': { 'test:missing': 'x' } },
    matched: true,
    missingKeys: ['test:missing'],
  },
  {
    name: 'ForAllValues, empty list',
    block: { 'ForAllValues:StringEquals': { 'test:empty': 'x' } },
    matched: true,
  },
  {
    name: 'ForAnyValue, empty list',
    block: { 'ForAnyValue:StringEquals': { 'test:empty': 'x' } },
    matched: false,
  },
  {
    name: 'ForAllValues:StringNotEquals, missing key',
    block: { 'ForAllValues:StringNotEquals': { 'test:missing': 'x' } },
    matched: true,
    missingKeys: ['test:missing'],
  },
  {
    name: 'ForAnyValue:StringNotEquals, missing key',
    block: { 'ForAnyValue:StringNotEquals': { 'test:missing': 'x' } },
    matched: false,
    missingKeys: ['test:missing'],
  },
  // Set operators over multivalued keys.
  {
    name: 'ForAllValues, all in set',
    block: { 'ForAllValues:StringEquals': { 'aws:TagKeys': ['env', 'team', 'owner'] } },
    matched: true,
  },
  {
    name: 'ForAllValues, one outside set',
    block: { 'ForAllValues:StringEquals': { 'aws:TagKeys': ['env', 'owner'] } },
    matched: false,
  },
  {
    name: 'ForAnyValue, one in set',
    block: { 'ForAnyValue:StringEquals': { 'aws:TagKeys': ['team', 'x'] } },
    matched: true,
  },
  {
    name: 'ForAnyValue, none in set',
    block: { 'ForAnyValue:StringEquals': { 'aws:TagKeys': ['x', 'y'] } },
    matched: false,
  },
  {
    name: 'ForAnyValue:StringLike with wildcards',
    block: { 'ForAnyValue:StringLike': { 'aws:TagKeys': 't*' } },
    matched: true,
  },
  {
    name: 'ForAllValues:StringNotEquals, none forbidden',
    block: { 'ForAllValues:StringNotEquals': { 'aws:TagKeys': ['x'] } },
    matched: true,
  },
  {
    name: 'ForAllValues:StringNotEquals, one forbidden',
    block: { 'ForAllValues:StringNotEquals': { 'aws:TagKeys': ['env'] } },
    matched: false,
  },
  {
    name: 'ForAnyValue:StringNotEquals, one outside',
    block: { 'ForAnyValue:StringNotEquals': { 'aws:TagKeys': ['env'] } },
    matched: true,
  },
  {
    name: 'ForAnyValue:StringNotEquals, all listed',
    block: { 'ForAnyValue:StringNotEquals': { 'aws:TagKeys': ['env', 'team'] } },
    matched: false,
  },
  {
    name: 'ForAllValues with a single-valued key',
    block: { 'ForAllValues:StringLike': { 'aws:username': 'al*' } },
    matched: true,
  },
  {
    name: 'ForAnyValue with a single-valued key',
    block: { 'ForAnyValue:StringEquals': { 'aws:username': 'bob' } },
    matched: false,
  },
  // Multivalued key with a plain operator.
  {
    name: 'plain positive on multivalued acts as ForAnyValue',
    block: { StringEquals: { 'aws:TagKeys': 'team' } },
    matched: true,
  },
  {
    name: 'plain positive on multivalued, no hit',
    block: { StringEquals: { 'aws:TagKeys': 'x' } },
    matched: false,
  },
  {
    name: 'plain negated on multivalued, one hit',
    block: { StringNotEquals: { 'aws:TagKeys': 'team' } },
    matched: false,
  },
  {
    name: 'plain negated on multivalued, no hit',
    block: { StringNotEquals: { 'aws:TagKeys': ['x', 'y'] } },
    matched: true,
  },
  { name: 'plain positive on empty list', block: { StringEquals: { 'test:empty': 'x' } }, matched: false },
  { name: 'plain negated on empty list', block: { StringNotEquals: { 'test:empty': 'x' } }, matched: true },
  // AND across operators and keys, OR across values.
  {
    name: 'two operators both hold',
    block: { Bool: { 'aws:SecureTransport': 'true' }, IpAddress: { 'aws:SourceIp': '203.0.113.0/24' } },
    matched: true,
  },
  {
    name: 'two operators, one fails',
    block: { Bool: { 'aws:SecureTransport': 'true' }, IpAddress: { 'aws:SourceIp': '198.51.100.0/24' } },
    matched: false,
  },
  {
    name: 'two keys, one fails',
    block: { StringEquals: { 'aws:username': 'alice', 's3:prefix': 'other/' } },
    matched: false,
  },
  {
    name: 'two keys both hold',
    block: { StringEquals: { 'aws:username': 'alice', 's3:prefix': 'home/alice/' } },
    matched: true,
  },
  { name: 'values OR', block: { StringEquals: { 'aws:username': ['bob', 'alice'] } }, matched: true },
  {
    name: 'negated values: one matches',
    block: { StringNotEquals: { 'aws:username': ['bob', 'alice'] } },
    matched: false,
  },
  {
    name: 'negated values: none matches',
    block: { StringNotEquals: { 'aws:username': ['bob', 'carol'] } },
    matched: true,
  },
  { name: 'empty value list, positive', block: { StringEquals: { 'aws:username': [] } }, matched: false },
  // Null.
  {
    name: 'Null true, key absent',
    block: { Null: { 'aws:MultiFactorAuthAge': 'true' } },
    matched: true,
    missingKeys: ['aws:multifactorauthage'],
  },
  { name: 'Null true, key present', block: { Null: { 'aws:username': 'true' } }, matched: false },
  { name: 'Null false, key present', block: { Null: { 'aws:username': 'false' } }, matched: true },
  {
    name: 'Null false, key absent',
    block: { Null: { 'test:missing': false } },
    matched: false,
    missingKeys: ['test:missing'],
  },
  {
    name: 'Null with JSON boolean true',
    block: { Null: { 'test:missing': true } },
    matched: true,
    missingKeys: ['test:missing'],
  },
  { name: 'Null true, empty list', block: { Null: { 'test:empty': 'true' } }, matched: true },
  // JSON numbers and booleans compare by their string form.
  { name: 'number policy value', block: { NumericLessThanEquals: { 's3:max-keys': 10 } }, matched: true },
  {
    name: 'number policy value, fails',
    block: { NumericGreaterThan: { 's3:max-keys': 10 } },
    matched: false,
  },
  { name: 'boolean policy value', block: { Bool: { 'aws:SecureTransport': true } }, matched: true },
  { name: 'boolean policy value, fails', block: { Bool: { 'aws:SecureTransport': false } }, matched: false },
  // Dates, including epoch seconds.
  {
    name: 'epoch request vs ISO policy',
    block: { DateGreaterThan: { 'aws:EpochTime': '2019-01-01T00:00:00Z' } },
    matched: true,
  },
  {
    name: 'ISO request vs epoch policy (number)',
    block: { DateLessThan: { 'aws:CurrentTime': 1600000000 } },
    matched: true,
  },
  {
    name: 'ISO request vs epoch policy, fails',
    block: { DateLessThan: { 'aws:CurrentTime': 1500000000 } },
    matched: false,
  },
  // IP addresses.
  {
    name: 'NotIpAddress, outside ranges',
    block: { NotIpAddress: { 'aws:SourceIp': ['10.0.0.0/8', '192.168.0.0/16'] } },
    matched: true,
  },
  {
    name: 'NotIpAddress, inside a range',
    block: { NotIpAddress: { 'aws:SourceIp': ['10.0.0.0/8', '203.0.113.0/24'] } },
    matched: false,
  },
  {
    name: 'IPv6 source in IPv6 CIDR',
    block: { IpAddress: { 'aws:SourceIp': ['203.0.113.0/24', '2001:db8:1234::/48'] } },
    context: ctx({ 'aws:SourceIp': '2001:db8:1234:ab::9' }),
    matched: true,
  },
  {
    name: 'NotIpAddress, IPv6 source outside',
    block: { NotIpAddress: { 'aws:SourceIp': '2001:db8:1234::/48' } },
    context: ctx({ 'aws:SourceIp': '2001:db8:9999::1' }),
    matched: true,
  },
  // ARN operators.
  {
    name: 'ArnLike principal',
    block: { ArnLike: { 'aws:PrincipalArn': 'arn:aws:iam::*:role/app' } },
    matched: true,
  },
  {
    name: 'ArnEquals behaves like ArnLike',
    block: { ArnEquals: { 'aws:PrincipalArn': 'arn:aws:iam::111122223333:role/*' } },
    matched: true,
  },
  {
    name: 'ArnNotEquals',
    block: { ArnNotEquals: { 'aws:PrincipalArn': 'arn:aws:iam::111122223333:role/app' } },
    matched: false,
  },
  // Policy variables (Version 2012-10-17 only).
  {
    name: '${aws:username} substituted',
    block: { StringLike: { 's3:prefix': 'home/${aws:username}/*' } },
    version: V2012,
    matched: true,
  },
  {
    name: '${aws:username} literal without version',
    block: { StringLike: { 's3:prefix': 'home/${aws:username}/*' } },
    matched: false,
  },
  {
    name: '${aws:username} literal in 2008-10-17',
    block: { StringLike: { 's3:prefix': 'home/${aws:username}/*' } },
    version: '2008-10-17',
    matched: false,
  },
  {
    name: 'literal variable text matches without version',
    block: { StringEquals: { 's3:prefix': '${aws:username}' } },
    context: ctx({ 's3:prefix': '${aws:username}' }),
    matched: true,
  },
  {
    name: '${*} is a literal asterisk',
    block: { StringLike: { 'test:value': 'a${*}' } },
    context: ctx({ 'test:value': 'a*' }),
    version: V2012,
    matched: true,
  },
  {
    name: '${*} does not act as a wildcard',
    block: { StringLike: { 'test:value': 'a${*}' } },
    context: ctx({ 'test:value': 'abc' }),
    version: V2012,
    matched: false,
  },
  {
    name: 'unresolvable variable: no match, key reported',
    block: { StringEquals: { 's3:prefix': '${aws:PrincipalTag/dept}' } },
    version: V2012,
    matched: false,
    missingKeys: ['aws:principaltag/dept'],
  },
  {
    name: 'unresolvable variable under a negated operator',
    block: { StringNotEquals: { 's3:prefix': '${aws:PrincipalTag/dept}' } },
    version: V2012,
    matched: true,
    missingKeys: ['aws:principaltag/dept'],
  },
  {
    name: 'variable with default',
    block: { StringEquals: { 's3:prefix': "${aws:PrincipalTag/dept, 'home/alice/'}" } },
    version: V2012,
    matched: true,
  },
  {
    name: 'variables do not apply to Numeric operators',
    block: { NumericEquals: { 's3:max-keys': '${test:five}' } },
    context: ctx({ 'test:five': '5' }),
    version: V2012,
    matched: false,
  },
  {
    name: 'ArnLike with account variable',
    block: { ArnLike: { 'aws:PrincipalArn': 'arn:aws:iam::${aws:PrincipalAccount}:role/*' } },
    context: ctx({ 'aws:PrincipalAccount': '111122223333' }),
    version: V2012,
    matched: true,
  },
  // Names and keys are case-insensitive.
  {
    name: 'context key case-insensitive',
    block: { IpAddress: { 'AWS:SOURCEIP': '203.0.113.0/24' } },
    matched: true,
  },
  {
    name: 'operator name case-insensitive',
    block: { 'forallvalues:stringequalsifexists': { 'aws:TagKeys': ['env', 'team'] } },
    matched: true,
  },
  // Unknown operators.
  {
    name: 'unknown operator',
    block: { StringGlob: { 'aws:username': 'alice' } },
    matched: false,
    unknownOperators: ['StringGlob'],
  },
  {
    name: 'unknown operator next to a holding one',
    block: { StringEquals: { 'aws:username': 'alice' }, NumericSorta: { 's3:max-keys': 5 } },
    matched: false,
    unknownOperators: ['NumericSorta'],
  },
  {
    name: 'Null takes no IfExists',
    block: { NullIfExists: { 'aws:username': 'false' } },
    matched: false,
    unknownOperators: ['NullIfExists'],
  },
  {
    name: 'unknown set prefix',
    block: { 'ForSomeValues:StringEquals': { 'aws:TagKeys': 'env' } },
    matched: false,
    unknownOperators: ['ForSomeValues:StringEquals'],
  },
  // Every key is visited, so missing keys are complete and listed once.
  {
    name: 'all missing keys listed, deduplicated',
    block: {
      StringEquals: { 'test:a': 'x', 'test:B': 'y' },
      StringNotEquals: { 'TEST:A': 'z' },
      Bool: { 'test:c': 'true' },
    },
    matched: false,
    missingKeys: ['test:a', 'test:b', 'test:c'],
  },
];

describe('evaluateConditionBlock', () => {
  test.each(cases)(
    '$name',
    ({ block, context, version, matched, missingKeys = [], unknownOperators = [] }) => {
      expect(evaluateConditionBlock(block, context ?? ctx(), version)).toEqual({
        matched,
        missingKeys,
        unknownOperators,
      });
    },
  );

  test('repeated evaluation gives the same answer (caches are transparent)', () => {
    const block: ConditionBlock = { 'ForAnyValue:StringLike': { 'aws:TagKeys': 'te*' } };
    for (let round = 0; round < 3; round++) {
      expect(evaluateConditionBlock(block, ctx(), V2012).matched).toBe(true);
      expect(evaluateConditionBlock(block, ctx({ 'aws:TagKeys': ['x'] }), V2012).matched).toBe(false);
    }
  });
});

describe('parseOperatorName', () => {
  test.each([
    ['StringEquals', { kind: 'compare', set: 'none', ifExists: false, name: 'StringEquals' }],
    ['StringNotLikeIfExists', { kind: 'compare', set: 'none', ifExists: true, name: 'StringNotLike' }],
    ['ForAnyValue:StringLike', { kind: 'compare', set: 'any', ifExists: false, name: 'StringLike' }],
    ['ForAllValues:ArnNotLikeIfExists', { kind: 'compare', set: 'all', ifExists: true, name: 'ArnNotLike' }],
    ['NotIpAddressIfExists', { kind: 'compare', set: 'none', ifExists: true, name: 'NotIpAddress' }],
    ['Null', { kind: 'null' }],
    ['ForAllValues:Null', { kind: 'null' }],
    ['IfExists', { kind: 'unknown' }],
    ['StringEqualsIfExistsIfExists', { kind: 'unknown' }],
    ['ForAnyValue:', { kind: 'unknown' }],
  ])('%j', (written, expected) => {
    const parsed = parseOperatorName(written);
    const summary =
      parsed.kind === 'compare' ? { ...parsed, name: parsed.operator.name, operator: undefined } : parsed;
    expect(summary).toEqual(expected);
  });
});
