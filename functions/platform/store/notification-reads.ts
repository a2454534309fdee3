import * as z from 'zod';
import { defineEntity } from './entity.ts';
import { batchGet } from './batch.ts';
import { putItem, TransactionConditionFailed, writeOne } from './transact.ts';

/**
 * What a user has read of their notifications. A message to a role or a division is shared by
 * many users, so "read" is kept per user, beside the message rather than on it:
 * - pk `NOTIFREAD#<sub>`, sk `MSG#<message id>`: one message read;
 * - pk `NOTIFREAD#<sub>`, sk `ALL`: everything up to `readUpTo` (ISO time) read ("mark all read").
 * A message is read when it is not newer than `readUpTo` or has its own marker.
 */
const readPartition = (sub: string) => `NOTIFREAD#${sub}`;

const messageReads = defineEntity({
  type: 'notification-read',
  schema: z.object({ sub: z.string(), messageId: z.string(), at: z.string() }),
  key: (r: { sub: string; messageId: string }) => ({ pk: readPartition(r.sub), sk: `MSG#${r.messageId}` }),
  indexes: (pattern) => ({
    /** Every single-message marker of a user. */
    ofUser: pattern({ index: 'table', partition: readPartition, sortPrefix: 'MSG#' }),
  }),
});

const readWatermarks = defineEntity({
  type: 'notification-read-all',
  schema: z.object({ sub: z.string(), readUpTo: z.string() }),
  key: (r: { sub: string }) => ({ pk: readPartition(r.sub), sk: 'ALL' }),
});

/** Everything up to this time (ISO) is read; undefined when the user never marked all read. */
export async function readUpTo(sub: string): Promise<string | undefined> {
  return (await readWatermarks.get({ sub }, { consistent: true }))?.readUpTo;
}

/** Which of these messages the user marked read one by one. */
export async function markedRead(sub: string, messageIds: readonly string[]): Promise<Set<string>> {
  if (messageIds.length === 0) return new Set();
  const found = await batchGet(messageIds.map((messageId) => messageReads.keyOf({ sub, messageId })));
  return new Set(found.map((item) => messageReads.parse(item).messageId));
}

/** Every message the user marked read one by one (for the unread count). */
export async function allMarkedRead(sub: string): Promise<Set<string>> {
  const ids = new Set<string>();
  for await (const r of messageReads.query.ofUser.all(sub)) ids.add(r.messageId);
  return ids;
}

/** Mark one message read for this user (a repeat changes nothing that matters). */
export async function markRead(sub: string, messageId: string, now = new Date()): Promise<void> {
  await writeOne(putItem(messageReads.item({ sub, messageId, at: now.toISOString() })));
}

/** Mark everything up to `upTo` read for this user; never moves the mark back. */
export async function markAllRead(sub: string, upTo: string): Promise<string> {
  try {
    await writeOne(putItem(readWatermarks.item({ sub, readUpTo: upTo }), { expression: 'attribute_not_exists(pk) OR readUpTo < :upTo', values: { ':upTo': upTo } }));
    return upTo;
  } catch (err) {
    // A later mark is there already (another request of the same user).
    if (!(err instanceof TransactionConditionFailed)) throw err;
    return (await readUpTo(sub)) ?? upTo;
  }
}
