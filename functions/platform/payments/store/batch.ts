import * as z from 'zod';
import { fenSchema } from '../../money.ts';
import type { Actor } from '../../principal.ts';
import { auditPut } from '../../store/audit.ts';
import { defineEntity, sequenceNumber } from '../../store/entity.ts';
import type { Page, PageRequest } from '../../store/pagination.ts';
import { ifAbsent, named, putItem, updateItem, type TransactItem } from '../../store/transact.ts';
import { batchStatusSchema, lineResultSchema, type BatchStatus } from '../domain/batch.ts';

/**
 * Payment batches, their lines (one per instruction, with the account as sent) and the results the
 * bank sent back, staged in pages for the workflow to apply.
 *
 * Keys: pk `PAYBATCH#<batchId>`; the batch sk `BATCH`; a line sk `LINE#<instructionId>`; a results
 * page sk `RESULTS#<importId>#<n>`; the marker of a settled page sk `SETTLED#<importId>#<n>`.
 * Batches are listed per county on gsi1 `PAYBATCHES#<county>` / `<createdAt>#<batchId>`.
 */
const bucketSchema = z.object({ count: z.number().int().min(0), amountFen: z.number().int().min(0) });

export const batchRecordSchema = z.object({
  batchId: z.string(),
  program: z.string(),
  /** Instructions issued up to this Beijing date are collected. */
  date: z.string(),
  /** The county (or township) whose payouts the batch holds: the creator's jurisdiction. */
  division: z.string(),
  status: batchStatusSchema,
  count: z.number().int().min(0).default(0),
  totalFen: fenSchema.default(0),
  requiredApprovals: z.union([z.literal(1), z.literal(2)]).optional(),
  approvals: z.array(z.object({ by: z.string(), at: z.string() })).default([]),
  createdBy: z.string(),
  createdAt: z.string(),
  template: z.string().optional(),
  sentBy: z.string().optional(),
  sentAt: z.string().optional(),
  paid: bucketSchema.default({ count: 0, amountFen: 0 }),
  failed: bucketSchema.default({ count: 0, amountFen: 0 }),
  /** Results files applied, in order. */
  imports: z.array(z.object({ importId: z.string(), by: z.string(), at: z.string(), lines: z.number().int(), pages: z.number().int() })).default([]),
  /** A results file being applied (one at a time). */
  reconciling: z.string().optional(),
  rejection: z.object({ by: z.string(), at: z.string(), reason: z.string() }).optional(),
  version: z.number().int().min(1),
  updatedAt: z.string(),
});
export type BatchRecord = z.infer<typeof batchRecordSchema>;

export const batchLineSchema = z.object({
  instructionId: z.string(),
  payoutId: z.string(),
  program: z.string(),
  programId: z.string(),
  sourceId: z.string(),
  payeeId: z.string(),
  division: z.string(),
  accountName: z.string(),
  bank: z.string(),
  accountNumber: z.string(),
  amountFen: fenSchema,
  purpose: z.string(),
  result: lineResultSchema.optional(),
});
export type BatchLine = z.infer<typeof batchLineSchema>;

export const resultChangeSchema = z.object({ instructionId: z.string(), result: lineResultSchema });
export type StagedResult = z.infer<typeof resultChangeSchema>;

const batchPartition = (batchId: string) => `PAYBATCH#${batchId}`;

export const batches = defineEntity({
  type: 'payment-batch',
  schema: batchRecordSchema,
  key: (p: { batchId: string }) => ({ pk: batchPartition(p.batchId), sk: 'BATCH' }),
  indexes: (pattern) => ({
    /** Batches of a county, newest last. */
    ofCounty: pattern({ index: 'gsi1', partition: (county: string) => `PAYBATCHES#${county}`, place: (b) => ({ partition: b.division.slice(0, 6), sort: `${b.createdAt}#${b.batchId}` }) }),
  }),
});

export const batchLines = defineEntity({
  type: 'payment-batch-line',
  schema: batchLineSchema,
  key: (p: { batchId: string; instructionId: string }) => ({ pk: batchPartition(p.batchId), sk: `LINE#${p.instructionId}` }),
  indexes: (pattern) => ({
    ofBatch: pattern({ index: 'table', partition: batchPartition, sortPrefix: 'LINE#' }),
  }),
});

const resultPages = defineEntity({
  type: 'payment-results-page',
  schema: z.object({ importId: z.string(), page: z.number().int().min(0), results: z.array(resultChangeSchema), stagedAt: z.string() }),
  key: (p: { batchId: string; importId: string; page: number }) => ({ pk: batchPartition(p.batchId), sk: `RESULTS#${p.importId}#${sequenceNumber(p.page)}` }),
});

const settledPages = defineEntity({
  type: 'payment-settled-page',
  schema: z.object({ importId: z.string(), page: z.number().int().min(0), paid: bucketSchema, failed: bucketSchema, at: z.string() }),
  key: (p: { batchId: string; importId: string; page: number }) => ({ pk: batchPartition(p.batchId), sk: `SETTLED#${p.importId}#${sequenceNumber(p.page)}` }),
});

