import { randomUUID } from 'node:crypto';
import * as z from 'zod';
import type { Principal } from '../principal.ts';
import { defineEntity } from './entity.ts';
import { whereAll, type Page, type PageRequest } from './pagination.ts';
import { ifAbsent, putItem, type TransactItem } from './transact.ts';

/**
 * Append-only audit records. Every state change puts one in the same TransactWriteItems call as
 * the change itself, so there is never a change without its record, nor a record without its change.
 *
 * Keys: pk `AUDIT#<entityType>#<entityId>`, sk `<ISO time>#<uuid>` (history of one entity, in order);
 * gsi1 `AUDITDIV#<first 6 digits of the division>` / `<ISO time>#<uuid>` (a jurisdiction's trail).
 */
export interface AuditEntry {
  readonly entityType: string;
  readonly entityId: string;
  /** Division code of the entity, for jurisdiction-scoped reading. */
  readonly division: string;
  readonly action: string;
  readonly actor: Pick<Principal, 'sub' | 'roles'>;
  readonly before?: unknown;
  readonly after?: unknown;
  /** Defaults to now. */
  readonly at?: Date;
  /**
   * Only for a record written outside a transaction by a step that may run again (a bulk write):
   * with the same `at` and `id` a repeat writes the same item, never a second record. Default: random.
   */
  readonly id?: string;
}

export const auditRecordSchema = z.object({
  entityType: z.string(),
  entityId: z.string(),
  division: z.string(),
  action: z.string(),
  actor: z.string(),
  roles: z.array(z.string()),
  at: z.string(),
  before: z.unknown().optional(),
  after: z.unknown().optional(),
});
export type AuditRecord = z.infer<typeof auditRecordSchema>;

const historyPartition = (p: { entityType: string; entityId: string }) => `AUDIT#${p.entityType}#${p.entityId}`;
// The uuid only makes two records of the same instant distinct; it is kept in the keys alone.
const auditSort = (p: { at: string; uuid: string }) => `${p.at}#${p.uuid}`;

export const auditRecords = defineEntity({
  type: 'audit',
  schema: auditRecordSchema,
  key: (p: { entityType: string; entityId: string; at: string; uuid: string }) => ({ pk: historyPartition(p), sk: auditSort(p) }),
  indexes: (pattern) => ({
    /** One entity's history, in time order. */
    history: pattern({ index: 'table', partition: historyPartition }),
    /** A jurisdiction's trail, per county, in time order. */
    byCounty: pattern({ index: 'gsi1', partition: (county: string) => `AUDITDIV#${county}`, place: (r) => ({ partition: r.division.slice(0, 6), sort: auditSort(r) }) }),
  }),
});

/** The stored audit item of `entry` (also for benchmarks that write the same items in bulk). */
export function auditItem(entry: AuditEntry): Record<string, unknown> {
  const record: AuditRecord = {
    entityType: entry.entityType,
    entityId: entry.entityId,
    division: entry.division,
    action: entry.action,
    actor: entry.actor.sub,
    roles: [...entry.actor.roles],
    at: (entry.at ?? new Date()).toISOString(),
    before: entry.before,
    after: entry.after,
  };
  return auditRecords.item(record, { uuid: entry.id ?? randomUUID() });
}

/** The TransactWriteItems element that appends an audit record (never overwrites one). */
export function auditPut(entry: AuditEntry): TransactItem {
  return putItem(auditItem(entry), ifAbsent);
}

// ---- Reading the trail (GET /audit). ----

/** One entity's history, newest first. */
export async function listEntityAudit(entityType: string, entityId: string, page: PageRequest): Promise<Page<AuditRecord>> {
  return auditRecords.query.history.page({ entityType, entityId }, page, { newestFirst: true });
}

/**
 * A jurisdiction's trail, newest first. The trail is partitioned by county (first six digits of
 * the entity's division), so `division` must be a county or below; below a county it is narrowed
 * with a filter on the record's division.
 */
export async function listDivisionAudit(division: string, page: PageRequest): Promise<Page<AuditRecord>> {
  return auditRecords.query.byCounty.page(division.slice(0, 6), page, {
    newestFirst: true,
    filter: division.length > 6 ? whereAll({ division: { beginsWith: division } }) : undefined,
  });
}

/**
 * One entity's history, oldest first, at most `max` records (a timeline merges it with execution
 * histories, so it needs the whole of it in time order rather than a page).
 */
export async function entityHistory(entityType: string, entityId: string, max: number): Promise<{ records: AuditRecord[]; truncated: boolean }> {
  const records: AuditRecord[] = [];
  for await (const record of auditRecords.query.history.all({ entityType, entityId })) {
    if (records.length === max) return { records, truncated: true };
    records.push(record);
  }
  return { records, truncated: false };
}
