import type { Actor } from '../../platform/principal.ts';
import { auditPut } from '../../platform/store/audit.ts';
import { checkItem, ifAbsent, ifVersion, named, putItem, TransactionConditionFailed, writeTransaction } from '../../platform/store/transact.ts';
import { beijingDate } from '../../platform/calendar.ts';
import { ConflictError, ValidationError } from '../../shared/errors.ts';
import { monthsPerPeriod, parsePeriod, type Period } from './domain/period.ts';
import { dueDate, lateFrom } from './domain/schedule.ts';
import { canFile, canReview, contentOf, reportIdOf, timelinessOf, type OpeningFigures, type ReportFiling } from './domain/report.ts';
import { listCountyPairings, type PairingRecord } from './store/pairing.ts';
import { openReports, periodReports, saveReport, saveReports, type ReportRecord } from './store/report.ts';
import { getReportPeriod, reportPeriods, type ReportPeriod } from './store/report-period.ts';
import { versionPut } from './store/report-version.ts';
import type { TermRecord } from './store/term.ts';

/**
 * What the report routes and the period workflow's tasks both do: open a period (its expected
 * reports), file, review, accept, sweep for overdue reports, close. Every function takes `now`, so
 * tests and the workflow run on a clock they control.
 */

/** The period `periodId` names in a term, with its due date under the term's rule for its type; 400 naming `field` otherwise. */
export function termPeriod(term: TermRecord, periodId: string, field = 'periodId'): { period: Period; due: string } {
  const period = parsePeriod(periodId);
  const bad = (message: string): never => {
    throw new ValidationError([{ field, message, in: 'path' }]);
  };
  if (!period) return bad('must be a period id: YYYY-MM, YYYYS1, YYYYS2 or YYYY');
  if (period.year < term.firstYear || period.year > term.lastYear) return bad(`must fall within the term's years ${term.firstYear}–${term.lastYear}`);
  const rule = term.schedule.find((r) => r.periodType === period.type);
  if (!rule) return bad(`the term's schedule has no ${period.type} reports`);
  return { period, due: dueDate(rule, period) };
}

/** What a pairing brings to a period's counters (docs/pairing.md, "Counters"). */
export function openingFigures(pairing: PairingRecord, period: Period): OpeningFigures {
  const inPlace = pairing.cadres.filter((c) => c.from <= period.end && (c.to === undefined || c.to >= period.end));
  return {
    // Rounded down: the shares of a year's pledge never add up to more than the pledge.
    pledgedFen: Math.floor((pairing.pledgedFenPerYear * monthsPerPeriod[period.type]) / 12),
    cadresInPlace: inPlace.length,
    firstSecretaries: inPlace.filter((c) => c.role === 'first-secretary').length,
    collectiveIncomeTargetFen: pairing.targets.collectiveIncomeFen.target,
  };
}

export function expectedReport(pairing: PairingRecord, period: Period, due: string, now: Date): ReportRecord {
  const at = now.toISOString();
  return {
    id: reportIdOf(pairing.id, period.id),
    pairingId: pairing.id,
    termId: pairing.termId,
    periodId: period.id,
    periodType: period.type,
    unitId: pairing.unitId,
    village: pairing.village,
    due,
    status: 'expected',
    overdue: false,
    submissions: 0,
    opening: openingFigures(pairing, period),
    version: 1,
    createdAt: at,
    updatedAt: at,
  };
}

/** The county partition and village prefix a term's pairings are listed under. */
export function termListing(term: Pick<TermRecord, 'division'>): { county: string; villagePrefix: string | undefined } {
  if (term.division.length < 6) throw new ValidationError([{ field: 'termId', message: 'periods are opened per county: the term must be run by a county or a township', in: 'path' }]);
  return { county: term.division.slice(0, 6), villagePrefix: term.division.length > 6 ? term.division : undefined };
}

/**
 * Record the period as open (once; a repeat finds it open and goes on). 409 when it was closed:
 * a closed period is not reopened.
 */
