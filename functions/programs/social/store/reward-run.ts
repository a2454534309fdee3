import * as z from 'zod';
import type { Actor } from '../../../platform/principal.ts';
import { auditPut } from '../../../platform/store/audit.ts';
import { defineEntity } from '../../../platform/store/entity.ts';
import { ledgerEntries, ledgerEntryPut } from '../../../platform/store/ledger.ts';
import { payoutCreateItems, preparePayouts } from '../../../platform/payments/store/payout.ts';
import { ifAbsent, ifVersion, named, putItem, TransactionConditionFailed, writeTransaction } from '../../../platform/store/transact.ts';
import { ConflictError, NotFoundError } from '../../../shared/errors.ts';
import { faultRandom, maybeFail } from '../../../shared/faults.ts';
import { rewardTableSchema, type RewardLine } from '../domain/reward-run.ts';
import { spendBudget } from './budget.ts';

/**
 * Grade-reward runs (以奖代补 for graded organisations): pk `SOCIAL_RUN#<id>`, sk `RUN`, with its
 * lines inside (a township's graded organisations); each line paid is marked by `LINE#<orgId>` in
 * the same partition, written in the line's payment transaction with the ledger entry, the payout
 * (payments module, payee `org-…`) and the budget's conditional spend. The ledger entry and the
 * marker are conditional puts keyed by run and organisation, so a line is paid once whatever
 * repeats; a line the budget cannot cover is recorded unfunded and paid nothing.
 */
