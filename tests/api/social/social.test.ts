import { beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { buildApp } from '../../../functions/api/app.ts';
import { beijingDate } from '../../../functions/platform/calendar.ts';
import { listEntityAudit } from '../../../functions/platform/store/audit.ts';
import { annualReportBodySchema } from '../../../functions/programs/social/routes/reports.ts';
import { gradingRoundBodySchema, scoreBodySchema } from '../../../functions/programs/social/routes/grading.ts';
import { organisationBodySchema, organisationUpdateSchema, statusChangeSchema, statusChangeWithReasonSchema } from '../../../functions/programs/social/routes/organisations.ts';
import { fiveAScale } from '../../../functions/programs/social/domain/grading.ts';
import { coverageExportHeaders } from '../../../functions/programs/social/routes/coverage.ts';
import { budgetRaiseSchema, rewardRunApprovalSchema, rewardRunBodySchema } from '../../../functions/programs/social/routes/funding.ts';
import { proposalBodySchema, ventureReviewBodySchema, ventureRoundBodySchema } from '../../../functions/programs/social/routes/venture.ts';
import { serviceContractBodySchema } from '../../../functions/programs/social/routes/service-contracts.ts';
import { call, tokenFor } from '../../support/api.ts';
import { fuzzRoute, tableSnapshot, type FuzzTarget } from '../../support/fuzz.ts';
import { organisationInput, seedSocialVillages, socialActors, type SocialActors } from '../../support/social/fixtures.ts';

// The social program's routes without workflows: the import (organisations on paper), coverage and
// its exports, annual reports, a grading round with the conflict-of-interest refusal, authorization
// and fuzzing of every POST/PUT.
const app = buildApp();
let t: SocialActors;
let villages: string[];
let publishedRound = '';
const header = 'village,name,category,categoryDescription,leaderName,partyMember,returnedTalent,fiveElders,members,foundedOn,contact,status';
const row = (village: string, name: string, category: string, status = 'active', description = '') => `${village},${name},${category},${description},王芳,是,否,是,12,2018-06-01,13900000000,${status}`;
const lastYear = Number(beijingDate(new Date()).slice(0, 4)) - 1;

beforeAll(async () => {
  villages = await seedSocialVillages(3, 2000);
  t = await socialActors();
});

async function importCsv(text: string, token = t.township) {
  return call(app, 'POST', '/social/organisations/import', { token, rawBody: text, headers: { 'content-type': 'text/csv' } });
}

describe('import of organisations on paper', () => {
  it('refuses the whole file with every error by line and column, writing nothing', async () => {
    const before = await tableSnapshot();
    const bad = [header, row(villages[0]!, '甲', '乡贤参事类'), row(villages[0]!, '乙', '不存在类'), row(villages[0]!, '丙', '其他'), row('120225101201', '丁', '乡风文明类'), row('120225100299', '戊', '乡风文明类')].join('\n');
    const res = await importCsv(bad);
    expect(res.status).toBe(422);
    const errors = res.body.errors as { row?: number; field?: string; message: string }[];
    expect(errors.length).toBeGreaterThanOrEqual(2);
    expect(JSON.stringify(errors)).toMatch(/category/);
    expect(JSON.stringify(errors)).toMatch(/categoryDescription/);
    expect(await tableSnapshot()).toEqual(before);
    // Outside the township's jurisdiction, and an unregistered village: refused as such.
    const outside = await importCsv([header, row('120225101201', '丁', '乡风文明类'), row('120225100299', '戊', '乡风文明类')].join('\n'));
    expect(outside.status).toBe(422);
    expect(JSON.stringify(outside.body)).toMatch(/outside your jurisdiction/);
    expect(JSON.stringify(outside.body)).toMatch(/not registered/);
    expect(await tableSnapshot()).toEqual(before);
  });

  it('registers every row filed or active with filing numbers, counted in coverage', async () => {
    const categories = ['乡贤参事类', '乡风文明类', '志愿服务类', '矛盾调解类', '行业协会类'];
    const lines = [header, ...categories.map((c, i) => row(villages[0]!, `一村${i}`, c)), row(villages[1]!, '二村甲', '其他', '已备案', '文体'), row(villages[1]!, '二村乙', '志愿服务类', '活动中')];
    const res = await importCsv(lines.join('\n'));
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body.created).toBe(7);
    const org = await call(app, 'GET', `/social/organisations/${res.body.ids[0]}`, { token: await t.village(villages[0]!) });
    expect(org.body).toMatchObject({ status: 'active', origin: 'import', filingNumber: expect.stringMatching(/^120225100-\d{4}-\d{4}$/) });
    const numbers = new Set<string>();
    for (const id of res.body.ids) numbers.add((await call(app, 'GET', `/social/organisations/${id}`, { token: t.township })).body.filingNumber);
    expect(numbers.size).toBe(7);
    expect((await listEntityAudit('social-organisation', res.body.ids[0], { limit: 5 })).items.map((a) => a.action)).toEqual(['social-organisation.import']);
  });
});

