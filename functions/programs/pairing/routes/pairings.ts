import { OpenAPIHono, createRoute, z } from '@hono/zod-openapi';
import { randomUUID } from 'node:crypto';
import { authorize, type Action } from '../../../platform/authz.ts';
import type { AppEnv, RouteContext } from '../../../platform/http/context.ts';
import { principalOf, requireAllowed, roleGate } from '../../../platform/http/context.ts';
import { createdBody, idempotentCreate } from '../../../platform/http/idempotency.ts';
import { documented, errorResponses, etag, expectedVersion, idempotencyHeaders, ifMatchHeaders, json, pageOf, pageQueryShape, versionField, writeErrorResponses } from '../../../platform/http/schemas.ts';
import { divisionCodeSchema } from '../../../platform/registries/domain/division.ts';
import { ValidationError } from '../../../shared/errors.ts';
import {
  cadreDatesInOrder,
  cadreFieldsSchema,
  cadreInputSchema,
  cadreProblems,
  dateInTerm,
  investmentInputSchema,
  pairingChangeSchema,
  pairingIdSchema,
  pairingInputSchema,
  pairingLimits,
  partIdSchema,
  projectInputSchema,
  termIdSchema,
} from '../domain/pairing.ts';
import { checkedPairing } from '../use-cases.ts';
import { createPairing, listCountyPairings, listUnitPairings, pairingRecordSchema, requirePairing, savePairing, type PairingRecord } from '../store/pairing.ts';
import { requireTerm } from '../store/term.ts';

export const pairingBodySchema = documented(pairingInputSchema, {
  ref: 'PairingInput',
  description: 'A pairing of a registered unit with a registered village for a term; cadres and targets optional (targets default to nothing reached, nothing aimed at). Money in fen.',
});
export const pairingUpdateSchema = z.strictObject({ ...pairingChangeSchema.shape, version: versionField }).openapi('PairingUpdate');
export const pairingCadreBodySchema = documented(cadreInputSchema, 'PairingCadreInput');
export const pairingCadreUpdateSchema = z
  .strictObject({ ...cadreFieldsSchema.shape, version: versionField })
  .refine(...cadreDatesInOrder)
  .openapi('PairingCadreUpdate');
export const pairingInvestmentBodySchema = documented(investmentInputSchema, { ref: 'PairingInvestmentInput', description: 'Funds actually invested: date, amountFen, purpose, optional projectId of one of the pairing’s projects' });
export const pairingProjectBodySchema = documented(projectInputSchema, 'PairingProjectInput');
export const pairingProjectUpdateSchema = z.strictObject({ ...projectInputSchema.shape, version: versionField }).openapi('PairingProjectUpdate');

const recordSchema = documented(pairingRecordSchema, { ref: 'Pairing', description: 'A pairing with its cadres, investments, projects and targets; version is also the ETag.' });
const idParams = z.object({ id: documented(pairingIdSchema, { param: { name: 'id', in: 'path' } }) });
const cadreParams = z.object({ id: documented(pairingIdSchema, { param: { name: 'id', in: 'path' } }), cadreId: documented(partIdSchema, { param: { name: 'cadreId', in: 'path' } }) });
const projectParams = z.object({ id: documented(pairingIdSchema, { param: { name: 'id', in: 'path' } }), projectId: documented(partIdSchema, { param: { name: 'projectId', in: 'path' } }) });

/** Read a pairing and check the caller may do `action` on it (its village and unit). */
async function authorizedPairing(c: RouteContext, id: string, action: Action) {
  const pairing = await requirePairing(id, true);
  const actor = requireAllowed(c, action, { division: pairing.village, unitId: pairing.unitId });
  return { pairing, actor };
}

function answer(c: RouteContext, pairing: PairingRecord) {
  c.header('etag', etag(pairing.version));
  return pairing;
}

function tooMany(field: string, limit: number): never {
  throw new ValidationError([{ field, message: `a pairing has at most ${limit} ${field}`, in: 'body' }]);
}

