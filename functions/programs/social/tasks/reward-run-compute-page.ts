import * as z from 'zod';
import { defineTask } from '../../../shared/task.ts';
import { rewardLines, rewardRunIdSchema } from '../domain/reward-run.ts';
import { results, type GradingResult } from '../store/grading.ts';
import { recordComputedPage, requireRewardRun } from '../store/reward-run.ts';

export const rewardComputePageInputSchema = z.object({ runId: rewardRunIdSchema, page: z.number().int().min(0) });

/** One page of results (by its bounds) → its reward lines by the run's table (pure), stored once. */
async function run({ runId, page }: z.infer<typeof rewardComputePageInputSchema>): Promise<{ page: number; lines: number }> {
  const run = await requireRewardRun(runId);
  const bounds = run.pages[page];
  if (!bounds) throw new Error(`Reward run ${runId} has no page ${page}`);
  if (run.status !== 'computing') return { page, lines: 0 };
  const found: GradingResult[] = [];
  for await (const r of results.query.ofRound.all(run.roundId, { sort: { between: [bounds.first, bounds.last] }, consistent: true })) found.push(r);
  const lines = rewardLines(found, run.table);
  await recordComputedPage(runId, page, lines);
  return { page, lines: lines.length };
}

export const rewardComputePageTask = defineTask({ id: 'social-reward-compute-page', file: import.meta.url, input: rewardComputePageInputSchema, tableAccess: 'readWrite', timeoutSeconds: 120, run });
export const handler = rewardComputePageTask.handler;
