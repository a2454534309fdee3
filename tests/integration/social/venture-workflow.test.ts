import { beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../../functions/api/app.ts';
import { beijingDate } from '../../../functions/platform/calendar.ts';
import { getDecision } from '../../../functions/platform/decisions/store.ts';
import { ledgerTotals } from '../../../functions/platform/store/ledger.ts';
import { programPayoutTotals } from '../../../functions/platform/payments/store/payout.ts';
import { getBudget } from '../../../functions/programs/social/store/budget.ts';
import { requireVentureRound, saveRound } from '../../../functions/programs/social/store/venture.ts';
import { ventureAcceptanceDecisionId, ventureApprovalDecisionId } from '../../../functions/programs/social/steps.ts';
import { call, tokenFor } from '../../support/api.ts';
import { endedExecution, history, statesEntered, useLocalStepFunctions } from '../../support/stepfunctions.ts';
import { seedSocialVillages, socialActors, township, type SocialActors } from '../../support/social/fixtures.ts';
import { waitUntil } from '../../support/wait.ts';

// A public-interest venture round (公益创投) end to end on DynamoDB Local and the local Step Functions
// endpoint, through the API: proposals and reviews, the award in rank order within the round's
// budget (one proposal skipped), finance's approval as a callback decision (the opener refused),
// each award's first instalment, the township's acceptance (a callback per award) and the second
// instalment; and a round finance rejects. Each path is read from the execution's history.
const app = buildApp();
let t: SocialActors;
let villages: string[];
let orgs: string[];
const header = 'village,name,category,categoryDescription,leaderName,partyMember,returnedTalent,fiveElders,members,foundedOn,contact,status';
const wait = { timeoutMs: 30_000, intervalMs: 100 };

useLocalStepFunctions({ waitScale: 0.000001 });

beforeAll(async () => {
  villages = await seedSocialVillages(2);
  t = await socialActors();
  const rows = [`${villages[0]},创投甲,志愿服务类,,王芳,是,否,是,12,2018-06-01,13900000000,active`, `${villages[0]},创投乙,乡风文明类,,李强,否,否,否,9,2019-03-01,13900000001,active`, `${villages[1]},创投丙,矛盾调解类,,赵敏,是,是,否,15,2017-09-01,13900000002,active`];
  const imported = await call(app, 'POST', '/social/organisations/import', { token: t.township, rawBody: [header, ...rows].join('\n'), headers: { 'content-type': 'text/csv' } });
  expect(imported.status, JSON.stringify(imported.body)).toBe(201);
  orgs = imported.body.ids as string[];
});

async function untilOpen(decisionId: string): Promise<void> {
  await waitUntil(
    async () => {
      const d = await getDecision(decisionId);
      return d?.status === 'open' ? { done: true, seen: 'open' } : { done: false, seen: `decision ${decisionId} ${d?.status ?? 'absent'}` };
    },
    { what: `${decisionId} open`, ...wait },
  );
}

/** A round with three reviewed proposals, its window moved to the past (as time would), awarded. */
async function awardedRound(year: number, budgetFen: number) {
  const today = beijingDate(new Date());
  const reviewers = [{ sub: 'rev-a', village: villages[1] }, { sub: 'rev-b' }, { sub: 'rev-c' }];
  const opened = await call(app, 'POST', '/social/venture-rounds', { token: t.township, body: { township, year, name: `${year}公益创投`, budgetFen, opensOn: today, closesOn: today, criteria: [{ key: 'impact', name: '公益性', maxPoints: 50 }, { key: 'feasibility', name: '可行性', maxPoints: 50 }], reviewers } });
  expect(opened.status, JSON.stringify(opened.body)).toBe(201);
  const id = opened.body.round.id as string;
  const [a, b, c] = orgs as [string, string, string];
  for (const [org, village, fen] of [[a, villages[0]!, 3_000_000], [b, villages[0]!, 2_500_000], [c, villages[1]!, 1_000_000]] as const) {
    expect((await call(app, 'POST', `/social/venture-rounds/${id}/proposals`, { token: await t.village(village), body: { organisationId: org, title: '关爱留守老人', requestedFen: fen } })).status).toBe(201);
  }
  const revA = await tokenFor('township', township, { sub: 'rev-a' });
  const revB = await tokenFor('township', township, { sub: 'rev-b' });
  const revC = await tokenFor('township', township, { sub: 'rev-c' });
  const review = (token: string, org: string, score: number) => call(app, 'PUT', `/social/venture-rounds/${id}/reviews/${org}`, { token, body: { scores: { impact: Math.ceil(score / 2), feasibility: Math.floor(score / 2) } } });
  // rev-a is of c's village: refused there; rev-c reviews c instead.
  for (const [token, org, score] of [[revA, a, 90], [revB, a, 90], [revA, b, 85], [revB, b, 86], [revB, c, 70], [revC, c, 70]] as const) expect((await review(token, org, score)).status).toBe(200);
  expect((await review(revA, c, 70)).status).toBe(403);
  await saveRound(await requireVentureRound(id), { opensOn: '2020-01-01', closesOn: '2020-01-31' }, { sub: 'test', roles: ['admin'] }, 'test.window');
  return { id, a, b, c };
}

describe('venture round workflow', () => {
  it('awards in rank order within the budget, finance approves, first instalments, acceptance, second instalments, from the history', async () => {
    const year = 2032;
    const { id, a, b, c } = await awardedRound(year, 4_000_000);
    // Ranked a (90), b (86), c (70): b does not fit what a left, c does.
    const awarded = await call(app, 'POST', `/social/venture-rounds/${id}/award`, { token: t.township });
    expect(awarded.status, JSON.stringify(awarded.body)).toBe(202);
    expect(awarded.body.round.awards.map((x: { organisationId: string }) => x.organisationId)).toEqual([a, c]);
    expect(awarded.body.round.skipped).toEqual([b]);
    // Totals are the mean of the reviewers' per-criterion sums, half up: b's 85 and 86 make 86.
    expect(awarded.body.round.awards.map((x: { score: number }) => x.score)).toEqual([90, 70]);
    expect(awarded.body.round.executionArn).toContain('social-venture-round:');
    // Each village sees its own awards and skipped proposals only, no other village's scores, no reviewer.
    const ids = (list: { organisationId: string }[]) => list.map((x) => x.organisationId);
    const seen0 = (await call(app, 'GET', `/social/venture-rounds/${id}`, { token: await t.village(villages[0]!) })).body;
    expect([ids(seen0.round.awards), seen0.round.skipped, ids(seen0.proposals).sort(), seen0.round.reviewers]).toEqual([[a], [b], [a, b].sort(), []]);
    const seen1 = (await call(app, 'GET', `/social/venture-rounds/${id}`, { token: await t.village(villages[1]!) })).body;
    expect([ids(seen1.round.awards), seen1.round.skipped, ids(seen1.proposals)]).toEqual([[c], [], [c]]);
    const listed1 = (await call(app, 'GET', `/social/venture-rounds?year=${year}`, { token: await t.village(villages[1]!) })).body.items;
    expect(listed1.find((r: { id: string }) => r.id === id)).toMatchObject({ status: 'awarded', awardCount: 1, awardedFen: 1_000_000 });

    await call(app, 'POST', `/social/budgets/${township}/${year}/raise`, { token: t.finance, body: { amountFen: 10_000_000 } });
    await untilOpen(ventureApprovalDecisionId(id));
    // Accepting before approval, and the opener approving (holding a finance role), are refused.
    expect((await call(app, 'POST', `/social/venture-rounds/${id}/proposals/${a}/accept`, { token: t.township })).status).toBe(409);
    const opener = await tokenFor('finance', '120225', { sub: 'township-s' });
    expect((await call(app, 'POST', `/social/venture-rounds/${id}/approve`, { token: opener })).body.detail).toMatch(/opener-approves/);
    const approved = await call(app, 'POST', `/social/venture-rounds/${id}/approve`, { token: t.finance });
    expect(approved.status, JSON.stringify(approved.body)).toBe(202);
    expect(approved.body.round).toMatchObject({ status: 'approved', approvedBy: 'finance-s' });

    // Each award's first instalment is paid, then it waits for the township's acceptance.
    await untilOpen(ventureAcceptanceDecisionId(id, a));
    await untilOpen(ventureAcceptanceDecisionId(id, c));
    const first = (await call(app, 'GET', `/social/venture-rounds/${id}`, { token: t.auditor })).body;
    const byOrg = (list: { organisationId: string; n: number; amountFen: number }[]) => list.map((i) => [i.organisationId, i.n, i.amountFen]).sort();
    expect(byOrg(first.instalments)).toEqual([[a, 1, 1_500_000], [c, 1, 500_000]].sort());
    expect((await call(app, 'POST', `/social/venture-rounds/${id}/proposals/${b}/accept`, { token: t.township })).status).toBe(409);
    // c is accepted first: its second instalment does not wait for a's acceptance.
    expect((await call(app, 'POST', `/social/venture-rounds/${id}/proposals/${c}/accept`, { token: t.township })).status).toBe(202);
    await waitUntil(
      async () => {
        const n = (await call(app, 'GET', `/social/venture-rounds/${id}`, { token: t.auditor })).body.instalments.length as number;
        return { done: n === 3, seen: `${n} instalments` };
      },
      { what: "c's second instalment", ...wait },
    );
    const accepted = await call(app, 'POST', `/social/venture-rounds/${id}/proposals/${a}/accept`, { token: t.township });
    expect(accepted.status, JSON.stringify(accepted.body)).toBe(202);

    const ended = await endedExecution(awarded.body.round.executionArn, wait);
    expect(ended.status).toBe('SUCCEEDED');
    const count = (state: string) => ended.path.filter((s) => s === state).length;
    expect([...new Set(ended.path)]).toEqual(['AwaitApproval', 'PayAwards', 'PayFirstInstalment', 'AwaitAcceptance', 'PaySecondInstalment', 'Paid']);
    expect([count('PayFirstInstalment'), count('AwaitAcceptance'), count('PaySecondInstalment')]).toEqual([2, 2, 2]);
    const paid = (await call(app, 'GET', `/social/venture-rounds/${id}`, { token: t.finance })).body;
    expect(byOrg(paid.instalments)).toEqual([[a, 1, 1_500_000], [a, 2, 1_500_000], [c, 1, 500_000], [c, 2, 500_000]].sort());
    expect(paid.proposals.filter((p: { accepted: boolean }) => p.accepted).map((p: { organisationId: string }) => p.organisationId).sort()).toEqual([a, c].sort());
    expect(await ledgerTotals('social', id)).toEqual({ count: 4, totalFen: 4_000_000 });
    expect((await programPayoutTotals('social', id)).approved).toEqual({ count: 4, amountFen: 4_000_000 });
    expect(await getBudget(township, year)).toMatchObject({ spentFen: 4_000_000, availableFen: 6_000_000 });
    // A repeated acceptance is answered again and pays nothing more.
    expect((await call(app, 'POST', `/social/venture-rounds/${id}/proposals/${a}/accept`, { token: t.township })).status).toBe(202);
    expect(await ledgerTotals('social', id)).toEqual({ count: 4, totalFen: 4_000_000 });
  });

  it('a round finance rejects ends in Rejected with nothing paid', async () => {
    const year = 2033;
    const { id } = await awardedRound(year, 6_000_000);
    const awarded = await call(app, 'POST', `/social/venture-rounds/${id}/award`, { token: t.township });
    expect(awarded.status).toBe(202);
    await untilOpen(ventureApprovalDecisionId(id));
    const rejected = await call(app, 'POST', `/decisions/${ventureApprovalDecisionId(id)}`, { token: t.finance, body: { decision: 'reject', comment: '项目预算需细化' } });
    expect(rejected.status, JSON.stringify(rejected.body)).toBe(200);
    const ended = await endedExecution(awarded.body.round.executionArn, wait);
    expect(statesEntered(await history(awarded.body.round.executionArn))).toEqual(['AwaitApproval', 'Rejected']);
    expect(ended.status).toBe('SUCCEEDED');
    const round = (await call(app, 'GET', `/social/venture-rounds/${id}`, { token: t.finance })).body;
    expect(round.round).toMatchObject({ status: 'rejected', rejection: { by: 'finance-s', reason: '项目预算需细化' } });
    expect(round.instalments).toEqual([]);
    expect(await ledgerTotals('social', id)).toEqual({ count: 0, totalFen: 0 });
  });
});
