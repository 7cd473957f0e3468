/**
 * Certificate validity as the CLI takes it (`--validity`): a period (`300d`, `12m`, `1y`) or an
 * end date (`2027-01-31`, or a full ISO 8601 time). The result carries both ACM PCA's
 * `{Type, Value}` form and the concrete `notAfter` a local CA needs.
 */
import { CertkitError } from '../errors.js';
import { MAX_VALIDITY_YEARS } from '../limits.js';
import { quoteInput } from '../quote.js';

export type ValidityType = 'DAYS' | 'MONTHS' | 'YEARS' | 'END_DATE';

export interface Validity {
  /** ACM PCA's `Validity.Type`. */
  readonly type: ValidityType;
  /**
   * ACM PCA's `Validity.Value`: the count of days/months/years, or for END_DATE the end in
   * GeneralizedTime digits `YYYYMMDDHHMMSS` (UTC) as an integer, which is how PCA reads END_DATE.
   */
  readonly value: number;
  /** The moment the certificate stops being valid, computed from `now`. */
  readonly notAfter: Date;
}

/** The longest validity accepted (100 years, src/limits.ts); beyond that it is almost surely a typo. */
export { MAX_VALIDITY_YEARS };

const PERIOD = /^([1-9][0-9]{0,5})([dmy])$/;
const DATE_ONLY = /^([0-9]{4})-([0-9]{2})-([0-9]{2})$/;
const DATE_TIME =
  /^([0-9]{4})-([0-9]{2})-([0-9]{2})T([0-9]{2}):([0-9]{2})(?::([0-9]{2})(?:\.[0-9]{1,9})?)?(Z|[+-][0-9]{2}:[0-9]{2})$/;

function usage(text: string, message: string): CertkitError {
  return new CertkitError('USAGE', `--validity '${quoteInput(text)}': ${message}`, {
    hint: 'use a period such as 300d, 12m or 1y, or an end date such as 2027-01-31',
  });
}

/** Adds whole calendar months in UTC, clamping the day (Jan 31 + 1 month = Feb 28/29). */
function addMonthsUtc(from: Date, months: number): Date {
  const y = from.getUTCFullYear();
  const m = from.getUTCMonth() + months;
  const target = new Date(from.getTime());
  target.setUTCDate(1);
  target.setUTCFullYear(y + Math.floor(m / 12), ((m % 12) + 12) % 12, 1);
  const lastDay = new Date(Date.UTC(target.getUTCFullYear(), target.getUTCMonth() + 1, 0)).getUTCDate();
  target.setUTCDate(Math.min(from.getUTCDate(), lastDay));
  return target;
}

function validCalendarDate(y: number, mo: number, d: number): boolean {
  if (mo < 1 || mo > 12 || d < 1) return false;
  return d <= new Date(Date.UTC(y, mo, 0)).getUTCDate();
}

/**
 * Parses a `--validity` value relative to `now` (injected: the function is pure). A number
 * without a unit (keytool's days) is refused with a "did you mean 300d?" rather than taken as days.
 * Throws a USAGE CertkitError with a one-line message for anything malformed, in the past,
 * zero, or longer than {@link MAX_VALIDITY_YEARS} years.
 */
export function parseValidity(text: string, now: Date): Validity {
  const s = text.trim();
  const limit = addMonthsUtc(now, MAX_VALIDITY_YEARS * 12);
  const period = PERIOD.exec(s);
  if (period !== null) {
    const n = Number(period[1]);
    const unit = period[2];
    let type: ValidityType;
    let notAfter: Date;
    if (unit === 'd') {
      type = 'DAYS';
      notAfter = new Date(now.getTime() + n * 86_400_000);
    } else if (unit === 'm') {
      type = 'MONTHS';
      notAfter = n > MAX_VALIDITY_YEARS * 12 ? new Date(8.64e15) : addMonthsUtc(now, n);
    } else {
      type = 'YEARS';
      notAfter = n > MAX_VALIDITY_YEARS ? new Date(8.64e15) : addMonthsUtc(now, n * 12);
    }
    if (notAfter.getTime() > limit.getTime()) {
      throw usage(text, `longer than the ${MAX_VALIDITY_YEARS}-year limit`);
    }
    return { type, value: n, notAfter };
  }

  let end: Date | undefined;
  const dateOnly = DATE_ONLY.exec(s);
  if (dateOnly !== null) {
    const [y, mo, d] = [Number(dateOnly[1]), Number(dateOnly[2]), Number(dateOnly[3])];
    if (!validCalendarDate(y, mo, d)) throw usage(text, 'not a calendar date');
    // A date alone means the end of that day, UTC: the certificate is valid through it.
    end = new Date(Date.UTC(y, mo - 1, d, 23, 59, 59));
  } else {
    const dt = DATE_TIME.exec(s);
    if (dt !== null) {
      const [y, mo, d, h, mi, se] = [1, 2, 3, 4, 5, 6].map((i) => Number(dt[i] ?? '0')) as [
        number, number, number, number, number, number,
      ];
      if (!validCalendarDate(y, mo, d) || h > 23 || mi > 59 || se > 59) {
        throw usage(text, 'not a valid date and time');
      }
      const t = Date.parse(s);
      if (Number.isNaN(t)) throw usage(text, 'not a valid date and time');
      end = new Date(t);
    }
  }
  if (end === undefined) {
    // keytool's -validity counts days; here a unit is needed (a bare 12 could mean months).
    if (/^[1-9][0-9]{0,5}$/.test(s)) {
      throw new CertkitError('USAGE', `--validity '${s}' has no unit: did you mean ${s}d?`, {
        hint: "keytool's -validity counts days; certkit takes 300d, 12m or 1y",
      });
    }
    throw usage(text, 'not a validity period or an end date');
  }
  // PCA's END_DATE value has whole seconds; sub-second precision would not survive.
  const notAfter = new Date(Math.floor(end.getTime() / 1000) * 1000);
  if (notAfter.getTime() <= now.getTime()) throw usage(text, 'the end date is not in the future');
  if (notAfter.getTime() > limit.getTime()) {
    throw usage(text, `longer than the ${MAX_VALIDITY_YEARS}-year limit`);
  }
  return { type: 'END_DATE', value: generalizedTimeDigits(notAfter), notAfter };
}

/** `YYYYMMDDHHMMSS` in UTC as an integer (e.g. 20270131235959). */
function generalizedTimeDigits(d: Date): number {
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  return Number(
    `${p(d.getUTCFullYear(), 4)}${p(d.getUTCMonth() + 1)}${p(d.getUTCDate())}` +
      `${p(d.getUTCHours())}${p(d.getUTCMinutes())}${p(d.getUTCSeconds())}`,
  );
}
