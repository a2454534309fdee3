import { BatchGetCommand, BatchWriteCommand, type BatchGetCommandOutput } from '@aws-sdk/lib-dynamodb';
import { ddb, tableName } from '../../shared/clients.ts';
import { runBounded } from '../../shared/pool.ts';
import type { ItemKey } from './transact.ts';

/**
 * The table's batch operations. DynamoDB may answer a batch with part of it left over
 * (`UnprocessedItems` / `UnprocessedKeys`, under throttling or on a busy partition): the rest is
 * sent again after a growing pause, until nothing is left, so a caller sees all or an error.
 */

/** BatchWriteItem's limit per request. */
const writeBatchSize = 25;
/** BatchGetItem's limit per request. */
const getBatchSize = 100;

type Item = Record<string, unknown>;

export function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

const pause = (attempt: number) => new Promise((resolve) => setTimeout(resolve, Math.min(1000, 25 * 2 ** attempt)));

/**
 * Put plain items (no conditions: for items whose repeat is harmless, such as deterministic pages
 * or idempotent ledger entries), `concurrency` requests in flight.
 */
export async function batchPut(items: readonly Item[], options: { concurrency?: number } = {}): Promise<void> {
  await runBounded(chunks(items, writeBatchSize), options.concurrency ?? 8, async (batch) => {
    let requests: { PutRequest: { Item: Item } }[] | undefined = batch.map((item) => ({ PutRequest: { Item: item } }));
    for (let attempt = 0; requests && requests.length > 0; attempt++) {
      if (attempt > 0) await pause(attempt);
      const out = await ddb().send(new BatchWriteCommand({ RequestItems: { [tableName()]: requests } }));
      requests = out.UnprocessedItems?.[tableName()] as typeof requests;
    }
  });
}

/**
 * Read the items at `keys` (strongly consistent unless told otherwise); missing items are simply
 * absent from the result, whose order is not that of `keys`. Repeated keys are read once.
 */
export async function batchGet(keys: readonly ItemKey[], options: { consistent?: boolean; concurrency?: number } = {}): Promise<Item[]> {
  const unique = [...new Map(keys.map((k) => [JSON.stringify([k.pk, k.sk]), { pk: k.pk, sk: k.sk }])).values()];
  const found: Item[] = [];
  await runBounded(chunks(unique, getBatchSize), options.concurrency ?? 4, async (batch) => {
    let request: Item[] | undefined = batch;
    for (let attempt = 0; request && request.length > 0; attempt++) {
      if (attempt > 0) await pause(attempt);
      const out: BatchGetCommandOutput = await ddb().send(new BatchGetCommand({ RequestItems: { [tableName()]: { Keys: request, ConsistentRead: options.consistent ?? true } } }));
      found.push(...(out.Responses?.[tableName()] ?? []));
      request = out.UnprocessedKeys?.[tableName()]?.Keys;
    }
  });
  return found;
}
