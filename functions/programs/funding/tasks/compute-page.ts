import { defineTask } from '../../../shared/task.ts';
import * as z from 'zod';
import { computeAllocation } from '../domain/allocate.ts';
import { addAllocation, emptySummary } from '../domain/summary.ts';
import { fundingRunIdSchema } from '../domain/run.ts';
import { batchPut } from '../../../platform/store/batch.ts';
import { allocationRecord, allocations, getSnapshotPage, mustGetRun, recordComputedPage } from '../store/run.ts';

export const computePageInputSchema = z.object({ runId: fundingRunIdSchema, page: z.number().int().min(0) });

/** Tiny on purpose: a Map state's result is the list of its iterations' outputs. */
export interface ComputePageOutput {
  readonly page: number;
  readonly villages: number;
}

/**
 * Compute one snapshot page's allocations, write them (BatchWriteItem: the items are a pure
 * function of the snapshot and the run's policy, so a repeated write puts the same items again),
 * then record the page's summary with the run's counter in one transaction, exactly once.
 */
async function run({ runId, page }: z.infer<typeof computePageInputSchema>): Promise<ComputePageOutput> {
  const [run, villages] = await Promise.all([mustGetRun(runId), getSnapshotPage(runId, page)]);
  if (run.status !== 'computing') return { page, villages: villages.length };
  const summary = emptySummary();
  const items = villages.map((village) => {
    const allocation = computeAllocation(run.rule, village);
    addAllocation(summary, allocation);
    return allocations.item(allocationRecord(allocation, village, page), { runId });
  });
  await batchPut(items);
  await recordComputedPage(runId, page, summary);
  return { page, villages: villages.length };
}

export const computePageTask = defineTask({ id: 'funding-run-compute-page', file: import.meta.url, input: computePageInputSchema, tableAccess: 'readWrite', timeoutSeconds: 120, run });
export const handler = computePageTask.handler;
