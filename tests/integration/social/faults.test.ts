import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../../functions/api/app.ts';
import { resetConfig } from '../../../functions/shared/config.ts';
import { InjectedFault } from '../../../functions/shared/faults.ts';
import { getDecision } from '../../../functions/platform/decisions/store.ts';
import { listEntityAudit } from '../../../functions/platform/store/audit.ts';
import { ledgerTotals } from '../../../functions/platform/store/ledger.ts';
import { programPayoutTotals } from '../../../functions/platform/payments/store/payout.ts';
import { getBudget, raiseBudget } from '../../../functions/programs/social/store/budget.ts';
import { acceptDeliverable, createContract, requireContract, type ServiceContract } from '../../../functions/programs/social/store/service-contract.ts';
import { createVentureRound, putProposal, saveRound, type VentureRound } from '../../../functions/programs/social/store/venture.ts';
import { startVentureRound } from '../../../functions/programs/social/venture-use-cases.ts';
import { rewardRunDecisionId, ventureAcceptanceDecisionId, ventureApprovalDecisionId } from '../../../functions/programs/social/steps.ts';
import { call } from '../../support/api.ts';
import { endedExecution, useLocalStepFunctions } from '../../support/stepfunctions.ts';
import { seedDivisions } from '../../support/registries/village-import-fixtures.ts';
import { rewardTable, seedPublishedRound, socialActors, township, type SocialActors } from '../../support/social/fixtures.ts';
import { waitUntil } from '../../support/wait.ts';

// Every paying step of the social program fails 30 % of the time AFTER its write has committed
// (the write happened, the workflow or the caller repeats it as if it had not): the reward run's
// disbursement pages (after the page's budget spend, ledger entries and payouts, before its marker),
// the venture instalments and the service-contract instalments. Every line, award and
// instalment is paid exactly once (one ledger entry, one payout, one payout audit record), and the
// township's budget is spent by exactly what was paid, never more than it had. Seeded draws.
const faults = 'seed=20261204,social-reward-disburse-page:0.3,social-venture-pay:0.3,social-service-pay:0.3';
const app = buildApp();
let t: SocialActors;
const wait = { timeoutMs: 60_000, intervalMs: 100 };

useLocalStepFunctions({ waitScale: 0.000001 });

beforeAll(async () => {
  process.env.FAULT_INJECTION = faults;
  resetConfig();
  await seedDivisions();
  t = await socialActors();
});
afterAll(() => {
  delete process.env.FAULT_INJECTION;
  resetConfig();
});

async function untilOpen(decisionId: string): Promise<void> {
  await waitUntil(
    async () => {
      const d = await getDecision(decisionId);
      return d?.status === 'open' ? { done: true, seen: 'open' } : { done: false, seen: `${decisionId} ${d?.status ?? 'absent'}` };
    },
    { what: `${decisionId} open`, ...wait },
  );
}

/** Every payout of the program run has exactly one `payout.issued` audit record. */
async function oneAuditEach(payoutIds: readonly string[]): Promise<void> {
  for (const id of payoutIds) expect((await listEntityAudit('payout', id, { limit: 5 })).items.filter((a) => a.action === 'payout.issued'), id).toHaveLength(1);
}

