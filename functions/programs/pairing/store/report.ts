import * as z from 'zod';
import type { Actor } from '../../../platform/principal.ts';
import { auditPut } from '../../../platform/store/audit.ts';
import { defineEntity } from '../../../platform/store/entity.ts';
import type { Page, PageRequest } from '../../../platform/store/pagination.ts';
import { ifAbsent, ifVersion, named, putItem, TransactionConditionFailed, writeTransaction, type TransactItem } from '../../../platform/store/transact.ts';
import { ConflictError, NotFoundError } from '../../../shared/errors.ts';
import { periodTypeSchema } from '../domain/period.ts';
import { contribution, counterDelta, reportContentSchema, reportStatuses, type CountedReport } from '../domain/report.ts';
import { CounterDeltas, countersOfReport } from './report-counter.ts';

/**
 * Periodic progress reports (进展报告): one item per pairing × period, made `expected` when the
 * period opens and moved by the unit (file), the township (approve / return) and the county
 * (accept). Each submission is also kept as a version (store/report-version.ts). Every write puts
 * the report under its version (or, when it opens, only if absent), its audit record and its
 * change to the four counters (store/report-counter.ts) in one transaction.
 *
 * Keys: pk `PAIRREPORT#<pairingId>~<periodId>`, sk `REPORT`;
 * gsi1 `PAIRREPORTS#<termId>#<periodId>` / `<village>#<unitId>#<pairingId>` (a period's reports,
 * `begins_with` a township or village);
 * gsi2 `PAIRUNITREP#<unitId>` / `<termId>#<periodId>#<village>#<pairingId>` (one unit's reports).
 */
export const openingSchema = z.object({
  pledgedFen: z.number().int().min(0),
  cadresInPlace: z.number().int().min(0),
  firstSecretaries: z.number().int().min(0),
  collectiveIncomeTargetFen: z.number().int().min(0),
});

export const reportRecordSchema = z.object({
  id: z.string(),
  pairingId: z.string(),
  termId: z.string(),
  periodId: z.string(),
  periodType: periodTypeSchema,
  unitId: z.string(),
  village: z.string(),
  /** Last day on which filing is on time (Beijing). */
  due: z.string(),
  status: z.enum(reportStatuses),
  /** Set by the due-date sweep on a report still expected after its due date. */
  overdue: z.boolean(),
  /** From the first submission: on time or late. Absent until filed. */
  timeliness: z.enum(['on-time', 'late']).optional(),
  firstSubmittedAt: z.string().optional(),
  /** Number of submissions (= the current version's number). */
  submissions: z.number().int().min(0),
  current: reportContentSchema.optional(),
  submittedAt: z.string().optional(),
  submittedBy: z.string().optional(),
  /** The township's last review: approval, or a return with its reason. */
  review: z.object({ decision: z.enum(['approved', 'returned']), reason: z.string().optional(), by: z.string(), at: z.string() }).optional(),
  accepted: z.object({ by: z.string(), at: z.string() }).optional(),
  opening: openingSchema,
  version: z.number().int().min(1),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type ReportRecord = z.infer<typeof reportRecordSchema>;

const partition = (id: string) => `PAIRREPORT#${id}`;

export const reports = defineEntity({
  type: 'pairingReport',
  schema: reportRecordSchema,
  key: (r: { id: string }) => ({ pk: partition(r.id), sk: 'REPORT' }),
  indexes: (pattern) => ({
    byPeriod: pattern({
      index: 'gsi1',
      partition: (p: { termId: string; periodId: string }) => `PAIRREPORTS#${p.termId}#${p.periodId}`,
      place: (r) => ({ partition: { termId: r.termId, periodId: r.periodId }, sort: `${r.village}#${r.unitId}#${r.pairingId}` }),
    }),
    byUnit: pattern({ index: 'gsi2', partition: (unitId: string) => `PAIRUNITREP#${unitId}`, place: (r) => ({ partition: r.unitId, sort: `${r.termId}#${r.periodId}#${r.village}#${r.pairingId}` }) }),
  }),
});

const counted = (r: ReportRecord): CountedReport => r;

function auditOf(r: ReportRecord, action: string, actor: Actor, at: Date, before?: ReportRecord): TransactItem {
  const fields = (x: ReportRecord) => {
    const { version: _v, createdAt: _c, updatedAt: _u, opening: _o, ...rest } = x;
    return rest;
  };
  return auditPut({ entityType: 'pairingReport', entityId: r.id, division: r.village, action, actor, ...(before ? { before: fields(before) } : {}), after: fields(r), at });
}

/** Transactions hold at most 100 items: 20 reports, their 20 audit records (one when opening) and at most 42 counters. */
const reportsPerTransaction = 20;
const conflictRetries = 8;

const pause = (attempt: number) => new Promise((resolve) => setTimeout(resolve, Math.min(500, 20 * 2 ** attempt) * (0.5 + Math.random())));

/** A transaction that collided with another one on a shared counter is tried again, a few times. */
async function withConflictRetry(write: () => Promise<void>): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    try {
      await write();
      return;
    } catch (err) {
      if (!(err instanceof ConflictError) || attempt >= conflictRetries) throw err;
      await pause(attempt);
    }
  }
}

/**
 * Make the expected reports of a period, each only if absent, 20 per transaction with their audit
 * records and counters. A report that exists already (a page run again, a host killed mid-run) is
 * left alone and not counted again: its transaction is retried without it. Returns how many were new.
 */