describe('coverage', () => {
  it('villages × categories with the township roll-up, villages below 5, missing categories, per 1,000 residents and the trend', async () => {
    const res = await call(app, 'GET', `/social/coverage?division=120225100`, { token: t.township });
    expect(res.status).toBe(200);
    const v0 = res.body.villages.find((v: { village: string }) => v.village === villages[0]);
    expect(v0).toMatchObject({ total: 5, belowTarget: false, missing: ['other'], per1000Hundredths: 250 });
    const v1 = res.body.villages.find((v: { village: string }) => v.village === villages[1]);
    expect(v1).toMatchObject({ total: 2, belowTarget: true });
    expect(res.body.belowTarget).toEqual([villages[1], villages[2]]);
    expect(res.body.missingByCategory.sage).toEqual([villages[1], villages[2]]);
    expect(res.body.summary).toMatchObject({ total: 7, villages: 3, villagesBelowTarget: 2 });
    expect(res.body.townships).toEqual([expect.objectContaining({ township: '120225100', total: 7, villages: 3 })]);
    expect(res.body.trend.at(-1).organisations).toBe(7);
    // A village reads its own coverage only.
    expect((await call(app, 'GET', `/social/coverage?division=${villages[1]}`, { token: await t.village(villages[0]!) })).status).toBe(403);
    expect((await call(app, 'GET', `/social/coverage`, { token: await tokenFor('unit', '120225', { unitId: 'u1' }) })).status).toBe(403);
  });

  it('a county answers from its township roll-ups, its villages a page at a time when asked', async () => {
    const county = await call(app, 'GET', `/social/coverage?division=120225`, { token: t.finance });
    expect(county.status).toBe(200);
    const row = county.body.townships.find((r: { township: string }) => r.township === '120225100');
    expect(row).toMatchObject({ total: 7, categories: { sage: 1, civility: 1, volunteer: 2, mediation: 1, trade: 1, other: 1 } });
    expect(row.villages).toBeUndefined();
    expect(county.body.summary.total).toBe(county.body.townships.reduce((a: number, r: { total: number }) => a + r.total, 0));
    expect(county.body.villages).toEqual([]);
    expect(county.body.nextCursor).toBeUndefined();
    const below = await call(app, 'GET', `/social/coverage?division=120225&villages=below-target`, { token: t.finance });
    expect(below.status).toBe(200);
    expect(below.body.belowTarget).toEqual(expect.arrayContaining([villages[1], villages[2]]));
    expect(below.body.belowTarget).not.toContain(villages[0]);
    const all = await call(app, 'GET', `/social/coverage?division=120225&villages=all&cursor=${villages[0]}`, { token: t.finance });
    expect(all.body.villages.map((v: { village: string }) => v.village)).toEqual(expect.arrayContaining([villages[1], villages[2]]));
    expect(all.body.villages.map((v: { village: string }) => v.village)).not.toContain(villages[0]);
    // Pages of villages are a county's: a township gives all of its own.
    const refused = await call(app, 'GET', `/social/coverage?division=120225100&villages=all`, { token: t.township });
    expect(refused.status).toBe(400);
    expect(JSON.stringify(refused.body)).toMatch(/villages/);
    expect((await call(app, 'GET', `/social/coverage?division=120225&villages=all&cursor=12`, { token: t.finance })).status).toBe(400);
  });

  it('exports the grid as CSV and XLSX with Chinese headers', async () => {
    const csv = await call(app, 'GET', '/social/coverage.csv?division=120225100', { token: t.finance });
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toMatch(/text\/csv/);
    const text = String(csv.body).replace(/^\uFEFF/, '');
    expect(text.split('\r\n')[0]).toBe(coverageExportHeaders.join(','));
    expect(text).toContain(`${villages[0]},村201,2000,1,1,1,1,1,0,5,2.50,是,其他`);
    const xlsx = await app.request('/social/coverage.xlsx?division=120225100', { headers: { authorization: `Bearer ${t.auditor}` } });
    expect(xlsx.status).toBe(200);
    expect(new Uint8Array(await xlsx.arrayBuffer()).slice(0, 2)).toEqual(new Uint8Array([0x50, 0x4b]));
  });
});