describe('social payments under injected faults', () => {
  it('the reward run: every line paid once or unfunded, the budget exact', async () => {
    const year = 2034;
    const { roundId } = await seedPublishedRound(township, year, 300);
    const started = await call(app, 'POST', '/social/reward-runs', { token: t.township, body: { roundId, table: rewardTable } });
    expect(started.status, JSON.stringify(started.body)).toBe(202);
    const runId = started.body.run.id as string;
    await untilOpen(rewardRunDecisionId(runId));
    const computed = (await call(app, 'GET', `/social/reward-runs/${runId}`, { token: t.finance })).body.run;
    // A budget for about two thirds of the lines: the last pages fall back to paying line by line.
    const budget = Math.floor((computed.totalFen as number) * 0.65) + 5_000;
    await raiseBudget(township, year, budget, { sub: 'finance-s', roles: ['finance'] });
    expect((await call(app, 'POST', `/social/reward-runs/${runId}/approve`, { token: t.finance, body: { exclusions: [] } })).status).toBe(202);
    const ended = await endedExecution(started.body.run.executionArn, wait);
    expect(ended.status, ended.cause).toBe('SUCCEEDED');
    // Faults were injected and the steps retried.
    expect(ended.events.filter((e) => e.type === 'LambdaFunctionFailed' || e.type === 'TaskFailed').length).toBeGreaterThan(0);

    const view = (await call(app, 'GET', `/social/reward-runs/${runId}`, { token: t.finance })).body;
    const outcomes = view.outcomes as { organisationId: string; outcome: string; amountFen: number; payoutId?: string }[];
    expect(outcomes).toHaveLength(computed.lineCount);
    expect(new Set(outcomes.map((o) => o.organisationId)).size).toBe(outcomes.length);
    const paid = outcomes.filter((o) => o.outcome === 'paid');
    const paidFen = paid.reduce((a, o) => a + o.amountFen, 0);
    expect(outcomes.some((o) => o.outcome === 'unfunded')).toBe(true);
    expect(view.run).toMatchObject({ status: 'paid', paidLines: paid.length, paidFen, unfundedLines: outcomes.length - paid.length });
    expect(await ledgerTotals('social', runId)).toEqual({ count: paid.length, totalFen: paidFen });
    expect((await programPayoutTotals('social', runId)).approved).toEqual({ count: paid.length, amountFen: paidFen });
    await oneAuditEach(paid.map((o) => o.payoutId!));
    const after = await getBudget(township, year);
    expect(after).toMatchObject({ appropriatedFen: budget, spentFen: paidFen, availableFen: budget - paidFen });
    expect(after!.availableFen).toBeGreaterThanOrEqual(0);
  });

  it('venture instalments: each award’s two instalments paid once, the budget exact', async () => {
    const year = 2035;
    const at = new Date().toISOString();
    const township_ = { sub: 'township-s', roles: ['township' as const] };
    const orgs = Array.from({ length: 6 }, (_, i) => `org-00000000-0000-4000-8000-00000000000${i}`);
    let round: VentureRound = { id: 'svr-00000000-0000-4000-8000-000000000035', township, year, name: '故障创投', budgetFen: 12_000_000, opensOn: '2020-01-01', closesOn: '2020-01-31', criteria: [{ key: 'impact', name: '公益性', maxPoints: 100 }], reviewers: [{ sub: 'rev-a' }, { sub: 'rev-b' }], status: 'open', awards: [], skipped: [], createdBy: 'township-s', version: 1, createdAt: at, updatedAt: at };
    await createVentureRound(round, township_);
    for (const [i, org] of orgs.entries()) await putProposal({ roundId: round.id, organisationId: org, village: `${township}${201 + i}`, name: `创投${i}`, title: '项目', requestedFen: 1_000_001 + i * 100_000, submittedAt: at, accepted: false }, township_);
    // Awarded as the award route does (the ranking itself is tested in social.test.ts and the unit tests).
    round = await saveRound(round, { status: 'awarded', awards: orgs.map((org, i) => ({ organisationId: org, village: `${township}${201 + i}`, name: `创投${i}`, amountFen: 1_000_001 + i * 100_000, score: 90 - i })) }, township_, 'social-venture-round.award');
    const totalFen = round.awards.reduce((a, x) => a + x.amountFen, 0);
    await raiseBudget(township, year, totalFen + 7, { sub: 'finance-s', roles: ['finance'] });
    const executionArn = await startVentureRound(round);
    await untilOpen(ventureApprovalDecisionId(round.id));
    expect((await call(app, 'POST', `/social/venture-rounds/${round.id}/approve`, { token: t.finance })).status).toBe(202);
    for (const org of orgs) {
      await untilOpen(ventureAcceptanceDecisionId(round.id, org));
      expect((await call(app, 'POST', `/social/venture-rounds/${round.id}/proposals/${org}/accept`, { token: t.township })).status).toBe(202);
    }
    const ended = await endedExecution(executionArn, wait);
    expect(ended.status, ended.cause).toBe('SUCCEEDED');
    expect(ended.events.filter((e) => e.type === 'LambdaFunctionFailed' || e.type === 'TaskFailed').length).toBeGreaterThan(0);
    const view = (await call(app, 'GET', `/social/venture-rounds/${round.id}`, { token: t.finance })).body;
    const instalments = view.instalments as { organisationId: string; n: number; amountFen: number; payoutId: string }[];
    expect(instalments).toHaveLength(orgs.length * 2);
    for (const award of round.awards) expect(instalments.filter((i) => i.organisationId === award.organisationId).reduce((a, i) => a + i.amountFen, 0)).toBe(award.amountFen);
    expect(await ledgerTotals('social', round.id)).toEqual({ count: orgs.length * 2, totalFen });
    expect((await programPayoutTotals('social', round.id)).approved).toEqual({ count: orgs.length * 2, amountFen: totalFen });
    await oneAuditEach(instalments.map((i) => i.payoutId));
    expect(await getBudget(township, year)).toMatchObject({ spentFen: totalFen, availableFen: 7 });
  });

  it('service-contract instalments: a contract of two, each paid once on acceptance, the budget exact', async () => {
    const year = 2036;
    const at = new Date().toISOString();
    const township_ = { sub: 'township-s', roles: ['township' as const] };
    const contract: ServiceContract = {
      id: 'ssc-00000000-0000-4000-8000-000000000036',
      township,
      year,
      organisationId: 'org-00000000-0000-4000-8000-000000000036',
      village: `${township}201`,
      organisationName: '调解会',
      title: '矛盾调解服务',
      deliverables: [
        { n: 1, description: '上半年台账', amountFen: 1_000_000, dueOn: `${year}-06-30` },
        { n: 2, description: '全年总结', amountFen: 2_000_001, dueOn: `${year}-12-31` },
      ],
      totalFen: 3_000_001,
      status: 'active',
      createdBy: 'township-s',
      version: 1,
      createdAt: at,
      updatedAt: at,
    };
    await createContract(contract, township_);
    await raiseBudget(township, year, 3_500_000, { sub: 'finance-s', roles: ['finance'] });
    // The township's acceptance, repeated after an injected fault as a client's retry would.
    for (const n of [1, 2]) {
      for (;;) {
        try {
          await acceptDeliverable(await requireContract(contract.id), n, township_);
          break;
        } catch (err) {
          if (!(err instanceof InjectedFault)) throw err;
        }
      }
    }
    const after = await requireContract(contract.id);
    expect(after.status).toBe('completed');
    expect(await ledgerTotals('social', contract.id)).toEqual({ count: 2, totalFen: 3_000_001 });
    expect((await programPayoutTotals('social', contract.id)).approved).toEqual({ count: 2, amountFen: 3_000_001 });
    await oneAuditEach(after.deliverables.map((d) => d.payoutId!));
    expect(await getBudget(township, year)).toMatchObject({ spentFen: 3_000_001, availableFen: 499_999 });
  });
});
