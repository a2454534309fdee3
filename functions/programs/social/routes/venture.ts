import { OpenAPIHono, createRoute, z } from '@hono/zod-openapi';
import { randomUUID } from 'node:crypto';
import { beijingDate, calendarDateSchema } from '../../../platform/calendar.ts';
import { authorize } from '../../../platform/authz.ts';
import type { AppEnv, RouteContext } from '../../../platform/http/context.ts';
import { listedTownship, principalOf, requireAllowed, roleGate } from '../../../platform/http/context.ts';
import { documented, errorResponses, json, pageOf, pageQueryShape, writeErrorResponses } from '../../../platform/http/schemas.ts';
import { isPrintableText, nameSchema, printableMessage } from '../../../platform/names.ts';
import { sameIdentity } from '../../../platform/principal.ts';
import { ConflictError, SeparationOfDutiesError, ValidationError } from '../../../shared/errors.ts';
import { minimumScorers, scoringConflict } from '../domain/grading.ts';
import { awardInRankOrder, awardSummary, proposalTotal, reviewTotal, villageShare } from '../domain/venture.ts';
import { acceptVentureAward, decideVentureAwards, startVentureRound } from '../venture-use-cases.ts';
import { organisationIdSchema } from '../domain/organisation.ts';
import { createVentureRound, getProposal, instalmentSchema, listVentureRounds, proposalSchema, putProposal, putReview, requireVentureRound, roundInstalments, roundProposals, roundReviews, saveRound, ventureRoundSchema, type VentureRound } from '../store/venture.ts';
import { authorizedOrganisation } from './organisations.ts';

const text = (max: number) => z.string().trim().min(1, 'must not be empty').max(max).refine(isPrintableText, printableMessage);
export const ventureRoundBodySchema = z
  .strictObject({
    township: z.string().regex(/^\d{9}$/, 'must be a 9-digit township code'),
    year: z.number().int().min(2000).max(2100),
    name: nameSchema,
    budgetFen: z.number().int().min(1).max(100_000_000_000),
    opensOn: calendarDateSchema,
    closesOn: calendarDateSchema,
    criteria: z
      .array(z.strictObject({ key: z.string().regex(/^[a-z][a-zA-Z0-9]{0,31}$/, 'must be an ASCII key (a lower-case letter, then letters or digits, at most 32)'), name: text(200), maxPoints: z.number().int().min(1).max(1000) }))
      .min(1)
      .max(20)
      .superRefine((list, ctx) => {
        list.forEach((c, i) => {
          if (list.findIndex((d) => d.key === c.key) !== i) ctx.addIssue({ code: 'custom', path: [i, 'key'], message: `${c.key} is used by an earlier criterion` });
        });
      })
      .openapi({ description: 'Scoring criteria as data: each reviewer gives every criterion whole points from 0 to maxPoints (so maxPoints is its weight); the proposal total is the mean of the reviewers’ sums, half up' }),
    reviewers: z.array(z.strictObject({ sub: z.string().trim().min(1).max(200), village: z.string().regex(/^\d{12}$/, 'must be a 12-digit village code').optional() })).min(2).max(50),
  })
  .refine((r) => r.opensOn <= r.closesOn, { path: ['closesOn'], message: 'must not be before opensOn' })
  .openapi('SocialVentureRoundInput');
export const proposalBodySchema = z.strictObject({ organisationId: organisationIdSchema, title: text(200), requestedFen: z.number().int().min(1).max(100_000_000_000) }).openapi('SocialProposalInput');
export const ventureReviewBodySchema = z
  .strictObject({ scores: z.record(z.string().max(32), z.number().int().min(0).max(1000)).openapi({ description: 'Criterion key → whole points from 0 to its maxPoints; every criterion of the round, no others' }) })
  .openapi('SocialVentureReviewInput');

const idParams = z.object({ id: z.string().regex(/^svr-[0-9a-f-]{36}$/, 'must be a venture round id').openapi({ param: { name: 'id', in: 'path' } }) });
const orgParams = idParams.extend({ organisationId: documented(organisationIdSchema, { param: { name: 'organisationId', in: 'path' } }) });
const view = z
  .object({ round: documented(ventureRoundSchema, 'SocialVentureRound'), proposals: z.array(documented(proposalSchema, 'SocialProposal')), instalments: z.array(documented(instalmentSchema, 'SocialInstalment')) })
  .openapi('SocialVentureRoundView');

