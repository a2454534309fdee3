import { OpenAPIHono, createRoute, z } from '@hono/zod-openapi';
import type { AppEnv } from '../http/context.ts';
import { principalOf, requireAllowed, roleGate } from '../http/context.ts';
import { documented, errorResponses, json, pageOf, pageQueryShape } from '../http/schemas.ts';
import { divisionCodeSchema } from '../registries/domain/division.ts';
import { authorize } from '../authz.ts';
import { ForbiddenError, ValidationError } from '../../shared/errors.ts';
import { auditRecordSchema as auditRecordStoreSchema, listDivisionAudit, listEntityAudit } from '../store/audit.ts';

const auditRecordSchema = documented(auditRecordStoreSchema, 'AuditRecord');

const entitySchema = z
  .string()
  .regex(/^[a-z][a-z-]{0,39}:[A-Za-z0-9._:#\-]{1,300}$/, 'must be <type>:<id>, e.g. village:120225100201')
  .openapi({ description: '<type>:<id>, e.g. village:120225100201, unit:<uuid>, division:120225, payout:reward:<programId>:<applicationId>' });

export const auditRoutes = new OpenAPIHono<AppEnv>()
  .openapi(
    createRoute({
      method: 'get',
      middleware: [roleGate('audit:read')] as const,
      path: '/audit',
      operationId: 'listAuditRecords',
      tags: ['audit'],
      summary: 'Audit trail, newest first (admin, auditor): of one entity, or of a jurisdiction (default: yours)',
      request: {
        query: z.object({
          entity: entitySchema.optional(),
          division: divisionCodeSchema.optional().openapi({ description: 'County (6 digits) or lower' }),
          ...pageQueryShape,
        }),
      },
      responses: { 200: { description: 'One page', content: json(pageOf(auditRecordSchema, 'AuditPage')) }, ...errorResponses },
    }),
    async (c) => {
      const { entity, division, limit, cursor } = c.req.valid('query');
      const principal = principalOf(c);
      if (entity !== undefined && division !== undefined) {
        throw new ValidationError([{ field: 'entity', message: 'give either entity or division, not both', in: 'query' }]);
      }
      if (entity !== undefined) {
        // Role check first (so a finance user gets 403 even for an empty history), then every
        // record is checked against the caller's jurisdiction: an entity's division can change.
        requireAllowed(c, 'audit:read', { division: principal.division });
        const separator = entity.indexOf(':');
        const page = await listEntityAudit(entity.slice(0, separator), entity.slice(separator + 1), { limit, cursor });
        const outside = page.items.find((r) => !authorize(principal, 'audit:read', { division: r.division }).allowed);
        if (outside) throw new ForbiddenError(`The history of ${entity} lies outside your jurisdiction`);
        return c.json(page, 200);
      }
      const scope = division ?? principal.division;
      requireAllowed(c, 'audit:read', { division: scope });
      if (scope.length < 6) {
        throw new ValidationError([{ field: 'division', message: 'the trail is kept per county: name a county (6 digits) or lower', in: 'query' }]);
      }
      return c.json(await listDivisionAudit(scope, { limit, cursor }), 200);
    },
  );
