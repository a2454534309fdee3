import { defineTask } from '../../../shared/task.ts';
import * as z from 'zod';
import { finalRunStatuses, fundingRunIdSchema } from '../domain/run.ts';
import type { Page } from '../../../platform/store/pagination.ts';
import { villages as villageEntity, type VillageRecord } from '../../../platform/registries/store/village.ts';
import { recordedFundingBetween } from '../store/village-funding.ts';
import { mustGetRun, putSnapshotPage, transitionRun, type FundingRun, type SnapshotVillage } from '../store/run.ts';

export const snapshotInputSchema = z.object({ runId: fundingRunIdSchema });

export interface SnapshotOutput {
  readonly runId: string;
  readonly dryRun: boolean;
  readonly villageCount: number;
  /** Page indexes for the Map states. */
  readonly pages: number[];
  /** The run has reached a final status already: the workflow ends at once (IsSettled). */
  readonly settled: boolean;
}

/**
 * A promise awaited later, while other work is awaited first: marked handled so that a failure in
 * between is not an unhandled rejection (which ends the process); awaiting it still throws.
 */
function handled<T>(promise: Promise<T>): Promise<T> {
  promise.catch(() => undefined);
  return promise;
}

const range = (n: number) => Array.from({ length: n }, (_, i) => i);

function outcome(run: FundingRun): SnapshotOutput {
  return { runId: run.id, dryRun: run.dryRun, villageCount: run.villageCount ?? 0, pages: range(run.pageCount ?? 0), settled: finalRunStatuses.includes(run.status) };
}

/**
 * Copy the inputs of every village of the run's jurisdiction into snapshot pages, one page of the
 * village list (plus the recorded funding of the same code range) at a time, so memory holds one
 * page whatever the district's size. Later edits of villages or funding do not change the run.
 * A repeat after the snapshot was recorded returns it unchanged; a repeat of an interrupted
 * snapshot starts over and overwrites its own pages (the page count is recorded only at the end).
 * A run that is paid, rejected, failed or a finished dry run is reported `settled`, so that another
 * execution started for it ends at once instead of asking for an approval nobody can give.
 */
async function run({ runId }: z.infer<typeof snapshotInputSchema>): Promise<SnapshotOutput> {
  const run = await mustGetRun(runId);
  if (run.status !== 'snapshotting') return outcome(run);

  const county = run.division.slice(0, 6);
  const listPage = (cursor: string | undefined): Promise<Page<VillageRecord>> =>
    handled(villageEntity.query.byCounty.page(county, { limit: run.pageSize, cursor }, { sortPrefix: run.division.length > 6 ? run.division : undefined }));
  let page = 0;
  let villages = 0;
  let pendingWrite: Promise<void> = Promise.resolve();
  // Pipelined: the next village page is read while this one's funding is read and the previous one
  // is written; at most three pages are in memory, whatever the district's size.
  let nextListing: Promise<Page<VillageRecord>> | undefined = listPage(undefined);
  while (nextListing) {
    const listed: Page<VillageRecord> = await nextListing;
    nextListing = listed.nextCursor ? listPage(listed.nextCursor) : undefined;
    if (listed.items.length === 0) break;
    const first = listed.items[0]!.code;
    const last = listed.items[listed.items.length - 1]!.code;
    const recorded = await recordedFundingBetween(county, run.year, first, last);
    const snapshot: SnapshotVillage[] = listed.items.map((v) => {
      const amount = recorded.get(v.code);
      return { code: v.code, name: v.name, population: v.population, economicallyWeak: v.economicallyWeak, currentFen: amount ?? v.operatingFundsFen, source: amount === undefined ? 'registry' : 'recorded' };
    });
    await pendingWrite;
    pendingWrite = handled(putSnapshotPage(runId, page, snapshot));
    page++;
    villages += snapshot.length;
  }
  await pendingWrite;

  const next = (await transitionRun(run, ['snapshotting'], 'computing', { pageCount: page, villageCount: villages })) ?? (await mustGetRun(runId));
  return outcome(next);
}

export const snapshotTask = defineTask({ id: 'funding-run-snapshot', file: import.meta.url, input: snapshotInputSchema, tableAccess: 'readWrite', timeoutSeconds: 900, memoryMb: 1024, run });
export const handler = snapshotTask.handler;
