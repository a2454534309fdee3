import * as z from 'zod';
import { defineTask } from '../../../shared/task.ts';
import { rewardRunIdSchema } from '../domain/reward-run.ts';
import { disburseRewardPage, type PaidRewardPage } from '../store/reward-run.ts';

export const rewardDisbursePageInputSchema = z.object({ runId: rewardRunIdSchema, page: z.number().int().min(0) });

/** Pay one page of an approved run, exactly once (store/reward-run.ts: disburseRewardPage). */
async function run({ runId, page }: z.infer<typeof rewardDisbursePageInputSchema>): Promise<PaidRewardPage & { page: number }> {
  return { page, ...(await disburseRewardPage(runId, page)) };
}

export const rewardDisbursePageTask = defineTask({ id: 'social-reward-disburse-page', file: import.meta.url, input: rewardDisbursePageInputSchema, tableAccess: 'readWrite', timeoutSeconds: 300, run });
export const handler = rewardDisbursePageTask.handler;
