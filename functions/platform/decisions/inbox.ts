import { OpenAPIHono, createRoute, z } from '@hono/zod-openapi';
import type { AppEnv } from '../http/context.ts';
import { principalOf } from '../http/context.ts';
import { booleanQuery, countyQuery, documented, errorResponses, json, pageQueryShape } from '../http/schemas.ts';
import { roles, type Principal } from '../principal.ts';
import { listInbox, type PendingDecision } from './store.ts';
import type { DecisionKindDefinition } from '../module.ts';
import { calendarDateSchema } from '../calendar.ts';
import type { InboxFilter } from './filter.ts';

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
    actionable: z.boolean().openapi({ description: 'Whether you can answer it now. False when you already gave your part and it waits for someone else (see waitingFor)' }),
    waitingFor: z.string().optional().openapi({ description: 'What it waits for when you cannot answer it again, e.g. `second-approver` after your approval of a two-approver decision' }),
    youApproved: z.boolean().optional().openapi({ description: 'True when you have approved it already' }),
    amountFen: z.number().int().optional().openapi({ description: 'The amount decided on, in fen (a reward award, a funding run\'s top-ups, a payment batch), as stored when the decision opened; absent for kinds without one' }),
  })
  .openapi('InboxItem', { description: 'An open decision waiting for the caller (or, marked not actionable, for another decider after the caller). Task tokens are never part of it.' });
export type InboxItem = z.infer<typeof inboxItemSchema>;

/**
 * The API form of a decision for `principal`: explicit fields only, so nothing stored beside them
 * (the token) can leak. Actionable when it is open, the caller holds its role, and its kind does not
 * say the caller has already given their part.
 */
export function inboxItem(kinds: ReadonlyMap<string, DecisionKindDefinition>, d: PendingDecision, principal: Principal): InboxItem {
  const standing = d.status === 'open' ? kinds.get(d.kind)?.standingFor?.(principal, d) : undefined;
  const amountFen = kinds.get(d.kind)?.amountFen?.(d);
  return {
    id: d.id,
    kind: d.kind,
    subjectType: d.subjectType,
    subjectId: d.subjectId,
    subject: kinds.get(d.kind)?.subjectPath(d.subjectId) ?? `/${d.subjectType}/${d.subjectId}`,
    division: d.division,
    role: d.role,
    createdAt: d.createdAt,
    ...(d.deadline !== undefined ? { deadline: d.deadline } : {}),
    version: d.version,
    partials: d.partials,
    summary: d.summary,
    escalations: d.escalations,
    actionable: d.status === 'open' && standing === undefined && principal.roles.some((role) => role === d.role),
    ...(standing ? { waitingFor: standing.waitingFor, youApproved: standing.youApproved } : {}),
    ...(amountFen !== undefined ? { amountFen } : {}),
  };
}

/** The query form of the inbox filters (functions/platform/decisions/filter.ts). */
export const inboxFilterQueryShape = {
  program: z.string().regex(/^[a-z][a-z0-9-]{0,39}$/, 'must be a module name such as reward, funding or payments').optional().openapi({ description: 'Only decisions of this module: the prefix of their kind (reward, funding, payments)' }),
  kind: z.string().max(80).regex(/^[a-z][a-z0-9-]*\.[a-z][a-z0-9-]*$/, 'must be <module>.<step>').optional().openapi({ description: 'Only decisions of this kind, e.g. reward.finance-approval' }),
  township: z.string().regex(/^\d{9}$/, 'must be a township code (9 digits)').optional().openapi({ description: 'Only decisions whose division lies in this township (9 digits); 403 outside your jurisdiction' }),
  dueBy: documented(calendarDateSchema, { description: 'Only decisions whose deadline falls on or before this day in Beijing time (YYYY-MM-DD)' }).optional(),
  overdue: booleanQuery.optional().openapi({ description: 'true: only decisions whose deadline has passed' }),
};

/**
 * Every open decision the caller may answer now that matches `filter`, walking the whole filtered
 * inbox a page at a time (what a selection snapshots). Decisions the caller cannot answer (the
 * first of two approvals they gave, another position's sign-off) are left out.
 */
export async function actionableMatching(kinds: ReadonlyMap<string, DecisionKindDefinition>, principal: Principal, filter: InboxFilter, max: number, now = new Date()): Promise<InboxItem[] | 'too-many'> {
  const { role, county, ...rest } = filter;
  const listedRole = role ?? principal.roles[0] ?? '';
  const found: InboxItem[] = [];
  let cursor: string | undefined;
  do {
    const page = await listInbox(principal, { limit: 100, cursor }, { role, county, filter: rest, now, filterIn: 'body' });
    for (const d of page.items) {
      if (!(kinds.get(d.kind)?.visibleTo?.(principal, listedRole, d) ?? true)) continue;
      const item = inboxItem(kinds, d, principal);
      if (!item.actionable) continue;
      if (found.length === max) return 'too-many';
      found.push(item);
    }
    cursor = page.nextCursor;
  } while (cursor);
  return found;
}


/**
 * `/inbox`: what waits for the caller. A decision kind may narrow what its deciders see (the reward
 * sign-off is shown only while it waits for the caller's position), so a page may hold fewer items
 * than `limit`. A decision the caller has already given their part of (the first of two approvals)
 * stays listed, marked `actionable: false` with what it waits for, and `toDo` counts only the
 * items of the page the caller can answer now.
 */
export const inboxRoutes = (kinds: ReadonlyMap<string, DecisionKindDefinition>) => new OpenAPIHono<AppEnv>()
  .openapi(
    createRoute({
      method: 'get',
      path: '/inbox',
      operationId: 'getInbox',
      tags: ['decisions'],
      summary: 'Open decisions waiting for you (by role and jurisdiction), oldest first, with deadlines and amounts; filtered by program, kind, township and deadline',
      request: {
        query: z.object({
          role: z.enum(roles).optional().openapi({ description: 'Which of your roles to list for (default: your first role)' }),
          county: countyQuery.optional().openapi({ description: 'Needed only when your jurisdiction is above county level' }),
          ...inboxFilterQueryShape,
          ...pageQueryShape,
        }),
      },
      responses: {
        200: {
          description: 'One page',
          content: json(
            z
              .object({
                items: z.array(inboxItemSchema),
                toDo: z.number().int().openapi({ description: 'How many items of this page you can answer now (those with actionable: true)' }),
                nextCursor: z.string().optional().openapi({ description: 'Absent on the last page' }),
              })
              .openapi('InboxPage'),
          ),
        },
        ...errorResponses,
      },
    }),
    async (c) => {
      const { role, county, limit, cursor, ...filter } = c.req.valid('query');
      // Any role may read its own inbox: the listing is bounded by the caller's role and jurisdiction.
      const principal = principalOf(c);
      const page = await listInbox(principal, { limit, cursor }, { role, county, filter });
      const listedRole = role ?? principal.roles[0] ?? '';
      const items = page.items.filter((d) => kinds.get(d.kind)?.visibleTo?.(principal, listedRole, d) ?? true).map((d) => inboxItem(kinds, d, principal));
      return c.json({ items, toDo: items.filter((item) => item.actionable).length, ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}) }, 200);
    },
  );
