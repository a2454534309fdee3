import { OpenAPIHono, createRoute, z } from '@hono/zod-openapi';
import type { AppEnv } from '../../http/context.ts';
import { principalOf, requireAllowed, roleGate } from '../../http/context.ts';
import { documented, errorResponses, json, pageOf, pageQueryShape, writeErrorResponses } from '../../http/schemas.ts';
import { NotFoundError } from '../../../shared/errors.ts';
import { authorize } from '../../authz.ts';
import { ledgerEntries } from '../../store/ledger.ts';
import { fenSchema, sumFen } from '../../money.ts';
import { parsePayoutId, payoutIdSchema, payoutPartSchema, payoutStatuses, payoutTotals } from '../domain/payout.ts';
import { getPayout, listProgramPayouts, payoutRecordSchema, payouts, reissuePayout } from '../store/payout.ts';

const payoutView = documented(payoutRecordSchema, 'Payout');
const payoutParams = z.object({ payoutId: documented(payoutIdSchema, { param: { name: 'payoutId', in: 'path' }, example: 'reward:rp-demo:app-1' }) });
const programParams = z.object({
  program: z.string().regex(/^[a-z][a-z0-9-]{0,30}$/, 'must be a program name').openapi({ param: { name: 'program', in: 'path' }, example: 'funding' }),
  programId: documented(payoutPartSchema, { param: { name: 'programId', in: 'path' } }),
});
const bucketSchema = z.object({ count: z.number().int(), amountFen: z.number().int() });
const totalsSchema = z
  .object({
    program: z.string(),
    programId: z.string(),
    ledger: bucketSchema.openapi({ description: 'Approved payouts as the ledger records them' }),
    payouts: z.object(Object.fromEntries(['approved', ...payoutStatuses].map((s) => [s, bucketSchema]))).openapi({ description: 'Every payout once, at its current status; the statuses add up to approved' }),
    consistent: z.boolean().openapi({ description: 'The ledger and the payouts agree, and the statuses add up' }),
  })
  .openapi('ProgramMoneyPath');

async function readablePayout(c: Parameters<typeof principalOf>[0], payoutId: string, action: 'payment:read' | 'payment:manage') {
  principalOf(c);
  const payout = await getPayout(parsePayoutId(payoutId));
  if (!payout) throw new NotFoundError(`Payout ${payoutId} does not exist`);
  const actor = requireAllowed(c, action, { division: payout.division });
  return { payout, actor };
}

export const payoutRoutes = new OpenAPIHono<AppEnv>()
  .openapi(
    createRoute({
      method: 'get',
      middleware: [roleGate('payment:read')] as const,
      path: '/payouts/{payoutId}',
      operationId: 'getPayout',
      tags: ['payments'],
      summary: 'A payout: its current instruction, account, batch and bank result, and earlier failed attempts',
      request: { params: payoutParams },
      responses: { 200: { description: 'The payout', content: json(payoutView) }, ...errorResponses },
    }),
    async (c) => c.json((await readablePayout(c, c.req.valid('param').payoutId, 'payment:read')).payout, 200),
  )
  .openapi(
    createRoute({
      method: 'post',
      middleware: [roleGate('payment:manage')] as const,
      path: '/payouts/{payoutId}/reissue',
      operationId: 'reissuePayout',
      tags: ['payments'],
      summary: 'Reissue a failed payout (finance): a new instruction to the payee’s account as it stands now; the failed one can never be paid',
      request: { params: payoutParams },
      responses: { 200: { description: 'Reissued', content: json(payoutView) }, ...writeErrorResponses },
    }),
    async (c) => {
      const { payout, actor } = await readablePayout(c, c.req.valid('param').payoutId, 'payment:manage');
      return c.json(await reissuePayout(payout, actor), 200);
    },
  )
  .openapi(
    createRoute({
      method: 'get',
      middleware: [roleGate('payment:read')] as const,
      path: '/programs/{program}/{programId}/payouts',
      operationId: 'listProgramPayouts',
      tags: ['payments'],
      summary: 'Payouts of a program instance (a reward program, a funding run) inside your jurisdiction',
      request: { params: programParams, query: z.object(pageQueryShape) },
      responses: { 200: { description: 'One page', content: json(pageOf(payoutView, 'PayoutPage')) }, ...errorResponses },
    }),
    async (c) => {
      const { program, programId } = c.req.valid('param');
      const principal = principalOf(c);
      const page = await listProgramPayouts(program, programId, c.req.valid('query'));
      return c.json({ ...page, items: page.items.filter((p) => authorize(principal, 'payment:read', { division: p.division }).allowed) }, 200);
    },
  )
  .openapi(
    createRoute({
      method: 'get',
      middleware: [roleGate('payment:read')] as const,
      path: '/programs/{program}/{programId}/totals',
      operationId: 'getProgramPaymentTotals',
      tags: ['payments'],
      summary: 'The money path of a program instance inside your jurisdiction: approved, awaiting an account, instructed, batched, sent, paid and failed',
      request: { params: programParams },
      responses: { 200: { description: 'Totals', content: json(totalsSchema) }, ...errorResponses },
    }),
    async (c) => {
      const { program, programId } = c.req.valid('param');
      const principal = principalOf(c);
      const mine = (division: string) => authorize(principal, 'payment:read', { division }).allowed;
      const ledgerAmounts: number[] = [];
      for await (const e of ledgerEntries.query.ofProgram.select({ program, programId }, z.object({ amountFen: fenSchema, division: z.string() }), { consistent: true })) {
        if (mine(e.division)) ledgerAmounts.push(e.amountFen);
      }
      const rows = [];
      for await (const p of payouts.query.ofProgram.all({ program, programId }, { consistent: true })) if (mine(p.division)) rows.push(p);
      const totals = payoutTotals(rows);
      const ledger = { count: ledgerAmounts.length, amountFen: sumFen(ledgerAmounts) };
      const parts = payoutStatuses.map((s) => totals[s]);
      const addsUp = sumFen(parts.map((b) => b.amountFen)) === totals.approved.amountFen && parts.reduce((n, b) => n + b.count, 0) === totals.approved.count;
      return c.json({ program, programId, ledger, payouts: totals, consistent: addsUp && ledger.count === totals.approved.count && ledger.amountFen === totals.approved.amountFen }, 200);
    },
  );
