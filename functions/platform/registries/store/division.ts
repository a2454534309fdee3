import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { ddb, tableName } from '../../../shared/clients.ts';
import { ConflictError, NotFoundError, ValidationError } from '../../../shared/errors.ts';
import { divisionLevel, parentDivision, parentRequired, type DivisionInput, type DivisionLevel } from '../domain/division.ts';
import type { Principal } from '../../principal.ts';
import { auditPut } from '../../store/audit.ts';
import { queryPage, type Page, type PageRequest } from '../../store/pagination.ts';
import { named, TransactionConditionFailed, writeTransaction, type ExtraItems, type TransactItem } from '../../store/transact.ts';

/**
 * Division registry entries (province, city, county, township; villages are their own entity).
 * Keys: pk `DIVISION#<code>`, sk `DIVISION`; gsi1 `DIVISIONS#<parent code or ROOT>` / `<code>`
 * lists a division's children in code order.
 */
export interface DivisionRecord {
  readonly code: string;
  readonly name: string;
  readonly level: Exclude<DivisionLevel, 'village'>;
  readonly parent?: string;
  readonly version: number;
  readonly createdAt: string;
  readonly updatedAt: string;
}

export type Actor = Pick<Principal, 'sub' | 'roles' | 'division'>;

export const divisionKey = (code: string) => ({ pk: `DIVISION#${code}`, sk: 'DIVISION' });
const childrenPartition = (parent: string | undefined) => `DIVISIONS#${parent ?? 'ROOT'}`;

function toItem(record: DivisionRecord) {
  return { ...divisionKey(record.code), gsi1pk: childrenPartition(record.parent), gsi1sk: record.code, type: 'division', ...record };
}

function fromItem(item: Record<string, unknown>): DivisionRecord {
  const parent = typeof item.parent === 'string' ? item.parent : undefined;
  return {
    code: String(item.code),
    name: String(item.name),
    level: item.level as DivisionRecord['level'],
    ...(parent ? { parent } : {}),
    version: Number(item.version),
    createdAt: String(item.createdAt),
    updatedAt: String(item.updatedAt),
  };
}

const businessFields = (d: Pick<DivisionRecord, 'code' | 'name' | 'level'>) => ({ code: d.code, name: d.name, level: d.level });

/** A transaction item that fails unless the division `code` is registered (used by villages, children). */
export function divisionExistsCheck(code: string): TransactItem {
  return { ConditionCheck: { TableName: tableName(), Key: divisionKey(code), ConditionExpression: 'attribute_exists(pk)' } };
}

export async function getDivision(code: string, consistent = false): Promise<DivisionRecord | undefined> {
  const { Item } = await ddb().send(new GetCommand({ TableName: tableName(), Key: divisionKey(code), ConsistentRead: consistent }));
  return Item ? fromItem(Item) : undefined;
}

/**
 * Register a division (with its audit record, in one transaction). Its parent must exist unless it
 * is the root of the actor's jurisdiction (see `parentRequired`). Throws 409 if the code exists,
 * 400 (field `code`) if the parent is missing. Callable directly, e.g. by the demo-data seeder.
 */
export async function createDivision(
  input: DivisionInput,
  actor: Actor,
  options: { extraItems?: ExtraItems<DivisionRecord>; now?: Date } = {},
): Promise<DivisionRecord> {
  const now = options.now ?? new Date();
  const at = now.toISOString();
  const level = divisionLevel(input.code);
  if (level === 'village') throw new ValidationError([{ field: 'code', message: 'villages are registered as villages', in: 'body' }]);
  const parent = parentDivision(input.code);
  const record: DivisionRecord = { code: input.code, name: input.name, level, ...(parent ? { parent } : {}), version: 1, createdAt: at, updatedAt: at };
  const checkParent = parent !== undefined && parentRequired(input.code, actor.division);
  try {
    await writeTransaction([
      named('division', { Put: { TableName: tableName(), Item: toItem(record), ConditionExpression: 'attribute_not_exists(pk)' } }),
      auditPut({ entityType: 'division', entityId: record.code, division: record.code, action: 'division.create', actor, after: businessFields(record), at: now }),
      ...(checkParent ? [named('parent', divisionExistsCheck(parent))] : []),
      ...(options.extraItems?.(record) ?? []),
    ]);
  } catch (err) {
    if (err instanceof TransactionConditionFailed) {
      if (err.failed.includes('division')) throw new ConflictError(`Division ${input.code} already exists`);
      if (err.failed.includes('parent')) {
        throw new ValidationError([{ field: 'code', message: `parent division ${parent} is not registered`, in: 'body' }]);
      }
    }
    throw err;
  }
  return record;
}

/**
 * Rename a division. `expectedVersion` (from If-Match or the body) must match when given; the
 * write is conditioned on the version read either way, so a concurrent change gives 409.
 */
export async function updateDivision(
  code: string,
  changes: { name: string },
  actor: Actor,
  options: { expectedVersion?: number | undefined; now?: Date } = {},
): Promise<DivisionRecord> {
  const before = await getDivision(code, true);
  if (!before) throw new NotFoundError(`Division ${code} is not registered`);
  if (options.expectedVersion !== undefined && options.expectedVersion !== before.version) {
    throw new ConflictError(`Division ${code} is at version ${before.version}, not ${options.expectedVersion}`);
  }
  if (changes.name === before.name) return before;
  const now = options.now ?? new Date();
  const record: DivisionRecord = { ...before, name: changes.name, version: before.version + 1, updatedAt: now.toISOString() };
  try {
    await writeTransaction([
      {
        Put: {
          TableName: tableName(),
          Item: toItem(record),
          ConditionExpression: 'version = :v',
          ExpressionAttributeValues: { ':v': before.version },
        },
      },
      auditPut({ entityType: 'division', entityId: code, division: code, action: 'division.update', actor, before: businessFields(before), after: businessFields(record), at: now }),
    ]);
  } catch (err) {
    if (err instanceof TransactionConditionFailed) throw new ConflictError(`Division ${code} was changed concurrently; read it again`);
    throw err;
  }
  return record;
}

/** Registered children of `parent` (undefined: the top level), in code order. */
export async function listDivisions(parent: string | undefined, page: PageRequest): Promise<Page<DivisionRecord>> {
  return queryPage({ index: 'gsi1', partition: childrenPartition(parent) }, page, fromItem);
}