export async function recordPeriodOpen(term: TermRecord, periodId: string, actor: Actor, now: Date, executionName?: string): Promise<ReportPeriod> {
  const { period, due } = termPeriod(term, periodId);
  termListing(term);
  const record: ReportPeriod = {
    termId: term.id,
    periodId: period.id,
    periodType: period.type,
    due,
    status: 'open',
    openedAt: now.toISOString(),
    openedBy: actor.sub,
    ...(executionName ? { executionName } : {}),
    version: 1,
  };
  try {
    await writeTransaction([
      named('period', putItem(reportPeriods.item(record), ifAbsent)),
      auditPut({ entityType: 'pairingPeriod', entityId: `${term.id}#${period.id}`, division: term.division, action: 'pairingPeriod.open', actor, after: record, at: now }),
    ]);
    return record;
  } catch (err) {
    if (!(err instanceof TransactionConditionFailed)) throw err;
    const existing = await getReportPeriod(term.id, period.id);
    if (!existing) throw err;
    if (existing.status === 'closed') throw new ConflictError(`Period ${period.id} of term ${term.id} was closed on ${existing.closedAt}; it is not reopened`);
    return existing;
  }
}

/** One page of the term's pairings (by village), with the cursor of the next. */
export async function pairingPage(term: TermRecord, cursor: string | undefined, limit: number): Promise<{ pairings: PairingRecord[]; next: string | undefined }> {
  const { county, villagePrefix } = termListing(term);
  const page = await listCountyPairings(county, { termId: term.id, villagePrefix }, { limit, cursor });
  return { pairings: page.items, next: page.nextCursor ?? undefined };
}

/** Make the expected reports of `pairings` for the period (each once, however often it runs). */
export async function openPeriodForPairings(term: TermRecord, periodId: string, pairings: readonly PairingRecord[], actor: Actor, now: Date): Promise<number> {
  const { period, due } = termPeriod(term, periodId);
  return openReports(pairings.map((p) => expectedReport(p, period, due, now)), actor, now);
}

/** Open a period for every pairing of the term, page by page (the workflow does the same in a Map state). */
export async function openPeriod(term: TermRecord, periodId: string, actor: Actor, now: Date): Promise<{ period: ReportPeriod; created: number; pairings: number }> {
  const period = await recordPeriodOpen(term, periodId, actor, now);
  let created = 0;
  let pairings = 0;
  let cursor: string | undefined;
  do {
    const page = await pairingPage(term, cursor, 200);
    pairings += page.pairings.length;
    created += await openPeriodForPairings(term, periodId, page.pairings, actor, now);
    cursor = page.next;
  } while (cursor !== undefined);
  return { period, created, pairings };
}

/** The unit files its report (first time, again while submitted, or again after a return). */
export async function fileReport(report: ReportRecord, filing: ReportFiling, actor: Actor, now: Date): Promise<ReportRecord> {
  const allowed = canFile(report.status);
  if (!allowed.ok) throw new ConflictError(`Report ${report.id}: ${allowed.reason}`);
  const period = await getReportPeriod(report.termId, report.periodId);
  if (!period || period.status !== 'open') throw new ConflictError(`Period ${report.periodId} is closed: reports are no longer filed`);
  const content = contentOf(filing);
  const first = report.firstSubmittedAt === undefined;
  const n = report.submissions + 1;
  const at = now.toISOString();
  const timeliness = first ? timelinessOf(report.due, now, now) : report.timeliness;
  const after: ReportRecord = {
    ...report,
    status: 'submitted',
    current: content,
    submissions: n,
    submittedAt: at,
    submittedBy: actor.sub,
    ...(first ? { firstSubmittedAt: at } : {}),
    ...(timeliness === 'on-time' || timeliness === 'late' ? { timeliness } : {}),
  };
  const stillOpen = checkItem(reportPeriods.keyOf({ termId: report.termId, periodId: report.periodId }), { expression: '#status = :open', names: { '#status': 'status' }, values: { ':open': 'open' } });
  try {
    return await saveReport(report, after, actor, {
      action: first ? 'pairingReport.submit' : 'pairingReport.resubmit',
      now,
      extra: [versionPut({ reportId: report.id, n, content, submittedAt: at, submittedBy: actor.sub, filedOnTime: now < lateFrom(report.due) }), named('period', stillOpen)],
    });
  } catch (err) {
    if (err instanceof TransactionConditionFailed && err.failed.includes('period')) throw new ConflictError(`Period ${report.periodId} was closed: reports are no longer filed`);
    if (err instanceof TransactionConditionFailed && err.failed.some((f) => f.startsWith('version:'))) throw new ConflictError(`Report ${report.id} was filed concurrently; read it again`);
    throw err;
  }
}

