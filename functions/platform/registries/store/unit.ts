import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { randomUUID } from 'node:crypto';
import { ddb, tableName } from '../../../shared/clients.ts';
import { ConflictError, NotFoundError } from '../../../shared/errors.ts';
import type { Unit, UnitInput } from '../domain/unit.ts';
import { auditPut } from '../../store/audit.ts';
import type { Actor } from './division.ts';
import { queryPage, whereAll, type Page, type PageRequest } from '../../store/pagination.ts';
import { named, TransactionConditionFailed, writeTransaction, type ExtraItems } from '../../store/transact.ts';

/**
 * Assisting units. Keys: pk `UNIT#<id>`, sk `UNIT`; gsi1 `UNITS#<province of the division>` /
 * `<division>#<id>`, so `begins_with(<jurisdiction>)` lists the units a jurisdiction keeps.
 * (One partition per province: Tianjin has about a thousand units, far below any partition limit.)
 */
export interface UnitRecord extends Unit {
  readonly version: number;
  readonly createdAt: string;
  readonly updatedAt: string;
}

export const unitKey = (id: string) => ({ pk: `UNIT#${id}`, sk: 'UNIT' });
const listPartition = (division: string) => `UNITS#${division.slice(0, 2)}`;

function toItem(record: UnitRecord) {
  return { ...unitKey(record.id), gsi1pk: listPartition(record.division), gsi1sk: `${record.division}#${record.id}`, type: 'unit', ...record };
}

function fromItem(item: Record<string, unknown>): UnitRecord {
  const contact = item.contact as UnitRecord['contact'];
  return {
    id: String(item.id),
    name: String(item.name),
    level: item.level as UnitRecord['level'],
    kind: item.kind as UnitRecord['kind'],
    division: String(item.division),
    ...(contact ? { contact } : {}),
    version: Number(item.version),
    createdAt: String(item.createdAt),
    updatedAt: String(item.updatedAt),
  };
}

/** The business fields only, for audit before/after and change detection. */
function unitFields(u: Unit): Unit {
  return { id: u.id, name: u.name, level: u.level, kind: u.kind, division: u.division, ...(u.contact ? { contact: u.contact } : {}) };
}

export async function getUnit(id: string, consistent = false): Promise<UnitRecord | undefined> {
  const { Item } = await ddb().send(new GetCommand({ TableName: tableName(), Key: unitKey(id), ConsistentRead: consistent }));
  return Item ? fromItem(Item) : undefined;
}

/**
 * Register an assisting unit with a server-generated id, with its audit record in one
 * transaction, and return the stored record. Callable directly (demo-data seeder); `id` may be
 * given for deterministic seeding.
 */
export async function createUnit(
  input: UnitInput,
  actor: Actor,
  options: { id?: string; extraItems?: ExtraItems<UnitRecord>; now?: Date } = {},
): Promise<UnitRecord> {
  const now = options.now ?? new Date();
  const at = now.toISOString();
  const record: UnitRecord = { ...input, id: options.id ?? randomUUID(), version: 1, createdAt: at, updatedAt: at };
  try {
    await writeTransaction([
      named('unit', { Put: { TableName: tableName(), Item: toItem(record), ConditionExpression: 'attribute_not_exists(pk)' } }),
      auditPut({ entityType: 'unit', entityId: record.id, division: record.division, action: 'unit.create', actor, after: unitFields(record), at: now }),
      ...(options.extraItems?.(record) ?? []),
    ]);
  } catch (err) {
    if (err instanceof TransactionConditionFailed && err.failed.includes('unit')) throw new ConflictError(`Unit ${record.id} already exists`);
    throw err;
  }
  return record;
}

/**
 * Replace a unit's fields (PUT semantics). `before` is the record the caller read and authorized;
 * the write is conditioned on its version, so a change in between gives 409.
 */
export async function updateUnit(
  before: UnitRecord,
  input: UnitInput,
  actor: Actor,
  options: { expectedVersion?: number | undefined; now?: Date } = {},
): Promise<UnitRecord> {
  if (options.expectedVersion !== undefined && options.expectedVersion !== before.version) {
    throw new ConflictError(`Unit ${before.id} is at version ${before.version}, not ${options.expectedVersion}`);
  }
  const next: Unit = { ...input, id: before.id };
  if (JSON.stringify(unitFields(next)) === JSON.stringify(unitFields(before))) return before;
  const now = options.now ?? new Date();
  const record: UnitRecord = { ...unitFields(next), version: before.version + 1, createdAt: before.createdAt, updatedAt: now.toISOString() };
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
      auditPut({ entityType: 'unit', entityId: before.id, division: record.division, action: 'unit.update', actor, before: unitFields(before), after: unitFields(record), at: now }),
    ]);
  } catch (err) {
    if (err instanceof TransactionConditionFailed) throw new ConflictError(`Unit ${before.id} was changed concurrently; read it again`);
    throw err;
  }
  return record;
}

/** Read a unit that must exist (404 otherwise). */
export async function requireUnit(id: string, consistent = false): Promise<UnitRecord> {
  const unit = await getUnit(id, consistent);
  if (!unit) throw new NotFoundError(`Unit ${id} is not registered`);
  return unit;
}

/** Units kept by `jurisdiction` or below, in division then id order, optionally filtered by level and kind. */
export async function listUnits(
  jurisdiction: string,
  filter: { level?: Unit['level'] | undefined; kind?: Unit['kind'] | undefined },
  page: PageRequest,
): Promise<Page<UnitRecord>> {
  return queryPage(
    {
      index: 'gsi1',
      partition: listPartition(jurisdiction),
      sortPrefix: jurisdiction,
      filter: whereAll({ level: filter.level, kind: filter.kind }),
    },
    page,
    fromItem,
  );
}
