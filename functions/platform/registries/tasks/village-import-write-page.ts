import { defineTask } from '../../../shared/task.ts';
import { runBounded } from '../../../shared/pool.ts';
import * as z from 'zod';
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { ConflictError } from '../../../shared/errors.ts';
import { TransactionConditionFailed, writeTransaction } from '../../store/transact.ts';
import { classifyVillages, sumTallies, tally, type ImportTally } from '../domain/village-import.ts';
import { pages } from '../domain/village-csv.ts';
import type { Village } from '../domain/village.ts';
import { getVillages, villageWrite } from '../store/village.ts';
import {
  doneMarkerPut,
  getDoneChunks,
  getImport,
  getPage,
  importIdSchema,
  villagesPerTransaction,
  type ImportActor,
} from '../store/village-import.ts';

export const writePageInputSchema = z.object({ importId: importIdSchema, page: z.number().int().min(0) });
export type WritePageInput = z.infer<typeof writePageInputSchema>;

export interface WritePageOutput extends ImportTally {
  readonly page: number;
}

/** Thrown when a village changed between reading and writing; the state machine retries the page. */
export class VillageChangedDuringImport extends Error {
  override readonly name = 'VillageChangedDuringImport';
}

/** Transactions of one page in flight at once (the Map runs a few pages in parallel on top). */
const chunkConcurrency = 2;

/**
 * Write one page of validated villages: only new or changed ones, each with its audit record, in
 * transactions of 49 villages that also mark their chunk done. Safe to repeat: finished chunks are
 * skipped and report the counts they recorded; unchanged villages are not written at all.
 */
async function run({ importId, page }: z.infer<typeof writePageInputSchema>): Promise<WritePageOutput> {
  const imp = await getImport(importId);
  if (!imp) throw new Error(`Import ${importId} does not exist`);
  const chunks = pages(await getPage(importId, page), villagesPerTransaction);
  const done = await getDoneChunks(importId, page);

  const results = await runBounded(chunks, chunkConcurrency, async (villages, n) => done.get(n) ?? (await writeChunk(importId, page, n, villages, imp.actor)));
  return { page, ...sumTallies(results) };
}

async function writeChunk(importId: string, page: number, chunk: number, villages: readonly Village[], actor: ImportActor): Promise<ImportTally> {
  const changes = classifyVillages(villages, await getVillages(villages.map((v) => v.code)));
  const counts = tally(changes);
  // The marker is written even when nothing changed: another run may have written this chunk
  // between our read of the markers and our read of the villages, and only the marker's
  // condition tells the two cases apart, so both runs report the counts of the run that won.
  const now = new Date();
  const items = changes.flatMap((c) =>
    c.kind === 'create'
      ? villageWrite(c.village, undefined, actor, 'village.create', now)
      : c.kind === 'update'
        ? villageWrite(c.village, c.before, actor, 'village.update', now)
        : [],
  );
  items.push(doneMarkerPut(importId, page, chunk, counts));
  try {
    await writeTransaction(items);
    return counts;
  } catch (err) {
    // The marker failed its condition: another run of this step finished the chunk first.
    if (err instanceof TransactionConditionFailed && err.failed.includes('done')) {
      const recorded = (await getDoneChunks(importId, page)).get(chunk);
      if (recorded) return recorded;
    }
    // A village's condition, a collision with the other run, or any other cancellation: retry the page.
    if (err instanceof TransactionConditionFailed || err instanceof ConflictError || err instanceof TransactionCanceledException) {
      throw new VillageChangedDuringImport(`Page ${page} chunk ${chunk}: ${err.message}; a village changed while importing, retry`);
    }
    throw err;
  }
}

export const villageImportWritePageTask = defineTask({ id: 'village-import-write-page', file: import.meta.url, input: writePageInputSchema, tableAccess: 'readWrite', timeoutSeconds: 120, run });
export const handler = villageImportWritePageTask.handler;
