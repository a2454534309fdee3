import type { Actor } from '../../platform/principal.ts';
import { provinceCodes } from '../../platform/registries/domain/division.ts';
import { startOrFindNamedExecution } from '../../shared/executions.ts';
import { reportDue } from './config.ts';
import { reminderYearOn, remindersToStart } from './domain/report-schedule.ts';
import { annualReportSubjectId, socialReminderPolicy } from './reporting.ts';
import { townshipsWithCounted } from './store/coverage.ts';
import { recordReminderStart, remindersStartedFor } from './store/reminder-start.ts';

/**
 * Annual-report reminders start without anyone clicking: once a day (EventBridge Scheduler on AWS,
 * 00:05 Beijing; `POST /social/schedule/run` on the local host) every township with organisations
 * that owe reports gets its `social-annual-report` workflow for the year whose reminder window has
 * begun (domain/report-schedule.ts). The execution is named `<township>.<year>`, as when the
 * township starts it by hand, and a marker records the start, so a township's year starts once
 * however often, and by whom, it is started.
 */

export interface ReminderStartOutcome {
  readonly township: string;
  readonly year: number;
  readonly executionArn: string;
}

export interface DueRemindersOutcome {
  readonly today: string;
  /** The report year whose reminder window holds today, if any (no window: nothing is read). */
  readonly year?: number;
  /** Townships with organisations that owe reports (inside the jurisdiction, if one was given). */
  readonly townships: number;
  /** Reminder workflows this run started. */
  readonly started: ReminderStartOutcome[];
  /** Townships not yet recorded as started whose workflow existed (started by hand, or a run that stopped before its marker). */
  readonly alreadyStarted: ReminderStartOutcome[];
}

export const scheduleActor: Actor = { sub: 'system:schedule', roles: [] };

/** Start (or find) a township's reminder workflow of `year` and record it once. */
export async function startAnnualReportReminders(township: string, year: number, now: Date, actor: Actor): Promise<{ executionArn: string; executionName: string; started: boolean }> {
  const name = annualReportSubjectId(township, year);
  const { executionArn, started } = await startOrFindNamedExecution('social-annual-report', name, { township, year, subjectId: name, openedAt: now.toISOString() });
  await recordReminderStart({ township, year, executionArn, startedBy: actor === scheduleActor ? 'schedule' : actor.sub, startedAt: now.toISOString() }, actor, now);
  return { executionArn, executionName: name, started };
}

/**
 * Start the reminders due on `today` (Beijing) in every township, or every township inside
 * `within`. Run twice (the same day or a later one), the second run starts nothing: the first run's
 * townships are recorded, or their executions exist.
 */
export async function startDueReminders(today: string, now: Date, options: { within?: string } = {}): Promise<DueRemindersOutcome> {
  const due = reportDue();
  const year = reminderYearOn(today, due, socialReminderPolicy);
  if (year === undefined) return { today, townships: 0, started: [], alreadyStarted: [] };
  const scopes = options.within === undefined ? provinceCodes : [options.within];
  const townships = (await Promise.all(scopes.map((scope) => townshipsWithCounted(scope)))).flat();
  const recorded = await remindersStartedFor(townships, year);
  const started: ReminderStartOutcome[] = [];
  const alreadyStarted: ReminderStartOutcome[] = [];
  for (const start of remindersToStart(today, due, socialReminderPolicy, townships, recorded)) {
    const { executionArn, started: isNew } = await startAnnualReportReminders(start.township, start.year, now, scheduleActor);
    (isNew ? started : alreadyStarted).push({ ...start, executionArn });
  }
  return { today, year, townships: townships.length, started, alreadyStarted };
}
