import * as z from 'zod';
import { defineTask, type TaskContext } from '../../../shared/task.ts';
import { openDecisionPut } from '../../decisions/store.ts';
import { batchIdSchema } from '../domain/batch.ts';
import { approvalDecisionId, exportDecisionId, paymentSteps, resultsDecisionId, resultsDeadlineSeconds } from '../steps.ts';
import { mustGetBatch } from '../use-cases.ts';

export const requestDecisionInputSchema = z.object({
  batchId: batchIdSchema,
  step: z.enum(['approval', 'export', 'results']),
  /** Results only: how many results files were applied before this wait. */
  round: z.number().int().min(0).default(0),
  taskToken: z.string().min(1),
});

/**
 * Callback step (`.waitForTaskToken`) for each human step of a batch: put it in finance's inbox
 * with the token. Approval is answered through `/decisions` or the batch routes; export and results
 * by exporting the file and importing the bank's results. Waiting for results has a deadline; the
 * state machine escalates when it passes and waits again.
 */
async function run({ batchId, step, round, taskToken }: z.infer<typeof requestDecisionInputSchema>, { executionArn }: TaskContext): Promise<{ decisionId: string }> {
  const batch = await mustGetBatch(batchId);
  const now = new Date();
  const id = step === 'approval' ? approvalDecisionId(batchId) : step === 'export' ? exportDecisionId(batchId) : resultsDecisionId(batchId, round);
  await openDecisionPut({
    id,
    kind: paymentSteps[step].kind,
    subjectType: 'payment-batch',
    subjectId: batchId,
    division: batch.division,
    role: paymentSteps[step].role,
    summary: { program: batch.program, date: batch.date, count: batch.count, totalFen: batch.totalFen, requiredApprovals: batch.requiredApprovals, paid: batch.paid, failed: batch.failed, link: `/payments/batches/${batchId}` },
    ...(step === 'results' ? { deadline: new Date(now.getTime() + resultsDeadlineSeconds * 1000).toISOString() } : {}),
    taskToken,
    executionArn,
    now,
  });
  return { decisionId: id };
}

export const requestDecisionTask = defineTask({ id: 'payments-batch-request-decision', file: import.meta.url, input: requestDecisionInputSchema, tableAccess: 'readWrite', usesStepFunctions: true, run });
export const handler = requestDecisionTask.handler;