/** Shared by the venture and service-contract lists: the township (a township or village user's own by default) and the year. */
export const townshipListQuery = {
  township: z.string().regex(/^\d{9}$/, 'must be a 9-digit township code').optional().openapi({ description: 'The township (9 digits); default: yours (a township or village user). Required above township level' }),
  year: z.coerce.number().int().min(2000).max(2100).optional().openapi({ description: 'Only this year' }),
};
const roundSummary = documented(
  ventureRoundSchema.pick({ id: true, township: true, year: true, name: true, budgetFen: true, opensOn: true, closesOn: true, status: true, createdAt: true, updatedAt: true }).extend({
    awardCount: z.number().int(),
    awardedFen: z.number().int(),
  }),
  { ref: 'SocialVentureRoundSummary', description: 'A venture round in a list: state, budget, window, and its awards (for a village user: its own village’s)' },
);

async function authorizedVenture(c: RouteContext, id: string, action: 'social-venture:read' | 'social-funding:manage' | 'social-funding:approve' | 'social-grading:score') {
  const round = await requireVentureRound(id);
  return { round, actor: requireAllowed(c, action, { division: round.township }) };
}

async function fullView(round: VentureRound) {
  const [p, i] = await Promise.all([roundProposals(round.id), roundInstalments(round.id)]);
  return { round, proposals: p, instalments: i };
}

const today = () => beijingDate(new Date());

/**
 * The village whose share of the township's rounds the caller sees, or undefined when the caller
 * reads the funding of the township itself (township, finance, admin, auditor): a village user reads
 * a round only by covering (social-venture:read) and sees its own proposals, awards and instalments.
 */
function villageOnly(c: RouteContext, township: string): string | undefined {
  const principal = principalOf(c);
  return authorize(principal, 'social-funding:read', { division: township }).allowed ? undefined : principal.division;
}

