import { OpenAPIHono, createRoute, z } from '@hono/zod-openapi';
import type { AppEnv } from '../../http/context.ts';
import { requireAllowed, roleGate, listedCounty } from '../../http/context.ts';
import { countyQuery, documented, errorResponses, json, pageOf, pageQueryShape, writeErrorResponses } from '../../http/schemas.ts';
import { NotFoundError, ValidationError } from '../../../shared/errors.ts';
import { getVillage } from '../../registries/store/village.ts';
import { reasonRequiredMessage } from '../../decisions/reason.ts';
import { bankAccountSchema, payeeIdSchema, payeeKindSchema } from '../domain/account.ts';
import { accountChangeSchema, decideAccountChange, getAccountChange, getPayeeAccount, listAccountChanges, listPendingAccountChanges, payeeAccountSchema, proposeAccountChange } from '../store/payee.ts';
import { releasePayoutsOfPayee } from '../store/payout.ts';

const payeeParams = z.object({ payeeId: documented(payeeIdSchema, { param: { name: 'payeeId', in: 'path' }, example: '120225104201' }) });
const changeParams = payeeParams.extend({ changeId: z.string().regex(/^pc-[0-9a-f-]{36}$/, 'must be an account change id').openapi({ param: { name: 'changeId', in: 'path' } }) });

export const accountChangeBodySchema = bankAccountSchema
  .extend({
    kind: payeeKindSchema.default('village').openapi({ description: 'village (payeeId is the village code) or organisation (payeeId org-…)' }),
    division: z.string().regex(/^\d{6,12}$/, 'must be a division code').optional().openapi({ description: 'An organisation’s division (its village); a village’s is its code' }),
  })
  .openapi('PayeeAccountChangeInput');
const rejectBodySchema = z.strictObject({ reason: z.string().trim().min(1, reasonRequiredMessage).max(500) }).openapi('PayeeAccountChangeRejection');
const accountView = documented(payeeAccountSchema, 'PayeeAccount');
const changeView = documented(accountChangeSchema, 'PayeeAccountChange');

/** The division of a change's payee: a village's code, else the change's own record. */
async function changeDivision(payeeId: string, changeId: string): Promise<string | undefined> {
  if (/^\d{12}$/.test(payeeId)) return payeeId;
  return (await getAccountChange(payeeId, changeId))?.division;
}

/** The payee's division, known from the request alone for a village (so authorization comes first). */
async function payeeDivision(payeeId: string, given?: string): Promise<string | undefined> {
  if (/^\d{12}$/.test(payeeId)) return payeeId;
  return (await getPayeeAccount(payeeId))?.division ?? given;
}

