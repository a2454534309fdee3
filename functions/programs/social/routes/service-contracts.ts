import { OpenAPIHono, createRoute, z } from '@hono/zod-openapi';
import { randomUUID } from 'node:crypto';
import { calendarDateSchema } from '../../../platform/calendar.ts';
import type { AppEnv } from '../../../platform/http/context.ts';
import { listedTownship, requireAllowed, roleGate } from '../../../platform/http/context.ts';
import { documented, errorResponses, json, pageOf, pageQueryShape, writeErrorResponses } from '../../../platform/http/schemas.ts';
import { isPrintableText, printableMessage } from '../../../platform/names.ts';
import { ConflictError } from '../../../shared/errors.ts';
import { organisationIdSchema } from '../domain/organisation.ts';
import { acceptDeliverable, createContract, listContracts, requireContract, serviceContractSchema } from '../store/service-contract.ts';
import { authorizedOrganisation } from './organisations.ts';
import { townshipListQuery } from './venture.ts';

const text = (max: number) => z.string().trim().min(1, 'must not be empty').max(max).refine(isPrintableText, printableMessage);
export const serviceContractBodySchema = z
  .strictObject({
    organisationId: organisationIdSchema,
    year: z.number().int().min(2000).max(2100),
    title: text(200),
    deliverables: z.array(z.strictObject({ description: text(500), amountFen: z.number().int().min(1).max(10_000_000_000), dueOn: calendarDateSchema })).min(1).max(12),
  })
  .openapi('SocialServiceContractInput');

const contractView = documented(serviceContractSchema, { ref: 'SocialServiceContract', description: 'A purchase-of-services contract with its deliverables; each accepted deliverable carries the payout of its instalment' });
const contractSummary = documented(
  serviceContractSchema.pick({ id: true, township: true, year: true, organisationId: true, village: true, organisationName: true, title: true, totalFen: true, status: true, createdAt: true, updatedAt: true }).extend({
    instalments: z.number().int(),
    instalmentsPaid: z.number().int(),
    paidFen: z.number().int(),
  }),
  { ref: 'SocialServiceContractSummary', description: 'A contract in a list: organisation, total, instalments paid of all' },
);
const idParams = z.object({ id: z.string().regex(/^ssc-[0-9a-f-]{36}$/, 'must be a service contract id').openapi({ param: { name: 'id', in: 'path' } }) });

export const serviceContractRoutes = new OpenAPIHono<AppEnv>()
  .openapi(
    createRoute({
      method: 'post',
      middleware: [roleGate('social-funding:manage')] as const,
      path: '/service-contracts',
      operationId: 'createSocialServiceContract',
      tags: ['social'],
      summary: 'The township contracts services from a filed or active organisation of its township (购买服务): deliverables, each with its instalment in fen and due date',
      request: { body: { required: true, content: json(serviceContractBodySchema) } },
      responses: { 201: { description: 'Contracted', content: json(contractView) }, ...writeErrorResponses },
    }),
    async (c) => {
      const input = c.req.valid('json');
      const { org, actor } = await authorizedOrganisation(c, input.organisationId, 'social-funding:manage');
      if (org.status !== 'filed' && org.status !== 'active') throw new ConflictError(`Organisation ${org.id} is ${org.status}`);
      const at = new Date().toISOString();
      const deliverables = input.deliverables.map((d, i) => ({ ...d, n: i + 1 }));
      const contract = await createContract(
        { id: `ssc-${randomUUID()}`, township: org.township, year: input.year, organisationId: org.id, village: org.village, organisationName: org.name, title: input.title, deliverables, totalFen: deliverables.reduce((a, d) => a + d.amountFen, 0), status: 'active', createdBy: actor.sub, version: 1, createdAt: at, updatedAt: at },
        actor,
      );
      return c.json(contract, 201);
    },
  )
  .openapi(
    createRoute({
      method: 'get',
      middleware: [roleGate('social-funding:read')] as const,
      path: '/service-contracts',
      operationId: 'listSocialServiceContracts',
      tags: ['social'],
      summary: 'The purchase-of-services contracts of a township (default: yours), newest first, optionally of one year and one organisation',
      request: { query: z.object({ ...townshipListQuery, organisationId: organisationIdSchema.optional().openapi({ description: 'Only this organisation’s contracts' }), ...pageQueryShape }) },
      responses: { 200: { description: 'One page', content: json(pageOf(contractSummary, 'SocialServiceContractPage')) }, ...errorResponses },
    }),
    async (c) => {
      const { township: named, year, organisationId, limit, cursor } = c.req.valid('query');
      const township = listedTownship(c, named, 'township');
      requireAllowed(c, 'social-funding:read', { division: township });
      const page = await listContracts(township, { year, organisationId }, { limit, cursor });
      const items = page.items.map((k) => {
        const paid = k.deliverables.filter((d) => d.acceptedAt !== undefined);
        return contractSummary.parse({ ...k, instalments: k.deliverables.length, instalmentsPaid: paid.length, paidFen: paid.reduce((a, d) => a + d.amountFen, 0) });
      });
      return c.json({ items, ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}) }, 200);
    },
  )
  .openapi(
    createRoute({
      method: 'get',
      middleware: [roleGate('social-funding:read')] as const,
      path: '/service-contracts/{id}',
      operationId: 'getSocialServiceContract',
      tags: ['social'],
      summary: 'A purchase-of-services contract',
      request: { params: idParams },
      responses: { 200: { description: 'The contract', content: json(contractView) }, ...errorResponses },
    }),
    async (c) => {
      const contract = await requireContract(c.req.valid('param').id);
      requireAllowed(c, 'social-funding:read', { division: contract.village });
      return c.json(contract, 200);
    },
  )
  .openapi(
    createRoute({
      method: 'post',
      middleware: [roleGate('social-funding:manage')] as const,
      path: '/service-contracts/{id}/deliverables/{n}/accept',
      operationId: 'acceptSocialServiceDeliverable',
      tags: ['social'],
      summary: 'The township accepts a deliverable; its instalment is paid exactly once in the same transaction, within the township budget (409 and nothing accepted when the budget does not cover it)',
      request: { params: idParams.extend({ n: z.coerce.number().int().min(1).max(12).openapi({ param: { name: 'n', in: 'path' } }) }) },
      responses: { 200: { description: 'Accepted and paid', content: json(contractView) }, ...writeErrorResponses },
    }),
    async (c) => {
      const { id, n } = c.req.valid('param');
      const contract = await requireContract(id);
      const actor = requireAllowed(c, 'social-funding:manage', { division: contract.village });
      return c.json(await acceptDeliverable(contract, n, actor), 200);
    },
  );
