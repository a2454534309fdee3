import { OpenAPIHono, createRoute, z } from '@hono/zod-openapi';
import type { AppEnv } from '../../../platform/http/context.ts';
import { listedCounty, principalOf, requireAllowed, roleGate } from '../../../platform/http/context.ts';
import { createdBody, idempotentCreate } from '../../../platform/http/idempotency.ts';
import { countyQuery, documented, errorResponses, idempotencyHeaders, json, pageOf, pageQueryShape, writeErrorResponses } from '../../../platform/http/schemas.ts';
import { accountsYearDescription, programIdSchema, programInputSchema } from '../domain/entities.ts';
import { rewardPolicySchema } from '../domain/policy.ts';
import { fenSchema } from '../../../platform/money.ts';
import { NotFoundError } from '../../../shared/errors.ts';
import { createProgram, getPolicy, getProgram, listPrograms, raiseBudget, updatePolicy, type ProgramRecord } from '../store/program.ts';
import { completeDecision, listQueue } from '../../../platform/decisions/store.ts';
import { logger } from '../../../shared/logger.ts';

export const programBody = documented(programInputSchema, 'RewardProgramInput');
export const policyBody = z.strictObject({ policy: documented(rewardPolicySchema, 'RewardPolicy'), policyVersion: z.number().int().min(1).optional().openapi({ description: 'The policy version you read; 409 if it changed' }) }).openapi('RewardPolicyUpdate');
export const raiseBody = z.strictObject({ appropriatedFen: documented(fenSchema, { description: 'The new appropriation in fen (must be above the current one)' }) }).openapi('RewardBudgetRaise');
const programView = z
  .object({
    id: z.string(),
    name: z.string(),
    jurisdiction: z.string(),
    accountsYear: z.number().int().openapi({ description: accountsYearDescription, example: 2025 }),
    window: z.object({ opensOn: z.string(), closesOn: z.string() }).openapi({ description: 'Beijing calendar days on which villages may apply (inclusive)' }),
    policyVersion: z.number().int(),
    policyFrozen: z.boolean(),
    policy: z.unknown().optional(),
    budget: z.object({ appropriatedFen: z.number().int(), reservedFen: z.number().int(), paidFen: z.number().int(), availableFen: z.number().int() }),
    version: z.number().int(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi('RewardProgram', { description: 'A reward program with its budget figures (fen): appropriated = reserved + paid + available.' });
const idParams = z.object({ id: documented(programIdSchema, { param: { name: 'id', in: 'path' } }) });

async function programOr404(id: string): Promise<ProgramRecord> {
  const program = await getProgram(id);
  if (!program) throw new NotFoundError(`Program ${id} does not exist`);
  return program;
}

async function withPolicy(program: ProgramRecord) {
  return { ...program, policy: (await getPolicy(program.id, program.policyVersion))?.policy };
}

/**
 * Wake unfunded applications oldest first after a raise: as many as the available budget covers,
 * in order, so a raise never lets a younger application overtake an older one. Each answered
 * decision makes its workflow retry Reserve.
 */
async function wakeUnfunded(program: ProgramRecord, actor: ReturnType<typeof principalOf>): Promise<number> {
  let available = program.budget.availableFen;
  let woken = 0;
  let cursor: string | undefined;
  do {
    const page = await listQueue(`reward-unfunded#${program.id}`, { limit: 100, cursor });
    for (const d of page.items) {
      const amount = Number(d.summary.amountFen ?? 0);
      if (amount > available) return woken;
      try {
        await completeDecision(d.id, { actor, completion: { output: { decision: 'retry' } }, action: 'reward.budget-raised' });
        available -= amount;
        woken++;
      } catch (err) {
        // Answered meanwhile (closed by an admin, accounts changed): skip it.
        logger.info('unfunded decision not woken', { decisionId: d.id, error: (err as Error).name });
      }
    }
    cursor = page.nextCursor;
  } while (cursor);
  return woken;
}

export const rewardProgramRoutes = new OpenAPIHono<AppEnv>()
  .openapi(
    createRoute({
      method: 'post',
      middleware: [roleGate('reward-program:create')] as const,
      path: '/programs',
      operationId: 'createRewardProgram',
      tags: ['reward'],
      summary: 'Open a reward program for a jurisdiction and an accounts year (admin)',
      request: { headers: idempotencyHeaders, body: { required: true, content: json(programBody) } },
      responses: { 201: { description: 'Created', content: json(programView) }, ...writeErrorResponses },
    }),
    async (c) => {
      const input = c.req.valid('json');
      const actor = requireAllowed(c, 'reward-program:create', { division: input.jurisdiction });
      const outcome = await idempotentCreate<ProgramRecord>(c, input, (extraItems) => createProgram(input, actor, { extraItems }));
      return c.json(createdBody(c, outcome), 201);
    },
  )

  .openapi(
    createRoute({
      method: 'get',
      middleware: [roleGate('reward-program:read')] as const,
      path: '/programs/{id}',
      operationId: 'getRewardProgram',
      tags: ['reward'],
      summary: 'Read a program with its current policy and budget figures',
      request: { params: idParams },
      responses: { 200: { description: 'The program', content: json(programView) }, ...errorResponses },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      const program = await programOr404(id);
      requireAllowed(c, 'reward-program:read', { division: program.jurisdiction });
      return c.json(await withPolicy(program), 200);
    },
  )

  .openapi(
    createRoute({
      method: 'get',
      middleware: [roleGate('reward-program:read')] as const,
      path: '/programs',
      operationId: 'listRewardPrograms',
      tags: ['reward'],
      summary: 'Programs of a county (default: your own)',
      request: { query: z.object({ county: countyQuery.optional(), ...pageQueryShape }) },
      responses: { 200: { description: 'One page', content: json(pageOf(programView, 'RewardProgramPage')) }, ...errorResponses },
    }),
    async (c) => {
      const { county, limit, cursor } = c.req.valid('query');
      const scope = listedCounty(c, county, 'county');
      requireAllowed(c, 'reward-program:read', { division: scope });
      return c.json(await listPrograms(scope, { limit, cursor }), 200);
    },
  )

  .openapi(
    createRoute({
      method: 'put',
      middleware: [roleGate('reward-program:update')] as const,
      path: '/programs/{id}/policy',
      operationId: 'updateRewardPolicy',
      tags: ['reward'],
      summary: 'Change the policy for new applications (admin): a frozen version is kept and a new one made',
      request: { params: idParams, body: { required: true, content: json(policyBody) } },
      responses: { 200: { description: 'The program with its current policy', content: json(programView) }, ...writeErrorResponses },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      const { policy, policyVersion } = c.req.valid('json');
      const program = await programOr404(id);
      const actor = requireAllowed(c, 'reward-program:update', { division: program.jurisdiction });
      const updated = await updatePolicy(id, policy, actor, { expectedPolicyVersion: policyVersion });
      return c.json(await withPolicy(updated), 200);
    },
  )

  .openapi(
    createRoute({
      method: 'post',
      middleware: [roleGate('reward-budget:raise')] as const,
      path: '/programs/{id}/budget',
      operationId: 'raiseRewardBudget',
      tags: ['reward'],
      summary: 'Raise the appropriation (finance); unfunded applications are woken oldest first',
      request: { params: idParams, body: { required: true, content: json(raiseBody) } },
      responses: { 200: { description: 'The program and how many unfunded applications were woken', content: json(programView.extend({ woken: z.number().int() }).openapi('RewardBudgetRaised')) }, ...writeErrorResponses },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      const { appropriatedFen } = c.req.valid('json');
      const program = await programOr404(id);
      const actor = requireAllowed(c, 'reward-budget:raise', { division: program.jurisdiction });
      const raised = await raiseBudget(id, appropriatedFen, actor);
      const woken = await wakeUnfunded(raised, actor);
      return c.json({ ...(await withPolicy(raised)), woken }, 200);
    },
  );
