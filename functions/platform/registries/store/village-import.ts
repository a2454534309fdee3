import * as z from 'zod';
import { roleSchema } from '../../principal.ts';
import { divisionCodeSchema } from '../domain/division.ts';
import { villageSchema, type Village } from '../domain/village.ts';
import { csvErrorSchema, type CsvError } from '../../csv-table.ts';
import { auditPut } from '../../store/audit.ts';
import { batchPut } from '../../store/batch.ts';
import { defineEntity, defineSequence, sequenceNumber, setOnce } from '../../store/entity.ts';
import { ifAbsent, named, putItem, TransactionConditionFailed, transitionUpdate, writeTransaction, type TransactItem } from '../../store/transact.ts';

/**
 * A village import job and everything it stages, all under one partition `IMPORT#<id>`:
 *
 * | sk                 | what                                                                  |
 * | ------------------ | --------------------------------------------------------------------- |
 * | `IMPORT`           | the job: status, actor, counts, execution ARN (gsi2 lists a county's)  |
 * | `CSV#<n>`          | the uploaded file as binary chunks of ≤ 300 KB (items are capped at 400 KB) |
 * | `PAGE#<n>`         | validated villages, one page per Map iteration                        |
 * | `ERRORS#<n>`       | row/column errors of a rejected file, in pages                        |
 * | `DONE#<page>#<c>`  | marker written in the same transaction as a chunk of village writes   |
 *
 * The DONE markers are what make a page write exactly-once: a chunk's villages, their audit
 * records and its marker commit together, so a retried or replayed step skips finished chunks and
 * reports the counts they recorded instead of recounting them as unchanged.
 */
export const importStatuses = ['received', 'validating', 'writing', 'succeeded', 'rejected', 'failed'] as const;
export const importStatusSchema = z.enum(importStatuses);
export type ImportStatus = z.infer<typeof importStatusSchema>;
export const finalStatuses: readonly ImportStatus[] = ['succeeded', 'rejected', 'failed'];

export const importIdSchema = z.string().regex(/^imp-[0-9a-z-]{8,64}$/, 'must be an import id (imp-…)');

export const importActorSchema = z.object({
  sub: z.string().min(1),
  roles: z.array(roleSchema).min(1),
  division: divisionCodeSchema,
});
export type ImportActor = z.infer<typeof importActorSchema>;

export const importCountsSchema = z.object({
  created: z.number().int().min(0),
  updated: z.number().int().min(0),
  unchanged: z.number().int().min(0),
});
export type ImportCounts = z.infer<typeof importCountsSchema>;
export const zeroCounts: ImportCounts = { created: 0, updated: 0, unchanged: 0 };

