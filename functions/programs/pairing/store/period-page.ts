import * as z from 'zod';
import { batchPut } from '../../../platform/store/batch.ts';
import { defineSequence } from '../../../platform/store/entity.ts';

/**
 * The pairings a period opens, snapshotted in pages when its workflow starts: the Map state opens
 * page by page (its transitions grow with pages, not pairings), and a page run again after a crash
 * opens the same pairings.
 *
 * Keys: pk `PAIRPERIODPAGES#<termId>#<periodId>`, sk `P#<n, zero-padded>`.
 */
export const periodPages = defineSequence({
  type: 'pairingPeriodPage',
  schema: z.object({ pairingIds: z.array(z.string()) }),
  partition: (parent: string) => `PAIRPERIODPAGES#${parent}`,
  prefix: 'P#',
});

const parentOf = (termId: string, periodId: string) => `${termId}#${periodId}`;

/** Write the pages (a repeat writes the same items again). */
export async function putPeriodPages(termId: string, periodId: string, pages: readonly (readonly string[])[]): Promise<void> {
  await batchPut(pages.map((ids, n) => periodPages.item({ pairingIds: [...ids] }, { parent: parentOf(termId, periodId), n })));
}

export async function getPeriodPage(termId: string, periodId: string, n: number): Promise<string[]> {
  return (await periodPages.get({ parent: parentOf(termId, periodId), n }, { consistent: true }))?.pairingIds ?? [];
}
