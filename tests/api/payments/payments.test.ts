import { beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { buildApp } from '../../../functions/api/app.ts';
import { accountChangeBodySchema } from '../../../functions/platform/payments/routes/payees.ts';
import { batchCreateSchema } from '../../../functions/platform/payments/routes/batches.ts';
import { call, tokenFor } from '../../support/api.ts';
import { fuzzRoute, tableSnapshot, type FuzzTarget } from '../../support/fuzz.ts';
import * as z from 'zod';

// The payments routes' answers to bad input and to callers without the right: 4xx problems naming
// the field, nothing written; authorization decided before anything is looked up.
const app = buildApp();
let admin: string;
let finance: string;
let township: string;
const village = { code: '120225100201', name: '东关村', population: 1200, economicallyWeak: true, category: '强基', operatingFundsFen: 16_000_000 };
const batchId = 'pb-reward-20261201-0123456789';
const changeId = `pc-${'0'.repeat(8)}-0000-0000-0000-${'0'.repeat(12)}`;

/** The payments POST routes with a JSON body (tests/api/platform/fuzz.test.ts names them as fuzzed here). */
function targets(): FuzzTarget[] {
  return [
    { app, token: finance, method: 'POST', path: `/payments/payees/${village.code}/account-changes`, schema: accountChangeBodySchema, valid: { accountName: '东关村股份经济合作社', bank: '中国农业银行蓟州支行', accountNumber: '6228480012345678901', validFrom: '2026-01-01' } },
    { app, token: finance, method: 'POST', path: `/payments/payees/${village.code}/account-changes/${changeId}/reject`, schema: z.strictObject({ reason: z.string().trim().min(1) }), valid: { reason: '账号与开户证明不符' } },
    { app, token: finance, method: 'POST', path: '/payments/batches', schema: batchCreateSchema, valid: { program: 'reward', division: '120225', date: '2026-12-01' } },
    { app, token: finance, method: 'POST', path: `/payments/batches/${batchId}/approve`, schema: z.strictObject({ comment: z.string().max(500).optional() }), valid: { comment: '同意' } },
    { app, token: finance, method: 'POST', path: `/payments/batches/${batchId}/reject`, schema: z.strictObject({ reason: z.string().trim().min(1) }), valid: { reason: '金额待核' } },
  ];
}

beforeAll(async () => {
  admin = await tokenFor('admin', '120225');
  finance = await tokenFor('finance', '120225', { sub: 'finance-api' });
  township = await tokenFor('township', '120225100', { sub: 'township-api' });
  expect((await call(app, 'POST', '/divisions', { token: admin, body: { code: '120225', name: '蓟州区' } })).status).toBe(201);
  expect((await call(app, 'POST', '/divisions', { token: admin, body: { code: '120225100', name: '渔阳镇' } })).status).toBe(201);
  expect((await call(app, 'POST', '/villages', { token: admin, body: village })).status).toBe(201);
});

describe('payments routes refuse bad input with 4xx problems and write nothing', () => {
  it('starts from bodies the routes accept', () => {
    for (const t of targets()) expect(t.schema.safeParse(t.valid).success, t.path).toBe(true);
  });

  it.each([0, 1, 2, 3, 4])('route #%i: 200+ invalid bodies', async (i) => {
    const seen = await fuzzRoute({ ...targets()[i]!, runs: 200 });
    expect([...seen.keys()].every((s) => s >= 400 && s < 500)).toBe(true);
  });

  it('a results file for a batch that does not exist, or any malformed file: 4xx, nothing written', async () => {
    const before = await tableSnapshot();
    const text = fc.oneof(fc.string({ maxLength: 300 }), fc.array(fc.array(fc.string({ maxLength: 12 }), { maxLength: 7 }), { maxLength: 6 }).map((rows) => rows.map((r) => r.join(',')).join('\n')));
    await fc.assert(
      fc.asyncProperty(text, async (body) => {
        const res = await call(app, 'POST', `/payments/batches/${batchId}/results`, { token: finance, rawBody: body, headers: { 'content-type': 'text/csv' } });
        expect(res.status, body).toBeGreaterThanOrEqual(400);
        expect(res.status, body).toBeLessThan(500);
      }),
      { numRuns: 100 },
    );
    expect(await tableSnapshot()).toEqual(before);
  });

  it('names the bad field of an account', async () => {
    const res = await call(app, 'POST', `/payments/payees/${village.code}/account-changes`, { token: finance, body: { accountName: '东关村', bank: '农行', accountNumber: '6228-abc', validFrom: '2026-02-30' } });
    expect(res.status).toBe(400);
    expect(res.body.errors.map((e: { field: string }) => e.field).sort()).toEqual(['accountNumber', 'validFrom']);
  });
});

describe('payments authorization', () => {
  it('decides by role before looking anything up, then by jurisdiction', async () => {
    const villageUser = await tokenFor('village', village.code);
    const unit = await tokenFor('unit', '120225', { unitId: 'u-1' });
    const otherFinance = await tokenFor('finance', '120223');
    // Batches: finance only; a missing and an existing batch answer the same to anyone else.
    for (const token of [admin, township, villageUser, unit]) {
      expect((await call(app, 'POST', '/payments/batches', { token, body: { program: 'reward' } })).status).toBe(403);
      expect((await call(app, 'POST', `/payments/batches/${batchId}/approve`, { token, body: {} })).status).toBe(403);
    }
    for (const token of [township, villageUser, unit]) expect((await call(app, 'GET', `/payments/batches/${batchId}`, { token })).status).toBe(403);
    expect((await call(app, 'GET', `/payments/batches/${batchId}`, { token: finance })).status).toBe(404);
    expect((await call(app, 'POST', '/payments/batches', { token: otherFinance, body: { program: 'reward', division: '120225' } })).status).toBe(403);
    // Accounts: a village's is read and proposed in its jurisdiction only; units and villages never.
    expect((await call(app, 'GET', `/payments/payees/${village.code}`, { token: otherFinance })).status).toBe(403);
    expect((await call(app, 'GET', `/payments/payees/${village.code}`, { token: villageUser })).status).toBe(403);
    expect((await call(app, 'GET', `/payments/payees/${village.code}`, { token: finance })).status).toBe(404);
    const outside = await tokenFor('township', '120225101', { sub: 'township-out' });
    expect((await call(app, 'POST', `/payments/payees/${village.code}/account-changes`, { token: outside, body: targets()[0]!.valid })).status).toBe(403);
    // Payouts: finance reissues, in jurisdiction.
    expect((await call(app, 'POST', `/payments/payouts/${encodeURIComponent('reward:p1:a1')}/reissue`, { token: admin })).status).toBe(403);
    expect((await call(app, 'POST', `/payments/payouts/${encodeURIComponent('reward:p1:a1')}/reissue`, { token: finance })).status).toBe(404);
    expect((await call(app, 'GET', `/payments/payouts/${encodeURIComponent('reward p1')}`, { token: finance })).status).toBe(400);
  });

  it('lists the payment file templates, the treasury layout first', async () => {
    const res = await call(app, 'GET', '/payments/templates', { token: finance });
    expect(res.status).toBe(200);
    expect(res.body.map((t: { id: string }) => t.id)).toEqual(['treasury', 'bank-generic']);
  });
});
