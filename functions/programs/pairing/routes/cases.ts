import { OpenAPIHono, createRoute, z } from '@hono/zod-openapi';
import { authorize, type Action } from '../../../platform/authz.ts';
import type { AppEnv, RouteContext } from '../../../platform/http/context.ts';
import { principalOf, requireAllowed, roleGate } from '../../../platform/http/context.ts';
import { documented, errorResponses, etag, expectedVersion, ifMatchHeaders, json, pageOf, pageQueryShape, versionField, writeErrorResponses } from '../../../platform/http/schemas.ts';
import { divisionCodeSchema } from '../../../platform/registries/domain/division.ts';
import { ValidationError } from '../../../shared/errors.ts';
import { closeCase, planCase, recheckCase } from '../ranking-use-cases.ts';
import {
  caseClosingSchema,
  caseIdSchema,
  casePlanSchema,
  caseRecordSchema,
  caseStatuses,
  listCountyCases,
  listUnitCases,
  recheckSchema,
  requireCase,
  type CaseRecord,
} from '../store/rectification-case.ts';

export const casePlanBodySchema = z
  .strictObject({ ...casePlanSchema.shape, version: versionField })
  .openapi('PairingCasePlan', { description: 'Measures, the responsible unit ({ kind: unit, unitId }) or work team ({ kind: work-team, name }), the deadline (a Beijing calendar date).' });
export const caseRecheckBodySchema = z.strictObject({ ...recheckSchema.shape, version: versionField }).openapi('PairingCaseRecheck');
export const caseCloseBodySchema = z
  .strictObject({ ...caseClosingSchema.shape, version: versionField })
  .openapi('PairingCaseClose', { description: 'promoted (晋位转化, after a passed re-check) or carried (kept for another year: next year’s case is opened with the same plan).' });

const recordSchema = documented(caseRecordSchema, { ref: 'PairingRectificationCase', description: 'A rectification case (整顿) of a village for a year; version is also the ETag.' });
const idParams = z.object({ id: documented(caseIdSchema, { param: { name: 'id', in: 'path' } }) });

async function authorizedCase(c: RouteContext, id: string, action: Action) {
  const found = await requireCase(id);
  const actor = requireAllowed(c, action, { division: found.village, ...(found.unitId ? { unitId: found.unitId } : {}) });
  return { found, actor };
}

function answer(c: RouteContext, record: CaseRecord) {
  c.header('etag', etag(record.version));
  return record;
}

export const pairingCaseRoutes = new OpenAPIHono<AppEnv>()
  .openapi(
    createRoute({
      method: 'get',
      middleware: [roleGate('pairing-case:read')] as const,
      path: '/cases/{id}',
      operationId: 'getPairingCase',
      tags: ['pairing'],
      summary: 'Read a rectification case (anyone whose jurisdiction holds the village, or its responsible unit)',
      request: { params: idParams },
      responses: { 200: { description: 'The case', content: json(recordSchema) }, ...errorResponses },
    }),
    async (c) => c.json(answer(c, (await authorizedCase(c, c.req.valid('param').id, 'pairing-case:read')).found), 200),
  )
  .openapi(
    createRoute({
      method: 'get',
      middleware: [roleGate('pairing-case:read')] as const,
      path: '/cases',
      operationId: 'listPairingCases',
      tags: ['pairing'],
      summary: 'Rectification cases of the villages in a jurisdiction (default: yours) by year and village; a unit user gets the cases it is responsible for',
      request: {
        query: z.object({
          year: z.coerce.number().int().min(2000).max(2100).optional(),
          status: z.enum(caseStatuses).optional(),
          division: documented(divisionCodeSchema, { description: 'Villages inside this division (a county or below). Default: your division' }).optional(),
          ...pageQueryShape,
        }),
      },
      responses: { 200: { description: 'One page', content: json(pageOf(recordSchema, 'PairingCasePage')) }, ...errorResponses },
    }),
    async (c) => {
      const { year, status, division, limit, cursor } = c.req.valid('query');
      const principal = principalOf(c);
      const scope = division ?? principal.division;
      if (!authorize(principal, 'pairing-case:read', { division: scope }).allowed && principal.unitId !== undefined) {
        requireAllowed(c, 'pairing-case:read', { division: scope, unitId: principal.unitId });
        return c.json(await listUnitCases(principal.unitId, { year, status }, { limit, cursor }), 200);
      }
      requireAllowed(c, 'pairing-case:read', { division: scope });
      if (scope.length < 6) throw new ValidationError([{ field: 'division', message: 'name a county (6 digits) or a division inside one', in: 'query' }]);
      return c.json(await listCountyCases(scope.slice(0, 6), { year, status, villagePrefix: scope.length > 6 ? scope : undefined }, { limit, cursor }), 200);
    },
  )
  .openapi(
    createRoute({
      method: 'put',
      middleware: [roleGate('pairing-case:update')] as const,
      path: '/cases/{id}/plan',
      operationId: 'planPairingCase',
      tags: ['pairing'],
      summary: 'Set an open case’s measures, responsible unit or work team, and deadline (admin, or the village’s township); If-Match or body version',
      request: { params: idParams, headers: ifMatchHeaders, body: { required: true, content: json(casePlanBodySchema) } },
      responses: { 200: { description: 'Planned', content: json(recordSchema) }, ...writeErrorResponses },
    }),
    async (c) => {
      const { version, ...plan } = c.req.valid('json');
      const expected = expectedVersion(c.req.valid('header')['if-match'], version);
      const { found, actor } = await authorizedCase(c, c.req.valid('param').id, 'pairing-case:update');
      return c.json(answer(c, await planCase(actor, found, plan, expected)), 200);
    },
  )
  .openapi(
    createRoute({
      method: 'post',
      middleware: [roleGate('pairing-case:update')] as const,
      path: '/cases/{id}/rechecks',
      operationId: 'recheckPairingCase',
      tags: ['pairing'],
      summary: 'Record a re-check (复查) of an open case: result, passed or not, date (admin, or the village’s township)',
      request: { params: idParams, body: { required: true, content: json(caseRecheckBodySchema) } },
      responses: { 200: { description: 'Recorded', content: json(recordSchema) }, ...writeErrorResponses },
    }),
    async (c) => {
      const { version, ...recheck } = c.req.valid('json');
      const { found, actor } = await authorizedCase(c, c.req.valid('param').id, 'pairing-case:update');
      return c.json(answer(c, await recheckCase(actor, found, recheck, version)), 200);
    },
  )
  .openapi(
    createRoute({
      method: 'post',
      middleware: [roleGate('pairing-case:close')] as const,
      path: '/cases/{id}/close',
      operationId: 'closePairingCase',
      tags: ['pairing'],
      summary: 'Close a case (the county’s admin): promoted (晋位转化) after a passed re-check, or carried into next year’s case',
      request: { params: idParams, body: { required: true, content: json(caseCloseBodySchema) } },
      responses: { 200: { description: 'Closed', content: json(recordSchema) }, ...writeErrorResponses },
    }),
    async (c) => {
      const { version, ...closing } = c.req.valid('json');
      const { found, actor } = await authorizedCase(c, c.req.valid('param').id, 'pairing-case:close');
      return c.json(answer(c, await closeCase(actor, found, closing, version)), 200);
    },
  );
