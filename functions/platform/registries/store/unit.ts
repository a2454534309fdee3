import { randomUUID } from 'node:crypto';
import * as z from 'zod';
import { ConflictError, NotFoundError } from '../../../shared/errors.ts';
import { unitKinds, unitLevels, type Unit, type UnitInput } from '../domain/unit.ts';
import { auditPut } from '../../store/audit.ts';
import type { Actor } from './division.ts';
import { defineEntity } from '../../store/entity.ts';
import { whereAll, type Page, type PageRequest } from '../../store/pagination.ts';
import { ifAbsent, ifVersion, named, putItem, TransactionConditionFailed, writeTransaction, type ExtraItems } from '../../store/transact.ts';

/**
 * Assisting units. Keys: pk `UNIT#<id>`, sk `UNIT`; gsi1 `UNITS#<province of the division>` /
 * `<division>#<id>`, so `begins_with(<jurisdiction>)` lists the units a jurisdiction keeps.
 * (One partition per province: Tianjin has about a thousand units, far below any partition limit.)
 */
export const unitRecordSchema = z.object({
  id: z.string(),
  name: z.string(),
  level: z.enum(unitLevels),
  kind: z.enum(unitKinds),
  division: z.string(),
  contact: z.object({ name: z.string().optional(), phone: z.string().optional() }).optional(),
  version: z.number().int(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type UnitRecord = z.infer<typeof unitRecordSchema>;

export const units = defineEntity({
  type: 'unit',
  schema: unitRecordSchema,
  key: (p: { id: string }) => ({ pk: `UNIT#${p.id}`, sk: 'UNIT' }),
  indexes: (pattern) => ({
    /** The units a province keeps, in division then id order (a jurisdiction is a sort-key prefix). */
    byProvince: pattern({ index: 'gsi1', partition: (province: string) => `UNITS#${province}`, place: (u) => ({ partition: u.division.slice(0, 2), sort: `${u.division}#${u.id}` }) }),
  }),
});

/** The business fields only, for audit before/after and change detection. */
function unitFields(u: Unit): Unit {
  return { id: u.id, name: u.name, level: u.level, kind: u.kind, division: u.division, ...(u.contact ? { contact: u.contact } : {}) };
}

export async function getUnit(id: string, consistent = false): Promise<UnitRecord | undefined> {
  return units.get({ id }, { consistent });
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
      named('unit', putItem(units.item(record), ifAbsent)),
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
      putItem(units.item(record), ifVersion(before.version)),
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
  return units.query.byProvince.page(jurisdiction.slice(0, 2), page, { sortPrefix: jurisdiction, filter: whereAll({ level: filter.level, kind: filter.kind }) });
}
