import { OpenAPIHono, createRoute, z } from '@hono/zod-openapi';
import type { AppEnv } from '../http/context.ts';
import { principalOf, requireAllowed, roleGate } from '../http/context.ts';
import { booleanQuery, errorResponses, json, pageQueryShape } from '../http/schemas.ts';
import { ForbiddenError, NotFoundError } from '../../shared/errors.ts';
import type { Principal } from '../principal.ts';
import { isAddressedTo, parseRecipient, recipientDivision, recipientsOf } from '../notifications/recipients.ts';
import { getOutboxMessage, listOutboxOfRecipients, outboxOfRecipientAfter, type OutboxItem } from '../store/outbox.ts';
import { allMarkedRead, markAllRead, markedRead, markRead, readUpTo } from '../store/notification-reads.ts';

/**
 * The signed-in user's notifications: the outbox messages addressed to them (to them as a user, to
 * a role they hold at their division or a county or township covering it, to their division),
 * newest first, with read state kept per user.
 */

/** The opaque id of a message: what names it in the outbox, base64url-encoded. */
export function notificationId(m: Pick<OutboxItem, 'recipient' | 'topic' | 'key'>): string {
  return Buffer.from(JSON.stringify([m.recipient, m.topic, m.key]), 'utf8').toString('base64url');
}

function parseNotificationId(id: string): { recipient: string; topic: string; key: string } | undefined {
  try {
    const parts: unknown = JSON.parse(Buffer.from(id, 'base64url').toString('utf8'));
    if (Array.isArray(parts) && parts.length === 3 && parts.every((p) => typeof p === 'string' && p.length > 0)) {
      const [recipient, topic, key] = parts as [string, string, string];
      return { recipient, topic, key };
    }
  } catch {
    // Not an id of ours.
  }
  return undefined;
}

export const notificationSchema = z
  .object({
    id: z.string().openapi({ description: 'Opaque; use it to mark the message read' }),
    topic: z.string().openapi({ description: 'Machine id of the kind of message', example: 'reward.outcome' }),
    subject: z.string().openapi({ example: '以奖代补申请已支付：常州村旅游专业合作社（2025年度）' }),
    text: z.string().optional().openapi({ description: 'What the message says, in Chinese' }),
    link: z.string().optional().openapi({ description: 'API path of what the message is about', example: '/reward/applications/ra-…' }),
    recipient: z.string().openapi({ description: 'How it reached you: `user:<sub>`, `role:<role>@<division>` or `division:<code>`', example: 'role:finance@120225' }),
    division: z.string().openapi({ description: 'The division the message is about' }),
    at: z.string().openapi({ description: 'When it was recorded (ISO 8601)' }),
    read: z.boolean().openapi({ description: 'Whether you have read it (per user: a message to your role is read by each of you separately)' }),
    details: z.record(z.string(), z.unknown()).openapi({ description: 'Machine-readable details (ids, amounts)' }),
  })
  .openapi('Notification');

export const notificationPageSchema = z
  .object({
    items: z.array(notificationSchema),
    nextCursor: z.string().optional().openapi({ description: 'Absent on the last page' }),
    unreadCount: z.number().int().min(0).openapi({ description: 'How many of your messages you have not read (all of them, not this page)' }),
  })
  .openapi('NotificationPage');

export const notificationReadSchema = z.object({ id: z.string(), read: z.literal(true) }).openapi('NotificationRead');
export const notificationsReadAllSchema = z
  .object({ readUpTo: z.string().openapi({ description: 'Everything recorded up to this time is read' }), unreadCount: z.number().int().min(0) })
  .openapi('NotificationsReadAll');

const idParamSchema = z.object({
  id: z
    .string()
    .min(1)
    .max(2048)
    .regex(/^[A-Za-z0-9_-]+$/, 'must be a notification id')
    .openapi({ description: 'The `id` of a notification' }),
});

async function unreadCount(principal: Principal): Promise<number> {
  const upTo = await readUpTo(principal.sub);
  const marked = await allMarkedRead(principal.sub);
  let count = 0;
  for (const recipient of recipientsOf(principal)) {
    for await (const m of outboxOfRecipientAfter(recipient, upTo)) if (!marked.has(notificationId(m))) count++;
  }
  return count;
}

