import { OpenAPIHono, createRoute, z } from '@hono/zod-openapi';
import type { AppEnv } from '../http/context.ts';
import { principalOf, requireAllowed, roleGate } from '../http/context.ts';
import { documented, errorResponses, json, writeErrorResponses } from '../http/schemas.ts';
import type { DecisionAnswerInput, DecisionKindDefinition, DecisionOutcome } from '../module.ts';
import { assertAllowed } from '../authz.ts';
import type { Principal } from '../principal.ts';
import { AppError, ForbiddenError, NotFoundError, ValidationError, toProblem } from '../../shared/errors.ts';
import { decisionIdSchema, getDecision, type PendingDecision } from './store.ts';
import { actionableMatching, inboxItem, inboxItemSchema } from './inbox.ts';
import { inboxFilterSchema } from './filter.ts';
import { createSelection, getOwnSelection, maxSelectionSize, selectionChunkSize, selectionEntries, selectionIdSchema, type Selection } from './selection.ts';
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
export const bulkItemsBody = z
  .strictObject({ items: z.array(answerBody.extend({ decisionId: z.string().min(1).max(300) })).min(1).max(500) })
  .openapi('BulkDecisions', { description: 'Up to 500 answers, each answered on its own' });
export const bulkSelectionBody = z
  .strictObject({
    selectionId: documented(selectionIdSchema, { description: 'A selection of yours (POST /decisions/selections)' }),
    decision: answerBody.shape.decision,
    comment: answerBody.shape.comment,
    from: z.number().int().min(0).max(maxSelectionSize).optional().openapi({ description: `Where to start in the snapshot (default 0): a request answers at most ${selectionChunkSize} of its decisions; the result's nextFrom says where to go on` }),
  })
  .openapi('BulkSelectionDecisions', { description: 'One answer for every decision of a selection, exactly as snapshotted: decisions that entered the filter later are not answered; one that changed or was answered since fails with a named reason' });
/** Exactly one of `items` or `selectionId`. */
export const bulkBody = z.union([bulkItemsBody, bulkSelectionBody]);
const bulkItemResult = z
  .object({
    decisionId: z.string(),
    status: z.number().int(),
    outcome: outcomeSchema.optional(),
    reason: z.string().optional().openapi({
      description:
        'Why it failed: `already-answered` or `changed-since-selection` (selections), `separation-of-duties`, `forbidden`, `not-found`, `conflict`, `validation`. Retry the failed ones with `items`.',
    }),
    problem: z.object({ type: z.string(), title: z.string(), detail: z.string().optional() }).optional(),
  })
  .openapi('BulkDecisionItemResult');
const bulkResult = z
  .object({
    items: z.array(bulkItemResult),
    succeeded: z.number().int(),
    failed: z.number().int(),
    failedIds: z.array(z.string()).openapi({ description: 'The decisions that failed, to retry with `items` once their reason is dealt with' }),
    selectionId: z.string().optional(),
    nextFrom: z.number().int().optional().openapi({ description: 'Selections only: more of the snapshot remains; send the same body with this `from`' }),
  })
  .openapi('BulkDecisionResult');
const selectionBody = documented(inboxFilterSchema, {
  ref: 'DecisionSelectionRequest',
  description: 'The inbox filter to snapshot (the same fields as GET /inbox takes, overdue as a boolean)',
});
const selectionSchema = z
  .object({
    selectionId: z.string(),
    count: z.number().int().openapi({ description: 'How many decisions it holds: every one matching the filter that you could answer when it was made' }),
    totalFen: z.number().int().openapi({ description: 'The sum of their amounts, in fen (decisions without an amount count 0)' }),
    filter: selectionBody,
    createdAt: z.string(),
    expiresAt: z.string().openapi({ description: 'After this it is gone (404): make a new one' }),
  })
  .openapi('DecisionSelection');
const selectionDetailSchema = selectionSchema
  .extend({ decisions: z.array(z.object({ decisionId: z.string(), version: z.number().int(), amountFen: z.number().int().optional() }).openapi('DecisionSelectionEntry')) })
  .openapi('DecisionSelectionDetail');
const selectionParams = z.object({ selectionId: documented(selectionIdSchema, { param: { name: 'selectionId', in: 'path' } }) });

const params = z.object({ decisionId: documented(decisionIdSchema, { param: { name: 'decisionId', in: 'path' } }) });

type DecisionKinds = ReadonlyMap<string, DecisionKindDefinition>;

async function decisionOr404(decisionId: string): Promise<PendingDecision> {
  const decision = await getDecision(decisionId);
  if (!decision) throw new NotFoundError(`Decision ${decisionId} does not exist`);
  return decision;
}