export const ventureRoutes = new OpenAPIHono<AppEnv>()
  .openapi(
    createRoute({
      method: 'post',
      middleware: [roleGate('social-funding:manage')] as const,
      path: '/venture-rounds',
      operationId: 'createSocialVentureRound',
      tags: ['social'],
      summary: 'The township opens a public-interest venture round (公益创投): budget, application window (Beijing dates), criteria, at least two reviewers',
      request: { body: { required: true, content: json(ventureRoundBodySchema) } },
      responses: { 201: { description: 'Opened', content: json(view) }, ...writeErrorResponses },
    }),
    async (c) => {
      const input = c.req.valid('json');
      const actor = requireAllowed(c, 'social-funding:manage', { division: input.township });
      const at = new Date().toISOString();
      const round = await createVentureRound({ id: `svr-${randomUUID()}`, ...input, status: 'open', awards: [], skipped: [], createdBy: actor.sub, version: 1, createdAt: at, updatedAt: at }, actor);
      return c.json(await fullView(round), 201);
    },
  )
  .openapi(
    createRoute({
      method: 'get',
      middleware: [roleGate('social-venture:read')] as const,
      path: '/venture-rounds',
      operationId: 'listSocialVentureRounds',
      tags: ['social'],
      summary: 'The venture rounds of a township (default: yours; a village user: its township’s only), newest first, optionally of one year',
      request: { query: z.object({ ...townshipListQuery, ...pageQueryShape }) },
      responses: { 200: { description: 'One page', content: json(pageOf(roundSummary, 'SocialVentureRoundPage')) }, ...errorResponses },
    }),
    async (c) => {
      const { township: named, year, limit, cursor } = c.req.valid('query');
      const township = listedTownship(c, named, 'township');
      requireAllowed(c, 'social-venture:read', { division: township });
      const village = villageOnly(c, township);
      const page = await listVentureRounds(township, year, { limit, cursor });
      // The summary schema keeps only its own fields: no reviewers, criteria or award list.
      const items = page.items.map((r) => roundSummary.parse({ ...r, ...awardSummary(village === undefined ? r.awards : r.awards.filter((a) => a.village === village)) }));
      return c.json({ items, ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}) }, 200);
    },
  )
  .openapi(
    createRoute({
      method: 'get',
      middleware: [roleGate('social-venture:read')] as const,
      path: '/venture-rounds/{id}',
      operationId: 'getSocialVentureRound',
      tags: ['social'],
      summary: 'A venture round with its proposals, awards and instalments paid; a village user (of the round’s township) sees its own village’s proposals, awards and instalments and no reviewers',
      request: { params: idParams },
      responses: { 200: { description: 'The round', content: json(view) }, ...errorResponses },
    }),
    async (c) => {
      const { round } = await authorizedVenture(c, c.req.valid('param').id, 'social-venture:read');
      const village = villageOnly(c, round.township);
      const all = await fullView(round);
      return c.json(village === undefined ? all : villageShare(all, village), 200);
    },
  )
  .openapi(
    createRoute({
      method: 'post',
      middleware: [roleGate('social-org:submit')] as const,
      path: '/venture-rounds/{id}/proposals',
      operationId: 'proposeSocialVenture',
      tags: ['social'],
      summary: 'The village proposes a project of one of its filed or active organisations, inside the window (Beijing dates); one proposal per organisation and round',
      request: { params: idParams, body: { required: true, content: json(proposalBodySchema) } },
      responses: { 201: { description: 'Proposed', content: json(documented(proposalSchema, 'SocialProposal')) }, ...writeErrorResponses },
    }),
    async (c) => {
      const { organisationId, title, requestedFen } = c.req.valid('json');
      const round = await requireVentureRound(c.req.valid('param').id);
      const { org, actor } = await authorizedOrganisation(c, organisationId, 'social-org:submit');
      if (org.township !== round.township) throw new ValidationError([{ field: 'organisationId', message: `organisation ${organisationId} is not in township ${round.township}`, in: 'body' }]);
      if (org.status !== 'filed' && org.status !== 'active') throw new ConflictError(`Organisation ${organisationId} is ${org.status}`);
      const day = today();
      if (round.status !== 'open' || day < round.opensOn || day > round.closesOn) throw new ConflictError(`Venture round ${round.id} takes proposals from ${round.opensOn} to ${round.closesOn} (Beijing); today is ${day}`);
      return c.json(await putProposal({ roundId: round.id, organisationId, village: org.village, name: org.name, title, requestedFen, submittedAt: new Date().toISOString(), accepted: false }, actor), 201);
    },
  )
  .openapi(
    createRoute({
      method: 'put',
      middleware: [roleGate('social-grading:score')] as const,
      path: '/venture-rounds/{id}/reviews/{organisationId}',
      operationId: 'reviewSocialVentureProposal',
      tags: ['social'],
      summary: 'A reviewer of the round scores every criterion of a proposal (0 to its maxPoints; 400 naming scores.<key> otherwise); the reviewer’s total is the sum; a reviewer of the organisation’s own village is refused (403, with the reason)',
      request: { params: orgParams, body: { required: true, content: json(ventureReviewBodySchema) } },
      responses: { 200: { description: 'Recorded', content: json(z.object({ scores: z.record(z.string(), z.number().int()), total: z.number().int() }).openapi('SocialVentureReview')) }, ...writeErrorResponses },
    }),
    async (c) => {
      const { id, organisationId } = c.req.valid('param');
      const { round, actor } = await authorizedVenture(c, id, 'social-grading:score');
      const reviewer = round.reviewers.find((r) => sameIdentity(r.sub, principalOf(c).sub));
      if (!reviewer) throw new SeparationOfDutiesError('not-a-reviewer', `you are not a reviewer of venture round ${id}`);
      const proposal = await getProposal(id, organisationId);
      if (!proposal) throw new ValidationError([{ field: 'organisationId', message: `no proposal of ${organisationId} in round ${id}`, in: 'path' }]);
      const conflict = scoringConflict(reviewer.village, proposal.village);
      if (conflict) throw new SeparationOfDutiesError('reviewer-own-village', conflict);
      if (round.status !== 'open') throw new ConflictError(`Venture round ${id} is ${round.status}: reviews are final`);
      const { scores } = c.req.valid('json');
      const checked = reviewTotal(round.criteria, scores);
      if (checked.total === undefined) throw new ValidationError(checked.problems.map((p) => ({ ...p, in: 'body' as const })));
      const review = await putReview({ roundId: id, organisationId, reviewer: actor.sub, scores, score: checked.total, at: new Date().toISOString() }, proposal.village, actor);
      return c.json({ scores: review.scores, total: review.score }, 200);
    },
  )
  .openapi(
    createRoute({
      method: 'post',
      middleware: [roleGate('social-funding:manage')] as const,
      path: '/venture-rounds/{id}/award',
      operationId: 'awardSocialVentureRound',
      tags: ['social'],
      summary:
        'After the window: proposals with at least two reviews ranked by their total (the mean of the reviewers’ per-criterion sums, half up; ties: earlier submitted) and awarded in rank order within the round’s budget, a proposal that does not fit skipped; the social-venture-round workflow starts and puts the award list in finance’s inbox',
      request: { params: idParams },
      responses: { 202: { description: 'Awarded: the workflow waits for finance', content: json(view) }, ...writeErrorResponses },
    }),
    async (c) => {
      const { round, actor } = await authorizedVenture(c, c.req.valid('param').id, 'social-funding:manage');
      if (round.status !== 'open') throw new ConflictError(`Venture round ${round.id} is ${round.status}`);
      if (today() <= round.closesOn) throw new ConflictError(`Venture round ${round.id} takes proposals until ${round.closesOn} (Beijing)`);
      const [list, reviewList] = await Promise.all([roundProposals(round.id), roundReviews(round.id)]);
      const ranked = list.flatMap((p) => {
        const scores = reviewList.filter((r) => r.organisationId === p.organisationId).map((r) => r.score);
        return scores.length >= minimumScorers ? [{ ...p, id: p.organisationId, score: proposalTotal(scores) }] : [];
      });
      const { awarded, skipped } = awardInRankOrder(ranked, round.budgetFen);
      const next = await saveRound(round, { status: 'awarded', awards: awarded.map((p) => ({ organisationId: p.organisationId, village: p.village, name: p.name, amountFen: p.requestedFen, score: p.score })), skipped: skipped.map((p) => p.organisationId) }, actor, 'social-venture-round.award');
      return c.json(await fullView({ ...next, executionArn: await startVentureRound(next) }), 202);
    },
  )
  .openapi(
    createRoute({
      method: 'post',
      middleware: [roleGate('social-funding:approve')] as const,
      path: '/venture-rounds/{id}/approve',
      operationId: 'approveSocialVentureRound',
      tags: ['social'],
      summary:
        'Finance approves the award list (not the person who opened the round); the workflow then pays the first instalment of each award (half, rounded down) exactly once within the township budget. A repeat is answered again. Rejecting: POST /decisions/{id} with reject and a comment.',
      request: { params: idParams },
      responses: { 202: { description: 'Approved: the workflow pays', content: json(view) }, ...writeErrorResponses },
    }),
    async (c) => {
      const { round, actor } = await authorizedVenture(c, c.req.valid('param').id, 'social-funding:approve');
      if (round.status === 'open') throw new ConflictError(`Venture round ${round.id} is not awarded yet`);
      await decideVentureAwards(actor, round, { decision: 'approve' });
      return c.json(await fullView(await requireVentureRound(round.id)), 202);
    },
  )
  .openapi(
    createRoute({
      method: 'post',
      middleware: [roleGate('social-funding:manage')] as const,
      path: '/venture-rounds/{id}/proposals/{organisationId}/accept',
      operationId: 'acceptSocialVentureProject',
      tags: ['social'],
      summary: 'The township accepts the finished project (验收) once its first instalment is paid; the workflow then pays the second instalment (the rest of the award) exactly once within the budget',
      request: { params: orgParams },
      responses: { 202: { description: 'Accepted: the workflow pays', content: json(view) }, ...writeErrorResponses },
    }),
    async (c) => {
      const { id, organisationId } = c.req.valid('param');
      const { round, actor } = await authorizedVenture(c, id, 'social-funding:manage');
      if (round.status !== 'approved' || !round.awards.some((a) => a.organisationId === organisationId)) throw new ConflictError(`Organisation ${organisationId} has no approved award in round ${id}`);
      await acceptVentureAward(actor, round, organisationId);
      return c.json(await fullView(await requireVentureRound(round.id)), 202);
    },
  );
