import {
  BatchWriteCommand,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
  type QueryCommandOutput,
} from '@aws-sdk/lib-dynamodb';
import * as z from 'zod';
import { ddb, tableName } from '../../../shared/clients.ts';
import { roleSchema } from '../../principal.ts';
import { divisionCodeSchema } from '../domain/division.ts';
import { villageSchema, type Village } from '../domain/village.ts';
import { csvErrorSchema, type CsvError } from '../../csv-table.ts';
import { auditPut } from '../../store/audit.ts';
import { named, TransactionConditionFailed, writeTransaction, type TransactItem } from '../../store/transact.ts';

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

const pad = (n: number) => String(n).padStart(5, '0');
const partition = (id: string) => `IMPORT#${id}`;
const metaKey = (id: string) => ({ pk: partition(id), sk: 'IMPORT' });

function listKey(imp: Pick<VillageImport, 'actor' | 'createdAt' | 'id'>) {
  return { gsi2pk: `IMPORTS#${imp.actor.division.slice(0, 6)}`, gsi2sk: `${imp.createdAt}#${imp.id}` };
}

function toItem(imp: VillageImport) {
  return { ...metaKey(imp.id), ...listKey(imp), type: 'villageImport', ...imp };
}

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
  await batchPut(chunks.map((data, n) => ({ pk: partition(input.id), sk: `CSV#${pad(n)}`, type: 'villageImportCsv', data })));
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
      named('import', { Put: { TableName: tableName(), Item: toItem(imp), ConditionExpression: 'attribute_not_exists(pk)' } }),
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
  const { Item } = await ddb().send(new GetCommand({ TableName: tableName(), Key: metaKey(id), ConsistentRead: true }));
  return Item ? villageImportSchema.parse(Item) : undefined;
}

/** Record the execution that runs the import (set once; a repeat with the same ARN is a no-op). */
export async function setExecutionArn(id: string, executionArn: string): Promise<void> {
  try {
    await ddb().send(
      new UpdateCommand({
        TableName: tableName(),
        Key: metaKey(id),
        UpdateExpression: 'SET executionArn = :arn',
        ConditionExpression: 'attribute_exists(pk) AND (attribute_not_exists(executionArn) OR executionArn = :arn)',
        ExpressionAttributeValues: { ':arn': executionArn },
      }),
    );
  } catch (err) {
    if ((err as { name?: string }).name !== 'ConditionalCheckFailedException') throw err;
    throw new Error(`Import ${id} is missing or already runs as another execution`);
  }
}

/** The uploaded file, reassembled from its chunks. */
export async function getImportCsv(imp: VillageImport): Promise<Uint8Array> {
  const parts = await queryPrefix(imp.id, 'CSV#');
  const buffers = parts.map((p) => p.data as Uint8Array);
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
  const names: Record<string, string> = { '#status': 'status' };
  const values: Record<string, unknown> = { ':to': to, ':at': next.updatedAt };
  const sets = ['#status = :to', 'updatedAt = :at'];
  for (const [k, v] of Object.entries(changes)) {
    names[`#${k}`] = k;
    values[`:${k}`] = v;
    sets.push(`#${k} = :${k}`);
  }
  const fromNames = from.map((s, i) => {
    values[`:from${i}`] = s;
    return `:from${i}`;
  });
  const items: TransactItem[] = [
    named('import', {
      Update: {
        TableName: tableName(),
        Key: metaKey(imp.id),
        UpdateExpression: `SET ${sets.join(', ')}`,
        ConditionExpression: `#status IN (${fromNames.join(', ')})`,
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
      },
    }),
    audit(imp, `villageImport.${to}`, summary(imp), summary(next)),
  ];
  try {
    await writeTransaction(items);
    return next;
  } catch (err) {
    if (err instanceof TransactionConditionFailed && err.failed.includes('import')) return undefined;
    throw err;
  }
}

/** Stage validated villages in pages (deterministic keys: a repeated validation overwrites its own). */
export async function putPages(id: string, villagePages: readonly (readonly Village[])[]): Promise<void> {
  await batchPut(villagePages.map((villages, n) => ({ pk: partition(id), sk: `PAGE#${pad(n)}`, type: 'villageImportPage', villages })));
}

