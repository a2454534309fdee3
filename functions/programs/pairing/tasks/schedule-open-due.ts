import type * as z from 'zod';
import { defineTask } from '../../../shared/task.ts';
import { dailyAfterMidnightBeijing, scheduledDay, scheduledStartInputSchema } from '../../../platform/reporting/scheduled-start.ts';
import { openDuePeriods } from '../schedule-use-cases.ts';

/**
 * The daily scheduled start of the pairing periods (schedule-use-cases.ts), for every term. The
 * scheduler sends `{}`: today is the Beijing date at the instant it runs (00:05 Beijing, so a
 * scheduler a few minutes late still runs on the right day). `today` is for a manual re-run.
 */
async function run({ today }: z.infer<typeof scheduledStartInputSchema>) {
  const now = new Date();
  const outcome = await openDuePeriods(scheduledDay(today, now), now);
  // Counts and ids only: a Lambda result is logged, and a day starts a few hundred periods at most.
  return { today: outcome.today, terms: outcome.terms, started: outcome.started.map((s) => `${s.termId}.${s.periodId}`), alreadyStarted: outcome.alreadyStarted.length, skippedTerms: outcome.skippedTerms };
}

export const scheduleOpenDueTask = defineTask({
  id: 'pairing-open-due-periods',
  file: import.meta.url,
  input: scheduledStartInputSchema,
  tableAccess: 'read',
  usesStepFunctions: true,
  timeoutSeconds: 300,
  schedule: dailyAfterMidnightBeijing('Open the pairing periods that start today (Beijing): start their period workflows'),
  run,
});
export const handler = scheduleOpenDueTask.handler;