export const payeeRoutes = new OpenAPIHono<AppEnv>()
  .openapi(
    createRoute({
      method: 'get',
      middleware: [roleGate('payee:read')] as const,
      path: '/payees/{payeeId}',
      operationId: 'getPayeeAccount',
      tags: ['payments'],
      summary: 'A payee’s bank account in force (village collective economic organisation, or social organisation)',
      request: { params: payeeParams },
      responses: { 200: { description: 'The account', content: json(accountView) }, ...errorResponses },
    }),
    async (c) => {
      const { payeeId } = c.req.valid('param');
      const division = await payeeDivision(payeeId);
      if (!division) throw new NotFoundError(`Payee ${payeeId} has no account`);
      requireAllowed(c, 'payee:read', { division });
      const account = await getPayeeAccount(payeeId);
      if (!account) throw new NotFoundError(`Payee ${payeeId} has no account`);
      return c.json(account, 200);
    },
  )
  .openapi(
    createRoute({
      method: 'post',
      middleware: [roleGate('payee:propose')] as const,
      path: '/payees/{payeeId}/account-changes',
      operationId: 'proposePayeeAccountChange',
      tags: ['payments'],
      summary: 'Propose a payee’s bank account (new or changed); it takes effect when a second person (finance) approves it',
      request: { params: payeeParams, body: { required: true, content: json(accountChangeBodySchema) } },
      responses: { 201: { description: 'Proposed, pending approval', content: json(changeView) }, ...writeErrorResponses },
    }),
    async (c) => {
      const { payeeId } = c.req.valid('param');
      const { kind, division: given, ...proposed } = c.req.valid('json');
      if (kind === 'village' && !/^\d{12}$/.test(payeeId)) throw new ValidationError([{ field: 'kind', message: 'a village payee’s id is its 12-digit code', in: 'body' }]);
      if (kind === 'organisation' && /^\d{12}$/.test(payeeId)) throw new ValidationError([{ field: 'kind', message: 'an organisation payee’s id is org-…', in: 'body' }]);
      const division = await payeeDivision(payeeId, given);
      if (!division) throw new ValidationError([{ field: 'division', message: 'is required for an organisation’s first account', in: 'body' }]);
      const actor = requireAllowed(c, 'payee:propose', { division });
      if (kind === 'village' && !(await getVillage(payeeId))) throw new NotFoundError(`Village ${payeeId} does not exist`);
      return c.json(await proposeAccountChange({ payeeId, kind, division, proposed }, actor), 201);
    },
  )
  .openapi(
    createRoute({
      method: 'get',
      middleware: [roleGate('payee:read')] as const,
      path: '/payees/{payeeId}/account-changes',
      operationId: 'listPayeeAccountChanges',
      tags: ['payments'],
      summary: 'Every proposed change of a payee’s account, oldest first',
      request: { params: payeeParams, query: z.object(pageQueryShape) },
      responses: { 200: { description: 'One page', content: json(pageOf(changeView, 'PayeeAccountChangePage')) }, ...errorResponses },
    }),
    async (c) => {
      const { payeeId } = c.req.valid('param');
      const division = await payeeDivision(payeeId);
      if (!division) throw new NotFoundError(`Payee ${payeeId} has no account`);
      requireAllowed(c, 'payee:read', { division });
      return c.json(await listAccountChanges(payeeId, c.req.valid('query')), 200);
    },
  )
  .openapi(
    createRoute({
      method: 'get',
      middleware: [roleGate('payee:approve')] as const,
      path: '/account-changes',
      operationId: 'listPendingAccountChanges',
      tags: ['payments'],
      summary: 'Account changes waiting for a second person, in a county (finance)',
      request: { query: z.object({ division: countyQuery.optional(), ...pageQueryShape }) },
      responses: { 200: { description: 'One page', content: json(pageOf(changeView, 'PendingAccountChangePage')) }, ...errorResponses },
    }),
    async (c) => {
      const { division, limit, cursor } = c.req.valid('query');
      const county = listedCounty(c, division, 'division');
      const principal = requireAllowed(c, 'payee:approve', { division: county });
      return c.json(await listPendingAccountChanges(county, { limit, cursor }, principal.division), 200);
    },
  )
  .openapi(
    createRoute({
      method: 'post',
      middleware: [roleGate('payee:approve')] as const,
      path: '/payees/{payeeId}/account-changes/{changeId}/approve',
      operationId: 'approvePayeeAccountChange',
      tags: ['payments'],
      summary: 'Approve a proposed account (finance, not the proposer): it takes effect, and payouts waiting for it are instructed',
      responses: { 200: { description: 'Approved', content: json(z.object({ change: changeView, account: accountView, releasedPayouts: z.number().int() }).openapi('PayeeAccountApproval')) }, ...writeErrorResponses },
      request: { params: changeParams },
    }),
    async (c) => {
      const { payeeId, changeId } = c.req.valid('param');
      const division = await changeDivision(payeeId, changeId);
      if (!division) throw new NotFoundError(`Account change ${changeId} does not exist`);
      const actor = requireAllowed(c, 'payee:approve', { division });
      const { change, account } = await decideAccountChange(payeeId, changeId, 'approved', actor, undefined);
      const releasedPayouts = await releasePayoutsOfPayee(payeeId, actor);
      return c.json({ change, account: account!, releasedPayouts }, 200);
    },
  )
  .openapi(
    createRoute({
      method: 'post',
      middleware: [roleGate('payee:approve')] as const,
      path: '/payees/{payeeId}/account-changes/{changeId}/reject',
      operationId: 'rejectPayeeAccountChange',
      tags: ['payments'],
      summary: 'Reject a proposed account with a reason (finance, not the proposer)',
      request: { params: changeParams, body: { required: true, content: json(rejectBodySchema) } },
      responses: { 200: { description: 'Rejected', content: json(changeView) }, ...writeErrorResponses },
    }),
    async (c) => {
      const { payeeId, changeId } = c.req.valid('param');
      const division = await changeDivision(payeeId, changeId);
      if (!division) throw new NotFoundError(`Account change ${changeId} does not exist`);
      const actor = requireAllowed(c, 'payee:approve', { division });
      const { change } = await decideAccountChange(payeeId, changeId, 'rejected', actor, c.req.valid('json').reason);
      return c.json(change, 200);
    },
  );

