import { OpenAPIHono, createRoute, z } from '@hono/zod-openapi';
import type { AppEnv } from '../../http/context.ts';
import { principalOf, requireAllowed, roleGate } from '../../http/context.ts';
import { createdBody, idempotentCreate } from '../../http/idempotency.ts';
import { documented, errorResponses, etag, expectedVersion, idempotencyHeaders, ifMatchHeaders, json, pageOf, pageQueryShape, versionField, writeErrorResponses } from '../../http/schemas.ts';
import { unitInputSchema, unitKinds, unitLevels, unitSchema } from '../domain/unit.ts';
import { divisionCodeSchema } from '../domain/division.ts';
import { createUnit, listUnits, requireUnit, updateUnit, type UnitRecord } from '../store/unit.ts';

export const unitBodySchema = documented(unitInputSchema, 'UnitInput');
export const unitUpdateSchema = z.strictObject({ ...unitInputSchema.shape, version: versionField }).openapi('UnitUpdate');
const unitRecordSchema = unitSchema.extend({ version: z.number().int(), createdAt: z.string(), updatedAt: z.string() }).openapi('Unit');
const idParams = z.object({ id: z.uuid().openapi({ param: { name: 'id', in: 'path' } }) });

export const unitRoutes = new OpenAPIHono<AppEnv>()
  .openapi(
    createRoute({
      method: 'post',
      middleware: [roleGate('unit:create')] as const,
      path: '/units',
      operationId: 'createUnit',
      tags: ['units'],
      summary: 'Register an assisting unit (admin); the id is generated',
      request: { headers: idempotencyHeaders, body: { required: true, content: json(unitBodySchema) } },
      responses: { 201: { description: 'Created', content: json(unitRecordSchema) }, ...writeErrorResponses },
    }),
    async (c) => {
      const input = c.req.valid('json');
      const actor = requireAllowed(c, 'unit:create', { division: input.division });
      const outcome = await idempotentCreate<UnitRecord>(c, input, (extraItems) => createUnit(input, actor, { extraItems }));
      return c.json(createdBody(c, outcome), 201);
    },
  )

  .openapi(
    createRoute({
      method: 'get',
      middleware: [roleGate('unit:read')] as const,
      path: '/units/{id}',
      operationId: 'getUnit',
      tags: ['units'],
      summary: 'Read an assisting unit (a unit user: only its own)',
      request: { params: idParams },
      responses: { 200: { description: 'The unit', content: json(unitRecordSchema) }, ...errorResponses },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      // The unit's division is only known once read; ids are random, so a 404 reveals nothing.
      const unit = await requireUnit(id);
      requireAllowed(c, 'unit:read', { division: unit.division, unitId: unit.id });
      c.header('etag', etag(unit.version));
      return c.json(unit, 200);
    },
  )

  .openapi(
    createRoute({
      method: 'put',
      middleware: [roleGate('unit:update')] as const,
      path: '/units/{id}',
      operationId: 'updateUnit',
      tags: ['units'],
      summary: 'Replace an assisting unit’s fields (admin, in both the old and the new division)',
      request: { params: idParams, headers: ifMatchHeaders, body: { required: true, content: json(unitUpdateSchema) } },
      responses: { 200: { description: 'Updated', content: json(unitRecordSchema) }, ...writeErrorResponses },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      const { version, ...input } = c.req.valid('json');
      const before = await requireUnit(id, true);
      requireAllowed(c, 'unit:update', { division: before.division, unitId: id });
      const actor = requireAllowed(c, 'unit:update', { division: input.division, unitId: id });
      const unit = await updateUnit(before, input, actor, { expectedVersion: expectedVersion(c.req.valid('header')['if-match'], version) });
      c.header('etag', etag(unit.version));
      return c.json(unit, 200);
    },
  )

  .openapi(
    createRoute({
      method: 'get',
      middleware: [roleGate('unit:read')] as const,
      path: '/units',
      operationId: 'listUnits',
      tags: ['units'],
      summary: 'List the assisting units kept in a jurisdiction (default: yours)',
      request: {
        query: z.object({
          division: divisionCodeSchema.optional().openapi({ description: 'Default your own division' }),
          level: z.enum(unitLevels).optional(),
          kind: z.enum(unitKinds).optional(),
          ...pageQueryShape,
        }),
      },
      responses: { 200: { description: 'One page', content: json(pageOf(unitRecordSchema, 'UnitPage')) }, ...errorResponses },
    }),
    async (c) => {
      const { division, level, kind, limit, cursor } = c.req.valid('query');
      const scope = division ?? principalOf(c).division;
      requireAllowed(c, 'unit:read', { division: scope });
      return c.json(await listUnits(scope, { level, kind }, { limit, cursor }), 200);
    },
  );
