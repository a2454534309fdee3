import { OpenAPIHono, createRoute, z } from '@hono/zod-openapi';
import { randomUUID } from 'node:crypto';
import { beijingDate, calendarDateSchema } from '../../../platform/calendar.ts';
import type { Action } from '../../../platform/authz.ts';
import type { AppEnv, RouteContext } from '../../../platform/http/context.ts';
import { principalOf, requireAllowed, roleGate } from '../../../platform/http/context.ts';
import { createdBody, idempotentCreate } from '../../../platform/http/idempotency.ts';
import { documented, errorResponses, etag, expectedVersion, idempotencyHeaders, ifMatchHeaders, json, pageOf, pageQueryShape, versionField, writeErrorResponses } from '../../../platform/http/schemas.ts';
import { divisionCodeSchema } from '../../../platform/registries/domain/division.ts';
import { getVillage } from '../../../platform/registries/store/village.ts';
import { isPrintableText, printableMessage } from '../../../platform/names.ts';
import { ValidationError } from '../../../shared/errors.ts';
import { categoryDescribed, foundingProblem, organisationFieldsSchema, organisationIdSchema, organisationInputSchema, organisationStatuses, socialCategories, type OrganisationEvent, type OrganisationInput } from '../domain/organisation.ts';
import { changeOrganisation, createOrganisation, listOrganisations, newOrganisation, organisationRecordSchema, requireOrganisation, type OrganisationRecord } from '../store/organisation.ts';
import { startFiling } from '../use-cases.ts';

export const organisationBodySchema = documented(organisationInputSchema, {
  ref: 'SocialOrganisationInput',
  description: 'A social organisation the village files with its township (备案登记): category (其他 with a description), leader, members, founding date (not in the future, Beijing), contact',
});
export const organisationUpdateSchema = z
  .strictObject({ ...organisationFieldsSchema.shape, version: versionField })
  .refine(...categoryDescribed)
  .openapi('SocialOrganisationUpdate');
const reason = z.string().trim().min(1, 'must not be empty').max(500).refine(isPrintableText, printableMessage);
export const statusChangeSchema = z.strictObject({ date: calendarDateSchema, reason: reason.optional(), version: versionField }).openapi('SocialStatusChange');
export const statusChangeWithReasonSchema = z.strictObject({ date: calendarDateSchema, reason, version: versionField }).openapi('SocialStatusChangeWithReason');

const recordSchema = documented(organisationRecordSchema, { ref: 'SocialOrganisation', description: 'A social organisation with its status, filing number and reviews; version is also the ETag.' });
const idParams = z.object({ id: documented(organisationIdSchema, { param: { name: 'id', in: 'path' } }) });

/** Read an organisation and check the caller may do `action` on its village. */
export async function authorizedOrganisation(c: RouteContext, id: string, action: Action) {
  const org = await requireOrganisation(id);
  const actor = requireAllowed(c, action, { division: org.village });
  return { org, actor };
}

function answer(c: RouteContext, org: OrganisationRecord) {
  c.header('etag', etag(org.version));
  return org;
}

async function checkedInput(input: OrganisationInput): Promise<void> {
  const problem = foundingProblem(input.foundedOn, beijingDate(new Date()));
  if (problem) throw new ValidationError([{ field: 'foundedOn', message: problem, in: 'body' }]);
  if (!(await getVillage(input.village))) throw new ValidationError([{ field: 'village', message: `village ${input.village} is not registered`, in: 'body' }]);
}

/** The status moves the township (or an admin) makes by hand, with what each needs. */
const statusMoves: Record<'activate' | 'suspend' | 'reactivate' | 'dissolve', { summary: string; reasonRequired: boolean }> = {
  activate: { summary: 'A filed organisation starts its activities (filed → active)', reasonRequired: false },
  suspend: { summary: 'Suspend an organisation with a reason and date (filed/active → suspended)', reasonRequired: true },
  reactivate: { summary: 'A suspended organisation is active again (suspended → active)', reasonRequired: false },
  dissolve: { summary: 'Dissolve an organisation with a reason and date (→ dissolved, final)', reasonRequired: true },
};

function statusRoute(event: keyof typeof statusMoves) {
  const { summary, reasonRequired } = statusMoves[event];
  return createRoute({
    method: 'post',
    middleware: [roleGate('social-org:manage')] as const,
    path: `/organisations/{id}/${event}`,
    operationId: `${event}SocialOrganisation`,
    tags: ['social'],
    summary: `${summary}; township or admin of its village; audited, coverage counters in the same transaction`,
    request: { params: idParams, headers: ifMatchHeaders, body: { required: true, content: json(reasonRequired ? statusChangeWithReasonSchema : statusChangeSchema) } },
    responses: { 200: { description: 'Changed', content: json(recordSchema) }, ...writeErrorResponses },
  });
}

async function moveStatus(c: RouteContext, id: string, event: OrganisationEvent, body: { date: string; reason?: string | undefined; version?: number | undefined }, ifMatch: string | undefined) {
  const expected = expectedVersion(ifMatch, body.version);
  const { org, actor } = await authorizedOrganisation(c, id, 'social-org:manage');
  if (expected !== undefined && expected !== org.version) throw new ValidationError([{ field: 'version', message: `the organisation is at version ${org.version}`, in: 'body' }]);
  if (body.date > beijingDate(new Date())) throw new ValidationError([{ field: 'date', message: 'must not be in the future (Beijing time)', in: 'body' }]);
  const changes: Partial<OrganisationRecord> = event === 'suspend' || event === 'dissolve' ? { statusReason: body.reason, statusDate: body.date } : { statusReason: undefined, statusDate: body.date };
  return changeOrganisation(org, event, changes, actor, `social-organisation.${event}`);
}

