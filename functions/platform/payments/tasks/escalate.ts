import * as z from 'zod';
import { defineTask } from '../../../shared/task.ts';
import { markEscalated, workflowActor } from '../../decisions/store.ts';
import { outboxItems } from '../../store/outbox.ts';
import { batchIdSchema } from '../domain/batch.ts';
import { resultsDecisionId } from '../steps.ts';
import { mustGetBatch } from '../use-cases.ts';

export const escalateInputSchema = z.object({ batchId: batchIdSchema, round: z.number().int().min(0).default(0), period: z.number().int().min(1).default(1) });

/**
 * A sent batch was not reconciled in time: tell the county's finance bureau (through the outbox),
 * record it on the waiting decision, and wait one more period. Once per period, whatever retries.
 */
async function run({ batchId, round, period }: z.infer<typeof escalateInputSchema>): Promise<{ escalated: boolean; nextPeriod: number }> {
  const batch = await mustGetBatch(batchId);
  const id = resultsDecisionId(batchId, round);
  const key = `results-deadline-${period}`;
  const notified = `role:finance@${batch.division.slice(0, 6)}`;
  const open = batch.count - batch.paid.count - batch.failed.count;
  const escalated = await markEscalated(id, {
    key,
    notified,
    note: `Payment batch ${batchId} was sent but ${open} of ${batch.count} lines have no bank result yet (period ${period})`,
    extraItems: outboxItems(
      { recipient: notified, topic: 'payments.unreconciled', key: `${batchId}#${round}#${period}`, division: batch.division, subject: '支付批次已发送但未对账', text: `支付批次 ${batchId} 已发送银行，${batch.count} 笔中仍有 ${open} 笔没有银行支付结果，请导入银行回单对账。`, link: `/payments/batches/${batchId}`, body: { batchId, open, count: batch.count, sentAt: batch.sentAt } },
      workflowActor,
    ),
  });
  return { escalated, nextPeriod: period + 1 };
}

export const escalateTask = defineTask({ id: 'payments-batch-escalate', file: import.meta.url, input: escalateInputSchema, tableAccess: 'readWrite', run });
export const handler = escalateTask.handler;
