import * as z from 'zod';
import type { Actor } from '../../../platform/principal.ts';
import { auditPut } from '../../../platform/store/audit.ts';
import { workflowActor } from '../../../platform/decisions/store.ts';
import { batchPut } from '../../../platform/store/batch.ts';
import { defineEntity, defineSequence, setOnce } from '../../../platform/store/entity.ts';
import { ledgerEntries, ledgerEntryItem, type LedgerEntryInput } from '../../../platform/store/ledger.ts';
import { issuePayouts, type PayoutInput } from '../../../platform/payments/store/payout.ts';
import { payoutIdOf } from '../../../platform/payments/domain/payout.ts';
import { ifAbsent, named, putItem, TransactionConditionFailed, transitionUpdate, updateItem, writeTransaction, type TransactItem } from '../../../platform/store/transact.ts';
import { ConflictError, NotFoundError } from '../../../shared/errors.ts';
import { faultRandom, maybeFail } from '../../../shared/faults.ts';
import { fundInOrder, rewardRunStatusSchema, rewardTableSchema, type RewardLine, type RewardRunStatus } from '../domain/reward-run.ts';
import { getBudget, spendBudget } from './budget.ts';

/**
 * Grade-reward runs (以奖代补 for graded organisations), everything under one partition
 * `SOCIAL_RUN#<id>`:
 *
 * | sk              | what                                                                          |
 * | --------------- | ----------------------------------------------------------------------------- |
 * | `RUN`           | the run: status, table, page bounds, counters, finance's decision             |
 * | `PAGE#<n>`      | page n's lines (written once, with the run's computed counters)               |
 * | `FUND#<n>`      | what page n spends of the budget: its funded and unfunded lines (written once, |
 * |                 | in the budget spend's own transaction)                                        |
 * | `LINE#<orgId>`  | a line's outcome: paid (with its payout) or unfunded                          |
 * | `PAID#<n>`      | marker: page n disbursed, with its counts (written once, with the counters)   |
 *
 * The budget moves once per page, with the page's `FUND#` item whose condition fails on a repeat; a
 * line the budget cannot cover is recorded unfunded and paid nothing, never partly. The ledger
 * entries, payouts and outcomes are keyed by run and organisation, so whatever repeats, a line is
 * paid once. The run's counters move only with a `PAID#` marker, so they are exact.
 */
export const rewardLineSchema = z.object({ organisationId: z.string(), name: z.string(), village: z.string(), grade: z.string(), amountFen: z.number().int() });