export const organisationRoutes = new OpenAPIHono<AppEnv>()
  .openapi(
    createRoute({
      method: 'post',
      middleware: [roleGate('social-org:submit')] as const,
      path: '/organisations',
      operationId: 'submitSocialOrganisation',
      tags: ['social'],
      summary: 'The village submits an organisation for filing (its own village): status applied, the filing workflow starts and the township reviews',
      request: { headers: idempotencyHeaders, body: { required: true, content: json(organisationBodySchema) } },
      responses: { 201: { description: 'Submitted', content: json(recordSchema) }, ...writeErrorResponses },
    }),
    async (c) => {
      const input = c.req.valid('json');
      const actor = requireAllowed(c, 'social-org:submit', { division: input.village });
      await checkedInput(input);
      const outcome = await idempotentCreate<OrganisationRecord>(c, input, (extraItems) => createOrganisation(newOrganisation(input, actor, `org-${randomUUID()}`, new Date()), actor, { extraItems }));
      const org = createdBody(c, outcome);
      // Started after the commit (a repeat with the same key finds the same execution, named after the organisation).
      await startFiling(org);
      return c.json(answer(c, org), 201);
    },
  )

  .openapi(
    createRoute({
      method: 'get',
      middleware: [roleGate('social-org:read')] as const,
      path: '/organisations/{id}',
      operationId: 'getSocialOrganisation',
      tags: ['social'],
      summary: 'Read an organisation (anyone whose jurisdiction holds its village)',
      request: { params: idParams },
      responses: { 200: { description: 'The organisation', content: json(recordSchema) }, ...errorResponses },
    }),
    async (c) => {
      const { org } = await authorizedOrganisation(c, c.req.valid('param').id, 'social-org:read');
      return c.json(answer(c, org), 200);
    },
  )

  .openapi(
    createRoute({
      method: 'get',
      middleware: [roleGate('social-org:read')] as const,
      path: '/organisations',
      operationId: 'listSocialOrganisations',
      tags: ['social'],
      summary: 'The organisations of a county, township or village (default: your division), by village; optional status and category',
      request: {
        query: z.object({
          division: divisionCodeSchema.optional().openapi({ description: 'A county (6 digits) or a division inside one; default your own' }),
          status: z.enum(organisationStatuses).optional(),
          category: z.enum(socialCategories).optional(),
          ...pageQueryShape,
        }),
      },
      responses: { 200: { description: 'One page', content: json(pageOf(recordSchema, 'SocialOrganisationPage')) }, ...errorResponses },
    }),
    async (c) => {
      const { division, status, category, limit, cursor } = c.req.valid('query');
      const scope = division ?? principalOf(c).division;
      requireAllowed(c, 'social-org:read', { division: scope });
      if (scope.length < 6) throw new ValidationError([{ field: 'division', message: 'name a county (6 digits) or a division inside one', in: 'query' }]);
      return c.json(await listOrganisations(scope, { status, category }, { limit, cursor }), 200);
    },
  )

  .openapi(
    createRoute({
      method: 'put',
      middleware: [roleGate('social-org:submit')] as const,
      path: '/organisations/{id}',
      operationId: 'correctSocialOrganisation',
      tags: ['social'],
      summary: 'The village corrects a returned organisation before resubmitting it (answer its social.resubmission decision); If-Match or body version',
      request: { params: idParams, headers: ifMatchHeaders, body: { required: true, content: json(organisationUpdateSchema) } },
      responses: { 200: { description: 'Corrected', content: json(recordSchema) }, ...writeErrorResponses },
    }),
    async (c) => {
      const { version, ...fields } = c.req.valid('json');
      const expected = expectedVersion(c.req.valid('header')['if-match'], version);
      const { org, actor } = await authorizedOrganisation(c, c.req.valid('param').id, 'social-org:submit');
      await checkedInput({ ...fields, village: org.village });
      if (org.status !== 'returned') throw new ValidationError([{ field: 'id', message: `organisation ${org.id} is ${org.status}: only a returned organisation is corrected`, in: 'path' }]);
      if (expected !== undefined && expected !== org.version) throw new ValidationError([{ field: 'version', message: `the organisation is at version ${org.version}`, in: 'body' }]);
      const saved = await changeOrganisation(org, undefined, { ...fields, categoryDescription: fields.categoryDescription }, actor, 'social-organisation.correct');
      return c.json(answer(c, saved), 200);
    },
  )

  .openapi(statusRoute('activate'), async (c) => c.json(answer(c, await moveStatus(c, c.req.valid('param').id, 'activate', c.req.valid('json'), c.req.valid('header')['if-match'])), 200))
  .openapi(statusRoute('suspend'), async (c) => c.json(answer(c, await moveStatus(c, c.req.valid('param').id, 'suspend', c.req.valid('json'), c.req.valid('header')['if-match'])), 200))
  .openapi(statusRoute('reactivate'), async (c) => c.json(answer(c, await moveStatus(c, c.req.valid('param').id, 'reactivate', c.req.valid('json'), c.req.valid('header')['if-match'])), 200))
  .openapi(statusRoute('dissolve'), async (c) => c.json(answer(c, await moveStatus(c, c.req.valid('param').id, 'dissolve', c.req.valid('json'), c.req.valid('header')['if-match'])), 200));
