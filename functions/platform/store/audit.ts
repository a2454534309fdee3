import type { Principal } from '../principal.ts';
import { tableName } from '../../shared/clients.ts';
import { randomUUID } from 'node:crypto';
import { queryPage, type Page, type PageRequest } from './pagination.ts';

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
}

export interface AuditRecord {
  pk: string;
  sk: string;
  gsi1pk: string;
  gsi1sk: string;
  type: 'audit';
  entityType: string;
  entityId: string;
  division: string;
  action: string;
  actor: string;
  roles: string[];
  at: string;
  before?: unknown;
  after?: unknown;
}

export function auditRecord(entry: AuditEntry): AuditRecord {
  const at = (entry.at ?? new Date()).toISOString();
  const sk = `${at}#${randomUUID()}`;
  return {
    pk: `AUDIT#${entry.entityType}#${entry.entityId}`,
    sk,
    gsi1pk: `AUDITDIV#${entry.division.slice(0, 6)}`,
    gsi1sk: sk,
    type: 'audit',
    entityType: entry.entityType,
    entityId: entry.entityId,
    division: entry.division,
    action: entry.action,
    actor: entry.actor.sub,
    roles: [...entry.actor.roles],
    at,
    before: entry.before,
    after: entry.after,
  };
}

/** The TransactWriteItems element that appends an audit record (never overwrites one). */
export function auditPut(entry: AuditEntry) {
  return {
    Put: {
      TableName: tableName(),
      Item: auditRecord(entry),
      ConditionExpression: 'attribute_not_exists(pk)',
    },
  };
}

// ---- Reading the trail (GET /audit). ----

/** An audit record as shown to readers (keys stripped). */
export type AuditView = Omit<AuditRecord, 'pk' | 'sk' | 'gsi1pk' | 'gsi1sk' | 'type'>;

function auditView(item: Record<string, unknown>): AuditView {
  const { pk: _pk, sk: _sk, gsi1pk: _g1, gsi1sk: _g2, type: _t, ...rest } = item;
  return rest as unknown as AuditView;
}

/** One entity's history, newest first. */
export async function listEntityAudit(entityType: string, entityId: string, page: PageRequest): Promise<Page<AuditView>> {
  return queryPage({ partition: `AUDIT#${entityType}#${entityId}`, newestFirst: true }, page, auditView);
}

/**
 * A jurisdiction's trail, newest first. The trail is partitioned by county (first six digits of
 * the entity's division), so `division` must be a county or below; below a county it is narrowed
 * with a filter on the record's division.
 */
export async function listDivisionAudit(division: string, page: PageRequest): Promise<Page<AuditView>> {
  return queryPage(
    {
      index: 'gsi1',
      partition: `AUDITDIV#${division.slice(0, 6)}`,
      newestFirst: true,
      ...(division.length > 6
        ? { filter: { expression: 'begins_with(#division, :division)', names: { '#division': 'division' }, values: { ':division': division } } }
        : {}),
    },
    page,
    auditView,
  );
}
