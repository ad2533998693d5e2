import { BinaryEquals, decodeBase64 } from './binary.ts';

describe('decodeBase64', () => {
  test.each<[string, string | null]>([
    ['QWJD', 'AbC'],
    ['QQ==', 'A'],
    ['QQ', 'A'],
    ['', ''],
    ['Q', null],
    ['QQ=', null],
    ['Q Q==', null],
    ['QQ==QQ==', null],
    ['@@@@', null],
  ])('%j → %j', (text, expected) => {
    expect(decodeBase64(text)).toBe(expected);
  });
});

describe('BinaryEquals', () => {
  test.each<[string, string, boolean]>([
    ['QmluYXJ5VmFsdWU=', 'QmluYXJ5VmFsdWU=', true],
    ['QmluYXJ5VmFsdWU', 'QmluYXJ5VmFsdWU=', true],
    ['QmluYXJ5VmFsdWU=', 'QmluYXJ5VmFsdWF=', false],
    ['QmluYXJ5VmFsdWU=', 'qmluyxj5vmfsdwu=', false],
    ['@@@', '@@@', false],
    ['QQ==', '@@@', false],
  ])('request %j, policy %j → %s', (request, policy, expected) => {
    expect(BinaryEquals.matches(request, policy, undefined)).toBe(expected);
  });
});