function view(m: OutboxItem, read: boolean): z.infer<typeof notificationSchema> {
  return {
    id: notificationId(m),
    topic: m.topic,
    subject: m.subject,
    ...(m.text !== undefined ? { text: m.text } : {}),
    ...(m.link !== undefined ? { link: m.link } : {}),
    recipient: m.recipient,
    division: m.division,
    at: m.at,
    read,
    details: m.body,
  };
}

export const notificationRoutes = new OpenAPIHono<AppEnv>()
  .openapi(
    createRoute({
      method: 'get',
      middleware: [roleGate('notification:read')] as const,
      path: '/notifications',
      operationId: 'listNotifications',
      tags: ['notifications'],
      summary: 'Your notifications, newest first (every role), with your unread count',
      description:
        'Messages addressed to you (`user:<sub>`), to a role you hold at your division or at the county or township covering it ' +
        '(`role:finance@120225`), or to your division (`division:<code>`). `unread=true` lists only those you have not read; ' +
        'a page may then hold fewer than `limit` items.',
      request: { query: z.object({ unread: booleanQuery.optional().openapi({ description: 'Only unread messages' }), ...pageQueryShape }) },
      responses: { 200: { description: 'One page', content: json(notificationPageSchema) }, ...errorResponses },
    }),
    async (c) => {
      const principal = requireAllowed(c, 'notification:read', { division: principalOf(c).division });
      const { unread, limit, cursor } = c.req.valid('query');
      const upTo = await readUpTo(principal.sub);
      const page = await listOutboxOfRecipients(recipientsOf(principal), { limit, cursor }, unread ? { listing: 'unread', after: upTo } : { listing: 'all' });
      const marked = await markedRead(principal.sub, page.items.map(notificationId));
      const items = page.items
        .map((m) => view(m, (upTo !== undefined && m.at <= upTo) || marked.has(notificationId(m))))
        .filter((n) => !unread || !n.read);
      return c.json({ items, ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}), unreadCount: await unreadCount(principal) }, 200);
    },
  )
  .openapi(
    createRoute({
      method: 'post',
      middleware: [roleGate('notification:read')] as const,
      path: '/notifications/{id}/read',
      operationId: 'markNotificationRead',
      tags: ['notifications'],
      summary: 'Mark one of your notifications read, for you only (every role)',
      description: 'No body. Repeating it changes nothing. 403 for a message not addressed to you (checked before whether it exists), 404 for none.',
      request: { params: idParamSchema },
      responses: { 200: { description: 'Read', content: json(notificationReadSchema) }, ...errorResponses },
    }),
    async (c) => {
      const principal = principalOf(c);
      const { id } = c.req.valid('param');
      const parts = parseNotificationId(id);
      if (!parts) throw new NotFoundError('No such notification');
      const recipient = parseRecipient(parts.recipient);
      if (!recipient || !isAddressedTo(principal, parts.recipient)) throw new ForbiddenError('This notification is not addressed to you');
      requireAllowed(c, 'notification:read', { division: recipientDivision(recipient, principal.division) });
      if (!(await getOutboxMessage(parts))) throw new NotFoundError('No such notification');
      await markRead(principal.sub, id);
      return c.json({ id, read: true as const }, 200);
    },
  )
  .openapi(
    createRoute({
      method: 'post',
      middleware: [roleGate('notification:read')] as const,
      path: '/notifications/read-all',
      operationId: 'markAllNotificationsRead',
      tags: ['notifications'],
      summary: 'Mark every notification you have now read, for you only (every role)',
      description: 'No body. What arrives later is unread.',
      responses: { 200: { description: 'Read', content: json(notificationsReadAllSchema) }, ...errorResponses },
    }),
    async (c) => {
      const principal = requireAllowed(c, 'notification:read', { division: principalOf(c).division });
      const upTo = await markAllRead(principal.sub, new Date().toISOString());
      return c.json({ readUpTo: upTo, unreadCount: await unreadCount(principal) }, 200);
    },
  );
