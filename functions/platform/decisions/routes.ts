import { OpenAPIHono, createRoute, z } from '@hono/zod-openapi';
import type { AppEnv } from '../http/context.ts';
import { principalOf, requireAllowed, roleGate } from '../http/context.ts';
import { documented, errorResponses, json, writeErrorResponses } from '../http/schemas.ts';
import type { DecisionAnswerInput, DecisionKindDefinition, DecisionOutcome } from '../module.ts';
import { assertAllowed } from '../authz.ts';
import type { Principal } from '../principal.ts';
import { AppError, ForbiddenError, NotFoundError, ValidationError, toProblem } from '../../shared/errors.ts';
import { decisionIdSchema, getDecision, type PendingDecision } from './store.ts';
import { inboxItem, inboxItemSchema } from './inbox.ts';
import { runBounded } from '../../shared/pool.ts';
import { reasonRequiredMessage, refusedWithoutReason } from './reason.ts';

export const answerBody = z
  .strictObject({
    decision: z
      .string()
      .regex(/^[a-z][a-z-]{0,39}$/, 'must be an answer such as approve, reject or return')
      .openapi({ description: 'Which answers a decision takes depends on its kind: approve / reject / return (reward township review), approve / reject (reward finance approval, funding run approval), close (unfunded), resubmit / withdraw (returned application)' }),
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

type DecisionKinds = ReadonlyMap<string, DecisionKindDefinition>;

async function decisionOr404(decisionId: string): Promise<PendingDecision> {
  const decision = await getDecision(decisionId);
  if (!decision) throw new NotFoundError(`Decision ${decisionId} does not exist`);
  return decision;
}

function kindOf(kinds: DecisionKinds, kind: string): DecisionKindDefinition {
  const definition = kinds.get(kind);
  // A stored decision of a kind no module declares: a module was removed with decisions still open.
  if (!definition) throw new Error(`No module declares decision kind ${kind}`);
  return definition;
}

/**
 * Role and jurisdiction first (the caller holds the decision's role and the subject lies in their
 * jurisdiction), then the answer is one the kind takes and a refusal says why, then the kind's
 * module records it.
 */
async function answer(kinds: DecisionKinds, principal: Principal, decisionId: string, input: DecisionAnswerInput): Promise<DecisionOutcome> {
  const decision = await decisionOr404(decisionId);
  assertAllowed(principal, 'decision:answer', { division: decision.division });
  if (!principal.roles.includes(decision.role)) throw new ForbiddenError(`decision ${decisionId} is for role ${decision.role}`);
  const definition = kindOf(kinds, decision.kind);
  if (!definition.answer || definition.answers.length === 0) {
    throw new ValidationError([{ field: 'decision', message: `${decision.kind} is answered through ${definition.answeredThrough ?? "its program's routes"}`, in: 'body' }]);
  }
  if (!definition.answers.includes(input.decision)) {
    throw new ValidationError([{ field: 'decision', message: `must be one of ${definition.answers.join(', ')} for ${decision.kind}`, in: 'body' }]);
  }
  if (refusedWithoutReason(input.decision, definition.refusals ?? [], input.comment)) {
    throw new ValidationError([{ field: 'comment', message: reasonRequiredMessage, in: 'body' }]);
  }
  return definition.answer(principal, decision, input);
}

/** `/decisions`: read and answer any module's decisions, dispatched by the decision's kind. */
export const decisionRoutes = (kinds: DecisionKinds) => new OpenAPIHono<AppEnv>()
  // Registered before /decisions/{decisionId}, which would otherwise take `bulk` as an id.
  .openapi(
    createRoute({
      method: 'post',
      path: '/decisions/bulk',
      operationId: 'answerDecisionsInBulk',
      tags: ['decisions'],
      summary: 'Answer up to 500 decisions at once (finance); each item succeeds or fails on its own',
      request: { body: { required: true, content: json(bulkBody) } },
      responses: { 200: { description: 'One result per item, in order', content: json(bulkResult) }, ...writeErrorResponses },
    }),
    async (c) => {
      const principal = principalOf(c);
      if (!principal.roles.includes('finance')) throw new ForbiddenError('bulk decisions are for finance users');
      const { items } = c.req.valid('json');
      type Result = z.infer<typeof bulkResult>['items'][number];
      // A few at a time: each item is its own transaction and its own Step Functions call.
      const results = await runBounded(items, 8, async ({ decisionId, ...input }): Promise<Result> => {
        try {
          return { decisionId, status: 200, outcome: await answer(kinds, principal, decisionId, input) };
        } catch (err) {
          if (!(err instanceof AppError)) throw err;
          const problem = toProblem(err);
          return { decisionId, status: problem.status, problem: { type: problem.type, title: problem.title, ...(problem.detail ? { detail: problem.detail } : {}) } };
        }
      });
      const succeeded = results.filter((r) => r.status === 200).length;
      return c.json({ items: results, succeeded, failed: results.length - succeeded }, 200);
    },
  )

  .openapi(
    createRoute({
      method: 'get',
      path: '/decisions/{decisionId}',
      operationId: 'getDecision',
      tags: ['decisions'],
      summary: 'Read a decision (never its task token)',
      request: { params },
      responses: { 200: { description: 'The decision', content: json(inboxItemSchema.extend({ status: z.string() })) }, ...errorResponses },
    }),
    async (c) => {
      const { decisionId } = c.req.valid('param');
      const decision = await decisionOr404(decisionId);
      requireAllowed(c, kindOf(kinds, decision.kind).readAction, { division: decision.division });
      return c.json({ ...inboxItem(kinds, decision, principalOf(c)), status: decision.status }, 200);
    },
  )

  .openapi(
    createRoute({
      method: 'post',
      middleware: [roleGate('decision:answer')] as const,
      path: '/decisions/{decisionId}',
      operationId: 'answerDecision',
      tags: ['decisions'],
      summary: 'Answer a decision from your inbox: approve / reject / return (with a comment); 403 names a separation-of-duties rule, 409 if already decided',
      request: { params, body: { required: true, content: json(answerBody) } },
      responses: { 200: { description: 'Recorded (and the workflow woken when the step is complete)', content: json(outcomeSchema) }, ...writeErrorResponses },
    }),
    async (c) => {
      const { decisionId } = c.req.valid('param');
      return c.json(await answer(kinds, principalOf(c), decisionId, c.req.valid('json')), 200);
    },
  );
