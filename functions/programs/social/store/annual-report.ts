import * as z from 'zod';
import type { Actor } from '../../../platform/principal.ts';
import { auditPut } from '../../../platform/store/audit.ts';
import { defineEntity } from '../../../platform/store/entity.ts';
import { ifAbsent, ifVersion, named, putItem, TransactionConditionFailed, writeTransaction, type ExtraItems } from '../../../platform/store/transact.ts';
import { ConflictError } from '../../../shared/errors.ts';
import { annualReportInputSchema, type AnnualReportInput } from '../domain/annual-report.ts';

/**
 * Annual reports (年度报告), kept in their organisation's partition: pk `SOCIAL_ORG#<id>`, sk
 * `REPORT#<year>`, so an organisation's reports are one query and "has a report for year Y" one
 * read; gsi1 `SOCIAL_REPORTS#<township>#<year>` / `<village>#<organisation>` lists a township's (or a
 * village's) reports of a year in one query. A report may be corrected (PUT again) under its version; each write is audited.
 */
export const annualReportSchema = annualReportInputSchema.safeExtend({
  organisationId: z.string(),
  village: z.string(),
  year: z.number().int(),
  /** The Beijing date it was first filed, and whether that was by the due date. */
  filedOn: z.string(),
  /** The instant of the first filing (absent on reports filed before it was kept). */
  filedAt: z.string().optional(),
  dueDate: z.string(),
  onTime: z.boolean(),
  submittedBy: z.string(),
  version: z.number().int().min(1),
  updatedAt: z.string(),
});
export type AnnualReport = z.infer<typeof annualReportSchema>;

export const annualReports = defineEntity({
  type: 'socialAnnualReport',
  schema: annualReportSchema,
  key: (p: { organisationId: string; year: number }) => ({ pk: `SOCIAL_ORG#${p.organisationId}`, sk: `REPORT#${p.year}` }),
  indexes: (pattern) => ({
    /** An organisation's reports by year. */
    ofOrganisation: pattern({ index: 'table', partition: (organisationId: string) => `SOCIAL_ORG#${organisationId}`, sortPrefix: 'REPORT#' }),
    /** A township's reports of one year by village (a village is a sort-key prefix): the township's annual-report screen. */
    ofTownshipYear: pattern({
      index: 'gsi1',
      partition: (townshipYear: string) => `SOCIAL_REPORTS#${townshipYear}`,
      place: (r) => ({ partition: `${r.village.slice(0, 9)}#${r.year}`, sort: `${r.village}#${r.organisationId}` }),
    }),
  }),
});

export async function getAnnualReport(organisationId: string, year: number): Promise<AnnualReport | undefined> {
  return annualReports.get({ organisationId, year }, { consistent: true });
}

/** Which of these organisations have a report for `year` (one batch read). */
export async function reportedFor(organisationIds: readonly string[], year: number): Promise<Set<string>> {
  if (organisationIds.length === 0) return new Set();
  return new Set((await annualReports.getMany(organisationIds.map((organisationId) => ({ organisationId, year })))).map((r) => r.organisationId));
}

/**
 * The reports of `year` of a township's organisations, or of one village's (`division` a village
 * code): one query on gsi1, organisation id → report. The index is eventually consistent: a report
 * filed a moment ago may show on the next read.
 */
export async function townshipYearReports(division: string, year: number): Promise<Map<string, AnnualReport>> {
  const out = new Map<string, AnnualReport>();
  const sort = division.length > 9 ? { beginsWith: `${division}#` } : undefined;
  for await (const r of annualReports.query.ofTownshipYear.all(`${division.slice(0, 9)}#${year}`, { sort })) out.set(r.organisationId, r);
  return out;
}

export async function listAnnualReports(organisationId: string): Promise<AnnualReport[]> {
  const out: AnnualReport[] = [];
  for await (const r of annualReports.query.ofOrganisation.all(organisationId, { consistent: true })) out.push(r);
  return out;
}

/** File (or correct) the report of `year`, with its audit record; 409 if it changed since `before` was read. */
export async function putAnnualReport(
  before: AnnualReport | undefined,
  base: Omit<AnnualReport, keyof AnnualReportInput | 'version' | 'updatedAt'>,
  input: AnnualReportInput,
  actor: Actor,
  options: { extraItems?: ExtraItems<AnnualReport>; now?: Date } = {},
): Promise<AnnualReport> {
  const now = options.now ?? new Date();
  // A correction keeps the first filing's date, instant (or its absence) and timeliness.
  const { filedAt: _firstAt, ...rest } = base;
  const first = before ? { filedOn: before.filedOn, onTime: before.onTime, ...(before.filedAt !== undefined ? { filedAt: before.filedAt } : {}) } : base.filedAt !== undefined ? { filedAt: base.filedAt } : {};
  const record: AnnualReport = { ...rest, ...first, ...input, version: (before?.version ?? 0) + 1, updatedAt: now.toISOString() };
  try {
    await writeTransaction([
      named('report', putItem(annualReports.item(record), before ? ifVersion(before.version) : ifAbsent)),
      auditPut({ entityType: 'social-organisation', entityId: record.organisationId, division: record.village, action: before ? 'social-annual-report.correct' : 'social-annual-report.file', actor, before, after: record, at: now }),
      ...(options.extraItems?.(record) ?? []),
    ]);
  } catch (err) {
    if (err instanceof TransactionConditionFailed) throw new ConflictError(`The ${record.year} report of ${record.organisationId} was changed concurrently; read it again`);
    throw err;
  }
  return record;
}
