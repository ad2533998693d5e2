import { cidrContains, IpAddress, NotIpAddress, parseCidr, parseIpAddress } from './ipAddress.ts';

describe('parseIpAddress', () => {
  test.each<[string, { family: 4 | 6; words: number[] } | null]>([
    ['203.0.113.7', { family: 4, words: [0xcb007107] }],
    ['0.0.0.0', { family: 4, words: [0] }],
    ['255.255.255.255', { family: 4, words: [0xffffffff] }],
    ['256.0.0.1', null],
    ['1.2.3', null],
    ['1.2.3.4.5', null],
    ['1.2.3.x', null],
    ['2001:db8::1', { family: 6, words: [0x20010db8, 0, 0, 1] }],
    ['::', { family: 6, words: [0, 0, 0, 0] }],
    ['::1', { family: 6, words: [0, 0, 0, 1] }],
    ['2001:DB8:0:0:0:0:0:1', { family: 6, words: [0x20010db8, 0, 0, 1] }],
    ['::ffff:192.0.2.1', { family: 6, words: [0, 0, 0xffff, 0xc0000201] }],
    ['2001:db8::1::2', null],
    ['2001:db8:1:2:3:4:5:6:7', null],
    ['2001:db8::12345', null],
    ['fe80::1%eth0', null],
    ['s3.amazonaws.com', null],
    ['AWS Internal', null],
    ['', null],
  ])('%j', (text, expected) => {
    expect(parseIpAddress(text)).toEqual(expected);
  });
});

describe('parseCidr', () => {
  test.each<[string, number | null]>([
    ['10.0.0.0/8', 8],
    ['10.0.0.1', 32],
    ['10.0.0.0/33', null],
    ['10.0.0.0/', null],
    ['10.0.0.0/a', null],
    ['2001:db8::/32', 32],
    ['2001:db8::1', 128],
    ['2001:db8::/129', null],
  ])('%j → prefix %s', (text, prefixLength) => {
    expect(parseCidr(text)?.prefixLength ?? null).toBe(prefixLength);
  });

  test('contains checks the masked bits only', () => {
    const block = parseCidr('2001:db8:abcd:12::/63')!;
    expect(cidrContains(block, parseIpAddress('2001:db8:abcd:13:ffff::1')!)).toBe(true);
    expect(cidrContains(block, parseIpAddress('2001:db8:abcd:14::1')!)).toBe(false);
  });
});

describe('IpAddress', () => {
  test.each<[string, string, boolean]>([
    ['203.0.113.7', '203.0.113.0/24', true],
    ['203.0.114.7', '203.0.113.0/24', false],
    ['203.0.113.7', '203.0.113.7', true],
    ['203.0.113.7', '203.0.113.7/32', true],
    ['203.0.113.8', '203.0.113.7/32', false],
    ['8.8.8.8', '0.0.0.0/0', true],
    ['10.1.2.3', '10.0.0.0/7', true],
    ['11.255.255.255', '10.0.0.0/7', true],
    ['12.0.0.0', '10.0.0.0/7', false],
    ['10.9.9.9', '10.0.0.1/8', true],
    // IPv6
    ['2001:db8:85a3::8a2e:370:7334', '2001:db8:85a3::/48', true],
    ['2001:db8:85a4::1', '2001:db8:85a3::/48', false],
    ['2001:0DB8:0000::0001', '2001:db8::1', true],
    ['2001:db8::2', '2001:db8::1', false],
    ['2600:1f18::1', '::/0', true],
    // Families never mix; non-addresses never match.
    ['203.0.113.7', '::/0', false],
    ['2001:db8::1', '0.0.0.0/0', false],
    ['s3.amazonaws.com', '0.0.0.0/0', false],
    ['203.0.113.7', 'not-a-cidr', false],
  ])('request %j, policy %j → %s', (request, policy, expected) => {
    expect(IpAddress.matches(request, policy, undefined)).toBe(expected);
  });

  test('NotIpAddress is the negated IpAddress', () => {
    expect(NotIpAddress).toMatchObject({ name: 'NotIpAddress', negated: true, usesVariables: false });
    expect(IpAddress.negated).toBe(false);
  });
});
