import {
  DateEquals,
  DateGreaterThan,
  DateGreaterThanEquals,
  DateLessThan,
  DateLessThanEquals,
  DateNotEquals,
  parseDate,
} from './date.ts';

describe('parseDate', () => {
  test.each<[string, number | null]>([
    ['2019-07-16T12:00:00Z', Date.UTC(2019, 6, 16, 12)],
    ['2019-07-16T12:00:00z', Date.UTC(2019, 6, 16, 12)],
    ['2019-07-16T12:00:00', Date.UTC(2019, 6, 16, 12)],
    ['2019-07-16T12:00Z', Date.UTC(2019, 6, 16, 12)],
    ['2019-07-16T12:00:00.250Z', Date.UTC(2019, 6, 16, 12, 0, 0, 250)],
    ['2019-07-16T12:00:00.123456Z', Date.UTC(2019, 6, 16, 12, 0, 0, 123)],
    ['2019-07-16T14:00:00+02:00', Date.UTC(2019, 6, 16, 12)],
    ['2019-07-16T07:30:00-0430', Date.UTC(2019, 6, 16, 12)],
    ['2019-07-16T14:00:00+02', Date.UTC(2019, 6, 16, 12)],
    ['2019-07-16', Date.UTC(2019, 6, 16)],
    ['2019-07', Date.UTC(2019, 6, 1)],
    ['20190716T120000Z', Date.UTC(2019, 6, 16, 12)],
    // Epoch seconds, as aws:EpochTime carries them (a bare year reads as epoch seconds too).
    ['1563278400', Date.UTC(2019, 6, 16, 12)],
    ['0', 0],
    ['-60', -60_000],
    ['2019', 2_019_000],
    ['2019-02-29', null],
    ['2020-02-29', Date.UTC(2020, 1, 29)],
    ['2019-13-01', null],
    ['2019-04-31', null],
    ['2019-07-16T24:00:00Z', null],
    ['July 16, 2019', null],
    ['', null],
    ['1563278400.5', null],
  ])('%j → %s', (text, expected) => {
    expect(parseDate(text)).toBe(expected);
  });
});

describe('Date operators (request <op> policy)', () => {
  const noon = '2019-07-16T12:00:00Z';
  const noonEpoch = '1563278400';
  test.each([
    [DateEquals, noon, noon, true],
    [DateEquals, noonEpoch, noon, true],
    [DateEquals, noon, noonEpoch, true],
    [DateEquals, '2019-07-16T14:00:00+02:00', noon, true],
    [DateEquals, noon, '2019-07-16T12:00:01Z', false],
    [DateLessThan, '2019-07-16T11:59:59Z', noon, true],
    [DateLessThan, noon, noon, false],
    [DateLessThan, '1563278399', noon, true],
    [DateLessThanEquals, noonEpoch, noon, true],
    [DateGreaterThan, '2019-07-17', noon, true],
    [DateGreaterThan, noon, noon, false],
    [DateGreaterThanEquals, noon, noonEpoch, true],
    [DateGreaterThanEquals, '2019-07-16', noon, false],
    [DateEquals, 'not a date', noon, false],
    [DateEquals, noon, 'not a date', false],
  ])('%#: request %j policy %j → %s', (operator, request, policy, expected) => {
    expect(operator.matches(request, policy, undefined)).toBe(expected);
  });

  test('DateNotEquals is the negated DateEquals', () => {
    expect(DateNotEquals).toMatchObject({ name: 'DateNotEquals', negated: true, usesVariables: false });
  });
});
