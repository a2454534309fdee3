import { BatchGetCommand, GetCommand, type BatchGetCommandOutput } from '@aws-sdk/lib-dynamodb';
import type { TransactWriteCommandInput } from '@aws-sdk/lib-dynamodb';
import { ddb, tableName } from '../shared/clients.ts';
import { villageSchema, type Village } from '../domain/village.ts';
import { countyOf } from '../domain/division.ts';
import type { Principal } from '../domain/principal.ts';
import { auditPut } from './audit.ts';

/**
 * Village entity. Keys: pk `VILLAGE#<code>`, sk `VILLAGE`; gsi1 `VILLAGES#<county>` / `<code>`
 * lists a county's villages in code order, and `begins_with` on gsi1sk narrows to a township.
 * `version` increases by one with every change and guards concurrent updates.
 */
export type VillageTransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

export interface VillageRecord extends Village {
  readonly version: number;
  readonly createdAt: string;
  readonly updatedAt: string;
}

export const villageKey = (code: string) => ({ pk: `VILLAGE#${code}`, sk: 'VILLAGE' });

export function villageListKey(code: string) {
  return { gsi1pk: `VILLAGES#${countyOf(code)}`, gsi1sk: code };
}

export function toVillageItem(record: VillageRecord) {
  return { ...villageKey(record.code), ...villageListKey(record.code), type: 'village', ...record };
}

export function fromVillageItem(item: Record<string, unknown>): VillageRecord {
  const village = villageSchema.parse(item);
  return {
    ...village,
    version: Number(item.version),
    createdAt: String(item.createdAt),
    updatedAt: String(item.updatedAt),
  };
}

/** The business fields only, for comparing and for audit before/after. */
export function villageFields(v: Village): Village {
  return {
    code: v.code,
    name: v.name,
    population: v.population,
    economicallyWeak: v.economicallyWeak,
    category: v.category,
    operatingFundsFen: v.operatingFundsFen,
  };
}

export function sameVillage(a: Village, b: Village): boolean {
  return JSON.stringify(villageFields(a)) === JSON.stringify(villageFields(b));
}

export async function getVillage(code: string, consistent = false): Promise<VillageRecord | undefined> {
  const { Item } = await ddb().send(new GetCommand({ TableName: tableName(), Key: villageKey(code), ConsistentRead: consistent }));
  return Item ? fromVillageItem(Item) : undefined;
}

/** Batch-read villages (100 keys a request, unprocessed keys retried); missing ones are absent from the map. */
export async function getVillages(codes: readonly string[]): Promise<Map<string, VillageRecord>> {
  const found = new Map<string, VillageRecord>();
  const unique = [...new Set(codes)];
  for (let i = 0; i < unique.length; i += 100) {
    let keys: Record<string, unknown>[] | undefined = unique.slice(i, i + 100).map(villageKey);
    for (let attempt = 0; keys && keys.length > 0; attempt++) {
      if (attempt > 0) await new Promise((r) => setTimeout(r, Math.min(1000, 25 * 2 ** attempt)));
      const out: BatchGetCommandOutput = await ddb().send(
        new BatchGetCommand({ RequestItems: { [tableName()]: { Keys: keys, ConsistentRead: true } } }),
      );
      for (const item of out.Responses?.[tableName()] ?? []) {
        const v = fromVillageItem(item);
        found.set(v.code, v);
      }
      keys = out.UnprocessedKeys?.[tableName()]?.Keys;
    }
  }
  return found;
}

/**
 * The two transaction items that create or change a village: the village itself, conditioned on
 * the version read (so a concurrent change makes the transaction fail instead of being lost),
 * and its audit record.
 */
export function villageWrite(
  next: Village,
  before: VillageRecord | undefined,
  actor: Pick<Principal, 'sub' | 'roles'>,
  action: string,
  now: Date = new Date(),
): VillageTransactItem[] {
  const at = now.toISOString();
  const record: VillageRecord = {
    ...villageFields(next),
    version: (before?.version ?? 0) + 1,
    createdAt: before?.createdAt ?? at,
    updatedAt: at,
  };
  const put: VillageTransactItem = before
    ? {
        Put: {
          TableName: tableName(),
          Item: toVillageItem(record),
          ConditionExpression: 'version = :v',
          ExpressionAttributeValues: { ':v': before.version },
        },
      }
    : { Put: { TableName: tableName(), Item: toVillageItem(record), ConditionExpression: 'attribute_not_exists(pk)' } };
  return [
    put,
    auditPut({
      entityType: 'village',
      entityId: next.code,
      division: next.code,
      action,
      actor,
      before: before ? villageFields(before) : undefined,
      after: villageFields(next),
      at: now,
    }),
  ];
}
