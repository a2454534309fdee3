import * as z from 'zod';
import { addDays, calendarDate, daysBetween, daysInMonth, isCalendarDate } from '../../../platform/calendar.ts';

export { addDays, calendarDate, daysBetween, daysInMonth };

/**
 * Reporting periods of the pairing program (结对帮扶): months, half-years and years of the
 * Gregorian calendar, named by ids that read as what they are and sort as they fall:
 *
 * | type          | id        | start      | end        | DHIS2 id |
 * | ------------- | --------- | ---------- | ---------- | -------- |
 * | `monthly`     | `2025-03` | 2025-03-01 | 2025-03-31 | `202503` |
 * | `half-yearly` | `2025S1`  | 2025-01-01 | 2025-06-30 | `2025S1` |
 * | `half-yearly` | `2025S2`  | 2025-07-01 | 2025-12-31 | `2025S2` |
 * | `yearly`      | `2025`    | 2025-01-01 | 2025-12-31 | `2025`   |
 *
 * Half-years and years are DHIS2's own ids (SixMonthly, Yearly). A month is the ISO 8601 calendar
 * month `2025-03` rather than DHIS2's `202503`, which reads as a number and is one digit away from
 * a year range; `dhis2PeriodId` gives DHIS2's form for an export. Within one type, ids sort as
 * their periods fall (string order is time order). Dates are calendar dates `YYYY-MM-DD`, both ends
 * inclusive; which day it is at an instant is judged in Beijing (platform/calendar.ts).
 *
 * All date arithmetic here is done on the UTC date of a calendar-date string (`Date.UTC`), never in
 * the process's local time zone, so no result depends on the server's zone.
 */

export const periodTypeValues = ['monthly', 'half-yearly', 'yearly'] as const;
export const periodTypeSchema = z.enum(periodTypeValues);
export type PeriodType = z.infer<typeof periodTypeSchema>;

/** Years a period may fall in: four-digit ids and dates, with room for a due date after the last. */
export const minPeriodYear = 1900;
export const maxPeriodYear = 2999;

/** How many periods of a type a year holds, and how many months each lasts. */
export const periodsPerYear: Readonly<Record<PeriodType, number>> = { monthly: 12, 'half-yearly': 2, yearly: 1 };
export const monthsPerPeriod: Readonly<Record<PeriodType, number>> = { monthly: 1, 'half-yearly': 6, yearly: 12 };

/** One period: its id, type, year, position within the year (month 1–12, half 1–2, 1 for a year) and its first and last day. */
export interface Period {
  id: string;
  type: PeriodType;
  year: number;
  /** 1-based position within the year: the month (1–12), the half (1–2), or 1 for a year. */
  index: number;
  /** First day, `YYYY-MM-DD`. */
  start: string;
  /** Last day (inclusive), `YYYY-MM-DD`. */
  end: string;
}

// ---- periods ----

function checkYear(year: number): void {
  if (!Number.isInteger(year) || year < minPeriodYear || year > maxPeriodYear) {
    throw new RangeError(`year must be a whole number from ${minPeriodYear} to ${maxPeriodYear}, got ${year}`);
  }
}

/** The period of `type` that is the `index`-th of `year` (month 1–12, half 1–2, year 1). */
export function periodOf(type: PeriodType, year: number, index: number): Period {
  checkYear(year);
  if (!Number.isInteger(index) || index < 1 || index > periodsPerYear[type]) {
    throw new RangeError(`a ${type} period's index must be from 1 to ${periodsPerYear[type]}, got ${index}`);
  }
  const months = monthsPerPeriod[type];
  const firstMonth = (index - 1) * months + 1;
  const lastMonth = firstMonth + months - 1;
  const id =
    type === 'monthly' ? `${year}-${String(index).padStart(2, '0')}` : type === 'half-yearly' ? `${year}S${index}` : String(year);
  return { id, type, year, index, start: calendarDate(year, firstMonth, 1), end: calendarDate(year, lastMonth, daysInMonth(year, lastMonth)) };
}

/** The period of `type` that holds the calendar date `date`. */
export function periodContaining(type: PeriodType, date: string): Period {
  if (!isCalendarDate(date)) throw new RangeError(`not a calendar date: ${JSON.stringify(date)}`);
  const year = Number(date.slice(0, 4));
  const month = Number(date.slice(5, 7));
  return periodOf(type, year, Math.floor((month - 1) / monthsPerPeriod[type]) + 1);
}

/** The period right after `period`, of the same type. */
export function nextPeriod(period: Period): Period {
  return periodContaining(period.type, addDays(period.end, 1));
}

const periodIdPattern = /^(\d{4})(?:-(\d{2})|S([12]))?$/;

/** The period an id names (`2025-03`, `2025S1`, `2025`), or undefined if it names none. */
export function parsePeriod(id: string): Period | undefined {
  const m = periodIdPattern.exec(id);
  if (!m) return undefined;
  const year = Number(m[1]);
  if (year < minPeriodYear || year > maxPeriodYear) return undefined;
  if (m[2] !== undefined) {
    const month = Number(m[2]);
    return month >= 1 && month <= 12 ? periodOf('monthly', year, month) : undefined;
  }
  if (m[3] !== undefined) return periodOf('half-yearly', year, Number(m[3]));
  return periodOf('yearly', year, 1);
}

/** A period id: `YYYY-MM` (month), `YYYYS1`/`YYYYS2` (half-year) or `YYYY` (year). */
export const periodIdSchema = z
  .string()
  .refine((id) => parsePeriod(id) !== undefined, 'must be a period id: YYYY-MM (month), YYYYS1 or YYYYS2 (half-year), or YYYY (year)');

/** DHIS2's id of the same period (Monthly `202503`, SixMonthly `2025S1`, Yearly `2025`), for exports. */
export function dhis2PeriodId(period: Period): string {
  return period.type === 'monthly' ? period.id.replace('-', '') : period.id;
}

/** Every period of `type` from 1 January of `firstYear` to 31 December of `lastYear`, in order. */
export function periodsBetween(type: PeriodType, firstYear: number, lastYear: number): Period[] {
  checkYear(firstYear);
  checkYear(lastYear);
  if (lastYear < firstYear) throw new RangeError(`lastYear (${lastYear}) is before firstYear (${firstYear})`);
  const periods: Period[] = [];
  for (let year = firstYear; year <= lastYear; year++) {
    for (let index = 1; index <= periodsPerYear[type]; index++) periods.push(periodOf(type, year, index));
  }
  return periods;
}