/** The township approves (locks) or returns a submitted report; a return needs a reason. */
export async function reviewReport(report: ReportRecord, decision: 'approve' | 'return', reason: string | undefined, actor: Actor, now: Date): Promise<ReportRecord> {
  const allowed = canReview(report.status);
  if (!allowed.ok) throw new ConflictError(`Report ${report.id}: ${allowed.reason}`);
  if (decision === 'return' && (reason === undefined || reason.trim() === '')) throw new ValidationError([{ field: 'reason', message: 'is required to return a report: say what to correct', in: 'body' }]);
  const review = { decision: decision === 'approve' ? ('approved' as const) : ('returned' as const), ...(reason ? { reason } : {}), by: actor.sub, at: now.toISOString() };
  return saveReport(report, { ...report, status: review.decision, review }, actor, { action: `pairingReport.${decision}`, now });
}

export interface AcceptanceException {
  readonly reportId: string;
  readonly village: string;
  readonly unitId: string;
  readonly status: ReportRecord['status'];
  readonly overdue: boolean;
  /** Why the county held back an approved report (absent for a report not approved yet). */
  readonly reason?: string;
}

/**
 * The county accepts every township-approved report of the period in `division` at once. A report
 * not approved yet is listed as an exception and does not block the rest (DHIS2 waits for all).
 * The county may hold back approved reports too (`excepted`, by report id, with its reason): they
 * stay approved, so a later acceptance takes them. Naming a report that is not the period's in
 * `division` is a 400, so a typo never passes for an exception.
 */
export async function acceptPeriod(
  termId: string,
  periodId: string,
  division: string,
  actor: Actor,
  now: Date,
  excepted: ReadonlyMap<string, string> = new Map(),
): Promise<{ accepted: number; alreadyAccepted: number; exceptions: AcceptanceException[] }> {
  const approved: ReportRecord[] = [];
  const exceptions: AcceptanceException[] = [];
  const found = new Set<string>();
  let alreadyAccepted = 0;
  for await (const r of periodReports(termId, periodId, division.length > 6 ? division : undefined)) {
    if (!r.village.startsWith(division)) continue;
    found.add(r.id);
    const reason = excepted.get(r.id);
    if (r.status === 'approved' && reason === undefined) approved.push(r);
    else if (r.status === 'accepted') alreadyAccepted++;
    else exceptions.push({ reportId: r.id, village: r.village, unitId: r.unitId, status: r.status, overdue: r.overdue, ...(reason !== undefined ? { reason } : {}) });
  }
  const unknown = [...excepted.keys()].findIndex((id) => !found.has(id));
  if (unknown >= 0) throw new ValidationError([{ field: `exceptions.${unknown}.reportId`, message: `is not a report of period ${periodId} in ${division}`, in: 'body' }]);
  const saved = await saveReports(approved, (r) => (r.status === 'approved' ? { ...r, status: 'accepted', accepted: { by: actor.sub, at: now.toISOString() } } : undefined), actor, { action: 'pairingReport.accept', now });
  return { accepted: saved.length, alreadyAccepted, exceptions };
}

/** The due-date sweep: every report still expected after its due date (Beijing) is flagged overdue and counted missing. */
export async function sweepOverdue(termId: string, periodId: string, actor: Actor, now: Date): Promise<{ overdue: number; marked: number }> {
  const today = beijingDate(now);
  const late: ReportRecord[] = [];
  let overdue = 0;
  for await (const r of periodReports(termId, periodId)) {
    if (r.status !== 'expected' || today <= r.due) continue;
    overdue++;
    if (!r.overdue) late.push(r);
  }
  const marked = await saveReports(late, (r) => (r.status === 'expected' && !r.overdue ? { ...r, overdue: true } : undefined), actor, { action: 'pairingReport.overdue', now });
  return { overdue, marked: marked.length };
}

/** The admin closes the period: no more filing. A repeat is harmless. */
export async function closePeriod(term: TermRecord, periodId: string, actor: Actor, now: Date): Promise<ReportPeriod> {
  const period = await getReportPeriod(term.id, periodId);
  if (!period) throw new ConflictError(`Period ${periodId} of term ${term.id} was never opened`);
  if (period.status === 'closed') return period;
  const closed: ReportPeriod = { ...period, status: 'closed', closedAt: now.toISOString(), closedBy: actor.sub, version: period.version + 1 };
  try {
    await writeTransaction([
      named('period', putItem(reportPeriods.item(closed), ifVersion(period.version))),
      auditPut({ entityType: 'pairingPeriod', entityId: `${term.id}#${periodId}`, division: term.division, action: 'pairingPeriod.close', actor, before: period, after: closed, at: now }),
    ]);
  } catch (err) {
    if (err instanceof TransactionConditionFailed) throw new ConflictError(`Period ${periodId} was changed concurrently; read it again`);
    throw err;
  }
  return closed;
}
