import * as z from 'zod';
import { calendarDateSchema } from '../../../platform/calendar.ts';
import { nameSchema } from '../../../platform/names.ts';
import { villageCategories } from '../../../platform/registries/domain/village.ts';
import type { Actor } from '../../../platform/principal.ts';
import { auditPut } from '../../../platform/store/audit.ts';
import { defineEntity } from '../../../platform/store/entity.ts';
import { whereAll, type Page, type PageRequest } from '../../../platform/store/pagination.ts';
import { ifAbsent, ifVersion, named, putItem, TransactionConditionFailed, writeTransaction, type TransactItem } from '../../../platform/store/transact.ts';
import { ConflictError, NotFoundError } from '../../../shared/errors.ts';

/**
 * Rectification cases (整顿): one per village and year, opened for a village in a ranking's bottom
 * share (or carried over from the year before). Its id is `rc-<year>-<village>`, so a ranking run
 * again, or a carried case meeting the next ranking, finds the case that is there.
 *
 * Keys: pk `PAIRCASE#<id>`, sk `CASE`; gsi1 `PAIRCASES#<county>` / `<year>#<village>`;
 * gsi2 `PAIRCASEUNIT#<unitId>` / `<year>#<village>` when a unit is responsible (so it reads its cases).
 */
export const caseIdSchema = z.string().regex(/^rc-\d{4}-\d{12}$/, 'must be a rectification case id (rc-<year>-<village>)');
export const caseIdOf = (year: number, village: string) => `rc-${year}-${village}`;

export const caseStatuses = ['open', 'promoted', 'carried'] as const;
export type CaseStatus = (typeof caseStatuses)[number];

const measureSchema = nameSchema.max(200, 'must be at most 200 characters');

/** Who answers for the case: an assisting unit (registered) or a work team (工作队) by name. */
export const responsibleSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('unit'), unitId: z.uuid('must be a registered unit id') }),
  z.strictObject({ kind: z.literal('work-team'), name: nameSchema }),
]);
export type Responsible = z.infer<typeof responsibleSchema>;

/** The plan of a case: measures, who is responsible, the deadline (a Beijing calendar date). */
export const casePlanSchema = z.strictObject({
  measures: z.array(measureSchema).min(1, 'must name at least one measure').max(20, 'must have at most 20 measures'),
  responsible: responsibleSchema,
  deadline: calendarDateSchema,
});
export type CasePlan = z.infer<typeof casePlanSchema>;

/** The re-check (复查): what was found and on which day. */
export const recheckSchema = z.strictObject({
  result: nameSchema.max(1000, 'must be at most 1000 characters'),
  passed: z.boolean(),
  date: calendarDateSchema,
});
export type Recheck = z.infer<typeof recheckSchema>;

/** The county closes a case as promoted (晋位转化) or keeps it for another year (carried into next year's case). */
export const caseClosingSchema = z.strictObject({
  outcome: z.enum(['promoted', 'carried']),
  comment: nameSchema.max(1000, 'must be at most 1000 characters').optional(),
});
export type CaseClosing = z.infer<typeof caseClosingSchema>;

export const caseRecordSchema = z.object({
  id: caseIdSchema,
  year: z.number().int(),
  village: z.string(),
  category: z.enum(villageCategories),
  rankingId: z.string().optional(),
  score: z.number().int().optional(),
  rank: z.number().int().optional(),
  inCategory: z.number().int().optional(),
  carriedFrom: z.string().optional(),
  carriedTo: z.string().optional(),
  status: z.enum(caseStatuses),
  measures: z.array(z.string()),
  responsible: responsibleSchema.optional(),
  /** The responsible unit's id, kept flat for the unit's listing and authorization. */
  unitId: z.string().optional(),
  deadline: z.string().optional(),
  rechecks: z.array(recheckSchema.extend({ by: z.string(), at: z.string() })),
  closing: z.object({ outcome: z.enum(['promoted', 'carried']), comment: z.string().optional(), by: z.string(), at: z.string() }).optional(),
  version: z.number().int().min(1),
  createdAt: z.string(),
  createdBy: z.string(),
  updatedAt: z.string(),
});
export type CaseRecord = z.infer<typeof caseRecordSchema>;

