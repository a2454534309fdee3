import { defineTask } from '../../../shared/task.ts';
import * as z from 'zod';
import { sumTallies } from '../domain/village-import.ts';
import { getImport, importCountsSchema, importIdSchema, transition, type ImportCounts, type ImportStatus } from '../store/village-import.ts';

export const finishInputSchema = z.object({ importId: importIdSchema, pageResults: z.array(importCountsSchema) });
export type FinishInput = z.infer<typeof finishInputSchema>;

export interface FinishOutput {
  readonly importId: string;
  readonly status: ImportStatus;
  readonly counts: ImportCounts;
}

/** Record the import's totals (the sum of its pages) and mark it succeeded; a repeat changes nothing. */
async function run({ importId, pageResults }: z.infer<typeof finishInputSchema>): Promise<FinishOutput> {
  const imp = await getImport(importId);
  if (!imp) throw new Error(`Import ${importId} does not exist`);
  const counts = sumTallies(pageResults);
  const next = (await transition(imp, ['writing'], 'succeeded', { counts })) ?? (await getImport(importId))!;
  return { importId, status: next.status, counts: next.counts ?? counts };
}

export const villageImportFinishTask = defineTask({ id: 'village-import-finish', file: import.meta.url, input: finishInputSchema, tableAccess: 'readWrite', run });
export const handler = villageImportFinishTask.handler;