export async function getPage(id: string, page: number): Promise<Village[]> {
  const { Item } = await ddb().send(new GetCommand({ TableName: tableName(), Key: { pk: partition(id), sk: `PAGE#${pad(page)}` }, ConsistentRead: true }));
  if (!Item) throw new Error(`Import ${id} has no page ${page}`);
  return z.array(villageSchema).parse(Item.villages);
}

export async function putErrors(id: string, errors: readonly CsvError[]): Promise<number> {
  const chunks: CsvError[][] = [];
  for (let i = 0; i < errors.length; i += errorsPerPage) chunks.push(errors.slice(i, i + errorsPerPage));
  await batchPut(chunks.map((errs, n) => ({ pk: partition(id), sk: `ERRORS#${pad(n)}`, type: 'villageImportErrors', errors: errs })));
  return chunks.length;
}

/** One stored page of errors (0-based); empty past the end. */
export async function getErrors(id: string, page: number): Promise<CsvError[]> {
  const { Item } = await ddb().send(new GetCommand({ TableName: tableName(), Key: { pk: partition(id), sk: `ERRORS#${pad(page)}` } }));
  return Item ? z.array(csvErrorSchema).parse(Item.errors) : [];
}

/** Counts recorded by the chunks of a page that already committed, by chunk number. */
export async function getDoneChunks(id: string, page: number): Promise<Map<number, ImportCounts>> {
  const items = await queryPrefix(id, `DONE#${pad(page)}#`);
  return new Map(items.map((i) => [Number(String(i.sk).split('#')[2]), importCountsSchema.parse(i.counts)]));
}

/** The transaction element that marks a chunk of a page as written; fails if it was already. */
export function doneMarkerPut(id: string, page: number, chunk: number, counts: ImportCounts): TransactItem {
  return named('done', {
    Put: {
      TableName: tableName(),
      Item: { pk: partition(id), sk: `DONE#${pad(page)}#${pad(chunk)}`, type: 'villageImportDone', counts },
      ConditionExpression: 'attribute_not_exists(pk)',
    },
  });
}

/** Imports of a county, newest first. */
export async function listImports(county: string, limit = 20): Promise<VillageImport[]> {
  const out = await ddb().send(
    new QueryCommand({
      TableName: tableName(),
      IndexName: 'gsi2',
      KeyConditionExpression: 'gsi2pk = :pk',
      ExpressionAttributeValues: { ':pk': `IMPORTS#${county}` },
      ScanIndexForward: false,
      Limit: limit,
    }),
  );
  return (out.Items ?? []).map((i) => villageImportSchema.parse(i));
}

async function queryPrefix(id: string, prefix: string): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const out: QueryCommandOutput = await ddb().send(
      new QueryCommand({
        TableName: tableName(),
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        ExpressionAttributeValues: { ':pk': partition(id), ':prefix': prefix },
        ConsistentRead: true,
        ExclusiveStartKey: start,
      }),
    );
    items.push(...(out.Items ?? []));
    start = out.LastEvaluatedKey;
  } while (start);
  return items;
}

async function batchPut(items: readonly Record<string, unknown>[]): Promise<void> {
  if (items.length === 1) {
    await ddb().send(new PutCommand({ TableName: tableName(), Item: items[0] }));
    return;
  }
  for (let i = 0; i < items.length; i += 25) {
    let requests: { PutRequest: { Item: Record<string, unknown> } }[] | undefined = items.slice(i, i + 25).map((Item) => ({ PutRequest: { Item } }));
    for (let attempt = 0; requests && requests.length > 0; attempt++) {
      if (attempt > 0) await new Promise((r) => setTimeout(r, Math.min(1000, 25 * 2 ** attempt)));
      const out = await ddb().send(new BatchWriteCommand({ RequestItems: { [tableName()]: requests } }));
      requests = out.UnprocessedItems?.[tableName()] as typeof requests;
    }
  }
}
