import { defineTask } from '../../../shared/task.ts';
import * as z from 'zod';
import { mergeSummaries } from '../domain/summary.ts';
import { fundingRunIdSchema } from '../domain/run.ts';
import { mustGetRun, pageSummaries, transitionRun } from '../store/run.ts';

export const summariseInputSchema = z.object({ runId: fundingRunIdSchema });

export interface SummariseOutput {
  readonly runId: string;
  readonly dryRun: boolean;
  readonly status: string;
}

/** Thrown when a page's summary is missing (a Map iteration did not record it): the step retries. */
export class FundingRunIncomplete extends Error {
  override readonly name = 'FundingRunIncomplete';
}

/**
 * Merge the page summaries into the run's summary (by township, by tier, floor and cap hits,
 * totals), folding one page at a time, and move the run on: a dry run is complete, a real run
 * now waits for finance.
 */
async function run({ runId }: z.infer<typeof summariseInputSchema>): Promise<SummariseOutput> {
  const run = await mustGetRun(runId);
  if (run.status !== 'computing') return { runId, dryRun: run.dryRun, status: run.status };
  let summary = mergeSummaries();
  let pages = 0;
  for await (const page of pageSummaries(runId)) {
    summary = mergeSummaries(summary, page);
    pages++;
  }
  if (pages !== run.pageCount) throw new FundingRunIncomplete(`run ${runId}: ${pages} of ${run.pageCount ?? 0} pages summarised`);
  const to = run.dryRun ? 'dry-run-complete' : 'awaiting-approval';
  const next = (await transitionRun(run, ['computing'], to, { summary })) ?? (await mustGetRun(runId));
  return { runId, dryRun: run.dryRun, status: next.status };
}

export const summariseTask = defineTask({ id: 'funding-run-summarise', file: import.meta.url, input: summariseInputSchema, tableAccess: 'readWrite', timeoutSeconds: 120, run });
export const handler = summariseTask.handler;
