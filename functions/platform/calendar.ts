import * as z from 'zod';

/**
 * Calendar dates are judged in Beijing time (Asia/Shanghai, UTC+8 all year: China has no daylight
 * saving time since 1991), whatever the server's zone: a window that closes on 31 March closes at
 * midnight in the county, not at 08:00 the next morning as a UTC date would have it.
 */
const beijingOffsetMs = 8 * 3_600_000;

/** The calendar date (`YYYY-MM-DD`) in Beijing at `instant`. */
export function beijingDate(instant: Date): string {
  return new Date(instant.getTime() + beijingOffsetMs).toISOString().slice(0, 10);
}

/** Days in a month of the Gregorian calendar (month 1–12). */
export function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

/** Whether `text` is `YYYY-MM-DD` naming a day that exists (no 2025-02-30, month 13 or day 00). */
export function isCalendarDate(text: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (!m) return false;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  return month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month);
}

/**
 * The one schema for every calendar date the product takes (`YYYY-MM-DD`, a day in the proleptic
 * Gregorian calendar): the format and that the day exists. Such dates compare correctly as strings.
 */
export const calendarDateSchema = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date YYYY-MM-DD')
  .refine((text) => !/^\d{4}-\d{2}-\d{2}$/.test(text) || isCalendarDate(text), 'must be a day that exists in the calendar');

// Calendar-date arithmetic on the UTC days of the strings: a date has no time zone, so no Beijing
// offset enters here.

const msPerDay = 86_400_000;

function utcDay(date: string): number {
  if (!isCalendarDate(date)) throw new RangeError(`not a calendar date: ${JSON.stringify(date)}`);
  return Date.UTC(Number(date.slice(0, 4)), Number(date.slice(5, 7)) - 1, Number(date.slice(8, 10)));
}

function dateOfUtcDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/** `YYYY-MM-DD` from year, month (1–12) and day. */
export function calendarDate(year: number, month: number, day: number): string {
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

/** The calendar date `days` days after `date` (before it if negative). */
export function addDays(date: string, days: number): string {
  if (!Number.isInteger(days)) throw new RangeError(`days must be a whole number, got ${days}`);
  return dateOfUtcDay(utcDay(date) + days * msPerDay);
}

/** Whole days from `from` to `to` (negative if `to` is earlier). */
export function daysBetween(from: string, to: string): number {
  return Math.round((utcDay(to) - utcDay(from)) / msPerDay);
}