export const rewardRunSchema = z.object({
  id: z.string(),
  roundId: z.string(),
  township: z.string(),
  year: z.number().int(),
  table: rewardTableSchema,
  lines: z.array(z.object({ organisationId: z.string(), name: z.string(), village: z.string(), grade: z.string(), amountFen: z.number().int() })),
  status: z.enum(['awaiting-finance', 'approved', 'paid']),
  exclusions: z.array(z.object({ organisationId: z.string(), reason: z.string() })),
  createdBy: z.string(),
  approvedBy: z.string().optional(),
  approvedAt: z.string().optional(),
  version: z.number().int().min(1),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type RewardRun = z.infer<typeof rewardRunSchema>;

export const lineOutcomeSchema = z.object({ runId: z.string(), organisationId: z.string(), outcome: z.enum(['paid', 'unfunded']), amountFen: z.number().int(), payoutId: z.string().optional(), at: z.string() });
export type LineOutcome = z.infer<typeof lineOutcomeSchema>;

const partition = (id: string) => `SOCIAL_RUN#${id}`;
export const rewardRuns = defineEntity({ type: 'socialRewardRun', schema: rewardRunSchema, key: (p: { id: string }) => ({ pk: partition(p.id), sk: 'RUN' }) });
export const lineOutcomes = defineEntity({
  type: 'socialRewardLine',
  schema: lineOutcomeSchema,
  key: (p: { runId: string; organisationId: string }) => ({ pk: partition(p.runId), sk: `LINE#${p.organisationId}` }),
  indexes: (pattern) => ({ ofRun: pattern({ index: 'table', partition, sortPrefix: 'LINE#' }) }),
});

export const rewardRunId = (roundId: string) => `srr-${roundId.slice('sgr-'.length)}`;

export async function getRewardRun(id: string): Promise<RewardRun | undefined> {
  return rewardRuns.get({ id }, { consistent: true });
}
export async function requireRewardRun(id: string): Promise<RewardRun> {
  const run = await getRewardRun(id);
  if (!run) throw new NotFoundError(`Reward run ${id} does not exist`);
  return run;
}

export async function createRewardRun(run: RewardRun, actor: Actor): Promise<RewardRun> {
  try {
    await writeTransaction([named('run', putItem(rewardRuns.item(run), ifAbsent)), auditPut({ entityType: 'social-reward-run', entityId: run.id, division: run.township, action: 'social-reward-run.create', actor, after: { roundId: run.roundId, lines: run.lines.length, table: run.table } })]);
  } catch (err) {
    if (err instanceof TransactionConditionFailed) throw new ConflictError(`Grading round ${run.roundId} has a reward run already (${run.id})`);
    throw err;
  }
  return run;
}

/** Finance's one decision: approve with exclusions (audited), before any line is paid. */
export async function approveRewardRun(run: RewardRun, exclusions: RewardRun['exclusions'], actor: Actor, now = new Date()): Promise<RewardRun> {
  const next: RewardRun = { ...run, status: 'approved', exclusions, approvedBy: actor.sub, approvedAt: now.toISOString(), version: run.version + 1, updatedAt: now.toISOString() };
  try {
    await writeTransaction([named('run', putItem(rewardRuns.item(next), ifVersion(run.version))), auditPut({ entityType: 'social-reward-run', entityId: run.id, division: run.township, action: 'social-reward-run.approve', actor, before: { status: run.status }, after: { status: next.status, exclusions }, at: now })]);
  } catch (err) {
    if (err instanceof TransactionConditionFailed) throw new ConflictError(`Reward run ${run.id} was decided concurrently; read it again`);
    throw err;
  }
  return next;
}

export async function runLineOutcomes(id: string): Promise<LineOutcome[]> {
  const out: LineOutcome[] = [];
  for await (const l of lineOutcomes.query.ofRun.all(id, { consistent: true })) out.push(l);
  return out;
}

/**
 * Pay one line exactly once: ledger entry, payout and its audit, the budget's spend and the line's
 * marker in one transaction. A repeat finds the marker (or has its transaction cancelled by it);
 * when the budget does not cover the line, the line is marked unfunded instead.
 */
export async function payLine(run: RewardRun, line: RewardLine, actor: Actor, now = new Date()): Promise<LineOutcome> {
  const existing = await lineOutcomes.get({ runId: run.id, organisationId: line.organisationId }, { consistent: true });
  if (existing) return existing;
  const entry = { program: 'social', programId: run.id, sourceId: line.organisationId, division: line.village, amountFen: line.amountFen, purpose: `社会组织以奖代补 ${run.year} ${line.name}（${line.grade}）` };
  const [payout] = await preparePayouts([{ ...entry, payeeId: line.organisationId, subject: { type: 'social-reward-run', id: run.id, path: `/social/reward-runs/${run.id}` }, ledgerKey: ledgerEntries.keyOf(entry), approvedAt: run.approvedAt ? new Date(run.approvedAt) : now }], now);
  if (!payout) throw new Error('no payout prepared');
  const paid: LineOutcome = { runId: run.id, organisationId: line.organisationId, outcome: 'paid', amountFen: line.amountFen, payoutId: payout.payoutId, at: now.toISOString() };
  try {
    await writeTransaction([named('line', putItem(lineOutcomes.item(paid), ifAbsent)), spendBudget(run.township, run.year, line.amountFen, now), ledgerEntryPut(entry), ...payoutCreateItems(payout, actor, now)]);
  } catch (err) {
    if (!(err instanceof TransactionConditionFailed)) throw err;
    if (err.failed.includes('line')) return (await lineOutcomes.get({ runId: run.id, organisationId: line.organisationId }, { consistent: true })) ?? paid;
    if (!err.failed.includes('budget')) throw err;
    const unfunded: LineOutcome = { runId: run.id, organisationId: line.organisationId, outcome: 'unfunded', amountFen: line.amountFen, at: now.toISOString() };
    try {
      await writeTransaction([named('line', putItem(lineOutcomes.item(unfunded), ifAbsent)), auditPut({ entityType: 'social-reward-run', entityId: run.id, division: line.village, action: 'social-reward-run.unfunded', actor, after: unfunded, at: now })]);
    } catch (again) {
      if (!(again instanceof TransactionConditionFailed)) throw again;
    }
    return unfunded;
  }
  maybeFail('social-reward-pay', faultRandom('social-reward-pay', `${run.id}#${line.organisationId}`));
  return paid;
}

/** Every line once paid or unfunded: the run is paid (its payouts then follow the payments module). */
export async function markRunPaid(run: RewardRun, actor: Actor, now = new Date()): Promise<RewardRun> {
  const next: RewardRun = { ...run, status: 'paid', version: run.version + 1, updatedAt: now.toISOString() };
  try {
    await writeTransaction([named('run', putItem(rewardRuns.item(next), ifVersion(run.version))), auditPut({ entityType: 'social-reward-run', entityId: run.id, division: run.township, action: 'social-reward-run.paid', actor, before: { status: run.status }, after: { status: 'paid' }, at: now })]);
  } catch (err) {
    if (!(err instanceof TransactionConditionFailed)) throw err;
    return requireRewardRun(run.id);
  }
  return next;
}
