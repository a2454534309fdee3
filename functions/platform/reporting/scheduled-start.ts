import * as z from 'zod';
import { beijingDate, calendarDateSchema } from '../calendar.ts';
import type { TaskSchedule } from '../../shared/task.ts';

/**
 * What every program's daily scheduled start of its reporting workflows shares (pairing's periods,
 * social's annual reports): the schedule, the task's input, the local route's body and the day it
 * runs for. On AWS EventBridge Scheduler invokes the task with `{}` at 00:05 Beijing (so a scheduler
 * a few minutes late still runs on the right day); the local host has no scheduler and offers the
 * same use case as a route, where `today` may be given for a re-run or a demo.
 */
export function dailyAfterMidnightBeijing(description: string): TaskSchedule {
  return { expression: 'cron(5 0 * * ? *)', timezone: 'Asia/Shanghai', description };
}

/** The scheduled task's input: `{}` from the scheduler, `today` for a manual re-run. */
export const scheduledStartInputSchema = z.object({ today: calendarDateSchema.optional() });

/** The Beijing date a run is for: the one given, else today in Beijing at `now`. */
export function scheduledDay(today: string | undefined, now: Date): string {
  return today ?? beijingDate(now);
}
