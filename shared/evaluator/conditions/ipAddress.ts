import type { BaseOperator } from './operator.ts';

/** An address as 32-bit words: one for IPv4, four for IPv6. */
export interface IpAddressValue {
  family: 4 | 6;
  words: number[];
}

export interface CidrBlock extends IpAddressValue {
  prefixLength: number;
}

const IPV6_GROUP = /^[0-9a-fA-F]{1,4}$/;
const PREFIX_LENGTH = /^\d{1,3}$/;

/** Dotted-quad IPv4 as an unsigned 32-bit number (scanned by hand: request IPs are parsed per call). */
function parseIpv4Number(text: string): number | null {
  let value = 0;
  let octet = 0;
  let digits = 0;
  let dots = 0;
  for (let index = 0; index < text.length; index++) {
    const code = text.charCodeAt(index);
    if (code >= 48 && code <= 57) {
      octet = octet * 10 + (code - 48);
      digits++;
      if (digits > 3 || octet > 255) return null;
    } else if (code === 46 /* . */ && digits > 0 && dots < 3) {
      value = value * 256 + octet;
      octet = 0;
      digits = 0;
      dots++;
    } else {
      return null;
    }
  }
  if (dots !== 3 || digits === 0) return null;
  return value * 256 + octet;
}

/** Parses the 16-bit groups of one side of `::`; an IPv4 tail counts as two groups. */
function parseIpv6Groups(text: string, allowIpv4Tail: boolean): number[] | null {
  if (text === '') return [];
  const parts = text.split(':');
  const groups: number[] = [];
  for (let index = 0; index < parts.length; index++) {
    const part = parts[index]!;
    if (allowIpv4Tail && index === parts.length - 1 && part.includes('.')) {
      const ipv4 = parseIpv4Number(part);
      if (ipv4 === null) return null;
      groups.push(Math.floor(ipv4 / 65536), ipv4 % 65536);
    } else if (IPV6_GROUP.test(part)) {
      groups.push(Number.parseInt(part, 16));
    } else {
      return null;
    }
  }
  return groups;
}

function parseIpv6Words(text: string): number[] | null {
  const gap = text.indexOf('::');
  let groups: number[] | null;
  if (gap === -1) {
    groups = parseIpv6Groups(text, true);
    if (groups === null || groups.length !== 8) return null;
  } else {
    if (text.indexOf('::', gap + 1) !== -1) return null;
    const head = parseIpv6Groups(text.slice(0, gap), false);
    const tail = parseIpv6Groups(text.slice(gap + 2), true);
    if (head === null || tail === null || head.length + tail.length > 7) return null;
    groups = [...head, ...new Array<number>(8 - head.length - tail.length).fill(0), ...tail];
  }
  const words: number[] = [];
  for (let index = 0; index < 8; index += 2) words.push(groups[index]! * 65536 + groups[index + 1]!);
  return words;
}

/** Parses a plain IPv4 or IPv6 address (no zone index, no prefix); null for anything else. */
export function parseIpAddress(text: string): IpAddressValue | null {
  if (text.includes(':')) {
    const words = parseIpv6Words(text);
    return words === null ? null : { family: 6, words };
  }
  const ipv4 = parseIpv4Number(text);
  return ipv4 === null ? null : { family: 4, words: [ipv4] };
}

/** Parses `address/prefix` or a plain address (a single-host block); null when invalid. */
export function parseCidr(text: string): CidrBlock | null {
  const slash = text.indexOf('/');
  const address = parseIpAddress(slash === -1 ? text : text.slice(0, slash));
  if (address === null) return null;
  const maxLength = address.family === 4 ? 32 : 128;
  if (slash === -1) return { ...address, prefixLength: maxLength };
  const lengthText = text.slice(slash + 1);
  if (!PREFIX_LENGTH.test(lengthText)) return null;
  const prefixLength = Number(lengthText);
  return prefixLength > maxLength ? null : { ...address, prefixLength };
}

/** Whether the address lies in the block; addresses of the other family never do. */
export function cidrContains(block: CidrBlock, address: IpAddressValue): boolean {
  if (block.family !== address.family) return false;
  for (let index = 0; index < block.words.length; index++) {
    const bits = Math.min(32, Math.max(0, block.prefixLength - index * 32));
    if (bits === 0) return true;
    const mask = (0xffffffff << (32 - bits)) >>> 0;
    if ((block.words[index]! & mask) >>> 0 !== (address.words[index]! & mask) >>> 0) return false;
  }
  return true;
}

const CIDR_CACHE_LIMIT = 2_000;
const cidrCache = new Map<string, CidrBlock | null>();

/** Policy CIDRs repeat across evaluations: parse each once (bounded cache). */
function cachedCidr(text: string): CidrBlock | null {
  let block = cidrCache.get(text);
  if (block === undefined) {
    block = parseCidr(text);
    if (cidrCache.size >= CIDR_CACHE_LIMIT) cidrCache.clear();
    cidrCache.set(text, block);
  }
  return block;
}

// One request is checked against many statements and CIDRs: remember the last request address parsed.
let lastRequestText: string | undefined;
let lastRequestParsed: IpAddressValue | null = null;

function lastRequestAddress(text: string): IpAddressValue | null {
  if (text !== lastRequestText) {
    lastRequestParsed = parseIpAddress(text);
    lastRequestText = text;
  }
  return lastRequestParsed;
}

/** Request IP inside the policy CIDR (or equal to the policy address). A request value that is not an IP
 * address never matches, so under NotIpAddress it counts as outside every range. */
export const IpAddress: BaseOperator = {
  name: 'IpAddress',
  negated: false,
  usesVariables: false,
  matches(requestValue, policyValue) {
    const block = cachedCidr(policyValue);
    if (block === null) return false;
    const address = lastRequestAddress(requestValue);
    return address !== null && cidrContains(block, address);
  },
};

export const NotIpAddress: BaseOperator = { ...IpAddress, name: 'NotIpAddress', negated: true };
