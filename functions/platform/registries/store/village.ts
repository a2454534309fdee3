import * as z from 'zod';
import { villageSchema, type Village } from '../domain/village.ts';
import { countyOf } from '../domain/division.ts';
import type { Principal } from '../../principal.ts';
import { auditPut } from '../../store/audit.ts';
import { defineEntity } from '../../store/entity.ts';
import { divisionExistsCheck } from './division.ts';
import { whereAll, type Page, type PageRequest } from '../../store/pagination.ts';
import { ifAbsent, ifVersion, named, putItem, TransactionConditionFailed, writeTransaction, type ExtraItems, type TransactItem } from '../../store/transact.ts';
import { ConflictError, NotFoundError, ValidationError } from '../../../shared/errors.ts';

/**
 * Village entity. Keys: pk `VILLAGE#<code>`, sk `VILLAGE`; gsi1 `VILLAGES#<county>` / `<code>`
 * lists a county's villages in code order, and `begins_with` on gsi1sk narrows to a township.
 * `version` increases by one with every change and guards concurrent updates.
 */
export const villageRecordSchema = villageSchema.extend({
  version: z.number().int(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type VillageRecord = z.infer<typeof villageRecordSchema>;

/** The partition of a village: other entities keep their items of the village next to it. */
export const villagePartition = (code: string) => `VILLAGE#${code}`;

export const villages = defineEntity({
  type: 'village',
  schema: villageRecordSchema,
  key: (p: { code: string }) => ({ pk: villagePartition(p.code), sk: 'VILLAGE' }),
  indexes: (pattern) => ({
    /** A county's villages in code order; a township is a sort-key prefix. */
    byCounty: pattern({ index: 'gsi1', partition: (county: string) => `VILLAGES#${county}`, place: (v) => ({ partition: countyOf(v.code), sort: v.code }) }),
  }),
});

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
  return villages.get({ code }, { consistent });
}

/** Batch-read villages (strongly consistent); missing ones are absent from the map. */
export async function getVillages(codes: readonly string[]): Promise<Map<string, VillageRecord>> {
  return new Map((await villages.getMany(codes.map((code) => ({ code })))).map((v) => [v.code, v]));
}

/** The record `villageWrite` stores for `next`. */
function villageRecord(next: Village, before: VillageRecord | undefined, now: Date): VillageRecord {
  const at = now.toISOString();
  return { ...villageFields(next), version: (before?.version ?? 0) + 1, createdAt: before?.createdAt ?? at, updatedAt: at };
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
): TransactItem[] {
  return [
    named('village', putItem(villages.item(villageRecord(next, before, now)), before ? ifVersion(before.version) : ifAbsent)),
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
  const items = villageWrite(village, undefined, actor, 'village.create', now);
  const record = villages.schema.parse(villageRecord(village, undefined, now));
  const township = village.code.slice(0, 9);
  try {
    await writeTransaction([...items, named('township', divisionExistsCheck(township)), ...(options.extraItems?.(record) ?? [])]);
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
  const now = options.now ?? new Date();
  try {
    await writeTransaction(villageWrite(next, before, actor, 'village.update', now));
  } catch (err) {
    if (err instanceof TransactionConditionFailed) throw new ConflictError(`Village ${next.code} was changed concurrently; read it again`);
    throw err;
  }
  return villages.schema.parse(villageRecord(next, before, now));
}

export interface VillageFilter {
  /** County code or below (township, village); the listing is per county. */
  readonly division: string;
  readonly category?: Village['category'] | undefined;
  readonly economicallyWeak?: boolean | undefined;
}

/** Villages of a county, or of a township by code prefix, in code order, optionally filtered. */
export async function listVillages(filter: VillageFilter, page: PageRequest): Promise<Page<VillageRecord>> {
  return villages.query.byCounty.page(countyOf(filter.division), page, {
    sortPrefix: filter.division.length > 6 ? filter.division : undefined,
    filter: whereAll({ category: filter.category, economicallyWeak: filter.economicallyWeak }),
  });
}
