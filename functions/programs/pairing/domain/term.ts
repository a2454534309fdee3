import * as z from 'zod';
import { fenSchema } from '../../../platform/money.ts';
import { nameSchema } from '../../../platform/names.ts';
import { scheduleSchema } from './schedule.ts';
import { gradeCutoffsSchema } from './evaluation.ts';
import { reminderPolicySchema, type ReminderPolicy } from '../../../platform/reporting/schedule.ts';

/**
 * A pairing term (帮扶周期): the years a round of pairings runs (Tianjin's 双五百: 2013–2016), the
 * jurisdiction that runs it, its reporting schedule and the outcomes it aims at.
 *
 * The schedule is kept as data: each rule names a period type and when its report is due, either a
 * day inside the period ("monthly, due the 28th") or a number of days after the period ends
 * ("half-yearly, due 5 July" is 5 days after 30 June): the one schedule schema of domain/schedule.ts,
 * which also computes the periods and their due dates from it.
 */
const countSchema = z.number().int('must be a whole number').min(0, 'must not be negative').max(1_000_000, 'is too large');

/** What the whole term aims at, as the seeds report outcomes (261 advanced, 220 一村一业, 417 一村一社). */
export const termOutcomeTargetsSchema = z.strictObject({
  /** Villages that cross into the advanced ranks (跨入先进行列). */
  advancedVillages: countSchema,
  /** Villages that reach one village, one industry (一村一业). */
  oneVillageOneIndustry: countSchema,
  /** Villages that reach one village, one cooperative (一村一社). */
  oneVillageOneCooperative: countSchema,
  /** Village collective income aimed at (sum over the term's villages), in fen. */
  collectiveIncomeFen: fenSchema,
});
export type TermOutcomeTargets = z.infer<typeof termOutcomeTargetsSchema>;

/**
 * The reminders of a term's reports when it names none: a week and three days before the due date,
 * then weekly while a report is missing, for up to a year (in practice until the admin closes the
 * period). Every field may be set per term (`reminders`); the dates are the platform's
 * (functions/platform/reporting/schedule.ts).
 */
export const defaultTermReminders: ReminderPolicy = { daysBefore: [7, 3], overdueEveryNDays: 7, overdueForDays: 366, hourBeijing: 9 };

export const termYearSchema = z.number().int('must be a whole year').min(2000, 'must be 2000 or later').max(2100, 'must be 2100 or earlier');

/** The longest term accepted, in years (Tianjin's ran 4). */
export const maxTermYears = 10;

export const termSchema = z
  .strictObject({
    name: nameSchema,
    /** The jurisdiction running the term: a city, county (or higher) division code, not a village. */
    division: z.string().regex(/^(\d{2}|\d{4}|\d{6}|\d{9})$/, 'must be a division code (2, 4, 6 or 9 digits), not a village'),
    firstYear: termYearSchema,
    lastYear: termYearSchema,
    schedule: scheduleSchema,
    targets: termOutcomeTargetsSchema,
    /** The end-of-term evaluation's grade cut-offs (default 90 / 75 / 60: domain/evaluation.ts). */
    gradeCutoffs: gradeCutoffsSchema.optional(),
    /**
     * When the period workflow reminds units that have not filed (default `defaultTermReminders`):
     * days before the due date, the interval of overdue reminders, how long they go on, the hour.
     */
    reminders: reminderPolicySchema.optional(),
  })
  .superRefine((term, ctx) => {
    if (term.lastYear < term.firstYear) ctx.addIssue({ code: 'custom', path: ['lastYear'], message: `must not be before firstYear (${term.firstYear})` });
    else if (term.lastYear - term.firstYear + 1 > maxTermYears) ctx.addIssue({ code: 'custom', path: ['lastYear'], message: `a term lasts at most ${maxTermYears} years` });
  });
export type Term = z.infer<typeof termSchema>;
