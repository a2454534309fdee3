import * as z from 'zod';
import { ConflictError, NotFoundError, ValidationError } from '../../../shared/errors.ts';
import { divisionLevel, parentDivision, parentRequired, type DivisionInput } from '../domain/division.ts';
import type { Principal } from '../../principal.ts';
import { auditPut } from '../../store/audit.ts';
import { defineEntity } from '../../store/entity.ts';
import type { Page, PageRequest } from '../../store/pagination.ts';
import {
  checkItem,
  ifAbsent,
  ifPresent,
  ifVersion,
  named,
  putItem,
  TransactionConditionFailed,
  writeTransaction,
  type ExtraItems,
  type TransactItem,
} from '../../store/transact.ts';

/**
 * Division registry entries (province, city, county, township; villages are their own entity).
 * Keys: pk `DIVISION#<code>`, sk `DIVISION`; gsi1 `DIVISIONS#<parent code or ROOT>` / `<code>`
 * lists a division's children in code order.
 */
export const divisionRecordSchema = z.object({
  code: z.string(),
  name: z.string(),
  level: z.enum(['province', 'city', 'county', 'township']),
  parent: z.string().optional(),
  version: z.number().int(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type DivisionRecord = z.infer<typeof divisionRecordSchema>;

export type Actor = Pick<Principal, 'sub' | 'roles' | 'division'>;

export const divisions = defineEntity({
  type: 'division',
  schema: divisionRecordSchema,
  key: (p: { code: string }) => ({ pk: `DIVISION#${p.code}`, sk: 'DIVISION' }),
  indexes: (pattern) => ({
    /** A division's children (the top level: no parent), in code order. */
    children: pattern({ index: 'gsi1', partition: (parent: string | undefined) => `DIVISIONS#${parent ?? 'ROOT'}`, place: (d) => ({ partition: d.parent, sort: d.code }) }),
  }),
});

const businessFields = (d: Pick<DivisionRecord, 'code' | 'name' | 'level'>) => ({ code: d.code, name: d.name, level: d.level });

/** A transaction item that fails unless the division `code` is registered (used by villages, children). */
export function divisionExistsCheck(code: string): TransactItem {
  return checkItem(divisions.keyOf({ code }), ifPresent);
}

export async function getDivision(code: string, consistent = false): Promise<DivisionRecord | undefined> {
  return divisions.get({ code }, { consistent });
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
      named('division', putItem(divisions.item(record), ifAbsent)),
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
      putItem(divisions.item(record), ifVersion(before.version)),
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
  return divisions.query.children.page(parent, page);
}
