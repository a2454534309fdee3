import { defineTask } from '../../../shared/task.ts';
import * as z from 'zod';
import { finalStatuses, getImport, importIdSchema, transition, type ImportStatus } from '../store/village-import.ts';

export const markFailedInputSchema = z.object({
  importId: importIdSchema,
  /** What a Catch with `ResultPath: "$.error"` puts there. */
  error: z.object({ Error: z.string().optional(), Cause: z.string().optional() }).optional(),
});
export type MarkFailedInput = z.infer<typeof markFailedInputSchema>;

const clip = (s: string, n: number) => (s.length > n ? `${s.slice(0, n)}…` : s);

/** Record why the workflow failed on the import, so `GET /imports/{id}` explains it. */
async function run({ importId, error }: z.infer<typeof markFailedInputSchema>): Promise<{ importId: string; status: ImportStatus }> {
  const imp = await getImport(importId);
  if (!imp) throw new Error(`Import ${importId} does not exist`);
  if (finalStatuses.includes(imp.status)) return { importId, status: imp.status };
  const failure = { error: clip(error?.Error ?? 'Unknown', 200), cause: clip(error?.Cause ?? '', 2000) };
  const next = await transition(imp, ['received', 'validating', 'writing'], 'failed', { failure });
  return { importId, status: next?.status ?? (await getImport(importId))!.status };
}

export const villageImportMarkFailedTask = defineTask({ id: 'village-import-mark-failed', file: import.meta.url, input: markFailedInputSchema, tableAccess: 'readWrite', run });
export const handler = villageImportMarkFailedTask.handler;