export async function openReports(records: readonly ReportRecord[], actor: Actor, now: Date): Promise<number> {
  let created = 0;
  for (let i = 0; i < records.length; i += reportsPerTransaction) {
    let chunk = records.slice(i, i + reportsPerTransaction);
    while (chunk.length > 0) {
      const deltas = new CounterDeltas();
      const items: TransactItem[] = [];
      for (const r of chunk) {
        items.push(named(`report:${r.id}`, putItem(reports.item(r), ifAbsent)));
        deltas.add(countersOfReport(r), contribution(counted(r)));
      }
      // One audit record per transaction names the reports it made: opening is one act of the period.
      const first = chunk[0]!;
      items.push(
        auditPut({ entityType: 'pairingPeriod', entityId: `${first.termId}#${first.periodId}`, division: first.village.slice(0, 6), action: 'pairingReport.open', actor, after: { reports: chunk.map((r) => r.id), due: first.due }, at: now }),
      );
      try {
        await withConflictRetry(() => writeTransaction([...items, ...deltas.items()]));
        created += chunk.length;
        break;
      } catch (err) {
        if (!(err instanceof TransactionConditionFailed)) throw err;
        const existing = new Set(err.failed);
        const rest = chunk.filter((r) => !existing.has(`report:${r.id}`));
        if (rest.length === chunk.length) throw err;
        chunk = rest;
      }
    }
  }
  return created;
}

/**
 * Write one report's change under the version read (409 if it changed since), with its audit
 * record, its counters' change and `extra` items (its new version, a check that the period is open).
 */
export async function saveReport(before: ReportRecord, after: ReportRecord, actor: Actor, options: { action: string; now: Date; extra?: readonly TransactItem[] }): Promise<ReportRecord> {
  const record: ReportRecord = { ...after, version: before.version + 1, updatedAt: options.now.toISOString() };
  const deltas = new CounterDeltas();
  deltas.add(countersOfReport(record), counterDelta(contribution(counted(before)), contribution(counted(record))));
  try {
    await writeTransaction([
      named('report', putItem(reports.item(record), ifVersion(before.version))),
      auditOf(record, options.action, actor, options.now, before),
      ...deltas.items(),
      ...(options.extra ?? []),
    ]);
  } catch (err) {
    if (err instanceof TransactionConditionFailed && err.failed.includes('report')) throw new ConflictError(`Report ${before.id} was changed concurrently; read it again`);
    throw err;
  }
  return record;
}

/**
 * Apply `change` to many reports (the due-date sweep, the county's acceptance), 20 per transaction,
 * each under the version read. A report changed meanwhile is read again and `change` decides anew
 * (undefined: leave it). Returns the reports changed.
 */
export async function saveReports(
  list: readonly ReportRecord[],
  change: (r: ReportRecord) => ReportRecord | undefined,
  actor: Actor,
  options: { action: string; now: Date },
): Promise<ReportRecord[]> {
  const saved: ReportRecord[] = [];
  for (let i = 0; i < list.length; i += reportsPerTransaction) {
    let chunk = list.slice(i, i + reportsPerTransaction);
    for (let round = 0; chunk.length > 0; round++) {
      const moves = chunk.flatMap((before) => {
        const after = change(before);
        return after ? [{ before, after: { ...after, version: before.version + 1, updatedAt: options.now.toISOString() } }] : [];
      });
      if (moves.length === 0) break;
      const deltas = new CounterDeltas();
      const items: TransactItem[] = [];
      for (const { before, after } of moves) {
        items.push(named(`report:${before.id}`, putItem(reports.item(after), ifVersion(before.version))), auditOf(after, options.action, actor, options.now, before));
        deltas.add(countersOfReport(after), counterDelta(contribution(counted(before)), contribution(counted(after))));
      }
      try {
        await withConflictRetry(() => writeTransaction([...items, ...deltas.items()]));
        saved.push(...moves.map((m) => m.after));
        break;
      } catch (err) {
        if (!(err instanceof TransactionConditionFailed) || round > 10) throw err;
        // Read the changed ones again; the others go in the next attempt as they were.
        const failed = new Set(err.failed);
        const again = await reports.getMany(moves.filter((m) => failed.has(`report:${m.before.id}`)).map((m) => ({ id: m.before.id })));
        const byId = new Map(again.map((r) => [r.id, r]));
        chunk = moves.map((m) => byId.get(m.before.id) ?? m.before);
      }
    }
  }
  return saved;
}

export async function getReport(id: string, consistent = true): Promise<ReportRecord | undefined> {
  return reports.get({ id }, { consistent });
}

export async function requireReport(id: string): Promise<ReportRecord> {
  const report = await getReport(id);
  if (!report) throw new NotFoundError(`Report ${id} does not exist (its period is not open for this pairing)`);
  return report;
}

/** A period's reports, by village (narrowed by `villagePrefix`: a township, a village). */
export async function listPeriodReports(termId: string, periodId: string, page: PageRequest, villagePrefix?: string): Promise<Page<ReportRecord>> {
  return reports.query.byPeriod.page({ termId, periodId }, page, { sortPrefix: villagePrefix });
}

/** Every report of a period (the sweep, the county's acceptance, a recount). */
export async function* periodReports(termId: string, periodId: string, villagePrefix?: string): AsyncGenerator<ReportRecord> {
  yield* reports.query.byPeriod.all({ termId, periodId }, villagePrefix ? { sort: { beginsWith: villagePrefix } } : {});
}

/** One unit's reports, by term and period (narrowed by `sortPrefix`: `<termId>#<periodId>`). */
export async function listUnitReports(unitId: string, page: PageRequest, sortPrefix?: string): Promise<Page<ReportRecord>> {
  return reports.query.byUnit.page(unitId, page, { sortPrefix });
}