function selectionView(selection: Selection) {
  return {
    selectionId: selection.id,
    count: selection.count,
    totalFen: selection.totalFen,
    filter: selection.filter,
    createdAt: selection.createdAt,
    expiresAt: new Date(selection.expiresAt * 1000).toISOString(),
  };
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
async function answer(kinds: DecisionKinds, principal: Principal, decisionId: string, input: DecisionAnswerInput, snapshotVersion?: number): Promise<DecisionOutcome> {
  const decision = await decisionOr404(decisionId);
  assertAllowed(principal, 'decision:answer', { division: decision.division });
  if (snapshotVersion !== undefined) {
    // Answering by selection: only what the snapshot saw. The kind's own write is conditional on the
    // version read here, so a change that lands after this check still fails instead of being overridden.
    if (decision.status !== 'open') throw new SelectionItemError('already-answered', `Decision ${decisionId} is ${decision.status}${decision.answer ? ` (by ${decision.answer.actor})` : ''} since the selection was made`);
    if (decision.version !== snapshotVersion) throw new SelectionItemError('changed-since-selection', `Decision ${decisionId} changed since the selection was made (version ${snapshotVersion} then, ${decision.version} now): look at it again and answer it with items`);
  }
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

/** 409 for one decision of a selection, with the reason as its problem type. */
class SelectionItemError extends AppError {
  constructor(reason: 'already-answered' | 'changed-since-selection', detail: string) {
    super(409, reason, 'Not answered: the decision is not as selected', detail);
  }
}

type BulkItemResult = z.infer<typeof bulkItemResult>;

/** One bulk item answered on its own: an error of the request's own making becomes its result. */
async function answerOne(kinds: DecisionKinds, principal: Principal, decisionId: string, input: DecisionAnswerInput, snapshotVersion?: number): Promise<BulkItemResult> {
  try {
    return { decisionId, status: 200, outcome: await answer(kinds, principal, decisionId, input, snapshotVersion) };
  } catch (err) {
    if (!(err instanceof AppError)) throw err;
    const problem = toProblem(err);
    return { decisionId, status: problem.status, reason: err.slug, problem: { type: problem.type, title: problem.title, ...(problem.detail ? { detail: problem.detail } : {}) } };
  }
}

/** Answers in flight at once: each is its own transaction and its own Step Functions call. */
const bulkConcurrency = 8;

function bulkSummary(results: readonly BulkItemResult[]) {
  const failed = results.filter((r) => r.status !== 200);
  return { items: [...results], succeeded: results.length - failed.length, failed: failed.length, failedIds: failed.map((r) => r.decisionId) };
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
      summary: 'Answer up to 500 decisions at once (finance), given as items or as a selection of yours; each item succeeds or fails on its own, failures named',
      request: { body: { required: true, content: json(bulkBody) } },
      responses: { 200: { description: 'One result per item, in order', content: json(bulkResult) }, ...writeErrorResponses },
    }),
    async (c) => {
      const principal = principalOf(c);
      if (!principal.roles.includes('finance')) throw new ForbiddenError('bulk decisions are for finance users');
      const body = c.req.valid('json');
      if ('items' in body) {
        const results = await runBounded(body.items, bulkConcurrency, ({ decisionId, ...input }) => answerOne(kinds, principal, decisionId, input));
        return c.json(bulkSummary(results), 200);
      }
      const selection = await getOwnSelection(body.selectionId, principal);
      const from = body.from ?? 0;
      // The per-request bound of `items` holds for selections too: one chunk's worth per request.
      const entries = await selectionEntries(selection, from, selectionChunkSize);
      const input = { decision: body.decision, comment: body.comment };
      const results = await runBounded(entries, bulkConcurrency, (entry) => answerOne(kinds, principal, entry.decisionId, input, entry.version));
      const next = from + entries.length;
      return c.json({ ...bulkSummary(results), selectionId: selection.id, ...(next < selection.count ? { nextFrom: next } : {}) }, 200);
    },
  )

  .openapi(
    createRoute({
      method: 'post',
      path: '/decisions/selections',
      operationId: 'createDecisionSelection',
      tags: ['decisions'],
      summary: 'Snapshot "all N matching this filter": the exact decisions you could answer now, their count and total, kept for an hour',
      description: `Walks your whole filtered inbox (GET /inbox's filters) and stores the ids and versions of the decisions you can answer now (not those waiting for someone else after your part). Answer them with POST /decisions/bulk {selectionId, decision}. At most ${maxSelectionSize} decisions: narrow the filter beyond that.`,
      request: { body: { required: true, content: json(selectionBody) } },
      responses: { 201: { description: 'The snapshot', content: json(selectionSchema) }, ...writeErrorResponses },
    }),
    async (c) => {
      // Any role may snapshot its own inbox: bounded by the caller's roles and jurisdiction, as GET /inbox.
      const principal = principalOf(c);
      const filter = c.req.valid('json');
      const matching = await actionableMatching(kinds, principal, filter, maxSelectionSize);
      if (matching === 'too-many') throw new ValidationError([{ field: 'filter', message: `matches more than ${maxSelectionSize} decisions: narrow it (program, kind, township, deadline)`, in: 'body' }]);
      const selection = await createSelection({
        filter,
        entries: matching.map((item) => ({ decisionId: item.id, version: item.version, ...(item.amountFen !== undefined ? { amountFen: item.amountFen } : {}) })),
        division: filter.county ?? principal.division,
        actor: principal,
      });
      return c.json(selectionView(selection), 201);
    },
  )

  .openapi(
    createRoute({
      method: 'get',
      path: '/decisions/selections/{selectionId}',
      operationId: 'getDecisionSelection',
      tags: ['decisions'],
      summary: 'One of your selections with its decisions (403 for anyone but the user who made it; 404 once expired)',
      request: { params: selectionParams },
      responses: { 200: { description: 'The snapshot', content: json(selectionDetailSchema) }, ...errorResponses },
    }),
    async (c) => {
      const selection = await getOwnSelection(c.req.valid('param').selectionId, principalOf(c));
      const decisions = await selectionEntries(selection, 0, selection.count);
      return c.json({ ...selectionView(selection), decisions }, 200);
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
