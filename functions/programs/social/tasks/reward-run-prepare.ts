import * as z from 'zod';
import { defineTask } from '../../../shared/task.ts';
import { chunks } from '../../../platform/store/batch.ts';
import { finalRewardRunStatuses, rewardPageSize, rewardRunIdSchema } from '../domain/reward-run.ts';
import { results } from '../store/grading.ts';
import { requireRewardRun, setRewardPages, type RewardRun } from '../store/reward-run.ts';

export const rewardPrepareInputSchema = z.object({ runId: rewardRunIdSchema });

export interface RewardPrepareOutput {
  readonly runId: string;
  /** Page indexes for the Map states. */
  readonly pages: number[];
  /** The run is paid, rejected or failed already: the workflow ends at once (IsSettled). */
  readonly settled: boolean;
}

const outcome = (run: RewardRun): RewardPrepareOutput => ({ runId: run.id, pages: Array.from({ length: run.pageCount ?? 0 }, (_, i) => i), settled: finalRewardRunStatuses.includes(run.status) });

/**
 * Split the round's results into pages of {@link rewardPageSize} (their first and last organisation
 * id, in key order), set once on the run: a repeat finds them set. The Map computes each page from
 * its bounds, so the execution's state carries page numbers, not organisations.
 */
async function run({ runId }: z.infer<typeof rewardPrepareInputSchema>): Promise<RewardPrepareOutput> {
  const run = await requireRewardRun(runId);
  if (run.status !== 'computing' || run.pageCount !== undefined) return outcome(run);
  const ids: string[] = [];
  for await (const r of results.query.ofRound.all(run.roundId, { consistent: true })) ids.push(r.organisationId);
  const pages = chunks(ids, rewardPageSize).map((page) => ({ first: page[0]!, last: page[page.length - 1]! }));
  return outcome(await setRewardPages(run, pages));
}

export const rewardPrepareTask = defineTask({ id: 'social-reward-prepare', file: import.meta.url, input: rewardPrepareInputSchema, tableAccess: 'readWrite', timeoutSeconds: 120, run });
export const handler = rewardPrepareTask.handler;
