import { beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../../functions/api/app.ts';
import { ledgerTotals } from '../../../functions/platform/store/ledger.ts';
import { listEntityAudit } from '../../../functions/platform/store/audit.ts';
import { programPayoutTotals } from '../../../functions/platform/payments/store/payout.ts';
import { getDecision } from '../../../functions/platform/decisions/store.ts';
import { getBudget } from '../../../functions/programs/social/store/budget.ts';
import { rewardRunDecisionId } from '../../../functions/programs/social/steps.ts';
import { call, tokenFor } from '../../support/api.ts';
import { endedExecution, useLocalStepFunctions } from '../../support/stepfunctions.ts';
import { rewardTable, seedPublishedRound, socialActors, township, type SocialActors } from '../../support/social/fixtures.ts';
import { seedDivisions } from '../../support/registries/village-import-fixtures.ts';
import { waitUntil } from '../../support/wait.ts';

// The grade-reward run (以奖代补) as a workflow on DynamoDB Local and the local Step Functions
// endpoint, through the API with real tokens: 600 results of a published round (three pages), the
// lines computed in a Map, finance's one decision with exclusions from the inbox, paid page by page
// within a budget short of the total; and a run finance rejects. Each path is read from the
// execution's history.
const app = buildApp();
let t: SocialActors;

useLocalStepFunctions({ waitScale: 0.000001 });

beforeAll(async () => {
  await seedDivisions();
  t = await socialActors();
});

const wait = { timeoutMs: 40_000, intervalMs: 100 };

async function untilDecisionOpen(runId: string): Promise<void> {
  await waitUntil(
    async () => {
      const d = await getDecision(rewardRunDecisionId(runId));
      return d?.status === 'open' ? { done: true, seen: 'open' } : { done: false, seen: `decision ${d?.status ?? 'absent'}` };
    },
    { what: `run ${runId} in finance's inbox`, ...wait },
  );
}

/** Distinct states in the order first entered (a Map's iterations repeat their state). */
const distinct = (path: readonly string[]) => [...new Set(path)];

describe('grade-reward run workflow', () => {
  it('computes three pages, waits for finance, pays every line not excluded once within the budget, from the history', async () => {
    const year = 2030;
    const { roundId, results } = await seedPublishedRound(township, year, 600);
    // 5A only: a third of the results have a line, so three pages of results pay about 200 lines.
    const table = rewardTable.filter((r) => r.grade === '5A');
    const started = await call(app, 'POST', '/social/reward-runs', { token: t.township, body: { roundId, table } });
    expect(started.status, JSON.stringify(started.body)).toBe(202);
    expect(started.body.run).toMatchObject({ status: 'computing', executionArn: expect.stringContaining('social-reward-run:srr-') });
    const runId = started.body.run.id as string;
    // The same round again: one run per round.
    expect((await call(app, 'POST', '/social/reward-runs', { token: t.township, body: { roundId, table } })).status).toBe(409);

    await untilDecisionOpen(runId);
    const computed = (await call(app, 'GET', `/social/reward-runs/${runId}`, { token: t.finance })).body;
    const rewarded = results.filter((r) => r.grade === '5A');
    const totalFen = rewarded.length * 20_000;
    expect(computed.run).toMatchObject({ status: 'awaiting-finance', pageCount: 3, computedPages: 3, lineCount: rewarded.length, totalFen });
    expect(computed.run.lines).toHaveLength(rewarded.length);
    const inbox = await call(app, 'GET', '/inbox?role=finance', { token: t.finance });
    expect(inbox.body.items).toContainEqual(expect.objectContaining({ kind: 'social.reward-run-approval', subjectId: runId, amountFen: totalFen }));

    // Two exclusions; a budget 25,000 fen short of what is left, so the last two lines are unfunded.
    const excluded = computed.run.lines.slice(0, 2) as { organisationId: string; amountFen: number }[];
    const payableFen = totalFen - excluded.reduce((a, l) => a + l.amountFen, 0);
    const budget = payableFen - 25_000;
    expect((await call(app, 'POST', `/social/budgets/${township}/${year}/raise`, { token: t.finance, body: { amountFen: budget } })).status).toBe(200);
    const exclusions = excluded.map((l) => ({ organisationId: l.organisationId, reason: '年度报告不实' }));
    // The starter may not approve (the same identity holding a finance role), an unknown line is a 400.
    const starterAsFinance = await tokenFor('finance', '120225', { sub: 'township-s' });
    expect((await call(app, 'POST', `/social/reward-runs/${runId}/approve`, { token: starterAsFinance, body: { exclusions } })).body.detail).toMatch(/computer-approves/);
    expect((await call(app, 'POST', `/social/reward-runs/${runId}/approve`, { token: t.finance, body: { exclusions: [{ organisationId: 'org-00000000-0000-4000-8000-000000000000', reason: '无' }] } })).status).toBe(400);
    const approved = await call(app, 'POST', `/social/reward-runs/${runId}/approve`, { token: t.finance, body: { exclusions } });
    expect(approved.status, JSON.stringify(approved.body)).toBe(202);
    expect(approved.body.run).toMatchObject({ status: 'approved', approvedBy: 'finance-s', exclusions });

    const ended = await endedExecution(approved.body.run.executionArn, wait);
    expect(ended.status).toBe('SUCCEEDED');
    expect(distinct(ended.path)).toEqual(['Prepare', 'IsSettled', 'ComputePages', 'ComputePage', 'AwaitApproval', 'DisbursePages', 'DisbursePage', 'MarkPaid']);
    expect(ended.path.filter((s) => s === 'ComputePage')).toHaveLength(3);
    expect(ended.path.filter((s) => s === 'DisbursePage')).toHaveLength(3);

    const paid = (await call(app, 'GET', `/social/reward-runs/${runId}`, { token: t.auditor })).body;
    const outcomes = paid.outcomes as { organisationId: string; outcome: string; amountFen: number }[];
    expect(outcomes).toHaveLength(rewarded.length - 2);
    expect(outcomes.some((o) => excluded.some((l) => l.organisationId === o.organisationId))).toBe(false);
    const paidOutcomes = outcomes.filter((o) => o.outcome === 'paid');
    const paidFen = paidOutcomes.reduce((a, o) => a + o.amountFen, 0);
    const unfunded = outcomes.filter((o) => o.outcome === 'unfunded');
    expect(unfunded.length).toBeGreaterThan(0);
    expect(paid.run).toMatchObject({ status: 'paid', paidPages: 3, paidLines: paidOutcomes.length, paidFen, unfundedLines: unfunded.length });
    expect(paid.stateTransitions).toBe(ended.path.length);
    expect(await ledgerTotals('social', runId)).toEqual({ count: paidOutcomes.length, totalFen: paidFen });
    expect((await programPayoutTotals('social', runId)).approved).toEqual({ count: paidOutcomes.length, amountFen: paidFen });
    expect(await getBudget(township, year)).toMatchObject({ spentFen: paidFen, availableFen: budget - paidFen });
    // In page order: every unfunded line was more than what was left when its turn came, and is
    // more than what is left in the end.
    for (const o of unfunded) expect(o.amountFen).toBeGreaterThan(budget - paidFen);
    const audit = (await listEntityAudit('social-reward-run', runId, { limit: 20 })).items.map((a) => a.action);
    expect(audit).toEqual(expect.arrayContaining(['social-reward-run.create', 'social-reward-run.awaiting-finance', 'social-reward-run.approved', 'social-reward-run.paid']));
    // The same approval again is answered again; other exclusions now are a 409.
    expect((await call(app, 'POST', `/social/reward-runs/${runId}/approve`, { token: t.finance, body: { exclusions } })).status).toBe(202);
    expect((await call(app, 'POST', `/social/reward-runs/${runId}/approve`, { token: t.finance, body: { exclusions: [] } })).status).toBe(409);
  });

  it('a run finance rejects ends in Rejected with nothing paid', async () => {
    const year = 2031;
    const { roundId } = await seedPublishedRound(township, year, 40);
    const started = await call(app, 'POST', '/social/reward-runs', { token: t.township, body: { roundId, table: rewardTable } });
    expect(started.status).toBe(202);
    const runId = started.body.run.id as string;
    await untilDecisionOpen(runId);
    const decisionId = rewardRunDecisionId(runId);
    expect((await call(app, 'POST', `/decisions/${decisionId}`, { token: t.finance, body: { decision: 'reject' } })).status).toBe(400);
    const rejected = await call(app, 'POST', `/decisions/${decisionId}`, { token: t.finance, body: { decision: 'reject', comment: '奖励标准需重新核定' } });
    expect(rejected.status, JSON.stringify(rejected.body)).toBe(200);
    const ended = await endedExecution(started.body.run.executionArn, wait);
    expect(ended.status).toBe('SUCCEEDED');
    expect(distinct(ended.path)).toEqual(['Prepare', 'IsSettled', 'ComputePages', 'ComputePage', 'AwaitApproval', 'Rejected']);
    const run = (await call(app, 'GET', `/social/reward-runs/${runId}`, { token: t.finance })).body;
    expect(run.run).toMatchObject({ status: 'rejected', rejection: { by: 'finance-s', reason: '奖励标准需重新核定' } });
    expect(run.outcomes).toEqual([]);
    expect(await ledgerTotals('social', runId)).toEqual({ count: 0, totalFen: 0 });
    // Approving after the rejection is refused.
    expect((await call(app, 'POST', `/social/reward-runs/${runId}/approve`, { token: t.finance, body: { exclusions: [] } })).status).toBe(409);
  });
});
