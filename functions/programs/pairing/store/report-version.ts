import * as z from 'zod';
import { defineEntity, sequenceNumber } from '../../../platform/store/entity.ts';
import { ifAbsent, named, putItem, type NamedItem } from '../../../platform/store/transact.ts';
import { reportContentSchema } from '../domain/report.ts';

/**
 * Every submission of a report, kept: the report item holds the current one, and a resubmission
 * after a return adds a version here instead of overwriting the earlier (Akvo RSR's updates).
 *
 * Keys: pk `PAIRREPORT#<reportId>` (the report's own partition), sk `V#<n, zero-padded>`.
 */
export const reportVersionSchema = z.object({
  reportId: z.string(),
  n: z.number().int().min(1),
  content: reportContentSchema,
  submittedAt: z.string(),
  submittedBy: z.string(),
  /** On time or late, this submission taken alone (the report's own class is its first one's). */
  filedOnTime: z.boolean(),
});
export type ReportVersion = z.infer<typeof reportVersionSchema>;

const partition = (reportId: string) => `PAIRREPORT#${reportId}`;

export const reportVersions = defineEntity({
  type: 'pairingReportVersion',
  schema: reportVersionSchema,
  key: (v: { reportId: string; n: number }) => ({ pk: partition(v.reportId), sk: `V#${sequenceNumber(v.n)}` }),
  indexes: (pattern) => ({
    /** A report's versions, oldest first. */
    ofReport: pattern({ index: 'table', partition, sortPrefix: 'V#' }),
  }),
});

/** The new version's item: conditional, so a repeated filing never overwrites a kept version. */
export function versionPut(version: ReportVersion): NamedItem {
  return named(`version:${version.reportId}:${version.n}`, putItem(reportVersions.item(version), ifAbsent));
}

export async function listVersions(reportId: string): Promise<ReportVersion[]> {
  const out: ReportVersion[] = [];
  for await (const v of reportVersions.query.ofReport.all(reportId, { consistent: true })) out.push(v);
  return out;
}
