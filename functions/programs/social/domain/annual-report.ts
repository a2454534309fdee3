import * as z from 'zod';
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
