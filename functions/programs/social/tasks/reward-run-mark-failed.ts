import * as z from 'zod';
import { defineTask } from '../../../shared/task.ts';
import { rewardRunIdSchema } from '../domain/reward-run.ts';
import { requireRewardRun, transitionRewardRun } from '../store/reward-run.ts';

export const rewardMarkFailedInputSchema = z.object({ runId: rewardRunIdSchema, error: z.object({ Error: z.string().optional(), Cause: z.string().optional() }).optional() });

const clip = (s: string, n: number) => (s.length > n ? `${s.slice(0, n)}…` : s);

/** Record why the workflow failed on the run, so `GET /social/reward-runs/{id}` explains it. */
async function run({ runId, error }: z.infer<typeof rewardMarkFailedInputSchema>): Promise<{ runId: string; status: string }> {
  const run = await requireRewardRun(runId);
  const failure = { error: clip(error?.Error ?? 'Unknown', 200), cause: clip(error?.Cause ?? '', 2000) };
  const next = await transitionRewardRun(run, ['computing', 'awaiting-finance', 'approved'], 'failed', { failure });
  return { runId, status: next?.status ?? (await requireRewardRun(runId)).status };
}

export const rewardMarkFailedTask = defineTask({ id: 'social-reward-mark-failed', file: import.meta.url, input: rewardMarkFailedInputSchema, tableAccess: 'readWrite', run });
export const handler = rewardMarkFailedTask.handler;