export const pairingRoutes = new OpenAPIHono<AppEnv>()
  .openapi(
    createRoute({
      method: 'post',
      middleware: [roleGate('pairing:create')] as const,
      path: '/pairings',
      operationId: 'createPairing',
      tags: ['pairing'],
      summary: 'Pair a registered unit with a registered village for a term (admin of the village); 409 if the three are paired already',
      request: { headers: idempotencyHeaders, body: { required: true, content: json(pairingBodySchema) } },
      responses: { 201: { description: 'Created', content: json(recordSchema) }, ...writeErrorResponses },
    }),
    async (c) => {
      const input = c.req.valid('json');
      const actor = requireAllowed(c, 'pairing:create', { division: input.village, unitId: input.unitId });
      const outcome = await idempotentCreate<PairingRecord>(c, input, async (extraItems) => createPairing(await checkedPairing(input, actor), actor, { extraItems }));
      return c.json(answer(c, createdBody(c, outcome)), 201);
    },
  )

  .openapi(
    createRoute({
      method: 'get',
      middleware: [roleGate('pairing:read')] as const,
      path: '/pairings/{id}',
      operationId: 'getPairing',
      tags: ['pairing'],
      summary: 'Read a pairing (its unit, or anyone whose jurisdiction holds its village)',
      request: { params: idParams },
      responses: { 200: { description: 'The pairing', content: json(recordSchema) }, ...errorResponses },
    }),
    async (c) => {
      const { pairing } = await authorizedPairing(c, c.req.valid('param').id, 'pairing:read');
      return c.json(answer(c, pairing), 200);
    },
  )

  .openapi(
    createRoute({
      method: 'get',
      middleware: [roleGate('pairing:read')] as const,
      path: '/pairings',
      operationId: 'listPairings',
      tags: ['pairing'],
      summary: 'Pairings of the villages in a jurisdiction (default: yours), or of one unit; a unit user sees only its own unit’s',
      request: {
        query: z.object({
          termId: termIdSchema.optional(),
          division: documented(divisionCodeSchema, { description: 'Villages inside this division (a county or below when no unitId is given). Default: your division' }).optional(),
          unitId: z.uuid().optional().openapi({ description: 'One unit’s pairings. A unit user gets its own unit’s without naming it' }),
          ...pageQueryShape,
        }),
      },
      responses: { 200: { description: 'One page', content: json(pageOf(recordSchema, 'PairingPage')) }, ...errorResponses },
    }),
    async (c) => {
      const { termId, division, unitId, limit, cursor } = c.req.valid('query');
      const principal = principalOf(c);
      const readsDivision = (d: string) => authorize(principal, 'pairing:read', { division: d }).allowed;
      // A caller who may not read the division's pairings (a unit user) lists its own unit's.
      const unit = unitId ?? (readsDivision(division ?? principal.division) ? undefined : principal.unitId);
      if (unit !== undefined) {
        const prefix = division ?? (readsDivision(principal.division) ? principal.division : undefined);
        requireAllowed(c, 'pairing:read', { division: prefix ?? principal.division, unitId: unit });
        return c.json(await listUnitPairings(unit, { termId, villagePrefix: prefix }, { limit, cursor }), 200);
      }
      const scope = division ?? principal.division;
      requireAllowed(c, 'pairing:read', { division: scope });
      if (scope.length < 6) throw new ValidationError([{ field: 'division', message: 'name a county (6 digits) or a division inside one, or a unitId', in: 'query' }]);
      return c.json(await listCountyPairings(scope.slice(0, 6), { termId, villagePrefix: scope.length > 6 ? scope : undefined }, { limit, cursor }), 200);
    },
  )

  .openapi(
    createRoute({
      method: 'put',
      middleware: [roleGate('pairing:update')] as const,
      path: '/pairings/{id}',
      operationId: 'updatePairing',
      tags: ['pairing'],
      summary: 'Replace a pairing’s level, yearly pledge and targets (admin); If-Match or body version, 409 if changed since',
      request: { params: idParams, headers: ifMatchHeaders, body: { required: true, content: json(pairingUpdateSchema) } },
      responses: { 200: { description: 'Updated', content: json(recordSchema) }, ...writeErrorResponses },
    }),
    async (c) => {
      const { version, ...change } = c.req.valid('json');
      const expected = expectedVersion(c.req.valid('header')['if-match'], version);
      const { pairing, actor } = await authorizedPairing(c, c.req.valid('param').id, 'pairing:update');
      const saved = await savePairing(pairing, (p) => ({ ...p, ...change }), actor, { action: 'pairing.update', expectedVersion: expected });
      return c.json(answer(c, saved), 200);
    },
  )

  .openapi(
    createRoute({
      method: 'post',
      middleware: [roleGate('pairing:update')] as const,
      path: '/pairings/{id}/cadres',
      operationId: 'addPairingCadre',
      tags: ['pairing'],
      summary: 'Station a cadre in the pairing’s village (admin): first secretary (第一书记) or team member, dated within the term',
      request: { params: idParams, headers: idempotencyHeaders, body: { required: true, content: json(pairingCadreBodySchema) } },
      responses: { 201: { description: 'The pairing with the cadre', content: json(recordSchema) }, ...writeErrorResponses },
    }),
    async (c) => {
      const input = c.req.valid('json');
      const { pairing, actor } = await authorizedPairing(c, c.req.valid('param').id, 'pairing:update');
      const problems = cadreProblems([input], await requireTerm(pairing.termId), '(body)');
      if (problems.length > 0) throw new ValidationError(problems.map((p) => ({ ...p, field: p.field.replace('(body).', ''), in: 'body' as const })));
      if (pairing.cadres.length >= pairingLimits.cadres) tooMany('cadres', pairingLimits.cadres);
      const outcome = await idempotentCreate<PairingRecord>(c, input, (extraItems) =>
        savePairing(pairing, (p) => ({ ...p, cadres: [...p.cadres, { ...input, id: randomUUID() }] }), actor, { action: 'pairing.cadre.add', extraItems }),
      );
      return c.json(answer(c, createdBody(c, outcome)), 201);
    },
  )

  .openapi(
    createRoute({
      method: 'put',
      middleware: [roleGate('pairing:update')] as const,
      path: '/pairings/{id}/cadres/{cadreId}',
      operationId: 'updatePairingCadre',
      tags: ['pairing'],
      summary: 'Replace a stationed cadre’s fields, e.g. the date they left (admin); If-Match or body version of the pairing',
      request: { params: cadreParams, headers: ifMatchHeaders, body: { required: true, content: json(pairingCadreUpdateSchema) } },
      responses: { 200: { description: 'Updated', content: json(recordSchema) }, ...writeErrorResponses },
    }),
    async (c) => {
      const { id, cadreId } = c.req.valid('param');
      const { version, ...input } = c.req.valid('json');
      const expected = expectedVersion(c.req.valid('header')['if-match'], version);
      const { pairing, actor } = await authorizedPairing(c, id, 'pairing:update');
      if (!pairing.cadres.some((x) => x.id === cadreId)) throw new ValidationError([{ field: 'cadreId', message: `pairing ${id} has no cadre ${cadreId}`, in: 'path' }]);
      const problems = cadreProblems([input], await requireTerm(pairing.termId), '(body)');
      if (problems.length > 0) throw new ValidationError(problems.map((p) => ({ ...p, field: p.field.replace('(body).', ''), in: 'body' as const })));
      const saved = await savePairing(pairing, (p) => ({ ...p, cadres: p.cadres.map((x) => (x.id === cadreId ? { ...input, id: cadreId } : x)) }), actor, {
        action: 'pairing.cadre.update',
        expectedVersion: expected,
      });
      return c.json(answer(c, saved), 200);
    },
  )

  .openapi(
    createRoute({
      method: 'post',
      middleware: [roleGate('pairing-progress:write')] as const,
      path: '/pairings/{id}/investments',
      operationId: 'addPairingInvestment',
      tags: ['pairing'],
      summary: 'Record funds actually invested (the pairing’s own unit, or admin): date within the term, amount in fen, purpose, optional project',
      request: { params: idParams, headers: idempotencyHeaders, body: { required: true, content: json(pairingInvestmentBodySchema) } },
      responses: { 201: { description: 'The pairing with the investment', content: json(recordSchema) }, ...writeErrorResponses },
    }),
    async (c) => {
      const input = c.req.valid('json');
      const { pairing, actor } = await authorizedPairing(c, c.req.valid('param').id, 'pairing-progress:write');
      const term = await requireTerm(pairing.termId);
      if (!dateInTerm(input.date, term)) throw new ValidationError([{ field: 'date', message: `must fall within the term's years ${term.firstYear}–${term.lastYear}`, in: 'body' }]);
      if (input.projectId !== undefined && !pairing.projects.some((p) => p.id === input.projectId)) {
        throw new ValidationError([{ field: 'projectId', message: `the pairing has no project ${input.projectId}`, in: 'body' }]);
      }
      if (pairing.investments.length >= pairingLimits.investments) tooMany('investments', pairingLimits.investments);
      const at = new Date().toISOString();
      const outcome = await idempotentCreate<PairingRecord>(c, input, (extraItems) =>
        savePairing(pairing, (p) => ({ ...p, investments: [...p.investments, { ...input, id: randomUUID(), recordedAt: at, recordedBy: actor.sub }] }), actor, {
          action: 'pairing.investment.add',
          extraItems,
        }),
      );
      return c.json(answer(c, createdBody(c, outcome)), 201);
    },
  )

  .openapi(
    createRoute({
      method: 'post',
      middleware: [roleGate('pairing-progress:write')] as const,
      path: '/pairings/{id}/projects',
      operationId: 'addPairingProject',
      tags: ['pairing'],
      summary: 'Add a project to the pairing (the pairing’s own unit, or admin): name, kind, budget in fen, status',
      request: { params: idParams, headers: idempotencyHeaders, body: { required: true, content: json(pairingProjectBodySchema) } },
      responses: { 201: { description: 'The pairing with the project', content: json(recordSchema) }, ...writeErrorResponses },
    }),
    async (c) => {
      const input = c.req.valid('json');
      const { pairing, actor } = await authorizedPairing(c, c.req.valid('param').id, 'pairing-progress:write');
      if (pairing.projects.length >= pairingLimits.projects) tooMany('projects', pairingLimits.projects);
      const outcome = await idempotentCreate<PairingRecord>(c, input, (extraItems) =>
        savePairing(pairing, (p) => ({ ...p, projects: [...p.projects, { ...input, id: randomUUID() }] }), actor, { action: 'pairing.project.add', extraItems }),
      );
      return c.json(answer(c, createdBody(c, outcome)), 201);
    },
  )

  .openapi(
    createRoute({
      method: 'put',
      middleware: [roleGate('pairing-progress:write')] as const,
      path: '/pairings/{id}/projects/{projectId}',
      operationId: 'updatePairingProject',
      tags: ['pairing'],
      summary: 'Replace a project’s fields, e.g. its status (the pairing’s own unit, or admin); If-Match or body version of the pairing',
      request: { params: projectParams, headers: ifMatchHeaders, body: { required: true, content: json(pairingProjectUpdateSchema) } },
      responses: { 200: { description: 'Updated', content: json(recordSchema) }, ...writeErrorResponses },
    }),
    async (c) => {
      const { id, projectId } = c.req.valid('param');
      const { version, ...input } = c.req.valid('json');
      const expected = expectedVersion(c.req.valid('header')['if-match'], version);
      const { pairing, actor } = await authorizedPairing(c, id, 'pairing-progress:write');
      if (!pairing.projects.some((x) => x.id === projectId)) throw new ValidationError([{ field: 'projectId', message: `pairing ${id} has no project ${projectId}`, in: 'path' }]);
      const saved = await savePairing(pairing, (p) => ({ ...p, projects: p.projects.map((x) => (x.id === projectId ? { ...input, id: projectId } : x)) }), actor, {
        action: 'pairing.project.update',
        expectedVersion: expected,
      });
      return c.json(answer(c, saved), 200);
    },
  );
