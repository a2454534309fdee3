import * as z from 'zod';
import { addDays, calendarDateSchema } from '../calendar.ts';

/**
 * When to remind whoever owes a periodic report (an assisting unit its pairing's progress report, a
 * social organisation its annual report), as pure functions of the due date and a policy: the
 * reminders N days before the due date, the due-date sweep (what is not filed becomes overdue), and
 * the overdue reminders every N days after it. Calendar dates are Beijing's; a reminder goes out at
 * `hourBeijing` o'clock of its day, the sweep at 00:00 Beijing of the day after the due date (the
 * first instant a report is late).
 */
const wholeDays = (min: number, max: number) => z.number().int('must be a whole number of days').min(min, `must be at least ${min}`).max(max, `must be at most ${max}`);

export const reminderPolicySchema = z.strictObject({
  /** Days before the due date on which to remind (7 = a week before). */
  daysBefore: z.array(wholeDays(0, 366)).max(10, 'at most 10 reminders before the due date'),
  /** Remind overdue reports every this many days, starting the day after the due date. */
  overdueEveryNDays: wholeDays(1, 366),
  /** Stop reminding this many days after the due date (the admin closes the period long before). */
  overdueForDays: wholeDays(0, 3_660).default(366),
  /**
   * Hour of the day (Beijing) at which reminders go out: 1–23, as 00:00 after the due date is the
   * sweep's, and two events at one instant would make "the first event after" skip one.
   */
  hourBeijing: z.number().int('must be a whole hour').min(1, 'must be 1–23 (00:00 is the due-date sweep)').max(23, 'must be 1–23').default(9),
});
export type ReminderPolicy = z.infer<typeof reminderPolicySchema>;

export const reportingEventKinds = ['reminder', 'due', 'overdue-reminder'] as const;
export type ReportingEventKind = (typeof reportingEventKinds)[number];

export interface ReportingEvent {
  readonly kind: ReportingEventKind;
  /** The instant it happens, ISO-8601 UTC. */
  readonly at: string;
  /** Its calendar date in Beijing. */
  readonly date: string;
}


/** `date` at `hour`:00 Beijing (UTC+8, no daylight saving), as an instant. */
function beijingInstant(date: string, hour: number): Date {
  return new Date(`${date}T${String(hour).padStart(2, '0')}:00:00+08:00`);
}

/** Every event of a report due on `due` under `policy`, in time order. */
export function reportingEvents(due: string, policy: ReminderPolicy): ReportingEvent[] {
  calendarDateSchema.parse(due);
  const events: ReportingEvent[] = [];
  const at = (kind: ReportingEventKind, date: string, instant: Date) => events.push({ kind, at: instant.toISOString(), date });
  for (const date of reminderDates(due, policy.daysBefore)) at('reminder', date, beijingInstant(date, policy.hourBeijing));
  at('due', addDays(due, 1), beijingInstant(addDays(due, 1), 0));
  for (const date of overdueReminderDates(due, policy.overdueEveryNDays, addDays(due, policy.overdueForDays))) {
    at('overdue-reminder', date, beijingInstant(date, policy.hourBeijing));
  }
  return events.sort((a, b) => a.at.localeCompare(b.at));
}

/**
 * The first event strictly after `after` (the period's opening, or the last event handled), or
 * undefined when none is left. Events before the period opened are skipped, not made up for: a
 * period opened three days before its due date gets no "a week before" reminder.
 */
export function nextReportingEvent(due: string, policy: ReminderPolicy, after: Date): ReportingEvent | undefined {
  const from = after.toISOString();
  return reportingEvents(due, policy).find((e) => e.at > from);
}

/**
 * The first day of the reminder window of a report due on `due`: the day of its first reminder
 * (the largest of `daysBefore`; the due date itself when there is none), not before `notBefore`
 * (say, the first day on which the report can be filed). From that day on a scheduled start opens
 * the report's reminders.
 */
export function reminderWindowStart(due: string, daysBefore: readonly number[], options: { notBefore?: string } = {}): string {
  const first = addDays(calendarDateSchema.parse(due), -Math.max(0, ...daysBefore.map((d) => daysSchema.parse(d))));
  const notBefore = options.notBefore === undefined ? undefined : calendarDateSchema.parse(options.notBefore);
  return notBefore !== undefined && notBefore > first ? notBefore : first;
}

/** Something owed: a report by a recipient, filed or not. */
export interface Obligation {
  readonly id: string;
  /** Outbox recipient (`unit:<id>`, `division:<code>` …). */
  readonly recipient: string;
  readonly division: string;
  readonly filed: boolean;
}

/** Who to remind: each obligation not filed, once (an obligation listed twice is one). */
export function whoToRemind<O extends Obligation>(obligations: Iterable<O>): O[] {
  const seen = new Map<string, O>();
  for (const o of obligations) if (!o.filed && !seen.has(o.id)) seen.set(o.id, o);
  return [...seen.values()];
}

const daysSchema = z.number().int().min(0).max(366);

/**
 * The dates on which to remind a unit before `due`: one per entry of `daysBefore` (7 = a week
 * before), in order, each once. Dates before `notBefore` (say, the period's first day: no reminder
 * for a period not yet open) are left out.
 */
export function reminderDates(due: string, daysBefore: readonly number[], options: { notBefore?: string } = {}): string[] {
  calendarDateSchema.parse(due);
  const dates = new Set(daysBefore.map((days) => addDays(due, -daysSchema.parse(days))));
  const notBefore = options.notBefore === undefined ? undefined : calendarDateSchema.parse(options.notBefore);
  return [...dates].filter((date) => notBefore === undefined || date >= notBefore).sort();
}

/** The most overdue reminders one call lists (a daily reminder for ten years). */
export const maxOverdueReminders = 3_660;

/**
 * The dates of the overdue reminders of a report due on `due` and not filed: the first day it is
 * missing (the day after `due`), then every `everyNDays` days, up to and including `until` (the
 * period's closing, or the day the caller looks ahead to).
 */
export function overdueReminderDates(due: string, everyNDays: number, until: string): string[] {
  calendarDateSchema.parse(due);
  calendarDateSchema.parse(until);
  if (!Number.isInteger(everyNDays) || everyNDays < 1) throw new RangeError(`everyNDays must be a whole number of days, at least 1, got ${everyNDays}`);
  const dates: string[] = [];
  for (let date = addDays(due, 1); date <= until; date = addDays(date, everyNDays)) {
    if (dates.length === maxOverdueReminders) throw new RangeError(`more than ${maxOverdueReminders} overdue reminders from ${due} to ${until}`);
    dates.push(date);
  }
  return dates;
}
