import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import * as z from 'zod';
import { ddb, tableName } from '../../shared/clients.ts';
import type { Principal } from '../principal.ts';
import { auditPut } from './audit.ts';
import { defineEntity } from './entity.ts';
import { queryMergedNewestFirst, type Page, type PageRequest } from './pagination.ts';
import { ifAbsent, putItem, type TransactItem } from './transact.ts';

/**
 * Outbox of notifications (to a village, an applicant, the level above a late decider). The
 * workflow step records what is to be said in the same transaction as its change; a sender (mail
 * files on the local host, SES on AWS: functions/platform/notifications/) delivers it, and
 * `GET /notifications` shows it to the people it is addressed to.
 *
 * Keys: pk `OUTBOX#<recipient>`, sk `<topic>#<key>`: deterministic, so a repeated step records a
 * notification once (condition attribute_not_exists). Two sparse listings:
 * - gsi1 `NOTIFY#<recipient>` by `<at>#<recipient>#<topic>#<key>`: a recipient's messages in time
 *   order (the sort key is unique across recipients, so several recipients' partitions merge into
 *   one newest-first list with a cursor);
 * - gsi2 `OUTBOX_UNSENT` by the same sort key: the messages no sender has delivered yet; marking a
 *   message sent removes it from this listing.
 */
export const outboxMessageSchema = z.object({
  /** `division:<code>`, `user:<sub>`, `role:<role>@<division>`. */
  recipient: z.string(),
  /** Machine id of the kind of message (`reward.outcome`); not shown to people. */
  topic: z.string(),
  /** Unique per message of the topic (application id and outcome …). */
  key: z.string(),
  division: z.string(),
  /** The subject line, in Chinese. */
  subject: z.string(),
  /** What the message says, in Chinese, in a sentence or two (the mail's text). */
  text: z.string().optional(),
  /** The API path of what the message is about (`/reward/applications/<id>`). */
  link: z.string().optional(),
  /** Machine-readable details (ids, amounts). */
  body: z.record(z.string(), z.unknown()),
});
export type OutboxMessage = z.infer<typeof outboxMessageSchema>;

export const outboxItemSchema = outboxMessageSchema.extend({ at: z.string(), sent: z.boolean(), sentAt: z.string().optional() });
export type OutboxItem = z.infer<typeof outboxItemSchema>;

/** The `type` attribute of outbox items (the DynamoDB stream filter of the AWS sender matches it). */
export const outboxItemType = 'outbox';

const recipientPartition = (recipient: string) => `OUTBOX#${recipient}`;
const timeSort = (m: { at: string; recipient: string; topic: string; key: string }) => `${m.at}#${m.recipient}#${m.topic}#${m.key}`;

const outboxMessages = defineEntity({
  type: outboxItemType,
  schema: outboxItemSchema,
  key: (m: { recipient: string; topic: string; key: string }) => ({ pk: recipientPartition(m.recipient), sk: `${m.topic}#${m.key}` }),
  indexes: (pattern) => ({
    /** A recipient's messages, in topic and key order. */
    ofRecipient: pattern({ index: 'table', partition: recipientPartition }),
    /** A recipient's messages in time order (merged with other recipients' for a user's list). */
    inbox: pattern({ index: 'gsi1', partition: (recipient: string) => `NOTIFY#${recipient}`, place: (m) => ({ partition: m.recipient, sort: timeSort(m) }) }),
    /** Messages not delivered yet, oldest first. */
    unsent: pattern({ index: 'gsi2', partition: (_all: 'all') => 'OUTBOX_UNSENT', place: (m) => (m.sent ? undefined : { partition: 'all' as const, sort: timeSort(m) }) }),
  }),
});

export function outboxItems(message: OutboxMessage, actor: Pick<Principal, 'sub' | 'roles'>, now = new Date()): TransactItem[] {
  return [
    putItem(outboxMessages.item({ ...message, at: now.toISOString(), sent: false }), ifAbsent),
    auditPut({ entityType: 'outbox', entityId: `${message.recipient}#${message.topic}#${message.key}`, division: message.division, action: 'outbox.record', actor, after: { subject: message.subject }, at: now }),
  ];
}

/** Parse a stored outbox item (as a DynamoDB stream record's new image carries it, unmarshalled). */
export function parseOutboxItem(item: Record<string, unknown>): OutboxItem {
  return outboxMessages.parse(item);
}

export type OutboxView = Omit<OutboxItem, 'sent' | 'sentAt'>;

/** A recipient's messages, in topic and key order. */
export async function listOutbox(recipient: string, page: PageRequest): Promise<Page<OutboxView>> {
  const listed = await outboxMessages.query.ofRecipient.page(recipient, page);
  return { ...listed, items: listed.items.map(({ sent: _sent, sentAt: _sentAt, ...view }) => view) };
}

/** One message by what names it. */
export async function getOutboxMessage(parts: { recipient: string; topic: string; key: string }): Promise<OutboxItem | undefined> {
  return outboxMessages.get(parts, { consistent: true });
}

/**
 * The messages of several recipients (a user's own, their roles', their division's), newest first,
 * optionally only those after a time: one Query per recipient, merged.
 */
export async function listOutboxOfRecipients(recipients: readonly string[], page: PageRequest, options: { listing: string; after?: string | undefined }): Promise<Page<OutboxItem>> {
  return queryMergedNewestFirst(
    { index: 'gsi1', partitions: recipients.map((r) => outboxMessages.query.inbox.partition(r)), listing: options.listing, after: options.after },
    page,
    outboxMessages.parse,
  );
}

/** Every message of a recipient after a time (ISO), oldest first: for unread counts. */
export async function* outboxOfRecipientAfter(recipient: string, after: string | undefined): AsyncGenerator<Pick<OutboxItem, 'recipient' | 'topic' | 'key'>> {
  const projection = z.object({ recipient: z.string(), topic: z.string(), key: z.string() });
  yield* outboxMessages.query.inbox.select(recipient, projection, after === undefined ? {} : { sort: { between: [`${after}~`, '~'] } });
}

/** Messages no sender has delivered yet, oldest first. */
export function unsentOutbox(): AsyncGenerator<OutboxItem> {
  return outboxMessages.query.unsent.all('all');
}

/**
 * Mark a message delivered (and take it out of the unsent listing). Idempotent: marking it again
 * changes nothing and is not an error. False when the message does not exist.
 */
export async function markOutboxSent(parts: { recipient: string; topic: string; key: string }, now = new Date()): Promise<boolean> {
  try {
    await ddb().send(
      new UpdateCommand({
        TableName: tableName(),
        Key: { ...outboxMessages.keyOf(parts) },
        UpdateExpression: 'SET #sent = :true, #sentAt = if_not_exists(#sentAt, :now) REMOVE gsi2pk, gsi2sk',
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeNames: { '#sent': 'sent', '#sentAt': 'sentAt' },
        ExpressionAttributeValues: { ':true': true, ':now': now.toISOString() },
      }),
    );
    return true;
  } catch (err) {
    if (err instanceof ConditionalCheckFailedException) return false;
    throw err;
  }
}