describe('annual reports and grading', () => {
  it('a grading round: the scorer of the organisation’s own village is refused; no report for last year is flagged; the excellent list once published', async () => {
    const list = await call(app, 'GET', `/social/organisations?division=${villages[0]}`, { token: t.township });
    const [withReport, withoutReport, oneScorer] = list.body.items as { id: string }[];
    const report = { activities: 12, peopleServed: 300, incomeFen: 500_000, spendingFen: 420_000 };
    const village0 = await t.village(villages[0]!);
    // A report for the current year is refused; another village may not file it.
    expect((await call(app, 'PUT', `/social/organisations/${withReport!.id}/reports/${lastYear + 1}`, { token: village0, body: report })).status).toBe(400);
    expect((await call(app, 'PUT', `/social/organisations/${withReport!.id}/reports/${lastYear}`, { token: await t.village(villages[1]!), body: report })).status).toBe(403);
    const filed = await call(app, 'PUT', `/social/organisations/${withReport!.id}/reports/${lastYear}`, { token: village0, body: report });
    expect(filed.status, JSON.stringify(filed.body)).toBe(200);
    expect(filed.body).toMatchObject({ year: lastYear, dueDate: `${lastYear + 1}-03-31` });
    expect((await call(app, 'PUT', `/social/organisations/${oneScorer!.id}/reports/${lastYear}`, { token: village0, body: report })).status).toBe(200);

    const scorerA = await tokenFor('township', '120225100', { sub: 'scorer-a' });
    const scorerB = await tokenFor('township', '120225100', { sub: 'scorer-b' });
    const scorerOwn = await tokenFor('township', '120225100', { sub: 'scorer-own' });
    const body = { township: '120225100', year: lastYear + 1, scale: fiveAScale, validityYears: 3, scorers: [{ sub: 'scorer-a', village: villages[2] }, { sub: 'scorer-b' }, { sub: 'scorer-own', village: villages[0] }] };
    expect((await call(app, 'POST', '/social/grading-rounds', { token: village0, body })).status).toBe(403);
    const created = await call(app, 'POST', '/social/grading-rounds', { token: t.township, body });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect((await call(app, 'POST', '/social/grading-rounds', { token: t.township, body })).status).toBe(409);
    const id = created.body.id as string;
    const score = (token: string, org: string, value: number) => call(app, 'PUT', `/social/grading-rounds/${id}/scores/${org}`, { token, body: { score: value } });

    const refused = await score(scorerOwn, withReport!.id, 950);
    expect(refused.status).toBe(403);
    expect(refused.body.detail).toMatch(/scorer-own-village.*own village/);
    expect((await score(t.township, withReport!.id, 950)).status).toBe(403); // not on the panel
    expect((await score(scorerA, withReport!.id, 1001)).status).toBe(400);
    expect((await score(scorerA, withReport!.id, 899)).status).toBe(200);
    expect((await score(scorerB, withReport!.id, 900)).status).toBe(200);
    expect((await score(scorerA, withoutReport!.id, 950)).status).toBe(200);
    expect((await score(scorerB, withoutReport!.id, 950)).status).toBe(200);
    expect((await score(scorerA, oneScorer!.id, 950)).status).toBe(200);

    expect((await call(app, 'GET', `/social/grading-rounds/${id}/results?excellent=true`, { token: t.township })).status).toBe(409);
    const graded = await call(app, 'POST', `/social/grading-rounds/${id}/grade`, { token: t.township });
    expect(graded.status).toBe(200);
    const byId = new Map((graded.body.items as { organisationId: string; outcome: string }[]).map((r) => [r.organisationId, r]));
    expect(byId.get(withReport!.id)).toMatchObject({ outcome: 'graded', mean: 900, grade: '5A', excellent: true, validUntil: lastYear + 3 });
    expect(byId.get(withoutReport!.id)).toMatchObject({ outcome: 'no-annual-report', excellent: false });
    expect(byId.get(oneScorer!.id)).toMatchObject({ outcome: 'too-few-scorers', scorers: 1 });
    // The four others have neither a report nor scores: the missing report is what flags them.
    expect([...byId.values()].filter((r) => r.outcome === 'no-annual-report').length).toBe(graded.body.items.length - 2);

    expect((await call(app, 'POST', `/social/grading-rounds/${id}/publish`, { token: t.township })).body.status).toBe('published');
    const excellent = await call(app, 'GET', `/social/grading-rounds/${id}/results?excellent=true`, { token: village0 });
    expect(excellent.body.items.map((r: { organisationId: string }) => r.organisationId)).toEqual([withReport!.id]);
    expect((await score(scorerA, withReport!.id, 100)).status).toBe(409);
    publishedRound = id;
  });

  it('the grade-reward run: only the township starts it, for a published round and a table that rewards someone (the workflow: tests/integration/social/reward-workflow.test.ts)', async () => {
    const year = lastYear + 1;
    const table = [{ grade: '5A', amountFen: 2_000_000 }, { grade: '4A', amountFen: 1_000_000 }];
    expect((await call(app, 'POST', '/social/reward-runs', { token: t.finance, body: { roundId: publishedRound, table } })).status).toBe(403);
    expect((await call(app, 'POST', '/social/reward-runs', { token: await t.village(villages[0]!), body: { roundId: publishedRound, table } })).status).toBe(403);
    const nobody = await call(app, 'POST', '/social/reward-runs', { token: t.township, body: { roundId: publishedRound, table: [{ grade: '1A', amountFen: 1 }] } });
    expect(nobody.status).toBe(400);
    expect(JSON.stringify(nobody.body)).toMatch(/table/);
    expect((await call(app, 'GET', `/social/reward-runs/srr-120225100-${year}`, { token: t.finance })).status).toBe(404);
    const raised = await call(app, 'POST', `/social/budgets/120225100/${year}/raise`, { token: t.finance, body: { amountFen: 5_000_000 } });
    expect(raised.body).toMatchObject({ appropriatedFen: 5_000_000, availableFen: 5_000_000, spentFen: 0 });
  });
});

