import * as z from 'zod';
import { defineTask } from '../../../shared/task.ts';
import { faultRandom, maybeFail } from '../../../shared/faults.ts';
import { runBounded } from '../../../shared/pool.ts';
import { sumFen } from '../../money.ts';
import { workflowActor } from '../../decisions/store.ts';
import { auditPut } from '../../store/audit.ts';
import { TransactionConditionFailed, writeTransaction, type TransactItem } from '../../store/transact.ts';
import { batchIdSchema } from '../domain/batch.ts';
import { parsePayoutId } from '../domain/payout.ts';
import { getLines, getResultPage, getSettledPage, lineResultItem, settledPageItems, type BatchLine, type StagedResult } from '../store/batch.ts';
import { getPayouts, payoutReplace, subjectPaymentItems, type PayoutRecord } from '../store/payout.ts';

export const settlePageInputSchema = z.object({ batchId: batchIdSchema, importId: z.string().min(1), page: z.number().int().min(0) });

/** Transactions hold up to 100 items; a result writes four (payout, line, program's record, audit). */
const resultsPerTransaction = 20;

function resultItems(batchId: string, line: BatchLine, payout: PayoutRecord, result: StagedResult['result'], now: Date): TransactItem[] {
  const after =
    result.status === 'paid'
      ? { ...payout, status: 'paid' as const, bankReference: result.bankReference, valueDate: result.valueDate }
      : { ...payout, status: 'failed' as const, failureReason: result.reason };
  return [
    payoutReplace(payout, after, now),
    lineResultItem(batchId, line, result),
    ...subjectPaymentItems(payout, result.status === 'paid' ? { status: 'paid', batchId, bankReference: result.bankReference, valueDate: result.valueDate } : { status: 'failed', batchId, reason: result.reason }, now),
    auditPut({
      entityType: 'payout',
      entityId: payout.payoutId,
      division: payout.division,
      action: result.status === 'paid' ? 'payout.paid' : 'payout.failed',
      actor: workflowActor,
      before: { status: payout.status },
      after: { status: after.status, amountFen: payout.amountFen, ledgerKey: payout.ledgerKey, instructionId: payout.instructionId, batchId, importId: result.importId, ...(result.status === 'paid' ? { bankReference: result.bankReference, valueDate: result.valueDate } : { reason: result.reason }) },
      at: now,
    }),
  ];
}

/** Thrown when a staged result meets a payout in a state it cannot be settled from: never guessed around. */
export class PayoutNotSettleable extends Error {
  override readonly name = 'PayoutNotSettleable';
}

/**
 * Apply one page of a results file: each line's result, its payout's new status, the program
 * record's `payment` and an audit record, in transactions of twenty lines; then the page's marker
 * and the batch's counters, once. A line already settled by this import (a repeated step) is
 * skipped, so a retry after any failure finishes the page without settling anything twice.
 */
async function run({ batchId, importId, page }: z.infer<typeof settlePageInputSchema>): Promise<{ page: number; paid: number; failed: number }> {
  const results = await getResultPage(batchId, importId, page);
  const done = await getSettledPage(batchId, importId, page);
  if (done) return { page, paid: done.paid.count, failed: done.failed.count };
  const pending = async () => {
    const lines = new Map((await getLines(batchId, results.map((r) => r.instructionId))).map((l) => [l.instructionId, l]));
    const open = results.filter((r) => lines.get(r.instructionId)?.result === undefined);
    const payouts = new Map((await getPayouts(open.map((r) => parsePayoutId(lines.get(r.instructionId)?.payoutId ?? '')))).map((p) => [p.payoutId, p]));
    return open.map((r) => {
      const line = lines.get(r.instructionId);
      const payout = line ? payouts.get(line.payoutId) : undefined;
      if (!line || !payout) throw new PayoutNotSettleable(`instruction ${r.instructionId} of batch ${batchId} has no line or payout`);
      if (payout.status !== 'sent' || payout.instructionId !== r.instructionId) {
        throw new PayoutNotSettleable(`payout ${payout.payoutId} is ${payout.status} at instruction ${payout.instructionId}; the result is for ${r.instructionId}`);
      }
      return { result: r.result, line, payout };
    });
  };
  const now = new Date();
  const work = await pending();
  const groups: (typeof work)[] = [];
  for (let i = 0; i < work.length; i += resultsPerTransaction) groups.push(work.slice(i, i + resultsPerTransaction));
  const retryOne: typeof work = [];
  await runBounded(groups, 4, async (group) => {
    try {
      await writeTransaction(group.flatMap(({ line, payout, result }) => resultItems(batchId, line, payout, result, now)));
    } catch (err) {
      if (!(err instanceof TransactionConditionFailed)) throw err;
      retryOne.push(...group);
    }
  });
  if (retryOne.length > 0) {
    // A group failed as a whole (something in it changed since it was read): read again and settle what is still open.
    const again = (await pending()).filter((w) => retryOne.some((r) => r.line.instructionId === w.line.instructionId));
    for (const { line, payout, result } of again) await writeTransaction(resultItems(batchId, line, payout, result, now));
  }
  maybeFail('payments-settle', faultRandom('payments-settle', `${batchId}#${importId}#${page}`));
  const paid = results.filter((r) => r.result.status === 'paid');
  const failed = results.filter((r) => r.result.status === 'failed');
  const lines = await getLines(batchId, results.map((r) => r.instructionId));
  const amountOf = new Map(lines.map((l) => [l.instructionId, l.amountFen]));
  const bucket = (list: StagedResult[]) => ({ count: list.length, amountFen: sumFen(list.map((r) => amountOf.get(r.instructionId) ?? 0)) });
  try {
    await writeTransaction(settledPageItems(batchId, importId, page, bucket(paid), bucket(failed), now));
  } catch (err) {
    if (!(err instanceof TransactionConditionFailed && err.failed.includes('marker'))) throw err;
  }
  maybeFail('payments-settle-marker', faultRandom('payments-settle-marker', `${batchId}#${importId}#${page}`));
  return { page, paid: paid.length, failed: failed.length };
}

export const settlePageTask = defineTask({ id: 'payments-batch-settle-page', file: import.meta.url, input: settlePageInputSchema, tableAccess: 'readWrite', timeoutSeconds: 300, run });
export const handler = settlePageTask.handler;
