import { beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../../functions/api/app.ts';
import type { App } from '../../../functions/platform/http/context.ts';
import { listEntityAudit } from '../../../functions/platform/store/audit.ts';
import { call, tokenFor } from '../../support/api.ts';
import { county, pairingWorld, type PairingWorld } from '../../support/pairing/evaluation-fixtures.ts';

// A yearly ranking on DynamoDB Local through the API: a policy, a run over a county's villages,
// the bottom share of each category as rectification cases, and the cases' life to promotion or
// carry-over into the next year's ranking.
let app: App;
let w: PairingWorld;
let township: string;
let policyId: string;

const extra = [
  // Eight more 强基 villages in 渔阳镇 so the category has ten (two already: 东关村, 西关村).
  ...Array.from({ length: 8 }, (_, i) => ({ code: `1202251002${String(i + 3).padStart(2, '0')}`, name: `强基${i + 3}村`, population: 500, economicallyWeak: true, category: '强基', operatingFundsFen: 10_000_000 })),
];

beforeAll(async () => {
  app = buildApp();
  w = await pairingWorld(app);
  township = await tokenFor('township', '120225100', { sub: 'township-a' });
  for (const v of extra) expect((await call(app, 'POST', '/villages', { token: w.admin, body: v })).status).toBe(201);
  const policy = await call(app, 'POST', '/pairing/ranking-policies', {
    token: w.admin,
    body: {
      division: county,
      name: '2026年度结对帮扶村排名',
      rule: {
        indicators: [
          { key: 'income', name: '村集体收入（分）', weightBp: 7000, direction: 'higher-better' },
          { key: 'complaints', name: '信访件数', weightBp: 3000, direction: 'lower-better' },
        ],
      },
    },
  });
  expect(policy.status).toBe(201);
  expect(policy.body.rule).toMatchObject({ bottomShareBp: 1000, rounding: 'ceil' });
  policyId = policy.body.id;
});

/** 强基: 东关 …201 to …210 with income 10 × n (…201 lowest, tied with …202); 创优: 南关村 alone. */
function input(year: number) {
  const qiangji = Array.from({ length: 10 }, (_, i) => ({ village: `1202251002${String(i + 1).padStart(2, '0')}`, values: { income: i < 2 ? 0 : i * 10, complaints: 0 } }));
  return { policyId, division: county, year, villages: [...qiangji, { village: '120225101201', values: { income: 5, complaints: 2 } }] };
}

describe('yearly ranking and rectification', () => {
  let caseId = '';

  it('ranks within categories, takes the tied bottom of 强基 and the lone 创优 village as cases, and finds the same ranking again', async () => {
    const run = await call(app, 'POST', '/pairing/rankings', { token: w.admin, body: input(2026) });
    expect(run.status).toBe(201);
    const bottom = run.body.results.filter((r: { bottom: boolean }) => r.bottom).map((r: { village: string; rank: number; caseId: string }) => [r.village, r.rank, r.caseId]);
    // ceil(10 × 10 %) = 1, but …201 and …202 tie at the bottom: both are taken. 创优 has one village: ceil(0.1) = 1.
    expect(bottom).toEqual([
      ['120225101201', 1, 'rc-2026-120225101201'],
      ['120225100201', 9, 'rc-2026-120225100201'],
      ['120225100202', 9, 'rc-2026-120225100202'],
    ]);
    const again = await call(app, 'POST', '/pairing/rankings', { token: w.admin, body: input(2026) });
    expect(again.status).toBe(200);
    expect(again.body.id).toBe(run.body.id);
    const different = await call(app, 'POST', '/pairing/rankings', { token: w.admin, body: { ...input(2026), villages: input(2026).villages.slice(1) } });
    expect(different.status).toBe(409);

    const cases = await call(app, 'GET', '/pairing/cases?year=2026', { token: w.admin });
    expect(cases.body.items.map((c: { id: string; status: string }) => [c.id, c.status])).toEqual([
      ['rc-2026-120225100201', 'open'],
      ['rc-2026-120225100202', 'open'],
      ['rc-2026-120225101201', 'open'],
    ]);
    // The township sees its own villages' cases only.
    const own = await call(app, 'GET', '/pairing/cases?year=2026', { token: township });
    expect(own.body.items.map((c: { id: string }) => c.id)).toEqual(['rc-2026-120225100201', 'rc-2026-120225100202']);
    caseId = 'rc-2026-120225100201';
  });

  it('refuses input that does not fit the policy, naming the row and field, and writes nothing', async () => {
    const body = input(2027);
    const missing = await call(app, 'POST', '/pairing/rankings', { token: w.admin, body: { ...body, villages: [{ village: '120225100201', values: { income: 1 } }, { village: '120225999201', values: { income: 1, complaints: 0 } }] } });
    expect(missing.status).toBe(400);
    expect(missing.body.errors.map((e: { field: string }) => e.field)).toEqual(['villages.0.values.complaints', 'villages.1.village']);
    expect((await call(app, 'GET', '/pairing/rankings?year=2027', { token: w.admin })).body.items).toEqual([]);
  });

  it('takes the same input as a CSV with Chinese headers, naming every bad cell by line and column', async () => {
    const url = `/pairing/rankings/csv?policyId=${policyId}&division=120225101&year=2026`;
    const bad = await call(app, 'POST', url, { token: w.admin, rawBody: '村代码,村集体收入（分）,信访件数\n120225101201,12.5,0\nx,1,-1\n', headers: { 'content-type': 'text/csv' } });
    expect(bad.status).toBe(422);
    expect(bad.body.errors.map((e: { field: string }) => e.field)).toEqual(['row 2: income', 'row 3: village', 'row 3: complaints']);
    const good = await call(app, 'POST', url, { token: w.admin, rawBody: '村代码,村集体收入（分）,信访件数\n120225101201,12,0\n', headers: { 'content-type': 'text/csv' } });
    expect(good.status).toBe(201);
    expect(good.body.results).toEqual([expect.objectContaining({ village: '120225101201', category: '创优', rank: 1, bottom: true, values: { income: 12, complaints: 0 } })]);
    // 南关村 had its 2026 case from the county's ranking already: it keeps that one.
    expect((await call(app, 'GET', '/pairing/cases/rc-2026-120225101201', { token: w.admin })).body.rankingId).not.toBe(good.body.id);
  });

  it('a case is planned, re-checked and promoted (晋位转化); another is carried into next year, where the ranking finds it', async () => {
    const plan = { measures: ['调整村“两委”班子', '发展食用菌产业'], responsible: { kind: 'unit', unitId: w.unitA }, deadline: '2026-12-31' };
    const planned = await call(app, 'PUT', `/pairing/cases/${caseId}/plan`, { token: township, body: { ...plan, version: 1 } });
    expect(planned.status).toBe(200);
    expect(planned.headers.get('etag')).toBe('"2"');
    // The responsible unit reads its case; another unit does not.
    expect((await call(app, 'GET', `/pairing/cases/${caseId}`, { token: await tokenFor('unit', county, { unitId: w.unitA }) })).status).toBe(200);
    expect((await call(app, 'GET', `/pairing/cases/${caseId}`, { token: await tokenFor('unit', county, { unitId: w.unitB }) })).status).toBe(403);
    // Promotion needs a passed re-check, and only the county closes.
    expect((await call(app, 'POST', `/pairing/cases/${caseId}/close`, { token: w.admin, body: { outcome: 'promoted' } })).status).toBe(400);
    expect((await call(app, 'POST', `/pairing/cases/${caseId}/close`, { token: township, body: { outcome: 'promoted' } })).status).toBe(403);
    const rechecked = await call(app, 'POST', `/pairing/cases/${caseId}/rechecks`, { token: township, body: { result: '班子调整到位，产业见效', passed: true, date: '2099-01-01' } });
    expect(rechecked.status).toBe(200);
    const promoted = await call(app, 'POST', `/pairing/cases/${caseId}/close`, { token: w.admin, body: { outcome: 'promoted', comment: '晋位转化' } });
    expect(promoted.status).toBe(200);
    expect(promoted.body).toMatchObject({ status: 'promoted', closing: { outcome: 'promoted' } });
    expect((await call(app, 'POST', `/pairing/cases/${caseId}/rechecks`, { token: township, body: { result: 'x', passed: true, date: '2099-01-02' } })).status).toBe(409);

    const carried = await call(app, 'POST', '/pairing/cases/rc-2026-120225100202/close', { token: w.admin, body: { outcome: 'carried', comment: '继续整顿一年' } });
    expect(carried.status).toBe(200);
    expect(carried.body).toMatchObject({ status: 'carried', carriedTo: 'rc-2027-120225100202' });
    const next = await call(app, 'GET', '/pairing/cases/rc-2027-120225100202', { token: w.admin });
    expect(next.body).toMatchObject({ status: 'open', year: 2027, carriedFrom: 'rc-2026-120225100202' });

    // 2027: …202 is at the bottom again; its carried case stays the one, and the ranking names it.
    const ranked = await call(app, 'POST', '/pairing/rankings', { token: w.admin, body: input(2027) });
    expect(ranked.status).toBe(201);
    expect((await call(app, 'GET', '/pairing/cases/rc-2027-120225100202', { token: w.admin })).body).toMatchObject({ carriedFrom: 'rc-2026-120225100202', version: 1 });
    expect(ranked.body.results.find((r: { village: string }) => r.village === '120225100202').caseId).toBe('rc-2027-120225100202');

    const audit = await listEntityAudit('pairingRectificationCase', caseId, { limit: 20 });
    expect(audit.items.map((a) => a.action).reverse()).toEqual(['pairingRectificationCase.open', 'pairingRectificationCase.plan', 'pairingRectificationCase.recheck', 'pairingRectificationCase.promote']);
  });
});
