import { OpenAPIHono, createRoute, z } from '@hono/zod-openapi';
import type { AppEnv } from '../../../platform/http/context.ts';
import { principalOf, requireAllowed, roleGate } from '../../../platform/http/context.ts';
import { CsvRejected, csvSizeLimit, csvText } from '../../../platform/http/csv-upload.ts';
import { createdBody, idempotentCreate } from '../../../platform/http/idempotency.ts';
import { documented, errorResponses, idempotencyHeaders, json, pageOf, pageQueryShape, writeErrorResponses } from '../../../platform/http/schemas.ts';
import { returnForRecomputation } from '../use-cases.ts';
import { accountInputSchema, enterpriseIdSchema, enterpriseInputSchema, parseAccountsCsv, yearSchema } from '../domain/entities.ts';
import type { CsvError } from '../../../platform/csv-table.ts';
import type { AnnualAccount } from '../domain/policy.ts';
import type { Principal } from '../../../platform/principal.ts';
import { authorize } from '../../../platform/authz.ts';
import { ForbiddenError, NotFoundError, ValidationError } from '../../../shared/errors.ts';
import { createEnterprise, getEnterprise, listEnterprises, type EnterpriseRecord } from '../store/enterprise.ts';
import { getAccount, putAccount } from '../store/account.ts';
import { getApplication, getClaim, type ApplicationRecord } from '../store/application.ts';

export const enterpriseBody = documented(enterpriseInputSchema, 'RewardEnterpriseInput');
const enterpriseView = z
  .object({ id: z.string(), name: z.string(), kind: z.enum(['cooperative', 'company']), village: z.string(), version: z.number().int(), createdAt: z.string() })
  .openapi('RewardEnterprise', { description: 'A village enterprise (村级经营性实体)' });
export const accountBody = documented(accountInputSchema, 'RewardAccountInput');
const accountView = z
  .object({
    entityId: z.string(),
    year: z.number().int(),
    operatingIncomeFen: z.number().int(),
    netProfitFen: z.number().int(),
    village: z.string(),
    version: z.number().int(),
    updatedAt: z.string(),
    recordedBy: z.string(),
    returnedApplications: z.array(z.string()).optional().openapi({ description: 'Open applications sent back for re-computation by this edit' }),
  })
  .openapi('RewardAccount');
const idParams = z.object({ id: documented(enterpriseIdSchema, { param: { name: 'id', in: 'path' } }) });
export const accountPutBody = accountBody.extend({ version: z.number().int().min(0).optional() });
const accountParams = idParams.extend({ year: documented(yearSchema, { param: { name: 'year', in: 'path' }, example: 2025 }) });

async function enterpriseOr404(id: string): Promise<EnterpriseRecord> {
  const enterprise = await getEnterprise(id);
  if (!enterprise) throw new NotFoundError(`Enterprise ${id} does not exist`);
  return enterprise;
}

/** Open applications that used this account (for its year, or as the previous year of the next). */
async function affectedApplications(enterprise: EnterpriseRecord, year: number): Promise<ApplicationRecord[]> {
  const found: ApplicationRecord[] = [];
  for (const y of [year, year + 1]) {
    const claim = await getClaim(enterprise.village, enterprise.id, y);
    if (!claim || claim.released) continue;
    const app = await getApplication(claim.applicationId);
    if (app) found.push(app);
  }
  return found;
}

async function recordAccount(principal: Principal, enterprise: EnterpriseRecord, account: AnnualAccount, expectedVersion?: number) {
  const { record, changed } = await putAccount(account, enterprise.village, principal, { expectedVersion });
  const returned = changed ? await returnForRecomputation(principal, await affectedApplications(enterprise, account.year)) : [];
  return { changed, view: { ...record, ...(returned.length > 0 ? { returnedApplications: returned } : {}) } };
}

// Room for the 2,000 rows a file may hold, with long enterprise ids and Chinese headers.
const maxAccountsCsvBytes = 512 * 1024;

