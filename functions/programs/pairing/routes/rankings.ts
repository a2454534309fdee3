import { OpenAPIHono, createRoute, z } from '@hono/zod-openapi';
import { randomUUID } from 'node:crypto';
import type { AppEnv } from '../../../platform/http/context.ts';
import { principalOf, requireAllowed, roleGate } from '../../../platform/http/context.ts';
import { createdBody, idempotentCreate } from '../../../platform/http/idempotency.ts';
import { countyQuery, documented, errorResponses, idempotencyHeaders, json, pageOf, pageQueryShape, problemResponse, writeErrorResponses } from '../../../platform/http/schemas.ts';
import { NotFoundError, ValidationError } from '../../../shared/errors.ts';
import { CsvRejected, csvSizeLimit, csvText } from '../../../platform/http/csv-upload.ts';
import { parseRankingCsv, rankingCsvMaxRows } from '../domain/ranking-csv.ts';
import { rankingInputRowSchema } from '../domain/ranking.ts';
import { runRanking } from '../ranking-use-cases.ts';
import {
  createRankingPolicy,
  getRanking,
  getRankingPolicy,
  listRankingPolicies,
  listRankings,
  maxRankedVillages,
  rankingIdSchema,
  rankingPolicyIdSchema,
  rankingPolicyInputSchema,
  rankingPolicyRecordSchema,
  rankingRecordSchema,
  type RankingPolicyRecord,
} from '../store/ranking.ts';
import { termYearSchema } from '../domain/term.ts';

export const rankingPolicyBodySchema = documented(rankingPolicyInputSchema, {
  ref: 'PairingRankingPolicyInput',
  description:
    'A county’s ranking policy: indicators { key, name, weightBp, direction: higher-better | lower-better } whose weights add up to 10000, the bottom share in basis points (default 1000 = 10 %) and its rounding (ceil, the default, or floor). Immutable.',
});
export const rankingBodySchema = z
  .strictObject({
    policyId: rankingPolicyIdSchema,
    division: z.string().regex(/^(\d{6}|\d{9})$/, 'must be a county (6-digit) or township (9-digit) division code'),
    year: termYearSchema,
    villages: z.array(rankingInputRowSchema).min(1, 'must rank at least one village').max(maxRankedVillages, `must have at most ${maxRankedVillages} villages`),
  })
  .openapi('PairingRankingInput', { description: 'One ranking run: the villages of the division with their indicator values (whole numbers, by the policy’s keys); their categories come from the village registry.' });

/** 2,000 rows of a few indicators: 512 KiB is ample. */
export const rankingCsvMaxBytes = 512 * 1024;
const yearQuery = z.coerce.number().int('must be a whole year').min(2000, 'must be 2000 or later').max(2100, 'must be 2100 or earlier');

const policySchema = documented(rankingPolicyRecordSchema, 'PairingRankingPolicy');
const rankingSchema = documented(rankingRecordSchema, { ref: 'PairingRanking', description: 'A ranking: every village’s values, score, rank within its category, and whether it is in the bottom share (with its case).' });
const policyParams = z.object({ id: documented(rankingPolicyIdSchema, { param: { name: 'id', in: 'path' } }) });
const rankingParams = z.object({ id: documented(rankingIdSchema, { param: { name: 'id', in: 'path' } }) });

