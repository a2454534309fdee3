import { createRoute, z } from '@hono/zod-openapi';
import type { App } from '../http/context.ts';
import { principalOf, requireAllowed } from '../http/context.ts';
import { documented, errorResponses, writeErrorResponses } from '../http/schemas.ts';
import { answerRewardDecision, type DecisionAnswerInput, type DecisionOutcome } from '../../programs/reward/use-cases.ts';
import { authorize } from '../authz.ts';
import type { Principal } from '../principal.ts';
import { AppError, ForbiddenError, NotFoundError, toProblem } from '../../shared/errors.ts';
import { decisionIdSchema, getDecision } from './store.ts';
import { inboxItem, inboxItemSchema } from './inbox.ts';

export const answerBody = z
  .strictObject({
    decision: z.enum(['approve', 'reject', 'return', 'resubmit', 'withdraw', 'close']).openapi({ description: 'Which answers a decision takes depends on its kind (see docs/reward.md)' }),
    comment: z.string().trim().max(2000).optional(),
  })
  .openapi('DecisionAnswer');
const outcomeSchema = z
  .object({ decisionId: z.string(), status: z.enum(['answered', 'partial']), applicationStatus: z.string(), remaining: z.number().int().optional(), delivered: z.boolean().optional() })
  .openapi('DecisionOutcome');
export const bulkBody = z
  .strictObject({ items: z.array(answerBody.extend({ decisionId: z.string().min(1).max(300) })).min(1).max(500) })
  .openapi('BulkDecisions', { description: 'Up to 500 answers, each answered on its own' });
const bulkResult = z
  .object({
    items: z.array(z.object({ decisionId: z.string(), status: z.number().int(), outcome: outcomeSchema.optional(), problem: z.object({ type: z.string(), title: z.string(), detail: z.string().optional() }).optional() })),
    succeeded: z.number().int(),
    failed: z.number().int(),
  })
  .openapi('BulkDecisionResult');
const params = z.object({ decisionId: documented(decisionIdSchema, { param: { name: 'decisionId', in: 'path' } }) });
const json = <T extends z.ZodType>(schema: T) => ({ 'application/json': { schema } });

/** Role and jurisdiction: the caller holds the decision's role and the subject lies in their jurisdiction. */
async function answer(principal: Principal, decisionId: string, input: DecisionAnswerInput): Promise<DecisionOutcome> {
  const decision = await getDecision(decisionId);
  if (!decision) throw new NotFoundError(`Decision ${decisionId} does not exist`);
  const allowed = authorize(principal, 'decision:answer', { division: decision.division });
  if (!allowed.allowed) throw new ForbiddenError(allowed.reason);
  if (!principal.roles.includes(decision.role)) throw new ForbiddenError(`decision ${decisionId} is for role ${decision.role}`);
  return answerRewardDecision(principal, decision, input);
}

export function decisionRoutes(app: App): void {
  // Registered before /decisions/{decisionId}, which would otherwise take `bulk` as an id.
  app.openapi(
    createRoute({
      method: 'post',
      path: '/decisions/bulk',
      tags: ['decisions'],
      summary: 'Answer up to 500 decisions at once (finance); each item succeeds or fails on its own',
      request: { body: { required: true, content: json(bulkBody) } },
      responses: { 200: { description: 'One result per item, in order', content: json(bulkResult) }, ...writeErrorResponses },
    }),
    async (c) => {
      const principal = principalOf(c);
      if (!principal.roles.includes('finance')) throw new ForbiddenError('bulk decisions are for finance users');
      const { items } = c.req.valid('json');
      const results: z.infer<typeof bulkResult>['items'] = new Array(items.length);
      let next = 0;
      // A few at a time: each item is its own transaction and its own Step Functions call.
      const worker = async () => {
        for (let i = next++; i < items.length; i = next++) {
          const { decisionId, ...input } = items[i]!;
          try {
            results[i] = { decisionId, status: 200, outcome: await answer(principal, decisionId, input) };
          } catch (err) {
            const problem = toProblem(err);
            if (!(err instanceof AppError)) throw err;
            results[i] = { decisionId, status: problem.status, problem: { type: problem.type, title: problem.title, ...(problem.detail ? { detail: problem.detail } : {}) } };
          }
        }
      };
      await Promise.all(Array.from({ length: Math.min(8, items.length) }, worker));
      const succeeded = results.filter((r) => r.status === 200).length;
      return c.json({ items: results, succeeded, failed: results.length - succeeded }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/decisions/{decisionId}',
      tags: ['decisions'],
      summary: 'Read a decision (never its task token)',
      request: { params },
      responses: { 200: { description: 'The decision', content: json(inboxItemSchema.extend({ status: z.string() })) }, ...errorResponses },
    }),
    async (c) => {
      const { decisionId } = c.req.valid('param');
      const decision = await getDecision(decisionId);
      if (!decision) throw new NotFoundError(`Decision ${decisionId} does not exist`);
      requireAllowed(c, 'reward-application:read', { division: decision.division });
      return c.json({ ...inboxItem(decision), status: decision.status }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/decisions/{decisionId}',
      tags: ['decisions'],
      summary: 'Answer a decision from your inbox: approve / reject / return (with a comment); 403 names a separation-of-duties rule, 409 if already decided',
      request: { params, body: { required: true, content: json(answerBody) } },
      responses: { 200: { description: 'Recorded (and the workflow woken when the step is complete)', content: json(outcomeSchema) }, ...writeErrorResponses },
    }),
    async (c) => {
      const { decisionId } = c.req.valid('param');
      return c.json(await answer(principalOf(c), decisionId, c.req.valid('json')), 200);
    },
  );

}
