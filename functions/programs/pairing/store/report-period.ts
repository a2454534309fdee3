import * as z from 'zod';
import { defineEntity } from '../../../platform/store/entity.ts';
import { periodTypeSchema } from '../domain/period.ts';

/**
 * A reporting period of a term, once opened: whether units may still file (`open`) or the admin
 * closed it (`closed`), its due date, and the workflow execution that runs it. Filing a report
 * checks in its transaction that the period is open.
 *
 * Keys: pk `PAIRPERIOD#<termId>`, sk `<periodId>` (a term's periods in id order).
 */
export const periodStatuses = ['open', 'closed'] as const;

export const reportPeriodSchema = z.object({
  termId: z.string(),
  periodId: z.string(),
  periodType: periodTypeSchema,
  due: z.string(),
  status: z.enum(periodStatuses),
  openedAt: z.string(),
  openedBy: z.string(),
  closedAt: z.string().optional(),
  closedBy: z.string().optional(),
  executionName: z.string().optional(),
  version: z.number().int().min(1),
});
export type ReportPeriod = z.infer<typeof reportPeriodSchema>;

const partition = (termId: string) => `PAIRPERIOD#${termId}`;

export const reportPeriods = defineEntity({
  type: 'pairingReportPeriod',
  schema: reportPeriodSchema,
  key: (p: { termId: string; periodId: string }) => ({ pk: partition(p.termId), sk: p.periodId }),
  indexes: (pattern) => ({
    /** A term's opened periods, by period id. */
    ofTerm: pattern({ index: 'table', partition }),
  }),
});

export async function getReportPeriod(termId: string, periodId: string): Promise<ReportPeriod | undefined> {
  return reportPeriods.get({ termId, periodId }, { consistent: true });
}

export async function listReportPeriods(termId: string): Promise<ReportPeriod[]> {
  const out: ReportPeriod[] = [];
  for await (const p of reportPeriods.query.ofTerm.all(termId)) out.push(p);
  return out;
}
