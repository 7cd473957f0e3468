import { describe, expect, it } from 'vitest';
import { parseValidity } from '../../src/issuers/validity.js';
import { CertkitError, exitStatusOf } from '../../src/errors.js';

const now = new Date('2026-01-31T12:00:00Z');

describe('parseValidity', () => {
  const good: [string, string, number, string][] = [
    ['300d', 'DAYS', 300, '2026-11-27T12:00:00.000Z'],
    ['1d', 'DAYS', 1, '2026-02-01T12:00:00.000Z'],
    ['12m', 'MONTHS', 12, '2027-01-31T12:00:00.000Z'],
    // Jan 31 + 1 month clamps to the last day of February.
    ['1m', 'MONTHS', 1, '2026-02-28T12:00:00.000Z'],
    ['1y', 'YEARS', 1, '2027-01-31T12:00:00.000Z'],
    ['100y', 'YEARS', 100, '2126-01-31T12:00:00.000Z'],
    ['1200m', 'MONTHS', 1200, '2126-01-31T12:00:00.000Z'],
    [' 30d ', 'DAYS', 30, '2026-03-02T12:00:00.000Z'],
    ['2027-01-31', 'END_DATE', 20270131235959, '2027-01-31T23:59:59.000Z'],
    ['2027-01-31T10:00:00Z', 'END_DATE', 20270131100000, '2027-01-31T10:00:00.000Z'],
    ['2027-01-31T10:00:00.750Z', 'END_DATE', 20270131100000, '2027-01-31T10:00:00.000Z'],
    ['2027-01-31T10:00+02:00', 'END_DATE', 20270131080000, '2027-01-31T08:00:00.000Z'],
    ['2028-02-29', 'END_DATE', 20280229235959, '2028-02-29T23:59:59.000Z'],
  ];
  it.each(good)('%s → %s %d', (text, type, value, notAfter) => {
    const v = parseValidity(text, now);
    expect({ type: v.type, value: v.value, notAfter: v.notAfter.toISOString() }).toEqual({ type, value, notAfter });
  });

  const bad: [string, string][] = [
    ['', "--validity '': not a validity period or an end date"],
    ['0d', "--validity '0d': not a validity period or an end date"],
    ['-5d', "--validity '-5d': not a validity period or an end date"],
    ['300', "--validity '300' has no unit: did you mean 300d?"],
    ['300D', "--validity '300D': not a validity period or an end date"],
    ['1.5y', "--validity '1.5y': not a validity period or an end date"],
    ['030d', "--validity '030d': not a validity period or an end date"],
    ['1000000d', "--validity '1000000d': not a validity period or an end date"],
    ['101y', "--validity '101y': longer than the 100-year limit"],
    ['1201m', "--validity '1201m': longer than the 100-year limit"],
    ['36526d', "--validity '36526d': longer than the 100-year limit"],
    ['2026-02-30', "--validity '2026-02-30': not a calendar date"],
    ['2027-13-01', "--validity '2027-13-01': not a calendar date"],
    ['2027-01-31T25:00:00Z', "--validity '2027-01-31T25:00:00Z': not a valid date and time"],
    ['2027-01-31T10:00:00', "--validity '2027-01-31T10:00:00': not a validity period or an end date"],
    ['2020-01-01', "--validity '2020-01-01': the end date is not in the future"],
    ['2026-01-31T12:00:00Z', "--validity '2026-01-31T12:00:00Z': the end date is not in the future"],
    ['2200-01-01', "--validity '2200-01-01': longer than the 100-year limit"],
    ['tomorrow', "--validity 'tomorrow': not a validity period or an end date"],
  ];
  it.each(bad)('refuses %j', (text, message) => {
    let err: unknown;
    try {
      parseValidity(text, now);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(CertkitError);
    const ce = err as CertkitError;
    expect([ce.code, exitStatusOf(ce), ce.message]).toEqual(['USAGE', 2, message]);
    expect(ce.message).not.toContain('\n');
  });
});
