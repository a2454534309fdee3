import { OpenAPIHono, createRoute, z } from '@hono/zod-openapi';
import type { AppEnv, RouteContext } from '../../../platform/http/context.ts';
import { requireAllowed, roleGate } from '../../../platform/http/context.ts';
import { documented, errorResponses, json, writeErrorResponses } from '../../../platform/http/schemas.ts';
import { sameIdentity } from '../../../platform/principal.ts';
import { isPrintableText, printableMessage } from '../../../platform/names.ts';
import { ConflictError, SeparationOfDutiesError, ValidationError } from '../../../shared/errors.ts';
import { rewardLines, rewardTableSchema } from '../domain/reward-run.ts';
import { budgetSchema, getBudget, raiseBudget } from '../store/budget.ts';
import { requireRound, roundResults } from '../store/grading.ts';
import { approveRewardRun, createRewardRun, lineOutcomeSchema, markRunPaid, payLine, requireRewardRun, rewardRunId, rewardRunSchema, runLineOutcomes, type RewardRun } from '../store/reward-run.ts';

export const budgetRaiseSchema = z.strictObject({ amountFen: z.number().int().min(1).max(100_000_000_000) }).openapi('SocialBudgetRaise');
export const rewardRunBodySchema = z.strictObject({ roundId: z.string().regex(/^sgr-\d{9}-\d{4}$/, 'must be a grading round id'), table: rewardTableSchema }).openapi('SocialRewardRunInput');
export const rewardRunApprovalSchema = z
  .strictObject({ exclusions: z.array(z.strictObject({ organisationId: z.string().regex(/^org-[0-9a-f-]{36}$/, 'must be an organisation id'), reason: z.string().trim().min(1).max(500).refine(isPrintableText, printableMessage) })).max(2000) })
  .openapi('SocialRewardRunApproval');

const budgetParams = z.object({
  township: z.string().regex(/^\d{9}$/, 'must be a 9-digit township code').openapi({ param: { name: 'township', in: 'path' } }),
  year: z.coerce.number().int().min(2000).max(2100).openapi({ param: { name: 'year', in: 'path' } }),
});
const runParams = z.object({ id: z.string().regex(/^srr-\d{9}-\d{4}$/, 'must be a reward run id').openapi({ param: { name: 'id', in: 'path' } }) });
const runView = z.object({ run: documented(rewardRunSchema, 'SocialRewardRun'), outcomes: z.array(documented(lineOutcomeSchema, 'SocialRewardLineOutcome')) }).openapi('SocialRewardRunView');

async function authorizedRun(c: RouteContext, id: string, action: 'social-funding:read' | 'social-funding:approve') {
  const run = await requireRewardRun(id);
  return { run, actor: requireAllowed(c, action, { division: run.township }) };
}

/** Pay every line not excluded, one at a time (each exactly once); then the run is paid. */
async function payRun(run: RewardRun, actor: Parameters<typeof payLine>[2]): Promise<RewardRun> {
  const excluded = new Set(run.exclusions.map((e) => e.organisationId));
  for (const line of run.lines) if (!excluded.has(line.organisationId)) await payLine(run, line, actor);
  return markRunPaid(run, actor);
}

