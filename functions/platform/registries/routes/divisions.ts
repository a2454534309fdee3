import { OpenAPIHono, createRoute, z } from '@hono/zod-openapi';
import type { AppEnv } from '../../http/context.ts';
import { principalOf, requireAllowed, roleGate } from '../../http/context.ts';
import { createdBody, idempotentCreate } from '../../http/idempotency.ts';
import { documented, errorResponses, etag, expectedVersion, idempotencyHeaders, ifMatchHeaders, json, pageOf, pageQueryShape, versionField, writeErrorResponses } from '../../http/schemas.ts';
import { divisionCodeSchema, divisionInputSchema, divisionLevels, registryDivisionCodeSchema } from '../domain/division.ts';
import { nameSchema } from '../../names.ts';
import { NotFoundError } from '../../../shared/errors.ts';
import { createDivision, getDivision, listDivisions, updateDivision, type DivisionRecord } from '../store/division.ts';
import { listVillages } from '../store/village.ts';
import type { Page } from '../../store/pagination.ts';

const divisionRecordSchema = z
  .object({
    code: z.string(),
    name: z.string(),
    level: z.enum(divisionLevels),
    parent: z.string().optional(),
    version: z.number().int(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi('Division');
type DivisionView = z.infer<typeof divisionRecordSchema>;

export const divisionBodySchema = documented(divisionInputSchema, 'DivisionInput');
export const divisionUpdateSchema = z.strictObject({ name: nameSchema, version: versionField }).openapi('DivisionUpdate');
const codeParams = z.object({ code: documented(registryDivisionCodeSchema, { param: { name: 'code', in: 'path' }, example: '120225100' }) });

export const divisionRoutes = new OpenAPIHono<AppEnv>()
  .openapi(
    createRoute({
      method: 'post',
      middleware: [roleGate('division:create')] as const,
      path: '/divisions',
      operationId: 'createDivision',
      tags: ['divisions'],
      summary: 'Register a province, city, county or township (admin); its parent must be registered unless it is your own root',
      request: { headers: idempotencyHeaders, body: { required: true, content: json(divisionBodySchema) } },
      responses: { 201: { description: 'Created', content: json(divisionRecordSchema) }, ...writeErrorResponses },
    }),
    async (c) => {
      const input = c.req.valid('json');
      const actor = requireAllowed(c, 'division:create', { division: input.code });
      const outcome = await idempotentCreate<DivisionRecord>(c, input, (extraItems) => createDivision(input, actor, { extraItems }));
      return c.json(createdBody(c, outcome), 201);
    },
  )

  .openapi(
    createRoute({
      method: 'get',
      middleware: [roleGate('division:read')] as const,
      path: '/divisions/{code}',
      operationId: 'getDivision',
      tags: ['divisions'],
      summary: 'Read a registered division',
      request: { params: codeParams },
      responses: { 200: { description: 'The division', content: json(divisionRecordSchema) }, ...errorResponses },
    }),
    async (c) => {
      const { code } = c.req.valid('param');
      requireAllowed(c, 'division:read', { division: code });
      const division = await getDivision(code);
      if (!division) throw new NotFoundError(`Division ${code} is not registered`);
      c.header('etag', etag(division.version));
      return c.json(division, 200);
    },
  )

  .openapi(
    createRoute({
      method: 'put',
      middleware: [roleGate('division:update')] as const,
      path: '/divisions/{code}',
      operationId: 'renameDivision',
      tags: ['divisions'],
      summary: 'Rename a division (admin); optimistic concurrency via If-Match or version',
      request: { params: codeParams, headers: ifMatchHeaders, body: { required: true, content: json(divisionUpdateSchema) } },
      responses: { 200: { description: 'Updated', content: json(divisionRecordSchema) }, ...writeErrorResponses },
    }),
    async (c) => {
      const { code } = c.req.valid('param');
      const { name, version } = c.req.valid('json');
      const actor = requireAllowed(c, 'division:update', { division: code });
      const division = await updateDivision(code, { name }, actor, { expectedVersion: expectedVersion(c.req.valid('header')['if-match'], version) });
      c.header('etag', etag(division.version));
      return c.json(division, 200);
    },
  )

  .openapi(
    createRoute({
      method: 'get',
      middleware: [roleGate('division:read')] as const,
      path: '/divisions',
      operationId: 'listDivisions',
      tags: ['divisions'],
      summary: 'Children of a division (default: of your own division); a township’s children are its villages',
      request: {
        query: z.object({
          parent: divisionCodeSchema.optional().openapi({ description: 'Parent code; default your own division' }),
          ...pageQueryShape,
        }),
      },
      responses: { 200: { description: 'One page, in code order', content: json(pageOf(divisionRecordSchema, 'DivisionPage')) }, ...errorResponses },
    }),
    async (c) => {
      const { parent: requested, limit, cursor } = c.req.valid('query');
      const parent = requested ?? principalOf(c).division;
      requireAllowed(c, 'division:read', { division: parent });
      if (parent.length === 12) return c.json({ items: [] }, 200);
      if (parent.length === 9) {
        // Villages are the leaves of the tree but their own entity: shown here in division form.
        const villages = await listVillages({ division: parent }, { limit, cursor });
        const page: Page<DivisionView> = {
          items: villages.items.map((v) => ({ code: v.code, name: v.name, level: 'village', parent, version: v.version, createdAt: v.createdAt, updatedAt: v.updatedAt })),
          ...(villages.nextCursor ? { nextCursor: villages.nextCursor } : {}),
        };
        return c.json(page, 200);
      }
      return c.json(await listDivisions(parent, { limit, cursor }), 200);
    },
  );
