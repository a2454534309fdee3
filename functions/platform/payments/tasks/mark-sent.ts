import * as z from 'zod';
import { defineTask } from '../../../shared/task.ts';
import { runBounded } from '../../../shared/pool.ts';
import { faultRandom, maybeFail } from '../../../shared/faults.ts';
import { workflowActor } from '../../decisions/store.ts';
import { TransactionConditionFailed, writeTransaction } from '../../store/transact.ts';
import { batchIdSchema } from '../domain/batch.ts';
import { parsePayoutId } from '../domain/payout.ts';
import { allBatchLines, batchTransitionItems } from '../store/batch.ts';
import { getPayouts, payoutReplace, payouts, subjectPaymentItems } from '../store/payout.ts';
import { batchPut } from '../../store/batch.ts';
import { mustGetBatch } from '../use-cases.ts';

export const markSentInputSchema = z.object({ batchId: batchIdSchema });

/** The file went to the bank: every instruction of the batch is sent, then the batch is (a repeat changes nothing). */
async function run({ batchId }: z.infer<typeof markSentInputSchema>): Promise<{ sent: number }> {
  const refs = [];
  for await (const line of allBatchLines(batchId)) refs.push(parsePayoutId(line.payoutId));
  let sent = 0;
  for (let start = 0; start < refs.length; start += 1000) {
    const current = (await getPayouts(refs.slice(start, start + 1000))).filter((p) => p.status === 'batched' && p.batchId === batchId);
    const now = new Date();
    // Whole items for payouts that only the payments module shows (nothing else writes a batched
    // payout of this batch, so a repeat writes the same state); a transaction with the program's
    // record for those that keep their payment there.
    await batchPut(current.filter((p) => !p.settle).map((p) => payouts.item({ ...p, status: 'sent', version: p.version + 1, updatedAt: now.toISOString() })));
    await runBounded(
      current.filter((p) => p.settle),
      8,
      async (p) => {
        try {
          await writeTransaction([payoutReplace(p, { ...p, status: 'sent' }, now), ...subjectPaymentItems(p, { status: 'sent', batchId }, now)]);
        } catch (err) {
          if (!(err instanceof TransactionConditionFailed)) throw err;
        }
      },
    );
    sent += current.length;
  }
  maybeFail('payments-mark-sent', faultRandom('payments-mark-sent', batchId));
  const batch = await mustGetBatch(batchId);
  if (batch.status === 'sending') {
    try {
      await writeTransaction(batchTransitionItems(batch, ['sending'], 'sent', {}, workflowActor, new Date()));
    } catch (err) {
      if (!(err instanceof TransactionConditionFailed)) throw err;
    }
  }
  return { sent };
}

export const markSentTask = defineTask({ id: 'payments-batch-mark-sent', file: import.meta.url, input: markSentInputSchema, tableAccess: 'readWrite', timeoutSeconds: 900, run });
export const handler = markSentTask.handler;
