import { BatchGetCommand, GetCommand, type BatchGetCommandOutput } from '@aws-sdk/lib-dynamodb';
import type { TransactWriteCommandInput } from '@aws-sdk/lib-dynamodb';
import { ddb, tableName } from '../../../shared/clients.ts';
import { villageSchema, type Village } from '../domain/village.ts';
import { countyOf } from '../domain/division.ts';
import type { Principal } from '../../principal.ts';
import { auditPut } from '../../store/audit.ts';
import { divisionExistsCheck } from './division.ts';
import { queryPage, whereAll, type Page, type PageRequest } from '../../store/pagination.ts';
import { named, TransactionConditionFailed, writeTransaction, type ExtraItems } from '../../store/transact.ts';
import { ConflictError, NotFoundError, ValidationError } from '../../../shared/errors.ts';

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
    named('village', put),
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

// ---- Registry operations used by the API (the import workflow uses villageWrite directly). ----

/**
 * Register one village (with its audit record, in one transaction); its township must be in the
 * division registry. Throws 409 if the code exists, 400 (field `code`) if the township is missing.
 */
export async function createVillage(
  village: Village,
  actor: Pick<Principal, 'sub' | 'roles'>,
  options: { extraItems?: ExtraItems<VillageRecord>; now?: Date } = {},
): Promise<VillageRecord> {
  const now = options.now ?? new Date();
  const [put, audit] = villageWrite(village, undefined, actor, 'village.create', now);
  const record = fromVillageItem((put!.Put!.Item ?? {}) as Record<string, unknown>);
  const township = village.code.slice(0, 9);
  try {
    await writeTransaction([put!, audit!, named('township', divisionExistsCheck(township)), ...(options.extraItems?.(record) ?? [])]);
  } catch (err) {
    if (err instanceof TransactionConditionFailed) {
      if (err.failed.includes('village')) throw new ConflictError(`Village ${village.code} already exists`);
      if (err.failed.includes('township')) throw new ValidationError([{ field: 'code', message: `township ${township} is not registered`, in: 'body' }]);
    }
    throw err;
  }
  return record;
}

/**
 * Replace a village's fields (PUT semantics) under optimistic concurrency: 404 if absent, 409 if
 * `expectedVersion` is given and differs or the village changes between read and write.
 * Unchanged fields write nothing (no new version, no audit record).
 */
export async function updateVillage(
  next: Village,
  actor: Pick<Principal, 'sub' | 'roles'>,
  options: { expectedVersion?: number | undefined; now?: Date } = {},
): Promise<VillageRecord> {
  const before = await getVillage(next.code, true);
  if (!before) throw new NotFoundError(`Village ${next.code} is not registered`);
  if (options.expectedVersion !== undefined && options.expectedVersion !== before.version) {
    throw new ConflictError(`Village ${next.code} is at version ${before.version}, not ${options.expectedVersion}`);
  }
  if (sameVillage(before, next)) return before;
  const items = villageWrite(next, before, actor, 'village.update', options.now);
  try {
    await writeTransaction(items);
  } catch (err) {
    if (err instanceof TransactionConditionFailed) throw new ConflictError(`Village ${next.code} was changed concurrently; read it again`);
    throw err;
  }
  return fromVillageItem((items[0]!.Put!.Item ?? {}) as Record<string, unknown>);
}

export interface VillageFilter {
  /** County code or below (township, village); the listing is per county. */
  readonly division: string;
  readonly category?: Village['category'] | undefined;
  readonly economicallyWeak?: boolean | undefined;
}

/** Villages of a county, or of a township by code prefix, in code order, optionally filtered. */
export async function listVillages(filter: VillageFilter, page: PageRequest): Promise<Page<VillageRecord>> {
  const { gsi1pk } = villageListKey(filter.division);
  return queryPage(
    {
      index: 'gsi1',
      partition: gsi1pk,
      ...(filter.division.length > 6 ? { sortPrefix: filter.division } : {}),
      filter: whereAll({ category: filter.category, economicallyWeak: filter.economicallyWeak }),
    },
    page,
    fromVillageItem,
  );
}
