import * as z from 'zod';
import { beijingDate, calendarDateSchema } from '../../../platform/calendar.ts';
import {
  addDays,
  calendarDate,
  daysInMonth,
  monthsPerPeriod,
  periodContaining,
  periodsBetween,
  nextPeriod,
  periodTypeSchema,
  type Period,
  type PeriodType,
} from './period.ts';

/**
 * The reporting schedule of a pairing term, as data (docs/pairing-schedule.md). A rule names a
 * period type and when its report is due: a day inside the period ("monthly, by the 28th"), or a
 * number of days after the period ends ("half-year, by 5 July" = 5 days after 30 June). Tianjin's
 * rules use both kinds; DHIS2's timely and expiry days count from the period's end, so it can
 * only say the second.
 *
 * Every date is a calendar date judged in Beijing (Asia/Shanghai, UTC+8): a report is on time if it
 * was filed on or before the due date as the county's calendar has it, i.e. before 00:00 Beijing
 * (16:00 UTC) of the day after.
 */

/**
 * Due on a day inside the period. `day` is the day of the month, 1–31; a day past the month's end
 * means its last day (a "31st" in February is the 28th or 29th; the 28th always exists).
 * `monthInPeriod` says which month of the period, counted from its first: 1–6 for a half-year, 1–12
 * for a year (6 and 12 = the period's last month). A monthly rule has one month and names none.
 */
export const dayInPeriodSchema = z.strictObject({
  kind: z.literal('day-in-period'),
  day: z.number().int('must be a whole day of the month').min(1, 'must be from 1 to 31').max(31, 'must be from 1 to 31'),
  monthInPeriod: z.number().int('must be a whole month').min(1, 'must be from 1 to 12').max(12, 'must be from 1 to 12').optional(),
});
export type DayInPeriod = z.infer<typeof dayInPeriodSchema>;

/** Due `days` days after the period's last day (0 = on its last day). */
export const daysAfterEndSchema = z.strictObject({
  kind: z.literal('days-after-end'),
  days: z.number().int('must be a whole number of days').min(0, 'must not be negative').max(366, 'must be at most 366'),
});
export type DaysAfterEnd = z.infer<typeof daysAfterEndSchema>;

export const dueRuleSchema = z.discriminatedUnion('kind', [dayInPeriodSchema, daysAfterEndSchema]);
export type DueRule = z.infer<typeof dueRuleSchema>;

export const scheduleRuleSchema = z
  .strictObject({
    periodType: periodTypeSchema,
    due: dueRuleSchema,
  })
  .superRefine((rule, ctx) => {
    if (rule.due.kind !== 'day-in-period') return;
    const months = monthsPerPeriod[rule.periodType];
    const month = rule.due.monthInPeriod;
    if (months === 1) {
      if (month !== undefined) ctx.addIssue({ code: 'custom', path: ['due', 'monthInPeriod'], message: 'must be left out for a monthly rule: a month has one month' });
    } else if (month === undefined) {
      ctx.addIssue({ code: 'custom', path: ['due', 'monthInPeriod'], message: `is required for a ${rule.periodType} rule: which of the period's ${months} months (1–${months})` });
    } else if (month > months) {
      ctx.addIssue({ code: 'custom', path: ['due', 'monthInPeriod'], message: `must be from 1 to ${months} for a ${rule.periodType} rule` });
    }
  });
export type ScheduleRule = z.infer<typeof scheduleRuleSchema>;

/** A term's schedule: at least one rule, at most one per period type. */
export const scheduleSchema = z
  .array(scheduleRuleSchema)
  .min(1, 'must have at least one rule')
  .superRefine((rules, ctx) => {
    const seen = new Map<PeriodType, number>();
    rules.forEach((rule, index) => {
      const first = seen.get(rule.periodType);
      if (first !== undefined) ctx.addIssue({ code: 'custom', path: [index, 'periodType'], message: `duplicates rule ${first}: one rule per period type` });
      else seen.set(rule.periodType, index);
    });
  });
export type Schedule = z.infer<typeof scheduleSchema>;

/** Tianjin's rules: monthly reports by the 28th, half-year reports by 5 July / 5 January, yearly reports by 5 January. */
export const tianjinSchedule: Schedule = [
  { periodType: 'monthly', due: { kind: 'day-in-period', day: 28 } },
  { periodType: 'half-yearly', due: { kind: 'days-after-end', days: 5 } },
  { periodType: 'yearly', due: { kind: 'days-after-end', days: 5 } },
];

/** A period with the date its report is due. */
export interface ScheduledPeriod extends Period {
  /** Last day on which a report is on time, `YYYY-MM-DD` (Beijing). */
  due: string;
}

