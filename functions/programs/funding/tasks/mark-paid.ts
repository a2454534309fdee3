import { defineTask } from '../../../shared/task.ts';
import * as z from 'zod';
import { fundingRunIdSchema } from '../domain/run.ts';
import { mustGetRun, transitionRun } from '../store/run.ts';

export const markPaidInputSchema = z.object({ runId: fundingRunIdSchema });

/** Thrown when some page has no paid marker yet; the step retries. */
export class FundingRunNotFullyPaid extends Error {
  override readonly name = 'FundingRunNotFullyPaid';
}

/** Mark the run paid once every page recorded its disbursement. */
async function run({ runId }: z.infer<typeof markPaidInputSchema>): Promise<{ runId: string; status: string; paidVillages: number; paidFen: number }> {
  const run = await mustGetRun(runId);
  if (run.status === 'disbursing' && run.paidPages !== (run.pageCount ?? 0)) {
    throw new FundingRunNotFullyPaid(`run ${runId}: ${run.paidPages} of ${run.pageCount ?? 0} pages paid`);
  }
  const next = (await transitionRun(run, ['disbursing'], 'paid')) ?? (await mustGetRun(runId));
  return { runId, status: next.status, paidVillages: next.paidVillages, paidFen: next.paidFen };
}

export const markPaidTask = defineTask({ id: 'funding-run-mark-paid', file: import.meta.url, input: markPaidInputSchema, tableAccess: 'readWrite', run });
export const handler = markPaidTask.handler;
