import type * as z from 'zod';
import { defineTask } from '../../../shared/task.ts';
import { dailyAfterMidnightBeijing, scheduledDay, scheduledStartInputSchema } from '../../../platform/reporting/scheduled-start.ts';
import { startDueReminders } from '../schedule-use-cases.ts';

/**
 * The daily scheduled start of the annual-report reminders (schedule-use-cases.ts), for every
 * township. The scheduler sends `{}`: today is the Beijing date at the instant it runs. `today` is
 * for a manual re-run.
 */
async function run({ today }: z.infer<typeof scheduledStartInputSchema>) {
  const now = new Date();
  const outcome = await startDueReminders(scheduledDay(today, now), now);
  // Counts and names only: a Lambda result is logged.
  return { today: outcome.today, year: outcome.year, townships: outcome.townships, started: outcome.started.map((s) => `${s.township}.${s.year}`), alreadyStarted: outcome.alreadyStarted.length };
}

export const scheduleStartRemindersTask = defineTask({
  id: 'social-start-due-reminders',
  file: import.meta.url,
  input: scheduledStartInputSchema,
  // Writes the start markers (with their audit records).
  tableAccess: 'readWrite',
  usesStepFunctions: true,
  timeoutSeconds: 300,
  schedule: dailyAfterMidnightBeijing('Start the annual-report reminders of every township whose reminder window began (Beijing): start their social-annual-report workflows'),
  run,
});
export const handler = scheduleStartRemindersTask.handler;