export const villageImportSchema = z.object({
  id: importIdSchema,
  workflow: z.literal('village-import'),
  status: importStatusSchema,
  actor: importActorSchema,
  csvBytes: z.number().int().min(0),
  csvChunks: z.number().int().min(0),
  rowCount: z.number().int().min(0).optional(),
  pageSize: z.number().int().min(1),
  pageCount: z.number().int().min(0).optional(),
  counts: importCountsSchema.optional(),
  errorCount: z.number().int().min(0).optional(),
  errorPages: z.number().int().min(0).optional(),
  executionArn: z.string().optional(),
  failure: z.object({ error: z.string(), cause: z.string() }).optional(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type VillageImport = z.infer<typeof villageImportSchema>;

/** Villages per Map iteration: big enough that transitions stay few, small enough for one item. */
export const importPageSize = 500;
/** Villages per transaction: 2 items each (village + audit) plus the chunk marker, under 100. */
export const villagesPerTransaction = 49;
/** Errors per stored error page. */
export const errorsPerPage = 500;
const csvChunkBytes = 300 * 1024;

const importPartition = (id: string) => `IMPORT#${id}`;

export const villageImports = defineEntity({
  type: 'villageImport',
  schema: villageImportSchema,
  key: (p: { id: string }) => ({ pk: importPartition(p.id), sk: 'IMPORT' }),
  indexes: (pattern) => ({
    /** The imports of a county (the importing admin's), in time order. */
    byCounty: pattern({ index: 'gsi2', partition: (county: string) => `IMPORTS#${county}`, place: (imp) => ({ partition: imp.actor.division.slice(0, 6), sort: `${imp.createdAt}#${imp.id}` }) }),
  }),
});

// What an import stages under its partition (parent: the import id), each kind a numbered sequence.
const csvChunks = defineSequence({
  type: 'villageImportCsv',
  schema: z.object({ data: z.custom<Uint8Array>((v) => v instanceof Uint8Array, 'must be binary') }),
  partition: importPartition,
  prefix: 'CSV#',
});
const villagePages = defineSequence({ type: 'villageImportPage', schema: z.object({ villages: z.array(villageSchema) }), partition: importPartition, prefix: 'PAGE#' });
const errorPages = defineSequence({ type: 'villageImportErrors', schema: z.object({ errors: z.array(csvErrorSchema) }), partition: importPartition, prefix: 'ERRORS#' });

const donePrefix = 'DONE#';
const donePagePrefix = (page: number) => `${sequenceNumber(page)}#`;

/** The marker of a chunk of a page whose villages are written, with the counts it recorded. */
const doneMarkers = defineEntity({
  type: 'villageImportDone',
  schema: z.object({ counts: importCountsSchema }),
  key: (p: { importId: string; page: number; chunk: number }) => ({ pk: importPartition(p.importId), sk: donePrefix + donePagePrefix(p.page) + sequenceNumber(p.chunk) }),
  indexes: (pattern) => ({ ofImport: pattern({ index: 'table', partition: importPartition, sortPrefix: donePrefix }) }),
});

function audit(imp: VillageImport, action: string, before: unknown, after: unknown, actor: ImportActor = imp.actor) {
  return auditPut({
    entityType: 'villageImport',
    entityId: imp.id,
    division: imp.actor.division,
    action,
    actor: { sub: actor.sub, roles: actor.roles },
    before,
    after,
  });
}

/** The fields an audit record shows for a status change. */
const summary = (imp: Partial<VillageImport>) => ({
  status: imp.status,
  rowCount: imp.rowCount,
  counts: imp.counts,
  errorCount: imp.errorCount,
  failure: imp.failure,
});

/**
 * Store a new import: the CSV chunks first (deterministic keys, so a retried request overwrites
 * its own), then the job and its audit record in one transaction. Returns false when a condition
 * failed: an import with this id exists already, or an extra item's condition (the caller decides).
 */
export async function createImport(input: {
  id: string;
  actor: ImportActor;
  csv: Uint8Array;
  now?: Date;
  /** Written in the same transaction, e.g. the idempotency record of the request. */
  extraItems?: readonly TransactItem[];
}): Promise<boolean> {
  const at = (input.now ?? new Date()).toISOString();
  const chunks: Uint8Array[] = [];
  for (let i = 0; i < input.csv.byteLength; i += csvChunkBytes) chunks.push(input.csv.subarray(i, i + csvChunkBytes));
  await batchPut(chunks.map((data, n) => csvChunks.item({ data }, { parent: input.id, n })));
  const imp: VillageImport = {
    id: input.id,
    workflow: 'village-import',
    status: 'received',
    actor: input.actor,
    csvBytes: input.csv.byteLength,
    csvChunks: chunks.length,
    pageSize: importPageSize,
    createdAt: at,
    updatedAt: at,
  };
  try {
    await writeTransaction([
      named('import', putItem(villageImports.item(imp), ifAbsent)),
      audit(imp, 'villageImport.create', undefined, { ...summary(imp), csvBytes: imp.csvBytes }),
      ...(input.extraItems ?? []),
    ]);
    return true;
  } catch (err) {
    if (err instanceof TransactionConditionFailed) return false;
    throw err;
  }
}

export async function getImport(id: string): Promise<VillageImport | undefined> {
  return villageImports.get({ id }, { consistent: true });
}

/** Record the execution that runs the import (set once; a repeat with the same ARN is a no-op). */
export async function setExecutionArn(id: string, executionArn: string): Promise<void> {
  if (!(await setOnce(villageImports.keyOf({ id }), 'executionArn', executionArn))) {
    throw new Error(`Import ${id} is missing or already runs as another execution`);
  }
}

/** The uploaded file, reassembled from its chunks. */
export async function getImportCsv(imp: VillageImport): Promise<Uint8Array> {
  const buffers: Uint8Array[] = [];
  for await (const chunk of csvChunks.query.ofParent.all(imp.id, { consistent: true })) buffers.push(chunk.data);
  if (buffers.length !== imp.csvChunks) throw new Error(`Import ${imp.id}: expected ${imp.csvChunks} CSV chunks, found ${buffers.length}`);
  return Buffer.concat(buffers);
}

/**
 * Move the job from one of `from` to `to`, with its audit record, in one transaction.
 * Returns the new state, or undefined when the job was not in any of `from` (a repeated step).
 */
export async function transition(
  imp: VillageImport,
  from: readonly ImportStatus[],
  to: ImportStatus,
  changes: Partial<Pick<VillageImport, 'rowCount' | 'pageCount' | 'counts' | 'errorCount' | 'errorPages' | 'failure'>> = {},
  now: Date = new Date(),
): Promise<VillageImport | undefined> {
  const next: VillageImport = villageImportSchema.parse({ ...imp, ...changes, status: to, updatedAt: now.toISOString() });
  try {
    await writeTransaction([
      named('import', transitionUpdate(villageImports.keyOf({ id: imp.id }), { from, to, changes, at: next.updatedAt })),
      audit(imp, `villageImport.${to}`, summary(imp), summary(next)),
    ]);
    return next;
  } catch (err) {
    if (err instanceof TransactionConditionFailed && err.failed.includes('import')) return undefined;
    throw err;
  }
}

/** Stage validated villages in pages (deterministic keys: a repeated validation overwrites its own). */
export async function putPages(id: string, pages: readonly (readonly Village[])[]): Promise<void> {
  await batchPut(pages.map((villages, n) => villagePages.item({ villages: [...villages] }, { parent: id, n })));
}

export async function getPage(id: string, page: number): Promise<Village[]> {
  const stored = await villagePages.get({ parent: id, n: page }, { consistent: true });
  if (!stored) throw new Error(`Import ${id} has no page ${page}`);
  return stored.villages;
}

export async function putErrors(id: string, errors: readonly CsvError[]): Promise<number> {
  const chunks: CsvError[][] = [];
  for (let i = 0; i < errors.length; i += errorsPerPage) chunks.push(errors.slice(i, i + errorsPerPage));
  await batchPut(chunks.map((errs, n) => errorPages.item({ errors: errs }, { parent: id, n })));
  return chunks.length;
}

/** One stored page of errors (0-based); empty past the end. */
export async function getErrors(id: string, page: number): Promise<CsvError[]> {
  return (await errorPages.get({ parent: id, n: page }))?.errors ?? [];
}

/** Counts recorded by the chunks of a page that already committed, by chunk number. */
export async function getDoneChunks(id: string, page: number): Promise<Map<number, ImportCounts>> {
  const done = new Map<number, ImportCounts>();
  for await (const { key, record } of doneMarkers.query.ofImport.entries(id, { sort: { beginsWith: donePagePrefix(page) }, consistent: true })) {
    // The chunk number is kept in the key only: DONE#<page>#<chunk>.
    done.set(Number(key.sk.split('#')[2]), record.counts);
  }
  return done;
}

/**
 * How many rows the committed chunks have written so far (created, updated or found unchanged):
 * the progress of a running import. One Query over the markers' counts, which stay few (one per
 * 49 rows).
 */
export async function writtenRows(id: string): Promise<number> {
  let rows = 0;
  for await (const { counts } of doneMarkers.query.ofImport.select(id, z.object({ counts: importCountsSchema }))) rows += counts.created + counts.updated + counts.unchanged;
  return rows;
}

/** The transaction element that marks a chunk of a page as written; fails if it was already. */
export function doneMarkerPut(id: string, page: number, chunk: number, counts: ImportCounts): TransactItem {
  return named('done', putItem(doneMarkers.item({ counts }, { importId: id, page, chunk }), ifAbsent));
}

/** Imports of a county, newest first. */
export async function listImports(county: string, limit = 20): Promise<VillageImport[]> {
  return (await villageImports.query.byCounty.page(county, { limit }, { newestFirst: true })).items;
}
