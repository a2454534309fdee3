import { defaultReportDue, monthDaySchema } from './domain/annual-report.ts';

/**
 * The program's configuration: `SOCIAL_REPORT_DUE`, the month and day (`MM-DD`, Beijing time) by
 * which the annual report for the past year is due (default 03-31). A bad value is a deployment
 * error and fails loudly rather than quietly using the default.
 */
export function reportDue(): string {
  const raw = process.env.SOCIAL_REPORT_DUE;
  if (raw === undefined || raw === '') return defaultReportDue;
  const parsed = monthDaySchema.safeParse(raw);
  if (!parsed.success) throw new Error(`SOCIAL_REPORT_DUE=${raw}: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
  return parsed.data;
}