export const rewardEnterpriseRoutes = new OpenAPIHono<AppEnv>()
  .openapi(
    createRoute({
      method: 'post',
      middleware: [roleGate('reward-enterprise:create')] as const,
      path: '/enterprises',
      operationId: 'createEnterprise',
      tags: ['reward'],
      summary: 'Register a village enterprise (township or admin)',
      request: { headers: idempotencyHeaders, body: { required: true, content: json(enterpriseBody) } },
      responses: { 201: { description: 'Created', content: json(enterpriseView) }, ...writeErrorResponses },
    }),
    async (c) => {
      const input = c.req.valid('json');
      const actor = requireAllowed(c, 'reward-enterprise:create', { division: input.village });
      const outcome = await idempotentCreate<EnterpriseRecord>(c, input, (extraItems) => createEnterprise(input, actor, { extraItems }));
      return c.json(createdBody(c, outcome), 201);
    },
  )

  .openapi(
    createRoute({
      method: 'get',
      middleware: [roleGate('reward-enterprise:read')] as const,
      path: '/enterprises/{id}',
      operationId: 'getEnterprise',
      tags: ['reward'],
      summary: 'Read an enterprise',
      request: { params: idParams },
      responses: { 200: { description: 'The enterprise', content: json(enterpriseView) }, ...errorResponses },
    }),
    async (c) => {
      const enterprise = await enterpriseOr404(c.req.valid('param').id);
      requireAllowed(c, 'reward-enterprise:read', { division: enterprise.village });
      return c.json(enterprise, 200);
    },
  )

  .openapi(
    createRoute({
      method: 'get',
      middleware: [roleGate('reward-enterprise:read')] as const,
      path: '/enterprises',
      operationId: 'listEnterprises',
      tags: ['reward'],
      summary: 'Enterprises of a county, township or village (default: your jurisdiction)',
      request: { query: z.object({ division: z.string().regex(/^(\d{6}|\d{9}|\d{12})$/, 'must be a county, township or village code').optional(), ...pageQueryShape }) },
      responses: { 200: { description: 'One page', content: json(pageOf(enterpriseView, 'RewardEnterprisePage')) }, ...errorResponses },
    }),
    async (c) => {
      const { division, limit, cursor } = c.req.valid('query');
      const scope = division ?? principalOf(c).division;
      if (scope.length < 6) throw new ValidationError([{ field: 'division', message: 'name a county (6 digits) or lower', in: 'query' }]);
      requireAllowed(c, 'reward-enterprise:read', { division: scope });
      return c.json(await listEnterprises(scope, { limit, cursor }), 200);
    },
  )

  .openapi(
    createRoute({
      method: 'get',
      middleware: [roleGate('reward-enterprise:read')] as const,
      path: '/enterprises/{id}/accounts/{year}',
      operationId: 'getEnterpriseAccount',
      tags: ['reward'],
      summary: "Read an enterprise's account of a year",
      request: { params: accountParams },
      responses: { 200: { description: 'The account', content: json(accountView) }, ...errorResponses },
    }),
    async (c) => {
      const { id, year } = c.req.valid('param');
      const enterprise = await enterpriseOr404(id);
      requireAllowed(c, 'reward-enterprise:read', { division: enterprise.village });
      const account = await getAccount(id, year);
      if (!account) throw new NotFoundError(`No ${year} account of ${id}`);
      return c.json(account, 200);
    },
  )

  .openapi(
    createRoute({
      method: 'put',
      middleware: [roleGate('reward-account:write')] as const,
      path: '/enterprises/{id}/accounts/{year}',
      operationId: 'recordEnterpriseAccount',
      tags: ['reward'],
      summary: 'Record or correct a year’s account (township, 村账镇管); open applications using it are returned for re-computation',
      request: { params: accountParams, body: { required: true, content: json(accountPutBody) } },
      responses: { 200: { description: 'Recorded', content: json(accountView) }, ...writeErrorResponses },
    }),
    async (c) => {
      const { id, year } = c.req.valid('param');
      const { version, ...input } = c.req.valid('json');
      const enterprise = await enterpriseOr404(id);
      const principal = requireAllowed(c, 'reward-account:write', { division: enterprise.village });
      return c.json((await recordAccount(principal, enterprise, { entityId: id, year, ...input }, version)).view, 200);
    },
  )

  .openapi(
    createRoute({
      method: 'post',
      path: '/accounts',
      operationId: 'importEnterpriseAccounts',
      tags: ['reward'],
      summary: 'Record accounts in bulk from a CSV (township): entityId,year,operatingIncomeYuan,netProfitYuan; all rows or none',
      middleware: [csvSizeLimit(maxAccountsCsvBytes)] as const,
      request: { body: { required: true, content: { 'text/csv': { schema: z.string().openapi({ example: 'entityId,year,operatingIncomeYuan,netProfitYuan\nent-demo-1,2025,1850000,420000\n' }) } } } },
      responses: {
        200: { description: 'Recorded', content: json(z.object({ rowCount: z.number().int(), changed: z.number().int(), unchanged: z.number().int(), returnedApplications: z.array(z.string()) }).openapi('RewardAccountImport')) },
        ...writeErrorResponses,
      },
    }),
    async (c) => {
      const principal = requireAllowed(c, 'reward-account:write', { division: principalOf(c).division });
      const text = await csvText(c);
      const parsed = parseAccountsCsv(text);
      if (parsed.errors.length > 0) throw new CsvRejected(parsed.errors);
      // Every row is checked (enterprise exists, inside the caller's jurisdiction) before anything is written.
      const enterprises = new Map<string, EnterpriseRecord>();
      const errors: CsvError[] = [];
      for (const [i, account] of parsed.accounts.entries()) {
        const enterprise = enterprises.get(account.entityId) ?? (await getEnterprise(account.entityId));
        if (!enterprise) errors.push({ row: i + 2, column: 'entityId', message: `enterprise ${account.entityId} does not exist` });
        else if (!authorize(principal, 'reward-account:write', { division: enterprise.village }).allowed) errors.push({ row: i + 2, column: 'entityId', message: `${account.entityId} is outside your jurisdiction` });
        else enterprises.set(account.entityId, enterprise);
      }
      if (errors.length > 0) {
        if (errors.every((e) => e.message.includes('outside your jurisdiction'))) throw new ForbiddenError(errors.map((e) => `row ${e.row}: ${e.message}`).join('; '));
        throw new CsvRejected(errors);
      }
      let changed = 0;
      const returnedApplications: string[] = [];
      for (const account of parsed.accounts) {
        const result = await recordAccount(principal, enterprises.get(account.entityId)!, account);
        if (result.changed) changed++;
        returnedApplications.push(...(result.view.returnedApplications ?? []));
      }
      return c.json({ rowCount: parsed.accounts.length, changed, unchanged: parsed.accounts.length - changed, returnedApplications }, 200);
    },
  );