export const pairingRankingRoutes = new OpenAPIHono<AppEnv>()
  .openapi(
    createRoute({
      method: 'post',
      middleware: [roleGate('pairing-ranking-policy:create')] as const,
      path: '/ranking-policies',
      operationId: 'createPairingRankingPolicy',
      tags: ['pairing'],
      summary: 'Create a county’s ranking policy (admin): indicators, weights, bottom share; immutable (a new rule is a new policy)',
      request: { headers: idempotencyHeaders, body: { required: true, content: json(rankingPolicyBodySchema) } },
      responses: { 201: { description: 'Created', content: json(policySchema) }, ...writeErrorResponses },
    }),
    async (c) => {
      const input = c.req.valid('json');
      const actor = requireAllowed(c, 'pairing-ranking-policy:create', { division: input.division });
      const outcome = await idempotentCreate<RankingPolicyRecord>(c, input, (extraItems) => createRankingPolicy(input, actor, { id: `rkp-${randomUUID()}`, extraItems }));
      return c.json(createdBody(c, outcome), 201);
    },
  )
  .openapi(
    createRoute({
      method: 'get',
      middleware: [roleGate('pairing-ranking-policy:read')] as const,
      path: '/ranking-policies/{id}',
      operationId: 'getPairingRankingPolicy',
      tags: ['pairing'],
      summary: 'Read a ranking policy',
      request: { params: policyParams },
      responses: { 200: { description: 'The policy', content: json(policySchema) }, ...errorResponses },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      const policy = await getRankingPolicy(id);
      if (!policy) throw new NotFoundError(`Ranking policy ${id} does not exist`);
      requireAllowed(c, 'pairing-ranking-policy:read', { division: policy.division });
      return c.json(policy, 200);
    },
  )
  .openapi(
    createRoute({
      method: 'get',
      middleware: [roleGate('pairing-ranking-policy:read')] as const,
      path: '/ranking-policies',
      operationId: 'listPairingRankingPolicies',
      tags: ['pairing'],
      summary: 'A county’s ranking policies, newest first (default: your county)',
      request: { query: z.object({ county: countyQuery.optional(), ...pageQueryShape }) },
      responses: { 200: { description: 'One page', content: json(pageOf(policySchema, 'PairingRankingPolicyPage')) }, ...errorResponses },
    }),
    async (c) => {
      const { county, limit, cursor } = c.req.valid('query');
      const scope = county ?? principalOf(c).division.slice(0, 6);
      if (scope.length !== 6) throw new ValidationError([{ field: 'county', message: 'name a county (6 digits)', in: 'query' }]);
      requireAllowed(c, 'pairing-ranking-policy:read', { division: scope });
      return c.json(await listRankingPolicies(scope, { limit, cursor }), 200);
    },
  )
  .openapi(
    createRoute({
      method: 'post',
      middleware: [roleGate('pairing-ranking:run')] as const,
      path: '/rankings',
      operationId: 'runPairingRanking',
      tags: ['pairing'],
      summary: 'Rank the villages of a jurisdiction for a year under a policy (admin); the bottom share of each category becomes rectification cases (整顿). One ranking per jurisdiction and year: the same input again answers 200 with it, another 409',
      request: { body: { required: true, content: json(rankingBodySchema) } },
      responses: { 200: { description: 'Ranked already (same input)', content: json(rankingSchema) }, 201: { description: 'Ranked', content: json(rankingSchema) }, ...writeErrorResponses },
    }),
    async (c) => {
      const input = c.req.valid('json');
      const actor = requireAllowed(c, 'pairing-ranking:run', { division: input.division });
      const { ranking, created } = await runRanking(actor, input);
      return created ? c.json(ranking, 201) : c.json(ranking, 200);
    },
  )
  .openapi(
    createRoute({
      method: 'post',
      middleware: [roleGate('pairing-ranking:run'), csvSizeLimit(rankingCsvMaxBytes)] as const,
      path: '/rankings/csv',
      operationId: 'runPairingRankingFromCsv',
      tags: ['pairing'],
      summary: 'The same ranking run with the villages’ values as a CSV (admin): a column village (村代码) and one per indicator of the policy, by key or name',
      description: `Every cell is checked first; any problem gives 422 with every error by line and column and nothing is written. At most ${rankingCsvMaxRows} rows and ${rankingCsvMaxBytes} bytes (413).`,
      request: {
        query: z.object({ policyId: rankingPolicyIdSchema, division: z.string().regex(/^(\d{6}|\d{9})$/, 'must be a county (6-digit) or township (9-digit) division code'), year: yearQuery }),
        body: { required: true, content: { 'text/csv': { schema: z.string().openapi({ example: '村代码,村集体经营性收入,信访件数\n120225104201,9000000,0\n' }) } } },
      },
      responses: {
        200: { description: 'Ranked already (same input)', content: json(rankingSchema) },
        201: { description: 'Ranked', content: json(rankingSchema) },
        ...writeErrorResponses,
        413: problemResponse(`The CSV is larger than ${rankingCsvMaxBytes} bytes`),
        415: problemResponse('Not text/csv in UTF-8'),
        422: problemResponse('The CSV has errors (every one by line and column); nothing was written'),
      },
    }),
    async (c) => {
      const { policyId, division, year } = c.req.valid('query');
      const actor = requireAllowed(c, 'pairing-ranking:run', { division });
      const policy = await getRankingPolicy(policyId);
      if (!policy) throw new ValidationError([{ field: 'policyId', message: `ranking policy ${policyId} does not exist`, in: 'query' }]);
      const parsed = parseRankingCsv(await csvText(c), policy.rule.indicators);
      if (parsed.errors.length > 0) throw new CsvRejected(parsed.errors);
      const { ranking, created } = await runRanking(actor, { policyId, division, year, villages: parsed.rows.map(({ village, values }) => ({ village, values })) });
      return created ? c.json(ranking, 201) : c.json(ranking, 200);
    },
  )
  .openapi(
    createRoute({
      method: 'get',
      middleware: [roleGate('pairing-ranking:read')] as const,
      path: '/rankings/{id}',
      operationId: 'getPairingRanking',
      tags: ['pairing'],
      summary: 'Read a ranking with every village’s score and rank',
      request: { params: rankingParams },
      responses: { 200: { description: 'The ranking', content: json(rankingSchema) }, ...errorResponses },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      const ranking = await getRanking(id);
      if (!ranking) throw new NotFoundError(`Ranking ${id} does not exist`);
      requireAllowed(c, 'pairing-ranking:read', { division: ranking.division });
      return c.json(ranking, 200);
    },
  )
  .openapi(
    createRoute({
      method: 'get',
      middleware: [roleGate('pairing-ranking:read')] as const,
      path: '/rankings',
      operationId: 'listPairingRankings',
      tags: ['pairing'],
      summary: 'A county’s rankings by year (default: your county)',
      request: { query: z.object({ county: countyQuery.optional(), year: yearQuery.optional(), ...pageQueryShape }) },
      responses: { 200: { description: 'One page', content: json(pageOf(rankingSchema, 'PairingRankingPage')) }, ...errorResponses },
    }),
    async (c) => {
      const { county, year, limit, cursor } = c.req.valid('query');
      const scope = county ?? principalOf(c).division.slice(0, 6);
      if (scope.length !== 6) throw new ValidationError([{ field: 'county', message: 'name a county (6 digits)', in: 'query' }]);
      requireAllowed(c, 'pairing-ranking:read', { division: scope });
      return c.json(await listRankings(scope, year, { limit, cursor }), 200);
    },
  );
