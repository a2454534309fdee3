import { createRoute, z } from '@hono/zod-openapi';
import type { App } from '../http/context.ts';
import { principalOf } from '../http/context.ts';
import { errorResponses, pageOf, pageQueryShape } from '../http/schemas.ts';
import { roles } from '../principal.ts';
import { listInbox, type PendingDecision } from './store.ts';
import { mayStillSign, type Signature } from '../../programs/reward/domain/signoff.ts';
import type { Principal } from '../principal.ts';

export const inboxItemSchema = z
  .object({
    id: z.string().openapi({ description: 'Decision id: answer it with POST /decisions/{id}' }),
    kind: z.string(),
    subjectType: z.string(),
    subjectId: z.string(),
    subject: z.string().openapi({ description: 'API path of the subject (e.g. /reward/applications/{id})' }),
    division: z.string(),
    role: z.string(),
    createdAt: z.string(),
    deadline: z.string().optional(),
    version: z.number().int(),
    partials: z.array(z.record(z.string(), z.unknown())),
    summary: z.record(z.string(), z.unknown()),
    escalations: z.array(z.object({ key: z.string(), at: z.string(), notified: z.string(), note: z.string() })),
  })
  .openapi('InboxItem', { description: 'An open decision waiting for the caller. Task tokens are never part of it.' });
export type InboxItem = z.infer<typeof inboxItemSchema>;

const subjectPaths: Readonly<Record<string, (id: string) => string>> = {
  'reward-application': (id) => `/reward/applications/${id}`,
  'funding-run': (id) => `/funding/runs/${id}`,
};

/** The API form of a decision: explicit fields only, so nothing stored beside them (the token) can leak. */
export function inboxItem(d: PendingDecision): InboxItem {
  return {
    id: d.id,
    kind: d.kind,
    subjectType: d.subjectType,
    subjectId: d.subjectId,
    subject: subjectPaths[d.subjectType]?.(d.subjectId) ?? `/${d.subjectType}/${d.subjectId}`,
    division: d.division,
    role: d.role,
    createdAt: d.createdAt,
    ...(d.deadline !== undefined ? { deadline: d.deadline } : {}),
    version: d.version,
    partials: d.partials,
    summary: d.summary,
    escalations: d.escalations,
  };
}

const json = <T extends z.ZodType>(schema: T) => ({ 'application/json': { schema } });

/**
 * A village user sees a 三签一审 sign-off only while it waits for their position (and them): once
 * the handler has signed, the handler's inbox no longer shows it; a village user without a position
 * cannot sign and does not see it. A page may therefore hold fewer items than `limit`.
 */
function waitsForCaller(principal: Principal, listedRole: string | undefined, d: PendingDecision): boolean {
  if (listedRole !== 'village' || d.kind !== 'reward.village-signoff') return true;
  return principal.position !== undefined && mayStillSign(d.partials as unknown as Signature[], principal.sub, principal.position);
}

export function inboxRoutes(app: App): void {
  app.openapi(
    createRoute({
      method: 'get',
      path: '/inbox',
      tags: ['decisions'],
      summary: 'Open decisions waiting for you (by role and jurisdiction), oldest first, with deadlines',
      request: {
        query: z.object({
          role: z.enum(roles).optional().openapi({ description: 'Which of your roles to list for (default: your first role)' }),
          county: z
            .string()
            .regex(/^\d{6}$/, 'must be a county code (6 digits)')
            .optional()
            .openapi({ description: 'Needed only when your jurisdiction is above county level' }),
          ...pageQueryShape,
        }),
      },
      responses: { 200: { description: 'One page', content: json(pageOf(inboxItemSchema, 'InboxPage')) }, ...errorResponses },
    }),
    async (c) => {
      const { role, county, limit, cursor } = c.req.valid('query');
      // Any role may read its own inbox: the listing is bounded by the caller's role and jurisdiction.
      const principal = principalOf(c);
      const page = await listInbox(principal, { limit, cursor }, { role, county });
      const items = page.items.filter((d) => waitsForCaller(principal, role ?? principal.roles[0], d));
      return c.json({ items: items.map(inboxItem), ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}) }, 200);
    },
  );
}
