import * as z from 'zod';
import { defineTask } from '../../../shared/task.ts';
import { faultRandom, maybeFail } from '../../../shared/faults.ts';
import { runBounded } from '../../../shared/pool.ts';
import { workflowActor } from '../../decisions/store.ts';
import { TransactionConditionFailed, writeTransaction } from '../../store/transact.ts';
import { batchIdSchema } from '../domain/batch.ts';
import { lineCreateItem } from '../store/batch.ts';
import { openPayouts, payoutReplace, releaseWaitingPayouts, type PayoutRecord } from '../store/payout.ts';
import { mustGetBatch } from '../use-cases.ts';

export const collectInputSchema = z.object({ batchId: batchIdSchema });

const chunk = 500;

/** The open payouts of `source` that `keep` accepts, in chunks, in one pass over the index. */
async function* chunks(source: AsyncGenerator<PayoutRecord>, keep: (p: PayoutRecord) => boolean): AsyncGenerator<PayoutRecord[]> {
  let buffer: PayoutRecord[] = [];
  for await (const p of source) {
    if (!keep(p)) continue;
    buffer.push(p);
    if (buffer.length >= chunk) {
      yield buffer;
      buffer = [];
    }
  }
  if (buffer.length > 0) yield buffer;
}

/**
 * Collect the batch's instructions: first give payouts waiting for an account the account that is
 * valid now, then move every instruction of the program in the batch's county issued up to the
 * batch date into the batch, each with its line (the account as it will be sent), one conditional
 * transaction per instruction: an instruction another batch took first stays there, and a repeated
 * step finds its own lines already written.
 */
async function run({ batchId }: z.infer<typeof collectInputSchema>): Promise<{ collected: number }> {
  const batch = await mustGetBatch(batchId);
  if (batch.status !== 'collecting') return { collected: 0 };
  const county = batch.division.slice(0, 6);
  const inScope = (p: PayoutRecord) => p.division.startsWith(batch.division) && p.issuedDate <= batch.date;
  for await (const waiting of chunks(openPayouts(batch.program, 'awaiting-account', county), inScope)) await releaseWaitingPayouts(waiting, workflowActor);
  let collected = 0;
  // One pass: a payout moved into the batch leaves the index behind the cursor, and one that another
  // batch took (or an index entry older than its item) fails its condition and is left alone.
  for await (const open of chunks(openPayouts(batch.program, 'instructed', county), inScope)) {
    await runBounded(open, 8, async (p) => {
      if (!p.account) return;
      const now = new Date();
      try {
        await writeTransaction([
          payoutReplace(p, { ...p, status: 'batched', batchId }, now),
          lineCreateItem(batchId, {
            instructionId: p.instructionId,
            payoutId: p.payoutId,
            program: p.program,
            programId: p.programId,
            sourceId: p.sourceId,
            payeeId: p.payeeId,
            division: p.division,
            ...p.account,
            amountFen: p.amountFen,
            purpose: p.purpose,
          }),
        ]);
        collected += 1;
      } catch (err) {
        if (!(err instanceof TransactionConditionFailed)) throw err;
      }
    });
  }
  maybeFail('payments-collect', faultRandom('payments-collect', batchId));
  return { collected };
}

export const collectTask = defineTask({ id: 'payments-batch-collect', file: import.meta.url, input: collectInputSchema, tableAccess: 'readWrite', timeoutSeconds: 900, run });
export const handler = collectTask.handler;