describe('public-interest venture round (公益创投)', () => {
  it('proposals, reviews with the own-village refusal, no award inside the window, no approval or acceptance before an award', async () => {
    const year = lastYear + 2;
    const today = beijingDate(new Date());
    const finance2 = await tokenFor('finance', '120225', { sub: 'finance-v' });
    const revA = await tokenFor('township', '120225100', { sub: 'rev-a' });
    const revB = await tokenFor('township', '120225100', { sub: 'rev-b' });
    const revOwn = await tokenFor('township', '120225100', { sub: 'rev-own' });
    const opened = await call(app, 'POST', '/social/venture-rounds', { token: t.township, body: { township: '120225100', year, name: '2026公益创投', budgetFen: 4_000_000, opensOn: today, closesOn: today, criteria: [{ key: 'impact', name: '公益性', maxPoints: 60 }, { key: 'feasibility', name: '可行性', maxPoints: 40 }], reviewers: [{ sub: 'rev-a', village: villages[2] }, { sub: 'rev-b' }, { sub: 'rev-own', village: villages[0] }] } });
    expect(opened.status, JSON.stringify(opened.body)).toBe(201);
    const id = opened.body.round.id as string;
    const orgs0 = (await call(app, 'GET', `/social/organisations?division=${villages[0]}`, { token: t.township })).body.items as { id: string }[];
    const orgs1 = (await call(app, 'GET', `/social/organisations?division=${villages[1]}`, { token: t.township })).body.items as { id: string }[];
    const [a, b, cOrg] = [orgs0[0]!.id, orgs0[1]!.id, orgs1.find((o) => o)!.id];
    const propose = async (village: string, organisationId: string, requestedFen: number) => call(app, 'POST', `/social/venture-rounds/${id}/proposals`, { token: await t.village(village), body: { organisationId, title: '关爱留守老人', requestedFen } });
    expect((await propose(villages[0]!, a, 3_000_000)).status).toBe(201);
    expect((await propose(villages[0]!, a, 3_000_000)).status).toBe(409);
    expect((await propose(villages[1]!, a, 3_000_000)).status).toBe(403);
    expect((await propose(villages[0]!, b, 2_500_000)).status).toBe(201);
    expect((await propose(villages[1]!, cOrg, 1_000_000)).status).toBe(201);
    const review = (token: string, org: string, scores: Record<string, unknown>) => call(app, 'PUT', `/social/venture-rounds/${id}/reviews/${org}`, { token, body: { scores } });
    const own = await review(revOwn, a, { impact: 60, feasibility: 40 });
    expect(own.status).toBe(403);
    expect(own.body.detail).toMatch(/reviewer-own-village/);
    // Every criterion, each within 0..its maximum, no other: 400 naming the criterion's field.
    for (const [scores, field] of [[{ impact: 50 }, 'scores.feasibility'], [{ impact: 61, feasibility: 0 }, 'scores.impact'], [{ impact: 1, feasibility: 1, reach: 1 }, 'scores.reach']] as const) {
      const bad = await review(revA, a, scores);
      expect(bad.status).toBe(400);
      expect((bad.body.errors as { field: string }[]).map((e) => e.field)).toContain(field);
    }
    // Totals: a 90 and 90; b 85 and 86, a mean of 85.5, half up 86; c 70 and 70.
    for (const [org, x, y] of [[a, { impact: 50, feasibility: 40 }, { impact: 55, feasibility: 35 }], [b, { impact: 50, feasibility: 35 }, { impact: 50, feasibility: 36 }], [cOrg, { impact: 40, feasibility: 30 }, { impact: 40, feasibility: 30 }]] as const) {
      const first = await review(revA, org, x);
      expect(first.status, JSON.stringify(first.body)).toBe(200);
      expect(first.body.total).toBe(x.impact + x.feasibility);
      expect((await review(revB, org, y)).status).toBe(200);
    }
    // Still inside the window: no award yet. (The window is then moved to yesterday, as time would.)
    expect((await call(app, 'POST', `/social/venture-rounds/${id}/award`, { token: t.township })).status).toBe(409);
    // Nothing to approve or accept before the award.
    expect((await call(app, 'POST', `/social/venture-rounds/${id}/approve`, { token: finance2 })).status).toBe(409);
    expect((await call(app, 'POST', `/social/venture-rounds/${id}/proposals/${a}/accept`, { token: t.township })).status).toBe(409);
    // Awarding (after the window; ranked by the criteria totals), finance's approval and the two
    // instalments run in the social-venture-round workflow: tests/integration/social/venture-workflow.test.ts.
  });
});

