import { OpenAPIHono, createRoute, z } from '@hono/zod-openapi';
import type { AppEnv, RouteContext } from '../../../platform/http/context.ts';
import { requireAllowed, roleGate } from '../../../platform/http/context.ts';
import { documented, errorResponses, json, writeErrorResponses } from '../../../platform/http/schemas.ts';
import { isPrintableText, printableMessage } from '../../../platform/names.ts';
import { ConflictError, ValidationError } from '../../../shared/errors.ts';
import { executionHistory } from '../../../shared/executions.ts';
import { rewardLines, rewardRunIdSchema, rewardTableSchema } from '../domain/reward-run.ts';
import { budgetSchema, getBudget, raiseBudget } from '../store/budget.ts';
import { requireRound, roundResults } from '../store/grading.ts';
import { createRewardRun, lineOutcomeSchema, requireRewardRun, rewardLineSchema, rewardRunId, rewardRunLines, rewardRunSchema, runLineOutcomes, type RewardRun } from '../store/reward-run.ts';
import { decideRewardRun, startRewardRun } from '../reward-run-use-cases.ts';
import { rewardRunDecisionId } from '../steps.ts';

export const budgetRaiseSchema = z.strictObject({ amountFen: z.number().int().min(1).max(100_000_000_000) }).openapi('SocialBudgetRaise');
export const rewardRunBodySchema = z.strictObject({ roundId: z.string().regex(/^sgr-\d{9}-\d{4}$/, 'must be a grading round id'), table: rewardTableSchema }).openapi('SocialRewardRunInput');
export const rewardRunApprovalSchema = z
  .strictObject({ exclusions: z.array(z.strictObject({ organisationId: z.string().regex(/^org-[0-9a-f-]{36}$/, 'must be an organisation id'), reason: z.string().trim().min(1).max(500).refine(isPrintableText, printableMessage) })).max(2000) })
  .openapi('SocialRewardRunApproval');

const budgetParams = z.object({
  township: z.string().regex(/^\d{9}$/, 'must be a 9-digit township code').openapi({ param: { name: 'township', in: 'path' } }),
  year: z.coerce.number().int().min(2000).max(2100).openapi({ param: { name: 'year', in: 'path' } }),
});
const runParams = z.object({ id: documented(rewardRunIdSchema, { param: { name: 'id', in: 'path' } }) });
const runView = z
  .object({
    run: documented(rewardRunSchema.extend({ lines: z.array(rewardLineSchema) }), { ref: 'SocialRewardRun', description: 'The run with its lines as computed so far (status computing: the pages computed), its progress counters and finance’s decision' }),
    outcomes: z.array(documented(lineOutcomeSchema, 'SocialRewardLineOutcome')),
    approvalDecisionId: z.string().openapi({ description: 'Finance’s decision in GET /inbox, once the run is computed' }),
    stateTransitions: z.number().int().optional().openapi({ description: 'States entered by the run’s execution so far (Map iterations included)' }),
  })
  .openapi('SocialRewardRunView');

async function authorizedRun(c: RouteContext, id: string, action: 'social-funding:read' | 'social-funding:approve') {
  const run = await requireRewardRun(id);
  return { run, actor: requireAllowed(c, action, { division: run.township }) };
}

/** States entered by the run's execution so far, from its history. */
async function stateTransitions(executionArn: string | undefined): Promise<number | undefined> {
  if (!executionArn) return undefined;
  const { events } = await executionHistory(executionArn, { includeExecutionData: false });
  return events.filter((e) => e.type?.endsWith('StateEntered')).length;
}