export async function getBatch(batchId: string): Promise<BatchRecord | undefined> {
  return batches.get({ batchId }, { consistent: true });
}

export async function listBatches(county: string, page: PageRequest): Promise<Page<BatchRecord>> {
  return batches.query.ofCounty.page(county, page, { newestFirst: true });
}

export async function listBatchLines(batchId: string, page: PageRequest): Promise<Page<BatchLine>> {
  return batchLines.query.ofBatch.page(batchId, page);
}

export function allBatchLines(batchId: string): AsyncGenerator<BatchLine> {
  return batchLines.query.ofBatch.all(batchId, { consistent: true });
}

export function batchCreateItems(record: BatchRecord, actor: Actor, now: Date): TransactItem[] {
  return [
    named('batch', putItem(batches.item(record), ifAbsent)),
    auditPut({ entityType: 'payment-batch', entityId: record.batchId, division: record.division, action: 'payment-batch.create', actor, after: { program: record.program, date: record.date }, at: now }),
  ];
}

/**
 * Move the batch from one of `from` to `to` with `changes`, audited; the condition fails when it is
 * in another status, which is how a repeated step or a second request finds it moved already.
 */
export function batchTransitionItems(before: BatchRecord, from: readonly BatchStatus[], to: BatchStatus, changes: Partial<BatchRecord>, actor: Actor, now: Date, auditAfter?: unknown): TransactItem[] {
  const after: BatchRecord = { ...before, ...changes, status: to, version: before.version + 1, updatedAt: now.toISOString() };
  return [
    named(
      'batch',
      putItem(batches.item(after), {
        expression: '#status IN (' + from.map((_, i) => `:from${i}`).join(', ') + ') AND version = :v',
        names: { '#status': 'status' },
        values: { ...Object.fromEntries(from.map((s, i) => [`:from${i}`, s])), ':v': before.version },
      }),
    ),
    auditPut({ entityType: 'payment-batch', entityId: before.batchId, division: before.division, action: `payment-batch.${to}`, actor, before: { status: before.status }, after: auditAfter ?? { status: to, ...changes }, at: now }),
  ];
}

export function lineCreateItem(batchId: string, line: BatchLine): TransactItem {
  return named('line', putItem(batchLines.item(line, { batchId }), ifAbsent));
}

/** Record a line's result, once. */
export function lineResultItem(batchId: string, line: BatchLine, result: BatchLine['result']): TransactItem {
  return named(
    'line',
    updateItem(batchLines.keyOf({ batchId, instructionId: line.instructionId }), {
      UpdateExpression: 'SET #result = :r',
      ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(#result)',
      ExpressionAttributeNames: { '#result': 'result' },
      ExpressionAttributeValues: { ':r': result },
    }),
  );
}

export async function getLines(batchId: string, instructionIds: readonly string[]): Promise<BatchLine[]> {
  return instructionIds.length === 0 ? [] : batchLines.getMany(instructionIds.map((instructionId) => ({ batchId, instructionId })));
}

export function resultPageItem(batchId: string, importId: string, page: number, results: readonly StagedResult[], stagedAt: Date): Record<string, unknown> {
  return resultPages.item({ importId, page, results: [...results], stagedAt: stagedAt.toISOString() }, { batchId });
}

/** A staged page: its results and when the file was imported (the time its settlement records carry). */
export async function getResultPage(batchId: string, importId: string, page: number): Promise<{ results: StagedResult[]; stagedAt: Date }> {
  const found = await resultPages.get({ batchId, importId, page }, { consistent: true });
  if (!found) throw new Error(`Results page ${page} of import ${importId} of batch ${batchId} is missing`);
  return { results: found.results, stagedAt: new Date(found.stagedAt) };
}

/** The line as stored with its result (a whole-item put: the same item again on a repeat). */
export function lineWithResultItem(batchId: string, line: BatchLine, result: BatchLine['result']): Record<string, unknown> {
  return batchLines.item({ ...line, result }, { batchId });
}

export async function getSettledPage(batchId: string, importId: string, page: number) {
  return settledPages.get({ batchId, importId, page }, { consistent: true });
}

/** The page's marker and the batch's counters, in one transaction: counted exactly once. */
export function settledPageItems(batchId: string, importId: string, page: number, paid: { count: number; amountFen: number }, failed: { count: number; amountFen: number }, now: Date): TransactItem[] {
  return [
    named('marker', putItem(settledPages.item({ importId, page, paid, failed, at: now.toISOString() }, { batchId }), ifAbsent)),
    updateItem(batches.keyOf({ batchId }), {
      UpdateExpression: 'SET paid.#count = paid.#count + :pc, paid.amountFen = paid.amountFen + :pf, failed.#count = failed.#count + :fc, failed.amountFen = failed.amountFen + :ff, version = version + :one',
      ExpressionAttributeNames: { '#count': 'count' },
      ExpressionAttributeValues: { ':pc': paid.count, ':pf': paid.amountFen, ':fc': failed.count, ':ff': failed.amountFen, ':one': 1 },
    }),
  ];
}
