import { createHash } from 'node:crypto';
import * as z from 'zod';
import { defineTask } from '../../../shared/task.ts';
import { faultRandom, maybeFail } from '../../../shared/faults.ts';
import { runBounded } from '../../../shared/pool.ts';
import { sumFen } from '../../money.ts';
import { workflowActor } from '../../decisions/store.ts';
import { auditItem } from '../../store/audit.ts';
import { batchPut } from '../../store/batch.ts';
import { TransactionConditionFailed, writeOne, writeTransaction } from '../../store/transact.ts';
import { batchIdSchema } from '../domain/batch.ts';
import { parsePayoutId } from '../domain/payout.ts';
import { getLines, getResultPage, getSettledPage, lineWithResultItem, settledPageItems, type BatchLine, type StagedResult } from '../store/batch.ts';
import { getPayouts, payouts as payoutEntity, subjectPaymentItems, type PayoutRecord } from '../store/payout.ts';

export const settlePageInputSchema = z.object({ batchId: batchIdSchema, importId: z.string().min(1), page: z.number().int().min(0) });

/** Thrown when a staged result meets a payout in a state it cannot be settled from: never guessed around. */
export class PayoutNotSettleable extends Error {
  override readonly name = 'PayoutNotSettleable';
}

type Result = StagedResult['result'];

interface Work {
  readonly line: BatchLine;
  readonly payout: PayoutRecord;
  readonly result: Result;
  /** The payout carries this result already (an earlier run of the step got that far). */
  readonly payoutDone: boolean;
}

/** Whether `payout` is settled with `result` for the instruction `instructionId`. */
function settledWith(payout: PayoutRecord, instructionId: string, result: Result): boolean {
  return payout.instructionId === instructionId && payout.status === result.status;
}

function settledPayout(payout: PayoutRecord, result: Result): Omit<PayoutRecord, 'version' | 'updatedAt'> {
  return result.status === 'paid'
    ? { ...payout, status: 'paid', bankReference: result.bankReference, valueDate: result.valueDate }
    : { ...payout, status: 'failed', failureReason: result.reason };
}

/** The program's record shows the payment (a reward application: paying → paid); a repeat writes it again. */
async function showOnSubject(w: Work, batchId: string, now: Date): Promise<void> {
  const payment = w.result.status === 'paid' ? { status: 'paid' as const, batchId, bankReference: w.result.bankReference, valueDate: w.result.valueDate } : { status: 'failed' as const, batchId, reason: w.result.reason };
  for (const item of subjectPaymentItems(w.payout, payment, now)) await writeOne(item);
}

/**
 * Apply one page of a results file: each payout's new status, the line's result and an audit record
 * (amount, ledger key, instruction id, bank reference), written whole with BatchWriteItem; then, for
 * programs that keep the payment on their own record (a reward application: paying → paid), that
 * record; then the page's marker and the batch's counters, in one transaction, once.
 *
 * Why whole-item writes are enough for exactly once: while a payout is `sent` in this batch, nothing
 * but this batch's settlement writes it (collection and reissue take only instructed and failed
 * payouts), the batch applies one results file at a time (`reconciling`), and the file was checked
 * against the recorded results before it was staged. So a repeat of this step, or two runs of it at
 * once, write the same settled state again: the items' content follows from the page and what was
 * read (the audit record's key from the import and the instruction), and the counters are counted
 * with the page's marker, once. A payout found already settled with this result is not written again.
 */
async function run({ batchId, importId, page }: z.infer<typeof settlePageInputSchema>): Promise<{ page: number; paid: number; failed: number }> {
  const { results, stagedAt } = await getResultPage(batchId, importId, page);
  const done = await getSettledPage(batchId, importId, page);
  if (done) return { page, paid: done.paid.count, failed: done.failed.count };
  const lines = new Map((await getLines(batchId, results.map((r) => r.instructionId))).map((l) => [l.instructionId, l]));
  const payouts = new Map((await getPayouts([...lines.values()].map((l) => parsePayoutId(l.payoutId)))).map((p) => [p.payoutId, p]));
  const work: Work[] = results.map((r) => {
    const line = lines.get(r.instructionId);
    const payout = line ? payouts.get(line.payoutId) : undefined;
    if (!line || !payout) throw new PayoutNotSettleable(`instruction ${r.instructionId} of batch ${batchId} has no line or payout`);
    const payoutDone = settledWith(payout, r.instructionId, r.result);
    if (!payoutDone && (payout.status !== 'sent' || payout.instructionId !== r.instructionId)) {
      throw new PayoutNotSettleable(`payout ${payout.payoutId} is ${payout.status} at instruction ${payout.instructionId}; the result is for ${r.instructionId}`);
    }
    return { line, payout, result: r.result, payoutDone };
  });
  const now = stagedAt;
  const at = new Date();
  await batchPut(
    work.flatMap(({ line, payout, result, payoutDone }) => [
      ...(payoutDone ? [] : [payoutEntity.item({ ...settledPayout(payout, result), version: payout.version + 1, updatedAt: at.toISOString() })]),
      lineWithResultItem(batchId, line, result),
      auditItem({
        entityType: 'payout',
        entityId: payout.payoutId,
        division: payout.division,
        action: result.status === 'paid' ? 'payout.paid' : 'payout.failed',
        actor: workflowActor,
        before: { status: 'sent' },
        after: { status: result.status, amountFen: payout.amountFen, ledgerKey: payout.ledgerKey, instructionId: line.instructionId, batchId, importId, ...(result.status === 'paid' ? { bankReference: result.bankReference, valueDate: result.valueDate } : { reason: result.reason }) },
        at: now,
        id: createHash('sha256').update(`${importId}#${line.instructionId}`).digest('hex').slice(0, 32),
      }),
    ]),
    { concurrency: 8 },
  );
  maybeFail('payments-settle', faultRandom('payments-settle', `${batchId}#${importId}#${page}`));
  await runBounded(
    work.filter((w) => w.payout.settle),
    16,
    (w) => showOnSubject(w, batchId, now),
  );
  const paid = work.filter((w) => w.result.status === 'paid');
  const failed = work.filter((w) => w.result.status === 'failed');
  const bucket = (list: Work[]) => ({ count: list.length, amountFen: sumFen(list.map((w) => w.line.amountFen)) });
  try {
    await writeTransaction(settledPageItems(batchId, importId, page, bucket(paid), bucket(failed), new Date()));
  } catch (err) {
    if (!(err instanceof TransactionConditionFailed && err.failed.includes('marker'))) throw err;
  }
  maybeFail('payments-settle-marker', faultRandom('payments-settle-marker', `${batchId}#${importId}#${page}`));
  return { page, paid: paid.length, failed: failed.length };
}

export const settlePageTask = defineTask({ id: 'payments-batch-settle-page', file: import.meta.url, input: settlePageInputSchema, tableAccess: 'readWrite', timeoutSeconds: 300, run });
export const handler = settlePageTask.handler;
