import type { Principal } from '../domain/principal.ts';
import { tableName } from '../shared/clients.ts';
import { randomUUID } from 'node:crypto';

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
