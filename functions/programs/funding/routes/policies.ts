import { OpenAPIHono, createRoute, z } from '@hono/zod-openapi';
import { randomUUID } from 'node:crypto';
import type { AppEnv } from '../../../platform/http/context.ts';
import { listedCounty, principalOf, requireAllowed, roleGate } from '../../../platform/http/context.ts';
import { createdBody, idempotentCreate } from '../../../platform/http/idempotency.ts';
import { countyQuery, documented, errorResponses, idempotencyHeaders, json, pageOf, pageQueryShape, writeErrorResponses } from '../../../platform/http/schemas.ts';
import { NotFoundError, zodFieldErrors } from '../../../shared/errors.ts';
import {
  createFundingPolicy,
  fundingPolicyIdSchema,
  fundingPolicyInputSchema,
  fundingPolicyRecordSchema,
  getFundingPolicy,
  listFundingPolicies,
  type FundingPolicyRecord,
} from '../store/policy.ts';
import { budgetYearSchema } from '../store/village-funding.ts';

export const fundingPolicyBodySchema = documented(fundingPolicyInputSchema, 'FundingPolicyInput');
/** Anything JSON-object shaped: the validate route reports problems in its answer instead of a 400. */
export const fundingPolicyValidateBodySchema = z.looseObject({}).openapi('FundingPolicyCandidate', { description: 'A policy body as POST /funding/policies takes it' });
const recordSchema = documented(fundingPolicyRecordSchema, {
  ref: 'FundingPolicy',
  description: 'A budget policy. rule: increaseFen per village, floors by population tier, floorsApplyTo, earmarkMinimumFen, optional capFen, optional approval.twoApproverThresholdFen (from this payable total a run needs two finance approvers; default 10,000,000 yuan); all money in fen.',
});
const problemsSchema = z
  .object({ valid: z.boolean(), problems: z.array(z.object({ field: z.string(), message: z.string() })) })
  .openapi('FundingPolicyValidation');

export const fundingPolicyRoutes = new OpenAPIHono<AppEnv>()
  .openapi(
    createRoute({
      method: 'post',
      middleware: [roleGate('funding-policy:create')] as const,
      path: '/policies',
      operationId: 'createFundingPolicy',
      tags: ['funding'],
      summary: 'Create a budget policy for a county or township and a year (admin); policies are immutable',
      request: { headers: idempotencyHeaders, body: { required: true, content: json(fundingPolicyBodySchema) } },
      responses: { 201: { description: 'Created', content: json(recordSchema) }, ...writeErrorResponses },
    }),
    async (c) => {
      const input = c.req.valid('json');
      const actor = requireAllowed(c, 'funding-policy:create', { division: input.division });
      const outcome = await idempotentCreate<FundingPolicyRecord>(c, input, (extraItems) =>
        createFundingPolicy(input, actor, { id: `fp-${randomUUID()}`, extraItems }),
      );
      return c.json(createdBody(c, outcome), 201);
    },
  )

  .openapi(
    createRoute({
      method: 'post',
      middleware: [roleGate('funding-policy:read')] as const,
      path: '/policies/validate',
      operationId: 'validateFundingPolicy',
      tags: ['funding'],
      summary: 'Check a policy without saving it: every problem, field named',
      request: { body: { required: true, content: json(fundingPolicyValidateBodySchema) } },
      responses: { 200: { description: 'The verdict', content: json(problemsSchema) }, ...errorResponses },
    }),
    (c) => {
      requireAllowed(c, 'funding-policy:read', { division: principalOf(c).division });
      const parsed = fundingPolicyInputSchema.safeParse(c.req.valid('json'));
      const problems = parsed.success ? [] : zodFieldErrors(parsed.error).map(({ field, message }) => ({ field, message }));
      return c.json({ valid: parsed.success, problems }, 200);
    },
  )

  .openapi(
    createRoute({
      method: 'get',
      middleware: [roleGate('funding-policy:read')] as const,
      path: '/policies/{id}',
      operationId: 'getFundingPolicy',
      tags: ['funding'],
      summary: 'Read a budget policy',
      request: { params: z.object({ id: documented(fundingPolicyIdSchema, { param: { name: 'id', in: 'path' } }) }) },
      responses: { 200: { description: 'The policy', content: json(recordSchema) }, ...errorResponses },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      principalOf(c);
      const policy = await getFundingPolicy(id);
      if (!policy) throw new NotFoundError(`Funding policy ${id} does not exist`);
      requireAllowed(c, 'funding-policy:read', { division: policy.division });
      return c.json(policy, 200);
    },
  )

  .openapi(
    createRoute({
      method: 'get',
      middleware: [roleGate('funding-policy:read')] as const,
      path: '/policies',
      operationId: 'listFundingPolicies',
      tags: ['funding'],
      summary: 'Policies of a county (default: yours), by year',
      request: {
        query: z.object({
          division: countyQuery.optional(),
          year: z.coerce.number().pipe(documented(budgetYearSchema, { description: 'Budget year' })).optional(),
          ...pageQueryShape,
        }),
      },
      responses: { 200: { description: 'One page', content: json(pageOf(recordSchema, 'FundingPolicyPage')) }, ...errorResponses },
    }),
    async (c) => {
      const { division, year, limit, cursor } = c.req.valid('query');
      const county = listedCounty(c, division, 'division');
      requireAllowed(c, 'funding-policy:read', { division: county });
      return c.json(await listFundingPolicies(county, year, { limit, cursor }), 200);
    },
  );
