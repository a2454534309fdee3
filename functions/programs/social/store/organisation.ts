import * as z from 'zod';
import { beijingDate } from '../../../platform/calendar.ts';
import type { Actor } from '../../../platform/principal.ts';
import { auditPut } from '../../../platform/store/audit.ts';
import { defineEntity } from '../../../platform/store/entity.ts';
import { type Page, type PageRequest, whereAll } from '../../../platform/store/pagination.ts';
import { ifAbsent, ifVersion, named, putItem, TransactionConditionFailed, writeTransaction, type ExtraItems, type TransactItem } from '../../../platform/store/transact.ts';
import { ConflictError, NotFoundError } from '../../../shared/errors.ts';
import { categoryKeys, isCounted, leaderSchema, nextStatus, allowedEvents, organisationStatuses, socialCategories, type OrganisationEvent, type OrganisationInput, type OrganisationStatus } from '../domain/organisation.ts';
import { coverageDelta, type Coverage } from '../domain/coverage.ts';
import { coverageUpdate } from './coverage.ts';

/**
 * Social organisations. Keys: pk `SOCIAL_ORG#<id>`, sk `ORG`; gsi1 `SOCIAL_ORGS#<county>` /
 * `<village>#<id>` lists a county's organisations by village (a township or a village is a
 * sort-key prefix); while approved, gsi2 `SOCIAL_APPROVED#<township>` / `<updatedAt>#<id>` (the
 * filing queue). Every change is a full put conditioned on the version read, with its audit
 * record and its village's coverage counter in the same transaction, and the status move is asked
 * of the domain's status machine first.
 */
export const reviewSchema = z.object({
  round: z.number().int(),
  decision: z.string(),
  by: z.string(),
  at: z.string(),
  comment: z.string().optional(),
});
export type Review = z.infer<typeof reviewSchema>;