const cases = defineEntity({
  type: 'pairingRectificationCase',
  schema: caseRecordSchema,
  key: (p: { id: string }) => ({ pk: `PAIRCASE#${p.id}`, sk: 'CASE' }),
  indexes: (pattern) => ({
    byCounty: pattern({ index: 'gsi1', partition: (county: string) => `PAIRCASES#${county}`, place: (c) => ({ partition: c.village.slice(0, 6), sort: `${c.year}#${c.village}` }) }),
    byUnit: pattern({ index: 'gsi2', partition: (unitId: string) => `PAIRCASEUNIT#${unitId}`, place: (c) => (c.unitId ? { partition: c.unitId, sort: `${c.year}#${c.village}` } : undefined) }),
  }),
});

function auditFields(c: CaseRecord) {
  const { version: _v, createdAt: _c, updatedAt: _u, createdBy: _b, ...fields } = c;
  return fields;
}

export function newCase(fields: Pick<CaseRecord, 'year' | 'village' | 'category'> & Partial<CaseRecord>, actor: Actor, now: Date): CaseRecord {
  const at = now.toISOString();
  return { ...fields, id: caseIdOf(fields.year, fields.village), status: 'open', measures: fields.measures ?? [], rechecks: [], version: 1, createdAt: at, createdBy: actor.sub, updatedAt: at };
}

function createItems(record: CaseRecord, actor: Actor, action: string, now: Date): TransactItem[] {
  return [
    named(`case:${record.id}`, putItem(cases.item(record), ifAbsent)),
    auditPut({ entityType: 'pairingRectificationCase', entityId: record.id, division: record.village, action, actor, after: auditFields(record), at: now }),
  ];
}

/** Open a case unless the village has one for the year already: false then (the one there stays). */
export async function openCase(record: CaseRecord, actor: Actor, now = new Date()): Promise<boolean> {
  try {
    await writeTransaction(createItems(record, actor, 'pairingRectificationCase.open', now));
    return true;
  } catch (err) {
    if (err instanceof TransactionConditionFailed && err.failed.includes(`case:${record.id}`)) return false;
    throw err;
  }
}

export async function getCase(id: string): Promise<CaseRecord | undefined> {
  return cases.get({ id }, { consistent: true });
}

export async function requireCase(id: string): Promise<CaseRecord> {
  const found = await getCase(id);
  if (!found) throw new NotFoundError(`Rectification case ${id} does not exist`);
  return found;
}

/**
 * Write a changed case on the version read (409 otherwise), with its audit record and `extra`
 * items (next year's case, when one is carried) in one transaction.
 */
export async function saveCase(before: CaseRecord, changed: CaseRecord, actor: Actor, options: { action: string; expectedVersion?: number | undefined; extra?: { record: CaseRecord; action: string } }): Promise<CaseRecord> {
  if (options.expectedVersion !== undefined && options.expectedVersion !== before.version) throw new ConflictError(`Case ${before.id} is at version ${before.version}, not ${options.expectedVersion}`);
  const now = new Date();
  const record: CaseRecord = { ...changed, version: before.version + 1, updatedAt: now.toISOString() };
  try {
    await writeTransaction([
      named('case', putItem(cases.item(record), ifVersion(before.version))),
      auditPut({ entityType: 'pairingRectificationCase', entityId: before.id, division: before.village, action: options.action, actor, before: auditFields(before), after: auditFields(record), at: now }),
      ...(options.extra ? createItems(options.extra.record, actor, options.extra.action, now) : []),
    ]);
  } catch (err) {
    if (err instanceof TransactionConditionFailed) {
      if (err.failed.includes('case')) throw new ConflictError(`Case ${before.id} was changed concurrently; read it again`);
      throw new ConflictError(`Village ${before.village} already has a case for ${before.year + 1}`);
    }
    throw err;
  }
  return record;
}

export interface CaseFilter {
  readonly year?: number | undefined;
  readonly villagePrefix?: string | undefined;
  readonly status?: CaseStatus | undefined;
}

export async function listCountyCases(county: string, filter: CaseFilter, page: PageRequest): Promise<Page<CaseRecord>> {
  return cases.query.byCounty.page(county, page, {
    sortPrefix: filter.year !== undefined ? `${filter.year}#${filter.villagePrefix ?? ''}` : undefined,
    filter: whereAll({ status: filter.status, village: filter.villagePrefix && filter.year === undefined ? { beginsWith: filter.villagePrefix } : undefined }),
  });
}

export async function listUnitCases(unitId: string, filter: CaseFilter, page: PageRequest): Promise<Page<CaseRecord>> {
  return cases.query.byUnit.page(unitId, page, { sortPrefix: filter.year !== undefined ? `${filter.year}#` : undefined, filter: whereAll({ status: filter.status }) });
}