describe('purchase of services (购买服务)', () => {
  it('each instalment paid once, only after its deliverable is accepted, never beyond the budget', async () => {
    const year = lastYear + 3;
    const orgId = ((await call(app, 'GET', `/social/organisations?division=${villages[0]}`, { token: t.township })).body.items as { id: string }[])[2]!.id;
    const body = { organisationId: orgId, year, title: '村级矛盾调解服务', deliverables: [{ description: '上半年调解台账', amountFen: 1_000_000, dueOn: `${year}-06-30` }, { description: '全年总结', amountFen: 2_000_000, dueOn: `${year}-12-31` }] };
    expect((await call(app, 'POST', '/social/service-contracts', { token: await t.village(villages[0]!), body })).status).toBe(403);
    const created = await call(app, 'POST', '/social/service-contracts', { token: t.township, body });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const id = created.body.id as string;
    const accept = (n: number) => call(app, 'POST', `/social/service-contracts/${id}/deliverables/${n}/accept`, { token: t.township });
    expect((await accept(1)).status).toBe(409); // no budget yet: nothing accepted
    await call(app, 'POST', `/social/budgets/120225100/${year}/raise`, { token: t.finance, body: { amountFen: 2_500_000 } });
    const first = await accept(1);
    expect(first.status).toBe(200);
    expect(first.body.deliverables[0]).toMatchObject({ acceptedBy: 'township-s', payoutId: `social:${id}:${id}#1` });
    expect((await accept(1)).body.version).toBe(first.body.version);
    expect((await accept(2)).status).toBe(409); // 1,500,000 left
    await call(app, 'POST', `/social/budgets/120225100/${year}/raise`, { token: t.finance, body: { amountFen: 1_000_000 } });
    expect((await accept(2)).body.status).toBe('completed');
    const { ledgerTotals } = await import('../../../functions/platform/store/ledger.ts');
    expect(await ledgerTotals('social', id)).toEqual({ count: 2, totalFen: 3_000_000 });
    expect((await call(app, 'GET', `/social/budgets/120225100/${year}`, { token: t.finance })).body).toMatchObject({ appropriatedFen: 3_500_000, spentFen: 3_000_000, availableFen: 500_000 });
  });
});