export const organisationRecordSchema = z.object({
  id: z.string(),
  village: z.string(),
  township: z.string(),
  name: z.string(),
  category: z.enum(socialCategories),
  categoryDescription: z.string().optional(),
  leader: leaderSchema,
  members: z.number().int(),
  foundedOn: z.string(),
  contact: z.string(),
  status: z.enum(organisationStatuses),
  /** Filing round: a returned application that is resubmitted is reviewed in a new round. */
  round: z.number().int().min(1),
  filingNumber: z.string().optional(),
  filedAt: z.string().optional(),
  /** Why and since when it is returned, refused, suspended or dissolved. */
  statusReason: z.string().optional(),
  statusDate: z.string().optional(),
  reviews: z.array(reviewSchema),
  /** `application` (filed through the workflow) or `import` (existing on paper). */
  origin: z.enum(['application', 'import']),
  submittedBy: z.string(),
  version: z.number().int().min(1),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type OrganisationRecord = z.infer<typeof organisationRecordSchema>;

export const organisations = defineEntity({
  type: 'socialOrganisation',
  schema: organisationRecordSchema,
  key: (p: { id: string }) => ({ pk: `SOCIAL_ORG#${p.id}`, sk: 'ORG' }),
  indexes: (pattern) => ({
    /** A county's organisations by village; a township or a village is a sort-key prefix. */
    byCounty: pattern({ index: 'gsi1', partition: (county: string) => `SOCIAL_ORGS#${county}`, place: (o) => ({ partition: o.village.slice(0, 6), sort: `${o.village}#${o.id}` }) }),
    /** A township's approved organisations waiting for their filing number (sparse: only while approved), oldest first. */
    awaitingNumber: pattern({ index: 'gsi2', partition: (township: string) => `SOCIAL_APPROVED#${township}`, place: (o) => (o.status === 'approved' ? { partition: o.township, sort: `${o.updatedAt}#${o.id}` } : undefined) }),
  }),
});

/** The business fields, for audit records. */
function auditFields(o: OrganisationRecord) {
  const { version: _v, createdAt: _c, updatedAt: _u, reviews: _r, ...fields } = o;
  return fields;
}

export function newOrganisation(input: OrganisationInput, actor: Actor, id: string, now: Date, imported?: { status: OrganisationStatus; filingNumber: string }): OrganisationRecord {
  const at = now.toISOString();
  return {
    id,
    village: input.village,
    township: input.village.slice(0, 9),
    name: input.name,
    category: input.category,
    ...(input.categoryDescription !== undefined ? { categoryDescription: input.categoryDescription } : {}),
    leader: input.leader,
    members: input.members,
    foundedOn: input.foundedOn,
    contact: input.contact,
    status: imported?.status ?? 'applied',
    round: 1,
    ...(imported ? { filingNumber: imported.filingNumber, filedAt: at } : {}),
    reviews: [],
    origin: imported ? 'import' : 'application',
    submittedBy: actor.sub,
    version: 1,
    createdAt: at,
    updatedAt: at,
  };
}

/** The items that create an organisation: the item and its audit record (an imported, counted one's coverage is the importer's to add). */
export function organisationCreateItems(record: OrganisationRecord, actor: Actor, now: Date): TransactItem[] {
  return [
    named(`organisation:${record.id}`, putItem(organisations.item(record), ifAbsent)),
    auditPut({ entityType: 'social-organisation', entityId: record.id, division: record.village, action: record.origin === 'import' ? 'social-organisation.import' : 'social-organisation.submit', actor, after: auditFields(record), at: now }),
  ];
}

/** Submit an application (status applied: not counted yet). */
export async function createOrganisation(record: OrganisationRecord, actor: Actor, options: { extraItems?: ExtraItems<OrganisationRecord>; now?: Date } = {}): Promise<OrganisationRecord> {
  await writeTransaction([...organisationCreateItems(record, actor, options.now ?? new Date()), ...(options.extraItems?.(record) ?? [])]);
  return record;
}

export async function getOrganisation(id: string, consistent = true): Promise<OrganisationRecord | undefined> {
  return organisations.get({ id }, { consistent });
}

export async function requireOrganisation(id: string): Promise<OrganisationRecord> {
  const org = await getOrganisation(id);
  if (!org) throw new NotFoundError(`Organisation ${id} does not exist`);
  return org;
}

/**
 * The items of one change: the status move (checked against the status machine; 409 naming the
 * allowed events otherwise), the fields changed, the audit record, and the village's coverage
 * counter when the organisation enters or leaves the counted statuses. Conditioned on the version read.
 * With `coverage: 'delta'` the counter's change is returned instead of written (see the File step).
 */
export function organisationChange(
  before: OrganisationRecord,
  event: OrganisationEvent | undefined,
  changes: Partial<OrganisationRecord>,
  actor: Actor,
  action: string,
  now: Date = new Date(),
  options: { coverage?: 'item' | 'delta' } = {},
): { next: OrganisationRecord; items: TransactItem[]; delta: Coverage | undefined } {
  let status = before.status;
  if (event) {
    const moved = nextStatus(before.status, event);
    if (!moved) throw new ConflictError(`Organisation ${before.id} is ${before.status}: ${event} is not possible (possible: ${allowedEvents(before.status).join(', ') || 'nothing'})`);
    status = moved;
  }
  const next: OrganisationRecord = { ...before, ...changes, status, version: before.version + 1, updatedAt: now.toISOString() };
  const delta = coverageDelta(before.status, status, categoryKeys[before.category], Number(beijingDate(now).slice(0, 4)));
  return {
    next,
    delta,
    items: [
      named(`organisation:${before.id}`, putItem(organisations.item(next), ifVersion(before.version))),
      auditPut({ entityType: 'social-organisation', entityId: before.id, division: before.village, action, actor, before: auditFields(before), after: auditFields(next), at: now }),
      // A transaction that changes several organisations of one village adds their deltas up itself (one update per item).
      ...(delta && options.coverage !== 'delta' ? coverageUpdate(before.village, delta) : []),
    ],
  };
}

/** Write one change (see {@link organisationChange}); 409 when the organisation changed since it was read. */
export async function changeOrganisation(before: OrganisationRecord, event: OrganisationEvent | undefined, changes: Partial<OrganisationRecord>, actor: Actor, action: string): Promise<OrganisationRecord> {
  const { next, items } = organisationChange(before, event, changes, actor, action);
  try {
    await writeTransaction(items);
  } catch (err) {
    if (err instanceof TransactionConditionFailed) throw new ConflictError(`Organisation ${before.id} was changed concurrently; read it again`);
    throw err;
  }
  return next;
}

export interface OrganisationFilter {
  readonly status?: OrganisationStatus | undefined;
  readonly category?: string | undefined;
}

/** A county's organisations, narrowed to a township or village by `division`, by village. */
export async function listOrganisations(division: string, filter: OrganisationFilter, page: PageRequest): Promise<Page<OrganisationRecord>> {
  return organisations.query.byCounty.page(division.slice(0, 6), page, {
    sortPrefix: division.length > 6 ? division : undefined,
    filter: whereAll({ status: filter.status, category: filter.category }),
  });
}

/** Every organisation of a township (or village), for recounts and grading. */
export function allOrganisations(division: string): AsyncGenerator<OrganisationRecord> {
  return organisations.query.byCounty.all(division.slice(0, 6), { sort: division.length > 6 ? { beginsWith: division } : undefined, consistent: false });
}

/**
 * The organisations of a township (or of one village) that owe annual reports, the ones the
 * reminders chase (filed or active: `isCounted`): one query of the county index narrowed to the
 * division's sort-key prefix.
 */
export async function* organisationsOwingReports(division: string): AsyncGenerator<OrganisationRecord> {
  for await (const o of allOrganisations(division)) if (isCounted(o.status)) yield o;
}

/** Up to `limit` approved organisations of a township waiting for their number (index: eventually consistent). */
export async function awaitingNumber(township: string, limit: number): Promise<OrganisationRecord[]> {
  return (await organisations.query.awaitingNumber.page(township, { limit })).items;
}
