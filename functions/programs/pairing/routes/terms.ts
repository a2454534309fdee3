import { OpenAPIHono, createRoute, z } from '@hono/zod-openapi';
import { randomUUID } from 'node:crypto';
import type { AppEnv } from '../../../platform/http/context.ts';
import { principalOf, requireAllowed, roleGate } from '../../../platform/http/context.ts';
import { createdBody, idempotentCreate } from '../../../platform/http/idempotency.ts';
import { documented, errorResponses, idempotencyHeaders, json, pageOf, pageQueryShape, writeErrorResponses } from '../../../platform/http/schemas.ts';
import { divisionCodeSchema } from '../../../platform/registries/domain/division.ts';
import { termIdSchema } from '../domain/pairing.ts';
import { termSchema } from '../domain/term.ts';
import { createTerm, getTerm, listTerms, termRecordSchema, type TermRecord } from '../store/term.ts';
import { NotFoundError } from '../../../shared/errors.ts';

export const pairingTermBodySchema = documented(termSchema, {
  ref: 'PairingTermInput',
  description:
    'A pairing term (帮扶周期). schedule: rules { periodType: monthly | half-yearly | yearly, due: { kind: day-in-period, day, monthInPeriod? } | { kind: days-after-end, days } }, one rule per period type (docs/pairing-schedule.md); targets: counts of villages and collective income in fen.',
});
const recordSchema = documented(termRecordSchema, 'PairingTerm');
const idParams = z.object({ id: documented(termIdSchema, { param: { name: 'id', in: 'path' } }) });

export const pairingTermRoutes = new OpenAPIHono<AppEnv>()
  .openapi(
    createRoute({
      method: 'post',
      middleware: [roleGate('pairing-term:create')] as const,
      path: '/terms',
      operationId: 'createPairingTerm',
      tags: ['pairing'],
      summary: 'Create a pairing term with its reporting schedule and outcome targets (admin); terms are immutable',
      request: { headers: idempotencyHeaders, body: { required: true, content: json(pairingTermBodySchema) } },
      responses: { 201: { description: 'Created', content: json(recordSchema) }, ...writeErrorResponses },
    }),
    async (c) => {
      const input = c.req.valid('json');
      const actor = requireAllowed(c, 'pairing-term:create', { division: input.division });
      const outcome = await idempotentCreate<TermRecord>(c, input, (extraItems) => createTerm(input, actor, { id: `pt-${randomUUID()}`, extraItems }));
      return c.json(createdBody(c, outcome), 201);
    },
  )

  .openapi(
    createRoute({
      method: 'get',
      middleware: [roleGate('pairing-term:read')] as const,
      path: '/terms/{id}',
      operationId: 'getPairingTerm',
      tags: ['pairing'],
      summary: 'Read a pairing term (everyone inside, or covered by, its jurisdiction)',
      request: { params: idParams },
      responses: { 200: { description: 'The term', content: json(recordSchema) }, ...errorResponses },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      const term = await getTerm(id);
      if (!term) throw new NotFoundError(`Pairing term ${id} does not exist`);
      requireAllowed(c, 'pairing-term:read', { division: term.division });
      return c.json(term, 200);
    },
  )

  .openapi(
    createRoute({
      method: 'get',
      middleware: [roleGate('pairing-term:read')] as const,
      path: '/terms',
      operationId: 'listPairingTerms',
      tags: ['pairing'],
      summary: 'Terms run by a jurisdiction or inside it (default: your county)',
      request: {
        query: z.object({
          division: documented(divisionCodeSchema, { description: 'Default: your county (your division if above county level)' }).optional(),
          ...pageQueryShape,
        }),
      },
      responses: { 200: { description: 'One page', content: json(pageOf(recordSchema, 'PairingTermPage')) }, ...errorResponses },
    }),
    async (c) => {
      const { division, limit, cursor } = c.req.valid('query');
      const scope = division ?? principalOf(c).division.slice(0, 6);
      requireAllowed(c, 'pairing-term:read', { division: scope });
      return c.json(await listTerms(scope, { limit, cursor }), 200);
    },
  );
