import * as z from 'zod';
import { beijingDate } from '../../../platform/calendar.ts';
import { isPrintableText, printableMessage } from '../../../platform/names.ts';

/**
 * The annual report (年度报告) every active organisation files for the past year by a due date:
 * activities held, people served, income and spending in fen. The due date is configuration
 * (`MM-DD` of the year after the report's year, Beijing time; default 31 March).
 */
export const defaultReportDue = '03-31';

export const monthDaySchema = z.string().regex(/^(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/, 'must be a month and day MM-DD');

export const annualReportInputSchema = z.strictObject({
  activities: z.number().int().min(0).max(100_000),
  peopleServed: z.number().int().min(0).max(10_000_000),
  incomeFen: z.number().int().min(0).max(100_000_000_000),
  spendingFen: z.number().int().min(0).max(100_000_000_000),
  summary: z.string().trim().max(2000).refine(isPrintableText, printableMessage).optional(),
});
export type AnnualReportInput = z.infer<typeof annualReportInputSchema>;

/** The date (Beijing) a report for `year` is due, from the configured `MM-DD` (29 Feb falls back to 28 Feb in a common year). */
export function reportDueDate(year: number, due: string = defaultReportDue): string {
  const leap = (year + 1) % 4 === 0 && ((year + 1) % 100 !== 0 || (year + 1) % 400 === 0);
  const day = due === '02-29' && !leap ? '02-28' : due;
  return `${year + 1}-${day}`;
}

/** Whether a report for `year` filed on `filedOn` (Beijing date) was on time. */
export function filedOnTime(year: number, filedOn: string, due: string = defaultReportDue): boolean {
  return filedOn <= reportDueDate(year, due);
}

/** A report is for a year that has ended (Beijing): no report for the current or a future year. */
export function reportYearProblem(year: number, beijingToday: string): string | undefined {
  const current = Number(beijingToday.slice(0, 4));
  return year >= current ? `must be a year that has ended (before ${current})` : undefined;
}

/**
 * What a first filing at `at` records: the Beijing date it was filed on and whether that was by the
 * due date. A report filed at 23:59 Beijing on the due date (15:59 UTC) is on time, one filed a
 * minute later (16:00 UTC, still the due date in UTC) is late.
 */
export function firstFiling(year: number, at: Date, due: string = defaultReportDue): { filedOn: string; filedAt: string; dueDate: string; onTime: boolean } {
  const filedOn = beijingDate(at);
  return { filedOn, filedAt: at.toISOString(), dueDate: reportDueDate(year, due), onTime: filedOnTime(year, filedOn, due) };
}

/**
 * Where one organisation's report of a year stands on `today` (Beijing): filed by the due date
 * (`on-time`) or after it (`late`), not filed with the due date still ahead (`missing`) or passed
 * (`overdue`). Judged from the Beijing date of the first filing, as `onTime` was when it was filed.
 */
export const reportStates = ['on-time', 'late', 'missing', 'overdue'] as const;
export type ReportState = (typeof reportStates)[number];

export function reportState(input: { year: number; due: string; filedOn?: string | undefined; today: string }): ReportState {
  const dueDate = reportDueDate(input.year, input.due);
  if (input.filedOn !== undefined) return input.filedOn <= dueDate ? 'on-time' : 'late';
  return input.today > dueDate ? 'overdue' : 'missing';
}

export interface ReportTotals {
  /** Organisations that owe the year's report. */
  readonly expected: number;
  readonly filed: number;
  readonly onTime: number;
  readonly late: number;
  /** Not filed, whether or not the due date has passed … */
  readonly missing: number;
  /** … and of those, the ones past the due date. */
  readonly overdue: number;
}

export function reportTotals(states: Iterable<ReportState>): ReportTotals {
  const n = { expected: 0, filed: 0, onTime: 0, late: 0, missing: 0, overdue: 0 };
  for (const s of states) {
    n.expected++;
    if (s === 'on-time' || s === 'late') n.filed++;
    else n.missing++;
    if (s === 'on-time') n.onTime++;
    if (s === 'late') n.late++;
    if (s === 'overdue') n.overdue++;
  }
  return n;
}
