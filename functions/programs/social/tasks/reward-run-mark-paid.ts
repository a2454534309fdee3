import * as z from 'zod';
import { defineTask } from '../../../shared/task.ts';
import { rewardRunIdSchema } from '../domain/reward-run.ts';
import { requireRewardRun, transitionRewardRun } from '../store/reward-run.ts';

export const rewardMarkPaidInputSchema = z.object({ runId: rewardRunIdSchema });

/** Thrown when some page has no paid marker yet; the step retries. */
export class RewardRunNotFullyPaid extends Error {
  override readonly name = 'RewardRunNotFullyPaid';
}

/** Mark the run paid once every page recorded its disbursement. */
async function run({ runId }: z.infer<typeof rewardMarkPaidInputSchema>): Promise<{ runId: string; status: string; paidLines: number; paidFen: number; unfundedLines: number }> {
  const run = await requireRewardRun(runId);
  if (run.status === 'approved' && run.paidPages !== (run.pageCount ?? 0)) throw new RewardRunNotFullyPaid(`Reward run ${runId}: ${run.paidPages} of ${run.pageCount ?? 0} pages paid`);
  const next = (await transitionRewardRun(run, ['approved'], 'paid')) ?? (await requireRewardRun(runId));
  return { runId, status: next.status, paidLines: next.paidLines, paidFen: next.paidFen, unfundedLines: next.unfundedLines };
}

export const rewardMarkPaidTask = defineTask({ id: 'social-reward-mark-paid', file: import.meta.url, input: rewardMarkPaidInputSchema, tableAccess: 'readWrite', run });
export const handler = rewardMarkPaidTask.handler;
