import * as z from 'zod';
import { fundingRunIdSchema } from '../domain/funding/run.ts';
import { queryPage } from '../store/pagination.ts';
import { fromVillageItem, villageListKey } from '../store/village.ts';
import { recordedFundingBetween } from '../store/village-funding.ts';
import { mustGetRun, putSnapshotPage, transitionRun, type FundingRun, type SnapshotVillage } from '../store/funding-run.ts';

export const snapshotInputSchema = z.object({ runId: fundingRunIdSchema });

export interface SnapshotOutput {
  readonly runId: string;
  readonly dryRun: boolean;
  readonly villageCount: number;
  /** Page indexes for the Map states. */
  readonly pages: number[];
}

const range = (n: number) => Array.from({ length: n }, (_, i) => i);

function outcome(run: FundingRun): SnapshotOutput {
  return { runId: run.id, dryRun: run.dryRun, villageCount: run.villageCount ?? 0, pages: range(run.pageCount ?? 0) };
}

/**
 * Copy the inputs of every village of the run's jurisdiction into snapshot pages, one page of the
 * village list (plus the recorded funding of the same code range) at a time, so memory holds one
 * page whatever the district's size. Later edits of villages or funding do not change the run.
 * A repeat after the snapshot was recorded returns it unchanged; a repeat of an interrupted
 * snapshot starts over and overwrites its own pages (the page count is recorded only at the end).
 */
export async function handler(event: unknown): Promise<SnapshotOutput> {
  const { runId } = snapshotInputSchema.parse(event);
  const run = await mustGetRun(runId);
  if (run.status !== 'snapshotting') return outcome(run);

  const county = run.division.slice(0, 6);
  const { gsi1pk } = villageListKey(`${county}000000`);
  let cursor: string | undefined;
  let page = 0;
  let villages = 0;
  let pendingWrite: Promise<void> = Promise.resolve();
  do {
    const listed = await queryPage({ index: 'gsi1', partition: gsi1pk, ...(run.division.length > 6 ? { sortPrefix: run.division } : {}) }, { limit: run.pageSize, cursor }, fromVillageItem);
    cursor = listed.nextCursor;
    if (listed.items.length === 0) break;
    const first = listed.items[0]!.code;
    const last = listed.items[listed.items.length - 1]!.code;
    const recorded = await recordedFundingBetween(county, run.year, first, last);
    const snapshot: SnapshotVillage[] = listed.items.map((v) => {
      const amount = recorded.get(v.code);
      return { code: v.code, name: v.name, population: v.population, economicallyWeak: v.economicallyWeak, currentFen: amount ?? v.operatingFundsFen, source: amount === undefined ? 'registry' : 'recorded' };
    });
    // Write this page while the next one is read; at most one page waits, so memory stays bounded.
    await pendingWrite;
    pendingWrite = putSnapshotPage(runId, page, snapshot);
    page++;
    villages += snapshot.length;
  } while (cursor);
  await pendingWrite;

  const next = (await transitionRun(run, ['snapshotting'], 'computing', { pageCount: page, villageCount: villages })) ?? (await mustGetRun(runId));
  return outcome(next);
}
