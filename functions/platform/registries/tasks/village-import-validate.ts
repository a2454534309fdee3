import { defineTask } from '../../../shared/task.ts';
import * as z from 'zod';
import { parseVillageCsv, pages } from '../domain/village-csv.ts';
import { getDivision, listDivisions } from '../store/division.ts';
import {
  getImport,
  getImportCsv,
  importIdSchema,
  importPageSize,
  putErrors,
  putPages,
  transition,
  type VillageImport,
} from '../store/village-import.ts';

export const validateInputSchema = z.object({ importId: importIdSchema });
export type ValidateInput = z.infer<typeof validateInputSchema>;

export interface ValidateOutput {
  readonly importId: string;
  readonly valid: boolean;
  readonly rowCount: number;
  readonly errorCount: number;
  /** Page indexes for the Map state; empty when the file was rejected. */
  readonly pages: number[];
}

const range = (n: number) => Array.from({ length: n }, (_, i) => i);

function outcome(imp: VillageImport): ValidateOutput {
  const valid = imp.status !== 'rejected';
  return { importId: imp.id, valid, rowCount: imp.rowCount ?? 0, errorCount: imp.errorCount ?? 0, pages: valid ? range(imp.pageCount ?? 0) : [] };
}

/**
 * Validate every row of the uploaded CSV. A file with any bad row is rejected as a whole with all
 * its errors stored; a good one is staged in pages for the Map state. Nothing touches the village
 * registry here, so a rejected import has written no village.
 */
async function run({ importId }: z.infer<typeof validateInputSchema>): Promise<ValidateOutput> {
  let imp = await getImport(importId);
  if (!imp) throw new Error(`Import ${importId} does not exist`);
  // A retried or replayed step finds its own result recorded and returns it unchanged.
  if (imp.status !== 'received' && imp.status !== 'validating') return outcome(imp);
  if (imp.status === 'received') imp = (await transition(imp, ['received'], 'validating')) ?? (await getImport(importId))!;

  const bytes = await getImportCsv(imp);
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    text = '';
  }
  const result =
    bytes.byteLength > 0 && text === ''
      ? { rows: [], rowCount: 0, errors: [{ row: 1, column: null, message: 'the file is not valid UTF-8 text' }] }
      : parseVillageCsv(text, { scope: imp.actor.division, knownTownships: await knownTownships(imp.actor.division) });

  if (result.errors.length > 0) {
    const errorPages = await putErrors(importId, result.errors);
    const next = await transition(imp, ['validating'], 'rejected', { rowCount: result.rowCount, errorCount: result.errors.length, errorPages });
    return outcome(next ?? (await getImport(importId))!);
  }
  const villagePages = pages(result.rows.map((r) => r.village), importPageSize);
  await putPages(importId, villagePages);
  const next = await transition(imp, ['validating'], 'writing', { rowCount: result.rowCount, pageCount: villagePages.length, errorCount: 0 });
  return outcome(next ?? (await getImport(importId))!);
}

/**
 * Township codes registered under the importer's jurisdiction, walking the division tree down from
 * it (a county admin's scope lists its townships directly; a city's goes through its counties).
 */
async function knownTownships(scope: string): Promise<ReadonlySet<string>> {
  const found = new Set<string>();
  if (scope.length >= 9) {
    const township = scope.slice(0, 9);
    if (await getDivision(township, true)) found.add(township);
    return found;
  }
  const queue = [scope];
  for (let parent = queue.shift(); parent !== undefined; parent = queue.shift()) {
    let cursor: string | undefined;
    do {
      const page = await listDivisions(parent, { limit: 100, cursor });
      for (const d of page.items) {
        if (d.level === 'township') found.add(d.code);
        else if (d.code.length < 9) queue.push(d.code);
      }
      cursor = page.nextCursor;
    } while (cursor);
  }
  return found;
}

export const villageImportValidateTask = defineTask({ id: 'village-import-validate', file: import.meta.url, input: validateInputSchema, tableAccess: 'readWrite', timeoutSeconds: 120, memoryMb: 1024, run });
export const handler = villageImportValidateTask.handler;
