import { OpenAPIHono, createRoute, z } from '@hono/zod-openapi';
import type { AppEnv, RouteContext } from '../../../platform/http/context.ts';
import { principalOf, requireAllowed, roleGate } from '../../../platform/http/context.ts';
import { createdBody, idempotentCreate } from '../../../platform/http/idempotency.ts';
import { documented, errorResponses, idempotencyHeaders, json, writeErrorResponses } from '../../../platform/http/schemas.ts';
import { sameIdentity } from '../../../platform/principal.ts';
import { ConflictError, SeparationOfDutiesError, ValidationError } from '../../../shared/errors.ts';
import { gradeOrganisation, gradingScaleSchema, scoringConflict } from '../domain/grading.ts';
import { organisationIdSchema } from '../domain/organisation.ts';
import { reportedFor } from '../store/annual-report.ts';
import { changeRound, gradingRoundSchema, requireRound, resultSchema, roundId, roundResults, roundScores, saveResults, scoreSchema, createRound, putScore, type GradingResult, type GradingRound } from '../store/grading.ts';
import { allOrganisations, type OrganisationRecord } from '../store/organisation.ts';
import { authorizedOrganisation } from './organisations.ts';

export const gradingRoundBodySchema = z
  .strictObject({
    township: z.string().regex(/^\d{9}$/, 'must be a 9-digit township code'),
    year: z.number().int().min(2000).max(2100),
    scale: gradingScaleSchema,
    validityYears: z.number().int().min(1).max(10),
    /** The panel: each scorer's user id and, when they belong to one, their village (the conflict-of-interest rule). */
    scorers: z.array(z.strictObject({ sub: z.string().trim().min(1).max(200), village: z.string().regex(/^\d{12}$/, 'must be a 12-digit village code').optional() })).min(2).max(50),
  })
  .openapi('SocialGradingRoundInput');
export const scoreBodySchema = z.strictObject({ score: z.number().int().min(0).max(100_000) }).openapi('SocialScoreInput');

const roundView = documented(gradingRoundSchema, { ref: 'SocialGradingRound', description: 'A grading round of a township and year: scale and cut-offs, validity, the panel of scorers, status scoring → graded → published' });
const idParams = z.object({ id: z.string().regex(/^sgr-\d{9}-\d{4}$/, 'must be a grading round id').openapi({ param: { name: 'id', in: 'path' } }) });
const scoreParams = idParams.extend({ organisationId: documented(organisationIdSchema, { param: { name: 'organisationId', in: 'path' } }) });
const resultList = z.object({ items: z.array(documented(resultSchema, 'SocialGradingResult')) }).openapi('SocialGradingResults');

/** Statuses graded: an organisation that is working. */
const gradable = new Set(['filed', 'active']);

async function authorizedRound(c: RouteContext, id: string, action: 'social-grading:manage' | 'social-grading:read' | 'social-grading:score') {
  const round = await requireRound(id);
  const actor = requireAllowed(c, action, { division: round.township });
  return { round, actor };
}

/** Grade every working organisation of the round's township from its scores and last year's report. */
async function grade(round: GradingRound): Promise<GradingResult[]> {
  const orgs: OrganisationRecord[] = [];
  for await (const o of allOrganisations(round.township)) if (gradable.has(o.status)) orgs.push(o);
  const [scoreList, reported] = await Promise.all([roundScores(round.id), reportedFor(orgs.map((o) => o.id), round.year - 1)]);
  return orgs.map((o) => {
    const own = scoreList.filter((s) => s.organisationId === o.id);
    const outcome = gradeOrganisation(round.scale, { scores: own.map((s) => s.score), hasReportFor: reported.has(o.id), reportYear: round.year - 1 });
    return {
      roundId: round.id,
      organisationId: o.id,
      name: o.name,
      village: o.village,
      outcome: outcome.kind,
      scorers: own.length,
      excellent: outcome.kind === 'graded' && outcome.excellent,
      ...(outcome.kind === 'graded' || outcome.kind === 'below-scale' ? { mean: outcome.mean } : {}),
      ...(outcome.kind === 'graded' ? { grade: outcome.grade, validUntil: round.year + round.validityYears - 1 } : {}),
    };
  });
}