describe('authorization before existence', () => {
  it('403 for a caller who could never act, 404 for a missing organisation in reach', async () => {
    const missing = 'org-00000000-0000-4000-8000-000000000000';
    expect((await call(app, 'GET', `/social/organisations/${missing}`, { token: await tokenFor('unit', '120225', { unitId: 'u1' }) })).status).toBe(403);
    expect((await call(app, 'GET', `/social/organisations/${missing}`, { token: t.township })).status).toBe(404);
    expect((await call(app, 'POST', `/social/organisations/${missing}/suspend`, { token: t.finance, body: { date: '2025-01-01', reason: 'x' } })).status).toBe(403);
    expect((await call(app, 'POST', '/social/organisations', { token: t.township, body: organisationInput(villages[0]!) })).status).toBe(403);
    expect((await call(app, 'POST', '/social/organisations', { token: await t.village(villages[1]!), body: organisationInput(villages[0]!) })).status).toBe(403);
  });
});

describe('fuzz: POST /social/organisations/import', () => {
  it('answers 4xx to any body that is not a good CSV and writes nothing', async () => {
    const before = await tableSnapshot();
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('application/json', 'text/plain', 'text/csv', 'text/csv; charset=latin1'),
        fc.oneof(
          fc.string({ maxLength: 400 }),
          fc.array(fc.array(fc.oneof(fc.string({ maxLength: 12 }), fc.constantFrom(villages[0]!, '乡贤参事类', '其他', '是', '否', 'active', '2030-01-01', '0')), { minLength: 1, maxLength: 12 }), { minLength: 1, maxLength: 5 }).map(
            (rows) => `${header}\n${rows.map((r) => r.join(',')).join('\n')}`,
          ),
        ),
        async (contentType, text) => {
          const answer = await call(app, 'POST', '/social/organisations/import', { token: t.township, rawBody: text, headers: { 'content-type': contentType } });
          expect(answer.status).toBeGreaterThanOrEqual(400);
          expect(answer.status).toBeLessThan(500);
        },
      ),
      { numRuns: 150 },
    );
    expect(await tableSnapshot()).toEqual(before);
  });
});

