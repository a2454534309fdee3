import * as z from 'zod';
import { defineTask } from '../../../shared/task.ts';
import { runBounded } from '../../../shared/pool.ts';
import { workflowActor } from '../../decisions/store.ts';
import { auditPut } from '../../store/audit.ts';
import { TransactionConditionFailed, writeTransaction } from '../../store/transact.ts';
import { batchIdSchema } from '../domain/batch.ts';
import { parsePayoutId } from '../domain/payout.ts';
import { allBatchLines } from '../store/batch.ts';
import { getPayouts, payoutReplace } from '../store/payout.ts';

export const unbatchInputSchema = z.object({ batchId: batchIdSchema });

/** A rejected batch gives its instructions back: they are open again for the next batch. */
async function run({ batchId }: z.infer<typeof unbatchInputSchema>): Promise<{ released: number }> {
  const refs = [];
  for await (const line of allBatchLines(batchId)) refs.push(parsePayoutId(line.payoutId));
  const current = await getPayouts(refs);
  let released = 0;
  await runBounded(current, 8, async (p) => {
    if (p.status !== 'batched' || p.batchId !== batchId) return;
    const { batchId: _b, ...rest } = p;
    const now = new Date();
    try {
      await writeTransaction([
        payoutReplace(p, { ...rest, status: 'instructed' }, now),
        auditPut({ entityType: 'payout', entityId: p.payoutId, division: p.division, action: 'payout.unbatched', actor: workflowActor, before: { status: p.status, batchId }, after: { status: 'instructed' }, at: now }),
      ]);
      released += 1;
    } catch (err) {
      if (!(err instanceof TransactionConditionFailed)) throw err;
    }
  });
  return { released };
}

export const unbatchTask = defineTask({ id: 'payments-batch-unbatch', file: import.meta.url, input: unbatchInputSchema, tableAccess: 'readWrite', timeoutSeconds: 900, run });
export const handler = unbatchTask.handler;
