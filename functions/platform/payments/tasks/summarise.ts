import * as z from 'zod';
import { defineTask } from '../../../shared/task.ts';
import { sumFen } from '../../money.ts';
import { workflowActor } from '../../decisions/store.ts';
import { TransactionConditionFailed, writeTransaction } from '../../store/transact.ts';
import { batchIdSchema } from '../domain/batch.ts';
import { requiredApprovals } from '../../approvals.ts';
import { allBatchLines, batchTransitionItems } from '../store/batch.ts';
import { mustGetBatch, twoApproverThresholdFen } from '../use-cases.ts';

export const summariseInputSchema = z.object({ batchId: batchIdSchema });

/** Count and total the collected lines; the batch then waits for approval, or is empty and ends. */
async function run({ batchId }: z.infer<typeof summariseInputSchema>): Promise<{ empty: boolean; count: number; totalFen: number }> {
  const batch = await mustGetBatch(batchId);
  if (batch.status !== 'collecting') return { empty: batch.status === 'empty', count: batch.count, totalFen: batch.totalFen };
  const amounts: number[] = [];
  for await (const line of allBatchLines(batchId)) amounts.push(line.amountFen);
  const totalFen = sumFen(amounts);
  const empty = amounts.length === 0;
  try {
    await writeTransaction(
      batchTransitionItems(batch, ['collecting'], empty ? 'empty' : 'awaiting-approval', { count: amounts.length, totalFen, requiredApprovals: requiredApprovals(totalFen, twoApproverThresholdFen()) }, workflowActor, new Date()),
    );
  } catch (err) {
    if (!(err instanceof TransactionConditionFailed)) throw err;
  }
  return { empty, count: amounts.length, totalFen };
}

export const summariseTask = defineTask({ id: 'payments-batch-summarise', file: import.meta.url, input: summariseInputSchema, tableAccess: 'readWrite', timeoutSeconds: 120, run });
export const handler = summariseTask.handler;
