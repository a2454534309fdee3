import * as z from 'zod';
import { fenSchema } from '../../../platform/money.ts';
import { isPrintableText, printableMessage } from '../../../platform/names.ts';
import { classify, type Timeliness } from './schedule.ts';

/**
 * A periodic progress report (进展报告) of a pairing: one per pairing and reporting period, after
 * DHIS2's data sets and data approval and Akvo RSR's indicator updates. Pure rules only: the
 * values a unit files, the statuses and which moves are allowed, the timeliness class, and what a
 * report adds to the counters the views read (store/report-counter.ts keeps them in the same
 * transactions as the reports).
 *
 * Statuses: `expected` (the period was opened) → `submitted` → `returned` (with a reason) →
 * `submitted` … → `approved` (township; locked) → `accepted` (county). `overdue` is a flag the
 * due-date sweep sets on a report still expected after its due date: the report stays fileable, and
 * counts as missing until it is filed (then as late).
 */
export const reportStatuses = ['expected', 'submitted', 'returned', 'approved', 'accepted'] as const;
export type ReportStatus = (typeof reportStatuses)[number];

export const reportIdSchema = z.string().regex(/^pp-[0-9a-f-]{36}~\d{4}(?:-\d{2}|S[12])?$/, 'must be a report id (<pairing id>~<period id>)');

/** A report is named by its pairing and period: `<pairingId>~<periodId>`, so filing twice names the same report. */
export function reportIdOf(pairingId: string, periodId: string): string {
  return `${pairingId}~${periodId}`;
}

export function partsOfReportId(id: string): { pairingId: string; periodId: string } {
  const at = id.lastIndexOf('~');
  return { pairingId: id.slice(0, at), periodId: id.slice(at + 1) };
}

const countSchema = (max: number) => z.number().int('must be a whole number').min(0, 'must not be negative').max(max, `must be at most ${max}`);

/** Longest narrative accepted (a page of text). */
export const maxNarrativeLength = 5_000;

export const narrativeSchema = z
  .string()
  .trim()
  .max(maxNarrativeLength, `must be at most ${maxNarrativeLength} characters`)
  // Line breaks are allowed in a narrative; other controls and invisible characters are not.
  .refine((text) => isPrintableText(text.replace(/\r?\n/g, ' ')), printableMessage);

/** The period's indicator values (全部为本期数, except collective income: to date). */
export const reportValuesSchema = z.strictObject({
  /** Funds the unit invested in the village in this period, in fen. */
  investedFen: fenSchema,
  /** Days its stationed cadres spent in the village (吃住在村) in this period, summed over cadres. */
  cadreDays: countSchema(100_000),
  projectsStarted: countSchema(10_000),
  projectsFinished: countSchema(10_000),
  /** The village's collective income so far this year, in fen. */
  collectiveIncomeToDateFen: fenSchema,
  narrative: narrativeSchema,
});
export type ReportValues = z.infer<typeof reportValuesSchema>;

const valueFields = ['investedFen', 'cadreDays', 'projectsStarted', 'projectsFinished', 'collectiveIncomeToDateFen', 'narrative'] as const;

/**
 * What a unit files: the values, or a nil report (`nil: true`, "nothing to report", 无进展) with an
 * optional narrative and none of the values. One object, so a missing value is a 400 naming it.
 */
export const reportFilingShape = {
  nil: z.boolean().optional(),
  investedFen: fenSchema.optional(),
  cadreDays: countSchema(100_000).optional(),
  projectsStarted: countSchema(10_000).optional(),
  projectsFinished: countSchema(10_000).optional(),
  collectiveIncomeToDateFen: fenSchema.optional(),
  narrative: narrativeSchema.optional(),
};

type FilingFields = { [K in keyof typeof reportFilingShape]?: z.infer<(typeof reportFilingShape)[K]> };

/** A nil report carries no values; any other report carries all of them (each missing one named). */
export function filingProblems(f: FilingFields, ctx: z.RefinementCtx): void {
  if (f.nil === true) {
    for (const field of valueFields) {
      if (field !== 'narrative' && f[field] !== undefined) ctx.addIssue({ code: 'custom', path: [field], message: 'must be left out of a nil report (nil: true)' });
    }
    return;
  }
  for (const field of valueFields) {
    if (f[field] === undefined) ctx.addIssue({ code: 'custom', path: [field], message: 'is required (or file a nil report: nil: true)' });
  }
}

export const reportFilingSchema = z.strictObject(reportFilingShape).superRefine(filingProblems);
export type ReportFiling = z.infer<typeof reportFilingSchema>;

/** The content of one submission: a nil report, or the values. */
export type ReportContent = { readonly nil: true; readonly narrative: string } | ({ readonly nil: false } & ReportValues);

export const reportContentSchema = z.union([
  z.object({ nil: z.literal(true), narrative: z.string() }),
  reportValuesSchema.safeExtend({ nil: z.literal(false) }),
]);

export function contentOf(filing: ReportFiling): ReportContent {
  if (filing.nil === true) return { nil: true, narrative: filing.narrative ?? '' };
  return reportValuesSchema.safeExtend({ nil: z.literal(false) }).parse({ ...filing, nil: false });
}

// ---- moves ----

/** Why a move is refused: the status it is in, as a 409 says. */
export type MoveRefusal = { readonly ok: false; readonly reason: string };

