import { reminderWindowStart, type ReminderPolicy } from '../../../platform/reporting/schedule.ts';
import { reportDueDate } from './annual-report.ts';

/**
 * When the daily scheduled start opens a year's annual-report reminders (schedule-use-cases.ts).
 * The reminders of year Y begin with the first reminder before its due date (the configured `MM-DD`
 * of Y+1, Beijing, minus the policy's largest `daysBefore`), never before 1 January of Y+1 (a report
 * can only be filed once its year has ended). From that day to the due date the township's
 * reminders are started; after the due date they are left alone (started then, every report would
 * be overdue at once: the township starts them by hand if it wants the overdue reminders). Windows
 * of different years never overlap, as each lies inside the year after its report's year.
 */

/** The report year whose reminder window holds `today` (Beijing), or undefined. */
export function reminderYearOn(today: string, due: string, policy: Pick<ReminderPolicy, 'daysBefore'>): number | undefined {
  const year = Number(today.slice(0, 4)) - 1;
  const dueDate = reportDueDate(year, due);
  const start = reminderWindowStart(dueDate, policy.daysBefore, { notBefore: `${year + 1}-01-01` });
  return start <= today && today <= dueDate ? year : undefined;
}

export interface ReminderStart {
  readonly township: string;
  readonly year: number;
}

/**
 * The townships whose reminders to start on `today`: every township that has organisations owing
 * reports, in the year whose window holds today, unless already started (`started`: township codes
 * whose reminders of that year were started, by a run before or by hand). Each once, in code order.
 */
export function remindersToStart(today: string, due: string, policy: Pick<ReminderPolicy, 'daysBefore'>, townships: Iterable<string>, started: ReadonlySet<string>): ReminderStart[] {
  const year = reminderYearOn(today, due, policy);
  if (year === undefined) return [];
  return [...new Set(townships)]
    .filter((t) => !started.has(t))
    .sort()
    .map((township) => ({ township, year }));
}