export const rewardRunSchema = z.object({
  id: z.string(),
  roundId: z.string(),
  township: z.string(),
  year: z.number().int(),
  table: rewardTableSchema,
  status: rewardRunStatusSchema,
  /** First and last organisation id of each page of the round's results (set once by the Prepare step). */
  pages: z.array(z.object({ first: z.string(), last: z.string() })).default([]),
  pageCount: z.number().int().min(0).optional(),
  computedPages: z.number().int().min(0).default(0),
  lineCount: z.number().int().min(0).default(0),
  totalFen: z.number().int().min(0).default(0),
  exclusions: z.array(z.object({ organisationId: z.string(), reason: z.string() })),
  paidPages: z.number().int().min(0).default(0),
  paidLines: z.number().int().min(0).default(0),
  paidFen: z.number().int().min(0).default(0),
  unfundedLines: z.number().int().min(0).default(0),
  unfundedFen: z.number().int().min(0).default(0),
  createdBy: z.string(),
  approvedBy: z.string().optional(),
  approvedAt: z.string().optional(),
  rejection: z.object({ by: z.string(), at: z.string(), reason: z.string() }).optional(),
  failure: z.object({ error: z.string(), cause: z.string() }).optional(),
  executionArn: z.string().optional(),
  version: z.number().int().min(1),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type RewardRun = z.infer<typeof rewardRunSchema>;

export const lineOutcomeSchema = z.object({ runId: z.string(), organisationId: z.string(), outcome: z.enum(['paid', 'unfunded']), amountFen: z.number().int(), payoutId: z.string().optional(), at: z.string() });
export type LineOutcome = z.infer<typeof lineOutcomeSchema>;

export const paidPageSchema = z.object({ paidLines: z.number().int(), paidFen: z.number().int(), unfundedLines: z.number().int(), unfundedFen: z.number().int(), excluded: z.number().int() });
export type PaidRewardPage = z.infer<typeof paidPageSchema>;

const partition = (id: string) => `SOCIAL_RUN#${id}`;
export const rewardRuns = defineEntity({ type: 'socialRewardRun', schema: rewardRunSchema, key: (p: { id: string }) => ({ pk: partition(p.id), sk: 'RUN' }) });
export const lineOutcomes = defineEntity({
  type: 'socialRewardLine',
  schema: lineOutcomeSchema,
  key: (p: { runId: string; organisationId: string }) => ({ pk: partition(p.runId), sk: `LINE#${p.organisationId}` }),
  indexes: (pattern) => ({ ofRun: pattern({ index: 'table', partition, sortPrefix: 'LINE#' }) }),
});
const linePages = defineSequence({ type: 'socialRewardPage', schema: z.object({ lines: z.array(rewardLineSchema), totalFen: z.number().int() }), partition, prefix: 'PAGE#' });
const reservationSchema = z.object({ funded: z.array(z.string()), unfunded: z.array(z.string()), fundedFen: z.number().int(), unfundedFen: z.number().int() });
type Reservation = z.infer<typeof reservationSchema>;
const reservations = defineSequence({ type: 'socialRewardReservation', schema: reservationSchema, partition, prefix: 'FUND#' });
const paidPages = defineSequence({ type: 'socialRewardPaidPage', schema: z.object({ counts: paidPageSchema }), partition, prefix: 'PAID#' });

export const rewardRunId = (roundId: string) => `srr-${roundId.slice('sgr-'.length)}`;

export async function getRewardRun(id: string): Promise<RewardRun | undefined> {
  return rewardRuns.get({ id }, { consistent: true });
}
export async function requireRewardRun(id: string): Promise<RewardRun> {
  const run = await getRewardRun(id);
  if (!run) throw new NotFoundError(`Reward run ${id} does not exist`);
  return run;
}

const runAudit = (run: RewardRun, action: string, actor: Actor, before: unknown, after: unknown, at = new Date()) =>
  auditPut({ entityType: 'social-reward-run', entityId: run.id, division: run.township, action, actor, before, after, at });

/** Store a new run (status computing). `created: false` with the stored run when the round has one already. */
export async function createRewardRun(run: RewardRun, actor: Actor): Promise<{ created: boolean; run: RewardRun }> {
  try {
    await writeTransaction([named('run', putItem(rewardRuns.item(run), ifAbsent)), runAudit(run, 'social-reward-run.create', actor, undefined, { roundId: run.roundId, table: run.table })]);
    return { created: true, run };
  } catch (err) {
    if (!(err instanceof TransactionConditionFailed && err.failed.includes('run'))) throw err;
    return { created: false, run: await requireRewardRun(run.id) };
  }
}

/** Record the execution that runs the run (set once). */
export async function setRewardRunExecutionArn(id: string, executionArn: string): Promise<void> {
  if (!(await setOnce(rewardRuns.keyOf({ id }), 'executionArn', executionArn))) throw new ConflictError(`Reward run ${id} already runs as another execution`);
}

type RunChanges = Partial<Pick<RewardRun, 'exclusions' | 'approvedBy' | 'approvedAt' | 'rejection' | 'failure'>>;

/** The items that move the run from one of `from` to `to` (the update named `run` fails otherwise) with its audit record. */
export function rewardRunTransitionItems(run: RewardRun, from: readonly RewardRunStatus[], to: RewardRunStatus, changes: RunChanges, actor: Actor, now = new Date()): TransactItem[] {
  const update = transitionUpdate(rewardRuns.keyOf({ id: run.id }), { from, to, changes, at: now.toISOString() });
  const moved = { ...update, Update: { ...update.Update!, UpdateExpression: `${update.Update!.UpdateExpression} ADD version :one`, ExpressionAttributeValues: { ...update.Update!.ExpressionAttributeValues, ':one': 1 } } };
  return [named('run', moved), runAudit(run, `social-reward-run.${to}`, actor, { status: run.status }, { status: to, ...changes }, now)];
}

/** Move the run; the run as stored afterwards, or undefined when it was not in `from` (a repeated step). */
export async function transitionRewardRun(run: RewardRun, from: readonly RewardRunStatus[], to: RewardRunStatus, changes: RunChanges = {}, actor: Actor = workflowActor): Promise<RewardRun | undefined> {
  try {
    await writeTransaction(rewardRunTransitionItems(run, from, to, changes, actor));
  } catch (err) {
    if (err instanceof TransactionConditionFailed && err.failed.includes('run')) return undefined;
    throw err;
  }
  return getRewardRun(run.id);
}

/** Set the page bounds once (a repeated Prepare step finds them set and keeps the first). */
export async function setRewardPages(run: RewardRun, pages: RewardRun['pages']): Promise<RewardRun> {
  try {
    await writeTransaction([
      named(
        'run',
        updateItem(rewardRuns.keyOf({ id: run.id }), {
          UpdateExpression: 'SET pages = :pages, pageCount = :n',
          ConditionExpression: '#status = :computing AND attribute_not_exists(pageCount)',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':pages': pages, ':n': pages.length, ':computing': 'computing' },
        }),
      ),
    ]);
  } catch (err) {
    if (!(err instanceof TransactionConditionFailed)) throw err;
  }
  return requireRewardRun(run.id);
}

/** Store page n's lines once, moving the run's computed counters in the same transaction. */
export async function recordComputedPage(id: string, n: number, lines: readonly RewardLine[]): Promise<void> {
  const totalFen = lines.reduce((a, l) => a + l.amountFen, 0);
  try {
    await writeTransaction([
      named('page', putItem(linePages.item({ lines: [...lines], totalFen }, { parent: id, n }), ifAbsent)),
      updateItem(rewardRuns.keyOf({ id }), { UpdateExpression: 'ADD computedPages :one, lineCount :lines, totalFen :fen', ExpressionAttributeValues: { ':one': 1, ':lines': lines.length, ':fen': totalFen } }),
    ]);
  } catch (err) {
    if (!(err instanceof TransactionConditionFailed && err.failed.includes('page'))) throw err;
  }
}

export async function rewardPageLines(id: string, n: number): Promise<RewardLine[]> {
  const page = await linePages.get({ parent: id, n }, { consistent: true });
  if (!page) throw new Error(`Reward run ${id} has no page ${n}`);
  return page.lines;
}

/** Every line of the run, page by page (what the run view and the exclusion check read). */
export async function rewardRunLines(id: string): Promise<RewardLine[]> {
  const out: RewardLine[] = [];
  for await (const page of linePages.query.ofParent.all(id, { consistent: true })) out.push(...page.lines);
  return out;
}

export async function runLineOutcomes(id: string): Promise<LineOutcome[]> {
  const out: LineOutcome[] = [];
  for await (const l of lineOutcomes.query.ofRun.all(id, { consistent: true })) out.push(l);
  return out;
}

function lineEntry(run: RewardRun, line: RewardLine, at: Date): LedgerEntryInput {
  return { program: 'social', programId: run.id, sourceId: line.organisationId, division: line.village, amountFen: line.amountFen, purpose: `社会组织以奖代补 ${run.year} ${line.name}（${line.grade}）`, at };
}

function linePayout(run: RewardRun, line: RewardLine, at: Date): PayoutInput {
  const entry = lineEntry(run, line, at);
  return { ...entry, payeeId: line.organisationId, subject: { type: 'social-reward-run', id: run.id, path: `/social/reward-runs/${run.id}` }, ledgerKey: ledgerEntries.keyOf(entry), approvedAt: at };
}

/**
 * What a page spends of the budget, decided once: the page's lines that fit what is available (in
 * page order, see `fundInOrder`) and their sum, put (if absent) in the same transaction as the
 * budget's spend, conditioned on that much being available. A repeated page finds it and spends
 * nothing again; when another payer moved the budget in between, the condition fails and the page
 * reads the budget again.
 */
async function reservePage(run: RewardRun, n: number, payable: readonly RewardLine[], actor: Actor, now: Date): Promise<Reservation> {
  for (let attempt = 0; attempt < 5; attempt++) {
    const existing = await reservations.get({ parent: run.id, n }, { consistent: true });
    if (existing) return existing;
    const available = (await getBudget(run.township, run.year))?.availableFen ?? 0;
    const { funded, unfunded, fundedFen } = fundInOrder(payable, available);
    const reservation: Reservation = { funded: funded.map((l) => l.organisationId), unfunded: unfunded.map((l) => l.organisationId), fundedFen, unfundedFen: unfunded.reduce((a, l) => a + l.amountFen, 0) };
    try {
      await writeTransaction([
        named('reservation', putItem(reservations.item(reservation, { parent: run.id, n }), ifAbsent)),
        ...(fundedFen > 0 ? [spendBudget(run.township, run.year, fundedFen, now)] : []),
        ...(unfunded.length > 0 ? [runAudit(run, 'social-reward-run.unfunded', actor, undefined, { page: n, organisations: reservation.unfunded, amountFen: reservation.unfundedFen, availableFen: available - fundedFen }, now)] : []),
      ]);
      return reservation;
    } catch (err) {
      if (!(err instanceof TransactionConditionFailed)) throw err;
    }
  }
  throw new ConflictError(`Reward run ${run.id} page ${n}: the budget kept changing while it was reserved; retry`);
}

/** Thrown when a page is disbursed for a run finance has not approved: never pay what was not approved. */
export class RewardRunNotApproved extends Error {
  override readonly name = 'RewardRunNotApproved';
}

/**
 * Disburse page n of an approved run, as the funding runs disburse theirs: first what the page
 * spends of the budget, decided once with the spend itself ({@link reservePage}); then for every
 * funded line its ledger entry, its payout (created once, with its `payout.issued` audit record) and
 * its outcome, every unfunded line's outcome; then the page's marker and the run's counters in one
 * transaction conditioned on the marker being absent. A page interrupted anywhere and run again
 * spends nothing twice, writes the same items and counts the same.
 */
export async function disburseRewardPage(runId: string, n: number, actor: Actor = workflowActor, now = new Date()): Promise<PaidRewardPage> {
  const [done, run] = await Promise.all([paidPages.get({ parent: runId, n }, { consistent: true }), requireRewardRun(runId)]);
  if (done) return done.counts;
  if (run.status !== 'approved') throw new RewardRunNotApproved(`Reward run ${runId} is ${run.status}`);
  const lines = await rewardPageLines(runId, n);
  const excluded = new Set(run.exclusions.map((e) => e.organisationId));
  const payable = lines.filter((l) => !excluded.has(l.organisationId));
  const reservation = await reservePage(run, n, payable, actor, now);
  // Every write below is keyed by run and organisation and identical on a repeat (dated by the
  // approval, not by the attempt): a retried page re-puts the same items and creates no payout twice.
  const at = new Date(run.approvedAt ?? run.updatedAt);
  const funded = new Set(reservation.funded);
  const paidLines = payable.filter((l) => funded.has(l.organisationId));
  await batchPut(paidLines.map((l) => ledgerEntryItem(lineEntry(run, l, at))));
  const inputs = paidLines.map((l) => linePayout(run, l, at));
  await issuePayouts(inputs, actor, at);
  const payoutIds = new Map(inputs.map((p) => [p.sourceId, payoutIdOf(p)]));
  await batchPut(
    payable.map((l) => {
      const payoutId = payoutIds.get(l.organisationId);
      return lineOutcomes.item(payoutId ? { runId, organisationId: l.organisationId, outcome: 'paid', amountFen: l.amountFen, payoutId, at: at.toISOString() } : { runId, organisationId: l.organisationId, outcome: 'unfunded', amountFen: l.amountFen, at: at.toISOString() });
    }),
  );
  maybeFail('social-reward-disburse-page', faultRandom('social-reward-disburse-page', `${runId}#${n}`));
  const counts: PaidRewardPage = { paidLines: paidLines.length, paidFen: reservation.fundedFen, unfundedLines: reservation.unfunded.length, unfundedFen: reservation.unfundedFen, excluded: lines.length - payable.length };
  try {
    await writeTransaction([
      named('paid', putItem(paidPages.item({ counts }, { parent: runId, n }), ifAbsent)),
      updateItem(rewardRuns.keyOf({ id: runId }), {
        UpdateExpression: 'ADD paidPages :one, paidLines :pl, paidFen :pf, unfundedLines :ul, unfundedFen :uf',
        ExpressionAttributeValues: { ':one': 1, ':pl': counts.paidLines, ':pf': counts.paidFen, ':ul': counts.unfundedLines, ':uf': counts.unfundedFen },
      }),
    ]);
  } catch (err) {
    if (err instanceof TransactionConditionFailed && err.failed.includes('paid')) return (await paidPages.get({ parent: runId, n }, { consistent: true }))?.counts ?? counts;
    throw err;
  }
  return counts;
}