/** Whether a unit may file (first time or again) a report in `status`; an approved report is locked. */
export function canFile(status: ReportStatus): { ok: true } | MoveRefusal {
  if (status === 'expected' || status === 'returned') return { ok: true };
  if (status === 'submitted') return { ok: true };
  return { ok: false, reason: `the report is ${status} and locked: it can no longer be changed` };
}

/** Whether the township may approve or return a report in `status`: only a submitted one. */
export function canReview(status: ReportStatus): { ok: true } | MoveRefusal {
  return status === 'submitted' ? { ok: true } : { ok: false, reason: `only a submitted report is reviewed; this one is ${status}` };
}

/**
 * The timeliness class stored with a report, from its FIRST submission (a report filed on time and
 * returned for a correction stays on time: the return was the township's choice, not lateness).
 */
export function timelinessOf(due: string, firstSubmittedAt: Date | undefined, now: Date): Timeliness {
  return classify({ due, filedAt: firstSubmittedAt, now });
}

// ---- counters ----

/**
 * What the views count, DHIS2's reporting-rate figures plus the program's own sums. Every field is a
 * sum over reports of what one report contributes (`contribution`), so counters of any set of
 * reports merge by adding, whatever the order, and equal a recount.
 */
export const counterFields = [
  'expected',
  'filed',
  'onTime',
  'late',
  'missing',
  'nil',
  'returned',
  'approved',
  'accepted',
  'pledgedFen',
  'investedFen',
  'cadresInPlace',
  'firstSecretaries',
  'cadreDays',
  'projectsStarted',
  'projectsFinished',
  'collectiveIncomeFen',
  'collectiveIncomeTargetFen',
] as const;
export type CounterField = (typeof counterFields)[number];
export type Counters = Readonly<Record<CounterField, number>>;

export const countersSchema = z.object(Object.fromEntries(counterFields.map((f) => [f, z.number().int()])) as Record<CounterField, z.ZodNumber>);

export const zeroCounters: Counters = Object.fromEntries(counterFields.map((f) => [f, 0])) as Counters;

/** The sum of counters, field by field: associative, commutative, with `zeroCounters` as identity. */
export function mergeCounters(...all: readonly Counters[]): Counters {
  const sum: Record<CounterField, number> = { ...zeroCounters };
  for (const c of all) for (const f of counterFields) sum[f] += c[f];
  return sum;
}

/** `after − before`, field by field: what a change of one report adds to its counters. */
export function counterDelta(before: Counters, after: Counters): Counters {
  return Object.fromEntries(counterFields.map((f) => [f, after[f] - before[f]])) as Counters;
}

export function isZero(c: Counters): boolean {
  return counterFields.every((f) => c[f] === 0);
}

/**
 * What the pairing brought to the period when it was opened (kept on the report, so that a later
 * change of the pairing does not make its counters disagree with its reports).
 */
export interface OpeningFigures {
  /** The pledge's share of this period: the yearly pledge × months / 12, rounded down to the fen. */
  readonly pledgedFen: number;
  /** Cadres stationed on the period's last day, and how many of them are first secretaries. */
  readonly cadresInPlace: number;
  readonly firstSecretaries: number;
  /** The pairing's collective income target, in fen. */
  readonly collectiveIncomeTargetFen: number;
}

/** The report's state as far as counting goes. */
export interface CountedReport {
  readonly status: ReportStatus;
  readonly overdue: boolean;
  readonly timeliness?: 'on-time' | 'late' | undefined;
  readonly current?: ReportContent | undefined;
  readonly opening: OpeningFigures;
}

/**
 * What one report contributes to every counter it is in. Filed = submitted at least once (a
 * returned report was filed); missing = past due and never filed. The values counted are the
 * current submission's, so a resubmission replaces what the earlier one counted.
 */
export function contribution(r: CountedReport): Counters {
  const filed = r.status !== 'expected';
  const values = r.current && !r.current.nil ? r.current : undefined;
  return {
    expected: 1,
    filed: filed ? 1 : 0,
    onTime: filed && r.timeliness === 'on-time' ? 1 : 0,
    late: filed && r.timeliness === 'late' ? 1 : 0,
    missing: !filed && r.overdue ? 1 : 0,
    nil: filed && r.current?.nil === true ? 1 : 0,
    returned: r.status === 'returned' ? 1 : 0,
    approved: r.status === 'approved' || r.status === 'accepted' ? 1 : 0,
    accepted: r.status === 'accepted' ? 1 : 0,
    pledgedFen: r.opening.pledgedFen,
    investedFen: values?.investedFen ?? 0,
    cadresInPlace: r.opening.cadresInPlace,
    firstSecretaries: r.opening.firstSecretaries,
    cadreDays: values?.cadreDays ?? 0,
    projectsStarted: values?.projectsStarted ?? 0,
    projectsFinished: values?.projectsFinished ?? 0,
    collectiveIncomeFen: values?.collectiveIncomeToDateFen ?? 0,
    collectiveIncomeTargetFen: r.opening.collectiveIncomeTargetFen,
  };
}

/**
 * Rates a view shows, in basis points, rounded down: completeness = filed / expected, timeliness =
 * on time / expected (DHIS2's "reporting rate" and "reporting rate on time"); 0 when nothing is
 * expected.
 */
export function rateBp(part: number, whole: number): number {
  return whole === 0 ? 0 : Math.floor((part * 10_000) / whole);
}
