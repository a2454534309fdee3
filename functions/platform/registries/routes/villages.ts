import { OpenAPIHono, createRoute, z } from '@hono/zod-openapi';
import type { AppEnv } from '../../http/context.ts';
import { principalOf, requireAllowed, roleGate } from '../../http/context.ts';
import { createdBody, idempotentCreate } from '../../http/idempotency.ts';
import {
  booleanQuery,
  documented,
  errorResponses,
  etag,
  expectedVersion,
  idempotencyHeaders,
  ifMatchHeaders,
  json,
  pageOf,
  pageQueryShape,
  versionField,
  writeErrorResponses,
} from '../../http/schemas.ts';
import { villageCategories, villageCodeSchema, villageSchema } from '../domain/village.ts';
import { divisionCodeSchema } from '../domain/division.ts';
import { ValidationError } from '../../../shared/errors.ts';
import { createVillage, getVillage, listVillages, updateVillage, type VillageRecord } from '../store/village.ts';
import { NotFoundError } from '../../../shared/errors.ts';

export const villageBodySchema = z.strictObject(villageSchema.shape).openapi('VillageInput');
export const villageUpdateSchema = z.strictObject({ ...villageSchema.omit({ code: true }).shape, version: versionField }).openapi('VillageUpdate');
const villageRecordSchema = villageSchema
  .extend({ version: z.number().int(), createdAt: z.string(), updatedAt: z.string() })
  .openapi('Village', { description: 'A village. Money (operatingFundsFen) is integer fen.' });
const codeParams = z.object({ code: documented(villageCodeSchema, { param: { name: 'code', in: 'path' }, example: '120225100201' }) });

export const villageRoutes = new OpenAPIHono<AppEnv>()
  .openapi(
    createRoute({
      method: 'post',
      middleware: [roleGate('village:create')] as const,
      path: '/villages',
      operationId: 'createVillage',
      tags: ['villages'],
      summary: 'Register a village (admin); its township must be registered',
      request: { headers: idempotencyHeaders, body: { required: true, content: json(villageBodySchema) } },
      responses: { 201: { description: 'Created', content: json(villageRecordSchema) }, ...writeErrorResponses },
    }),
    async (c) => {
      const input = c.req.valid('json');
      const actor = requireAllowed(c, 'village:create', { division: input.code });
      const outcome = await idempotentCreate<VillageRecord>(c, input, (extraItems) => createVillage(input, actor, { extraItems }));
      return c.json(createdBody(c, outcome), 201);
    },
  )

  .openapi(
    createRoute({
      method: 'get',
      middleware: [roleGate('village:read')] as const,
      path: '/villages/{code}',
      operationId: 'getVillage',
      tags: ['villages'],
      summary: 'Read a village',
      request: { params: codeParams },
      responses: { 200: { description: 'The village', content: json(villageRecordSchema) }, ...errorResponses },
    }),
    async (c) => {
      const { code } = c.req.valid('param');
      requireAllowed(c, 'village:read', { division: code });
      const village = await getVillage(code);
      if (!village) throw new NotFoundError(`Village ${code} is not registered`);
      c.header('etag', etag(village.version));
      return c.json(village, 200);
    },
  )

  .openapi(
    createRoute({
      method: 'put',
      middleware: [roleGate('village:update')] as const,
      path: '/villages/{code}',
      operationId: 'updateVillage',
      tags: ['villages'],
      summary: 'Replace a village’s fields (admin); optimistic concurrency via If-Match or version',
      request: { params: codeParams, headers: ifMatchHeaders, body: { required: true, content: json(villageUpdateSchema) } },
      responses: { 200: { description: 'Updated', content: json(villageRecordSchema) }, ...writeErrorResponses },
    }),
    async (c) => {
      const { code } = c.req.valid('param');
      const { version, ...fields } = c.req.valid('json');
      const actor = requireAllowed(c, 'village:update', { division: code });
      const expected = expectedVersion(c.req.valid('header')['if-match'], version);
      const village = await updateVillage({ ...fields, code }, actor, { expectedVersion: expected });
      c.header('etag', etag(village.version));
      return c.json(village, 200);
    },
  )

  .openapi(
    createRoute({
      method: 'get',
      middleware: [roleGate('village:read')] as const,
      path: '/villages',
      operationId: 'listVillages',
      tags: ['villages'],
      summary: 'List villages of a county or township (default: your jurisdiction), in code order',
      request: {
        query: z.object({
          division: divisionCodeSchema.optional().openapi({ description: 'County (6 digits) or lower; default your own division' }),
          category: z.enum(villageCategories).optional(),
          economicallyWeak: booleanQuery.optional(),
          ...pageQueryShape,
        }),
      },
      responses: { 200: { description: 'One page', content: json(pageOf(villageRecordSchema, 'VillagePage')) }, ...errorResponses },
    }),
    async (c) => {
      const { division, category, economicallyWeak, limit, cursor } = c.req.valid('query');
      const scope = division ?? principalOf(c).division;
      requireAllowed(c, 'village:read', { division: scope });
      if (scope.length < 6) {
        throw new ValidationError([{ field: 'division', message: 'villages are listed per county: name a county (6 digits) or lower', in: 'query' }]);
      }
      const page = await listVillages({ division: scope, category, economicallyWeak }, { limit, cursor });
      return c.json(page, 200);
    },
  );