describe('social routes refuse bad input with 4xx problems and write nothing', () => {
  const org = 'org-00000000-0000-4000-8000-000000000000';
  const round = `sgr-120225100-${lastYear + 5}`;
  const venture = 'svr-00000000-0000-4000-8000-000000000000';
  const { village: _v, ...fields } = organisationInput('120225100201');
  /** The social program's POST/PUT routes with a JSON body (tests/api/platform/fuzz.test.ts names them as fuzzed here). */
  const targets = async (): Promise<FuzzTarget[]> => [
    { app, token: await t.village('120225100201'), method: 'POST', path: '/social/organisations', schema: organisationBodySchema, valid: organisationInput('120225100201') },
    { app, token: await t.village('120225100201'), method: 'PUT', path: `/social/organisations/${org}`, schema: organisationUpdateSchema, valid: { ...fields, version: 1 } },
    { app, token: t.township, method: 'POST', path: `/social/organisations/${org}/activate`, schema: statusChangeSchema, valid: { date: '2025-01-01' } },
    { app, token: t.township, method: 'POST', path: `/social/organisations/${org}/suspend`, schema: statusChangeWithReasonSchema, valid: { date: '2025-01-01', reason: '停止活动' } },
    { app, token: t.township, method: 'POST', path: `/social/organisations/${org}/reactivate`, schema: statusChangeSchema, valid: { date: '2025-01-01' } },
    { app, token: t.township, method: 'POST', path: `/social/organisations/${org}/dissolve`, schema: statusChangeWithReasonSchema, valid: { date: '2025-01-01', reason: '解散' } },
    { app, token: await t.village('120225100201'), method: 'PUT', path: `/social/organisations/${org}/reports/${lastYear}`, schema: annualReportBodySchema, valid: { activities: 1, peopleServed: 1, incomeFen: 1, spendingFen: 1 } },
    { app, token: t.township, method: 'POST', path: '/social/grading-rounds', schema: gradingRoundBodySchema, valid: { township: '120225100', year: lastYear + 5, scale: fiveAScale, validityYears: 2, scorers: [{ sub: 'a' }, { sub: 'b' }] } },
    { app, token: t.township, method: 'PUT', path: `/social/grading-rounds/${round}/scores/${org}`, schema: scoreBodySchema, valid: { score: 1 } },
    { app, token: t.finance, method: 'POST', path: `/social/budgets/120225100/${lastYear + 5}/raise`, schema: budgetRaiseSchema, valid: { amountFen: 1 } },
    { app, token: t.township, method: 'POST', path: '/social/reward-runs', schema: rewardRunBodySchema, valid: { roundId: round, table: [{ grade: '5A', amountFen: 1 }] } },
    { app, token: t.finance, method: 'POST', path: `/social/reward-runs/srr-120225100-${lastYear + 5}/approve`, schema: rewardRunApprovalSchema, valid: { exclusions: [{ organisationId: org, reason: '未按要求整改' }] } },
    { app, token: t.township, method: 'POST', path: '/social/venture-rounds', schema: ventureRoundBodySchema, valid: { township: '120225100', year: lastYear + 5, name: '创投', budgetFen: 1, opensOn: '2025-01-01', closesOn: '2025-02-01', criteria: [{ key: 'impact', name: '公益性', maxPoints: 100 }], reviewers: [{ sub: 'a' }, { sub: 'b' }] } },
    { app, token: await t.village('120225100201'), method: 'POST', path: `/social/venture-rounds/${venture}/proposals`, schema: proposalBodySchema, valid: { organisationId: org, title: '项目', requestedFen: 1 } },
    { app, token: t.township, method: 'PUT', path: `/social/venture-rounds/${venture}/reviews/${org}`, schema: ventureReviewBodySchema, valid: { scores: { impact: 1 } } },
    { app, token: t.township, method: 'POST', path: '/social/service-contracts', schema: serviceContractBodySchema, valid: { organisationId: org, year: 2026, title: '服务', deliverables: [{ description: '台账', amountFen: 1, dueOn: '2026-06-30' }] } },
  ];

  it('starts from bodies the routes accept', async () => {
    for (const target of await targets()) expect(target.schema.safeParse(target.valid).success, `${target.method} ${target.path}`).toBe(true);
  });

  it.each([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15])('route #%i: 200 invalid bodies', async (i) => {
    const seen = await fuzzRoute({ ...(await targets())[i]!, runs: 200 });
    expect([...seen.keys()].every((s) => s >= 400 && s < 500)).toBe(true);
  });
});