function checkRuleFits(rule: ScheduleRule, period: Period): void {
  if (rule.periodType !== period.type) throw new RangeError(`a ${rule.periodType} rule does not apply to the ${period.type} period ${period.id}`);
}

/** The due date of `period`'s report under `rule`. */
export function dueDate(rule: ScheduleRule, period: Period): string {
  checkRuleFits(rule, period);
  const due = rule.due;
  if (due.kind === 'days-after-end') return addDays(period.end, due.days);
  const firstMonth = Number(period.start.slice(5, 7));
  const month = firstMonth + (due.monthInPeriod ?? 1) - 1;
  if (month > firstMonth + monthsPerPeriod[period.type] - 1) throw new RangeError(`month ${due.monthInPeriod} is not in the ${period.type} period ${period.id}`);
  return calendarDate(period.year, month, Math.min(due.day, daysInMonth(period.year, month)));
}

function scheduled(rule: ScheduleRule, period: Period): ScheduledPeriod {
  return { ...period, due: dueDate(rule, period) };
}

/** Every period of a term from 1 January of `firstYear` to 31 December of `lastYear`, in order, with its due date. */
export function periodsOf(rule: ScheduleRule, firstYear: number, lastYear: number): ScheduledPeriod[] {
  return periodsBetween(rule.periodType, firstYear, lastYear).map((period) => scheduled(rule, period));
}

/** The period of `rule`'s type that holds the Beijing date at `now`, with its due date. */
export function currentPeriod(rule: ScheduleRule, now: Date): ScheduledPeriod {
  return scheduled(rule, periodContaining(rule.periodType, beijingDate(now)));
}

function periodBefore(period: Period): Period {
  return periodContaining(period.type, addDays(period.start, -1));
}

/**
 * The earliest period whose report is not yet past due at `now` (Beijing): the one a unit reports
 * on. With a due day inside the period that is the current period until its due date passes, then
 * the next; with days after the end it is the period just ended until its due date (on 3 July, the
 * first half-year, due 5 July), then the current one.
 */
export function reportingPeriod(rule: ScheduleRule, now: Date): ScheduledPeriod {
  const today = beijingDate(now);
  let period = periodContaining(rule.periodType, today);
  // Due dates rise with the periods, and none falls before its period starts: so the earlier
  // periods still open are just before the current one (a few at most, as a due date is at most
  // 366 days after its period's end), and if the current one is past due the next one is not.
  for (let previous = periodBefore(period); dueDate(rule, previous) >= today; previous = periodBefore(previous)) period = previous;
  if (dueDate(rule, period) < today) period = nextPeriod(period);
  return scheduled(rule, period);
}

/**
 * The periods of a term's schedule to open on `today` (Beijing) by the daily scheduled start: those
 * that have started and whose report is not yet past due, unless already opened. A period whose
 * due date has passed is left alone: opened now, all its reports would be missing at once (a term
 * created late, or a period the admin chose not to open); the admin can still open it by hand.
 * Missed days catch up: a period not opened on its first day is opened on the next run.
 */
export function periodsToOpen(term: { readonly firstYear: number; readonly lastYear: number; readonly schedule: Schedule }, today: string, opened: ReadonlySet<string>): ScheduledPeriod[] {
  const year = Number(today.slice(0, 4));
  // A due date lies at most 366 days after its period's end: a period of two years ago can still be
  // due on 1 January (31 December + 366 days after a common year), none older.
  if (year < term.firstYear || year - 2 > term.lastYear) return [];
  const from = Math.max(term.firstYear, year - 2);
  const to = Math.min(term.lastYear, year);
  return term.schedule.flatMap((rule) => periodsOf(rule, from, to).filter((p) => p.start <= today && today <= p.due && !opened.has(p.id)));
}

// ---- timeliness ----

export const timelinessValues = ['on-time', 'late', 'missing', 'not-due'] as const;
export type Timeliness = (typeof timelinessValues)[number];

/** The first instant at which a report due on `due` is late: 00:00 Beijing the next day (16:00 UTC on `due`). */
export function lateFrom(due: string): Date {
  return new Date(`${addDays(due, 1)}T00:00:00+08:00`);
}

/**
 * A report's timeliness against its due date, judged in Beijing:
 * - filed on or before the due date (Beijing): `on-time`; filed after it: `late`;
 * - not filed, the due date passed: `missing`; not filed, not yet past due: `not-due`.
 */
export function classify(input: { due: string; filedAt?: Date | undefined; now: Date }): Timeliness {
  const due = calendarDateSchema.parse(input.due);
  if (input.filedAt !== undefined) return beijingDate(input.filedAt) <= due ? 'on-time' : 'late';
  return beijingDate(input.now) > due ? 'missing' : 'not-due';
}
