import * as z from 'zod';
import { defineTask } from '../../../shared/task.ts';
import { workflowActor } from '../../decisions/store.ts';
import { outboxItems } from '../../store/outbox.ts';
import { TransactionConditionFailed, writeTransaction } from '../../store/transact.ts';
import { batchIdSchema } from '../domain/batch.ts';
import { allBatchLines, batchTransitionItems } from '../store/batch.ts';
import { mustGetBatch } from '../use-cases.ts';

export const finishImportInputSchema = z.object({ batchId: batchIdSchema, importId: z.string().min(1) });

/**
 * A results file is applied: the batch is free for the next one, reconciled when every line has its
 * result; failed lines go back to finance (outbox), who corrects the payee's account and reissues.
 */
async function run({ batchId, importId }: z.infer<typeof finishImportInputSchema>): Promise<{ reconciled: boolean; round: number; open: number; failed: number }> {
  const batch = await mustGetBatch(batchId);
  let open = 0;
  let failedHere = 0;
  for await (const line of allBatchLines(batchId)) {
    if (!line.result) open += 1;
    else if (line.result.status === 'failed' && line.result.importId === importId) failedHere += 1;
  }
  const round = batch.imports.length;
  if (batch.reconciling === importId) {
    const { reconciling: _done, ...rest } = batch;
    const now = new Date();
    const notify =
      failedHere > 0
        ? outboxItems(
            { recipient: `role:finance@${batch.division.slice(0, 6)}`, topic: 'payments.failed', key: `${batchId}#${importId}`, division: batch.division, subject: '支付失败，需核对收款账户后重新支付', text: `支付批次 ${batchId} 的银行回单中有 ${failedHere} 笔支付失败，请核对收款账户后重新支付。`, link: `/payments/batches/${batchId}`, body: { batchId, importId, failed: failedHere } },
            workflowActor,
            now,
          )
        : [];
    try {
      await writeTransaction([...batchTransitionItems(rest, ['sent'], open === 0 ? 'reconciled' : 'sent', {}, workflowActor, now, { importId, open }), ...notify]);
    } catch (err) {
      if (!(err instanceof TransactionConditionFailed)) throw err;
    }
  }
  return { reconciled: open === 0, round, open, failed: failedHere };
}

export const finishImportTask = defineTask({ id: 'payments-batch-finish-import', file: import.meta.url, input: finishImportInputSchema, tableAccess: 'readWrite', timeoutSeconds: 120, run });
export const handler = finishImportTask.handler;