export const gradingRoutes = new OpenAPIHono<AppEnv>()
  .openapi(
    createRoute({
      method: 'post',
      middleware: [roleGate('social-grading:manage')] as const,
      path: '/grading-rounds',
      operationId: 'createSocialGradingRound',
      tags: ['social'],
      summary: 'Open the grading round of a township and year (the township): scale and cut-offs as data, validity in years, a panel of at least two scorers; 409 if the township has one for the year',
      request: { headers: idempotencyHeaders, body: { required: true, content: json(gradingRoundBodySchema) } },
      responses: { 201: { description: 'Opened', content: json(roundView) }, ...writeErrorResponses },
    }),
    async (c) => {
      const input = c.req.valid('json');
      const actor = requireAllowed(c, 'social-grading:manage', { division: input.township });
      const subs = input.scorers.map((s) => s.sub);
      if (new Set(subs).size !== subs.length) throw new ValidationError([{ field: 'scorers', message: 'a scorer is named twice', in: 'body' }]);
      const at = new Date().toISOString();
      const round: GradingRound = { id: roundId(input.township, input.year), ...input, status: 'scoring', version: 1, createdBy: actor.sub, createdAt: at, updatedAt: at };
      const outcome = await idempotentCreate<GradingRound>(c, input, (extraItems) => createRound(round, actor, { extraItems }));
      return c.json(createdBody(c, outcome), 201);
    },
  )
  .openapi(
    createRoute({
      method: 'get',
      middleware: [roleGate('social-grading:read')] as const,
      path: '/grading-rounds/{id}',
      operationId: 'getSocialGradingRound',
      tags: ['social'],
      summary: 'Read a grading round',
      request: { params: idParams },
      responses: { 200: { description: 'The round', content: json(roundView) }, ...errorResponses },
    }),
    async (c) => c.json((await authorizedRound(c, c.req.valid('param').id, 'social-grading:read')).round, 200),
  )
  .openapi(
    createRoute({
      method: 'put',
      middleware: [roleGate('social-grading:score')] as const,
      path: '/grading-rounds/{id}/scores/{organisationId}',
      operationId: 'scoreSocialOrganisation',
      tags: ['social'],
      summary: 'A scorer of the panel scores an organisation of the township (0 … the scale’s maximum); 403 for a scorer of the organisation’s own village (separation of duties, with the reason); 409 once published',
      request: { params: scoreParams, body: { required: true, content: json(scoreBodySchema) } },
      responses: { 200: { description: 'Recorded', content: json(documented(scoreSchema, 'SocialScore')) }, ...writeErrorResponses },
    }),
    async (c) => {
      const { id, organisationId } = c.req.valid('param');
      const { score } = c.req.valid('json');
      const { round, actor } = await authorizedRound(c, id, 'social-grading:score');
      const scorer = round.scorers.find((s) => sameIdentity(s.sub, principalOf(c).sub));
      if (!scorer) throw new SeparationOfDutiesError('not-a-scorer', `you are not on the panel of grading round ${id}`);
      const { org } = await authorizedOrganisation(c, organisationId, 'social-grading:score');
      if (org.township !== round.township) throw new ValidationError([{ field: 'organisationId', message: `organisation ${organisationId} is not in township ${round.township}`, in: 'path' }]);
      if (!gradable.has(org.status)) throw new ConflictError(`Organisation ${organisationId} is ${org.status}: only filed or active organisations are graded`);
      const conflict = scoringConflict(scorer.village, org.village);
      if (conflict) throw new SeparationOfDutiesError('scorer-own-village', conflict);
      if (score > round.scale.maxScore) throw new ValidationError([{ field: 'score', message: `must be at most ${round.scale.maxScore}, the scale's maximum`, in: 'body' }]);
      if (round.status === 'published') throw new ConflictError(`Grading round ${id} is published: scores are final`);
      return c.json(await putScore(round, { roundId: id, organisationId, scorer: actor.sub, score, at: new Date().toISOString() }, org.village, actor), 200);
    },
  )
  .openapi(
    createRoute({
      method: 'post',
      middleware: [roleGate('social-grading:manage')] as const,
      path: '/grading-rounds/{id}/grade',
      operationId: 'gradeSocialOrganisations',
      tags: ['social'],
      summary: 'Grade every filed or active organisation of the township (again, until published): the grade of the mean score (rounded half up) by the cut-offs; without last year’s annual report flagged and not graded; fewer than two scorers not graded',
      request: { params: idParams },
      responses: { 200: { description: 'The results', content: json(resultList) }, ...writeErrorResponses },
    }),
    async (c) => {
      const { round, actor } = await authorizedRound(c, c.req.valid('param').id, 'social-grading:manage');
      if (round.status === 'published') throw new ConflictError(`Grading round ${round.id} is published`);
      const list = await grade(round);
      await saveResults(round, list, actor);
      return c.json({ items: list }, 200);
    },
  )
  .openapi(
    createRoute({
      method: 'post',
      middleware: [roleGate('social-grading:manage')] as const,
      path: '/grading-rounds/{id}/publish',
      operationId: 'publishSocialGradingRound',
      tags: ['social'],
      summary: 'Publish the graded round: its results are final and its excellent organisations (优秀村级社会组织) are listed',
      request: { params: idParams },
      responses: { 200: { description: 'Published', content: json(roundView) }, ...writeErrorResponses },
    }),
    async (c) => {
      const { round, actor } = await authorizedRound(c, c.req.valid('param').id, 'social-grading:manage');
      if (round.status !== 'graded') throw new ConflictError(`Grading round ${round.id} is ${round.status}: grade it first`);
      return c.json(await changeRound(round, { status: 'published', publishedAt: new Date().toISOString() }, actor, 'social-grading-round.publish'), 200);
    },
  )
  .openapi(
    createRoute({
      method: 'get',
      middleware: [roleGate('social-grading:read')] as const,
      path: '/grading-rounds/{id}/results',
      operationId: 'listSocialGradingResults',
      tags: ['social'],
      summary: 'The results of a graded round; `excellent=true` gives the published list of excellent organisations',
      request: { params: idParams, query: z.object({ excellent: z.enum(['true', 'false']).optional() }) },
      responses: { 200: { description: 'The results', content: json(resultList) }, ...errorResponses },
    }),
    async (c) => {
      const { round } = await authorizedRound(c, c.req.valid('param').id, 'social-grading:read');
      const excellent = c.req.valid('query').excellent === 'true';
      if (excellent && round.status !== 'published') throw new ConflictError(`Grading round ${round.id} is ${round.status}: the excellent list is known once published`);
      const list = await roundResults(round.id);
      return c.json({ items: excellent ? list.filter((r) => r.excellent) : list }, 200);
    },
  );
