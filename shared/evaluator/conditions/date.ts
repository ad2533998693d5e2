import type { BaseOperator } from './operator.ts';

const EPOCH_SECONDS = /^-?\d+$/;
/** W3C/ISO 8601 profile: YYYY, YYYY-MM, YYYY-MM-DD, then optional Thh:mm[:ss[.fff]] and zone. */
const ISO_EXTENDED =
  /^(\d{4})(?:-(\d{2})(?:-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?(Z|[+-]\d{2}(?::?\d{2})?)?)?)?)?$/i;
/** ISO 8601 basic form as in SigV4 dates: YYYYMMDDThhmmssZ. */
const ISO_BASIC = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/i;

function zoneOffsetMinutes(zone: string | undefined): number {
  if (zone === undefined || zone === 'Z' || zone === 'z') return 0;
  const sign = zone[0] === '-' ? -1 : 1;
  const digits = zone.slice(1).replace(':', '');
  const hours = Number(digits.slice(0, 2));
  const minutes = digits.length > 2 ? Number(digits.slice(2, 4)) : 0;
  return sign * (hours * 60 + minutes);
}

function daysInMonth(year: number, monthIndex: number): number {
  if (monthIndex !== 1)
    return monthIndex === 3 || monthIndex === 5 || monthIndex === 8 || monthIndex === 10 ? 30 : 31;
  return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
}

function utcMillis(parts: (string | undefined)[], zone: string | undefined): number | null {
  const [year, month = '1', day = '1', hour = '0', minute = '0', second = '0', fraction = ''] = parts;
  const fullYear = Number(year);
  const monthIndex = Number(month) - 1;
  const dayOfMonth = Number(day);
  const hours = Number(hour);
  const minutes = Number(minute);
  const seconds = Number(second);
  if (monthIndex < 0 || monthIndex > 11 || dayOfMonth < 1 || dayOfMonth > daysInMonth(fullYear, monthIndex)) {
    return null;
  }
  if (hours > 23 || minutes > 59 || seconds > 59) return null;
  const millis = fraction === '' ? 0 : Math.floor(Number(`0.${fraction}`) * 1000);
  const utc = Date.UTC(fullYear, monthIndex, dayOfMonth, hours, minutes, seconds, millis);
  return utc - zoneOffsetMinutes(zone) * 60_000;
}

/**
 * Milliseconds since the epoch for an ISO 8601 date (a time without zone is UTC) or for epoch seconds
 * (as `aws:EpochTime` carries them); null otherwise. Never depends on the local time zone.
 */
export function parseDate(text: string): number | null {
  if (EPOCH_SECONDS.test(text)) return Number(text) * 1000;
  const extended = ISO_EXTENDED.exec(text);
  if (extended !== null) return utcMillis(extended.slice(1, 8), extended[8]?.toUpperCase());
  const basic = ISO_BASIC.exec(text);
  if (basic !== null) return utcMillis(basic.slice(1, 7), 'Z');
  return null;
}

/** Builds a date operator testing `request <op> policy`; unparseable dates on either side never match. */
function dateOperator(name: string, test: (request: number, policy: number) => boolean): BaseOperator {
  return {
    name,
    negated: false,
    usesVariables: false,
    matches(requestValue, policyValue) {
      const policy = parseDate(policyValue);
      if (policy === null) return false;
      const request = parseDate(requestValue);
      return request !== null && test(request, policy);
    },
  };
}

export const DateEquals = dateOperator('DateEquals', (request, policy) => request === policy);
export const DateNotEquals: BaseOperator = { ...DateEquals, name: 'DateNotEquals', negated: true };
export const DateLessThan = dateOperator('DateLessThan', (request, policy) => request < policy);
export const DateLessThanEquals = dateOperator('DateLessThanEquals', (request, policy) => request <= policy);
export const DateGreaterThan = dateOperator('DateGreaterThan', (request, policy) => request > policy);
export const DateGreaterThanEquals = dateOperator(
  'DateGreaterThanEquals',
  (request, policy) => request >= policy,
);