export const fundingRoutes = new OpenAPIHono<AppEnv>()
  .openapi(
    createRoute({
      method: 'post',
      middleware: [roleGate('social-budget:raise')] as const,
      path: '/budgets/{township}/{year}/raise',
      operationId: 'raiseSocialBudget',
      tags: ['social'],
      summary: 'Finance appropriates more of the township’s yearly budget for social organisations (专项经费), in fen',
      request: { params: budgetParams, body: { required: true, content: json(budgetRaiseSchema) } },
      responses: { 200: { description: 'The budget', content: json(documented(budgetSchema, 'SocialBudget')) }, ...writeErrorResponses },
    }),
    async (c) => {
      const { township, year } = c.req.valid('param');
      const actor = requireAllowed(c, 'social-budget:raise', { division: township });
      return c.json(await raiseBudget(township, year, c.req.valid('json').amountFen, actor), 200);
    },
  )
  .openapi(
    createRoute({
      method: 'get',
      middleware: [roleGate('social-funding:read')] as const,
      path: '/budgets/{township}/{year}',
      operationId: 'getSocialBudget',
      tags: ['social'],
      summary: 'The township’s budget for the year: appropriated, available, spent (fen)',
      request: { params: budgetParams },
      responses: { 200: { description: 'The budget', content: json(documented(budgetSchema, 'SocialBudget')) }, ...errorResponses },
    }),
    async (c) => {
      const { township, year } = c.req.valid('param');
      requireAllowed(c, 'social-funding:read', { division: township });
      return c.json((await getBudget(township, year)) ?? { township, year, appropriatedFen: 0, availableFen: 0, spentFen: 0, updatedAt: new Date(0).toISOString() }, 200);
    },
  )
  .openapi(
    createRoute({
      method: 'post',
      middleware: [roleGate('social-funding:manage')] as const,
      path: '/reward-runs',
      operationId: 'createSocialRewardRun',
      tags: ['social'],
      summary: 'The township computes the grade-reward run of a published grading round: a fixed reward per grade (the table) for every graded organisation; it waits for finance',
      request: { body: { required: true, content: json(rewardRunBodySchema) } },
      responses: { 201: { description: 'Computed', content: json(runView) }, ...writeErrorResponses },
    }),
    async (c) => {
      const { roundId, table } = c.req.valid('json');
      const round = await requireRound(roundId);
      const actor = requireAllowed(c, 'social-funding:manage', { division: round.township });
      if (round.status !== 'published') throw new ConflictError(`Grading round ${roundId} is ${round.status}: rewards follow a published round`);
      const lines = rewardLines(await roundResults(roundId), table);
      if (lines.length === 0) throw new ValidationError([{ field: 'table', message: 'no graded organisation of the round has a grade the table rewards', in: 'body' }]);
      const at = new Date().toISOString();
      const run = await createRewardRun({ id: rewardRunId(roundId), roundId, township: round.township, year: round.year, table, lines, status: 'awaiting-finance', exclusions: [], createdBy: actor.sub, version: 1, createdAt: at, updatedAt: at }, actor);
      return c.json({ run, outcomes: [] }, 201);
    },
  )
  .openapi(
    createRoute({
      method: 'get',
      middleware: [roleGate('social-funding:read')] as const,
      path: '/reward-runs/{id}',
      operationId: 'getSocialRewardRun',
      tags: ['social'],
      summary: 'A reward run with each line’s outcome (paid with its payout, or unfunded)',
      request: { params: runParams },
      responses: { 200: { description: 'The run', content: json(runView) }, ...errorResponses },
    }),
    async (c) => {
      const { run } = await authorizedRun(c, c.req.valid('param').id, 'social-funding:read');
      return c.json({ run, outcomes: await runLineOutcomes(run.id) }, 200);
    },
  )
  .openapi(
    createRoute({
      method: 'post',
      middleware: [roleGate('social-funding:approve')] as const,
      path: '/reward-runs/{id}/approve',
      operationId: 'approveSocialRewardRun',
      tags: ['social'],
      summary: 'Finance approves the run in one decision with exclusions (each with a reason), never the person who computed it; every other line is paid exactly once through the payments module within the budget (a line the budget cannot cover is unfunded). Repeating it after an interruption pays what is left.',
      request: { params: runParams, body: { required: true, content: json(rewardRunApprovalSchema) } },
      responses: { 200: { description: 'Approved and paid', content: json(runView) }, ...writeErrorResponses },
    }),
    async (c) => {
      const { exclusions } = c.req.valid('json');
      let { run, actor } = await authorizedRun(c, c.req.valid('param').id, 'social-funding:approve');
      if (sameIdentity(run.createdBy, actor.sub)) throw new SeparationOfDutiesError('computer-approves', 'the person who computed the run may not approve it');
      const unknown = exclusions.filter((e) => !run.lines.some((l) => l.organisationId === e.organisationId));
      if (unknown.length > 0) throw new ValidationError(unknown.map((e) => ({ field: 'exclusions', message: `organisation ${e.organisationId} has no line in run ${run.id}`, in: 'body' as const })));
      if (run.status === 'awaiting-finance') run = await approveRewardRun(run, exclusions, actor);
      else if (JSON.stringify(run.exclusions) !== JSON.stringify(exclusions)) throw new ConflictError(`Reward run ${run.id} is ${run.status} with other exclusions`);
      if (run.status === 'approved') run = await payRun(run, actor);
      return c.json({ run, outcomes: await runLineOutcomes(run.id) }, 200);
    },
  );