async function runViewOf(run: RewardRun) {
  const [lines, outcomes, transitions] = await Promise.all([rewardRunLines(run.id), runLineOutcomes(run.id), stateTransitions(run.executionArn)]);
  return { run: { ...run, lines }, outcomes, approvalDecisionId: rewardRunDecisionId(run.id), ...(transitions === undefined ? {} : { stateTransitions: transitions }) };
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
      summary:
        'The township starts the grade-reward run of a published grading round: a fixed reward per grade (the table) for every graded organisation. The social-reward-run workflow computes the lines in pages and puts the run in finance’s inbox; GET shows its progress. A round has one run: a repeat while its start was interrupted starts it, otherwise 409.',
      request: { body: { required: true, content: json(rewardRunBodySchema) } },
      responses: { 202: { description: 'Started: status computing, with the execution', content: json(runView) }, ...writeErrorResponses },
    }),
    async (c) => {
      const { roundId, table } = c.req.valid('json');
      const round = await requireRound(roundId);
      const actor = requireAllowed(c, 'social-funding:manage', { division: round.township });
      if (round.status !== 'published') throw new ConflictError(`Grading round ${roundId} is ${round.status}: rewards follow a published round`);
      // Checked here so that a table that rewards nobody is a 400 naming the field, not a run of nothing.
      if (rewardLines(await roundResults(roundId), table).length === 0) throw new ValidationError([{ field: 'table', message: 'no graded organisation of the round has a grade the table rewards', in: 'body' }]);
      const at = new Date().toISOString();
      const { created, run } = await createRewardRun({ id: rewardRunId(roundId), roundId, township: round.township, year: round.year, table, status: 'computing', pages: [], computedPages: 0, lineCount: 0, totalFen: 0, exclusions: [], paidPages: 0, paidLines: 0, paidFen: 0, unfundedLines: 0, unfundedFen: 0, createdBy: actor.sub, version: 1, createdAt: at, updatedAt: at }, actor);
      if (!created && run.executionArn) throw new ConflictError(`Grading round ${roundId} has a reward run already (${run.id})`);
      const executionArn = await startRewardRun(run);
      return c.json(await runViewOf({ ...run, executionArn }), 202);
    },
  )
  .openapi(
    createRoute({
      method: 'get',
      middleware: [roleGate('social-funding:read')] as const,
      path: '/reward-runs/{id}',
      operationId: 'getSocialRewardRun',
      tags: ['social'],
      summary: 'A reward run: its progress (pages computed and paid), its lines, each line’s outcome (paid with its payout, or unfunded) and the states its execution entered',
      request: { params: runParams },
      responses: { 200: { description: 'The run', content: json(runView) }, ...errorResponses },
    }),
    async (c) => {
      const { run } = await authorizedRun(c, c.req.valid('param').id, 'social-funding:read');
      return c.json(await runViewOf(run), 200);
    },
  )
  .openapi(
    createRoute({
      method: 'post',
      middleware: [roleGate('social-funding:approve')] as const,
      path: '/reward-runs/{id}/approve',
      operationId: 'approveSocialRewardRun',
      tags: ['social'],
      summary:
        'Finance approves the computed run in one decision with exclusions (each with a reason), never the person who started it; the workflow then pays every other line exactly once through the payments module within the budget (a line the budget cannot cover is unfunded). GET shows the payment progress. A repeat of the same approval is answered again; other exclusions after it are a 409. Rejecting: POST /decisions/{approvalDecisionId} with reject and a comment.',
      request: { params: runParams, body: { required: true, content: json(rewardRunApprovalSchema) } },
      responses: { 202: { description: 'Approved: the workflow pays', content: json(runView) }, ...writeErrorResponses },
    }),
    async (c) => {
      const { exclusions } = c.req.valid('json');
      const { run, actor } = await authorizedRun(c, c.req.valid('param').id, 'social-funding:approve');
      if (run.status !== 'awaiting-finance' && run.status !== 'computing' && JSON.stringify(run.exclusions) !== JSON.stringify(exclusions)) throw new ConflictError(`Reward run ${run.id} is ${run.status} with other exclusions`);
      await decideRewardRun(actor, run, { decision: 'approve', exclusions });
      return c.json(await runViewOf(await requireRewardRun(run.id)), 202);
    },
  );
