import * as z from 'zod';
import { defineTask } from '../../../shared/task.ts';
import { batchIdSchema } from '../domain/batch.ts';
import { mustGetBatch } from '../use-cases.ts';

export const readImportInputSchema = z.object({ batchId: batchIdSchema });

/** Thrown when the batch has no results file being applied: the wait ended for another reason. */
export class NoResultsImport extends Error {
  override readonly name = 'NoResultsImport';
}

/**
 * The results file that ended the wait, as the batch records it (the import route sets
 * `reconciling` in the transaction that answers the wait): its id and its staged pages.
 */
async function run({ batchId }: z.infer<typeof readImportInputSchema>): Promise<{ importId: string; pages: number[] }> {
  const batch = await mustGetBatch(batchId);
  const current = batch.imports.at(-1);
  if (!batch.reconciling || current?.importId !== batch.reconciling) throw new NoResultsImport(`payment batch ${batchId} is applying no results file`);
  return { importId: current.importId, pages: Array.from({ length: current.pages }, (_, i) => i) };
}

export const readImportTask = defineTask({ id: 'payments-batch-read-import', file: import.meta.url, input: readImportInputSchema, tableAccess: 'read', run });
export const handler = readImportTask.handler;
