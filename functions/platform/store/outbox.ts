import * as z from 'zod';
import type { Principal } from '../principal.ts';
import { auditPut } from './audit.ts';
import { defineEntity } from './entity.ts';
import type { Page, PageRequest } from './pagination.ts';
import { ifAbsent, putItem, type TransactItem } from './transact.ts';

/**
 * Outbox of notifications (to a village, an applicant, the level above a late decider). A sender
 * (SMS, mail, the government app) drains it; the workflow only records what is to be said.
 * Keys: pk `OUTBOX#<recipient>`, sk `<topic>#<key>`: deterministic, so a repeated step records a
 * notification once (condition attribute_not_exists).
 */
export const outboxMessageSchema = z.object({
  /** `division:<code>`, `user:<sub>`, `role:<role>@<division>`. */
  recipient: z.string(),
  topic: z.string(),
  /** Unique per message of the topic (application id and outcome …). */
  key: z.string(),
  division: z.string(),
  subject: z.string(),
  body: z.record(z.string(), z.unknown()),
});
export type OutboxMessage = z.infer<typeof outboxMessageSchema>;

const outboxItemSchema = outboxMessageSchema.extend({ at: z.string(), sent: z.boolean() });

const recipientPartition = (recipient: string) => `OUTBOX#${recipient}`;

const outboxMessages = defineEntity({
  type: 'outbox',
  schema: outboxItemSchema,
  key: (m: { recipient: string; topic: string; key: string }) => ({ pk: recipientPartition(m.recipient), sk: `${m.topic}#${m.key}` }),
  indexes: (pattern) => ({
    /** A recipient's messages, in topic and key order. */
    ofRecipient: pattern({ index: 'table', partition: recipientPartition }),
  }),
});

export function outboxItems(message: OutboxMessage, actor: Pick<Principal, 'sub' | 'roles'>, now = new Date()): TransactItem[] {
  return [
    putItem(outboxMessages.item({ ...message, at: now.toISOString(), sent: false }), ifAbsent),
    auditPut({ entityType: 'outbox', entityId: `${message.recipient}#${message.topic}#${message.key}`, division: message.division, action: 'outbox.record', actor, after: { subject: message.subject }, at: now }),
  ];
}

export type OutboxView = Omit<z.infer<typeof outboxItemSchema>, 'sent'>;

/** A recipient's messages, in topic and key order. */
export async function listOutbox(recipient: string, page: PageRequest): Promise<Page<OutboxView>> {
  const listed = await outboxMessages.query.ofRecipient.page(recipient, page);
  return { ...listed, items: listed.items.map(({ sent: _sent, ...view }) => view) };
}
