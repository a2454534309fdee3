import { tableName } from '../../shared/clients.ts';
import type { Principal } from '../principal.ts';
import { auditPut } from './audit.ts';
import { queryPage, type Page, type PageRequest } from './pagination.ts';
import type { TransactItem } from './transact.ts';

/**
 * Outbox of notifications (to a village, an applicant, the level above a late decider). A sender
 * (SMS, mail, the government app) drains it; the workflow only records what is to be said.
 * Keys: pk `OUTBOX#<recipient>`, sk `<topic>#<key>`: deterministic, so a repeated step records a
 * notification once (condition attribute_not_exists).
 */
export interface OutboxMessage {
  /** `division:<code>`, `user:<sub>`, `role:<role>@<division>`. */
  readonly recipient: string;
  readonly topic: string;
  /** Unique per message of the topic (application id and outcome …). */
  readonly key: string;
  readonly division: string;
  readonly subject: string;
  readonly body: Record<string, unknown>;
}

export function outboxItems(message: OutboxMessage, actor: Pick<Principal, 'sub' | 'roles'>, now = new Date()): TransactItem[] {
  return [
    {
      Put: {
        TableName: tableName(),
        Item: { pk: `OUTBOX#${message.recipient}`, sk: `${message.topic}#${message.key}`, type: 'outbox', ...message, at: now.toISOString(), sent: false },
        ConditionExpression: 'attribute_not_exists(pk)',
      },
    },
    auditPut({ entityType: 'outbox', entityId: `${message.recipient}#${message.topic}#${message.key}`, division: message.division, action: 'outbox.record', actor, after: { subject: message.subject }, at: now }),
  ];
}

export interface OutboxView extends OutboxMessage {
  readonly at: string;
}

/** A recipient's messages, oldest first. */
export async function listOutbox(recipient: string, page: PageRequest): Promise<Page<OutboxView>> {
  return queryPage({ partition: `OUTBOX#${recipient}` }, page, (item) => {
    const { pk: _pk, sk: _sk, type: _t, sent: _s, ...rest } = item;
    return rest as unknown as OutboxView;
  });
}
