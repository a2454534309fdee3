import * as z from 'zod';
import { defineTask, type TaskContext } from '../../../shared/task.ts';
import { openDecisionPut } from '../../../platform/decisions/store.ts';
import { rewardRunIdSchema } from '../domain/reward-run.ts';
import { requireRewardRun, transitionRewardRun } from '../store/reward-run.ts';
import { rewardRunApproval, rewardRunDecisionId } from '../steps.ts';

export const rewardRequestApprovalInputSchema = z.object({ runId: rewardRunIdSchema, taskToken: z.string().min(1) });

/** Thrown when a page has not recorded its lines yet (a Map iteration still settling): the step retries. */
export class RewardRunIncomplete extends Error {
  override readonly name = 'RewardRunIncomplete';
}

/**
 * Callback step (`.waitForTaskToken`): once every page is computed the run waits for finance, and
 * its approval goes to finance's inbox with the task token, the number of lines and what they sum
 * to. A retried step replaces the token (and an answer given meanwhile is delivered to it).
 */
async function run({ runId, taskToken }: z.infer<typeof rewardRequestApprovalInputSchema>, { executionArn }: TaskContext): Promise<{ decisionId: string }> {
  let run = await requireRewardRun(runId);
  if (run.status === 'computing') {
    if (run.computedPages !== run.pageCount) throw new RewardRunIncomplete(`Reward run ${runId}: ${run.computedPages} of ${run.pageCount ?? 0} pages computed`);
    run = (await transitionRewardRun(run, ['computing'], 'awaiting-finance')) ?? (await requireRewardRun(runId));
  }
  const id = rewardRunDecisionId(runId);
  await openDecisionPut({
    id,
    kind: rewardRunApproval.kind,
    subjectType: 'social-reward-run',
    subjectId: runId,
    division: run.township,
    role: rewardRunApproval.role,
    summary: { township: run.township, year: run.year, lines: run.lineCount, totalFen: run.totalFen, link: `/social/reward-runs/${runId}` },
    taskToken,
    executionArn,
  });
  return { decisionId: id };
}

export const rewardRequestApprovalTask = defineTask({ id: 'social-reward-request-approval', file: import.meta.url, input: rewardRequestApprovalInputSchema, tableAccess: 'readWrite', usesStepFunctions: true, run });
export const handler = rewardRequestApprovalTask.handler;
