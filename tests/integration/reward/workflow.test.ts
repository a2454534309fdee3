import { beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../../functions/api/app.ts';
import type { App } from '../../../functions/platform/http/context.ts';
import { ledgerTotals } from '../../../functions/platform/store/ledger.ts';
import { programPayoutTotals } from '../../../functions/platform/payments/store/payout.ts';
import { getDecision } from '../../../functions/platform/decisions/store.ts';
import { getProgram } from '../../../functions/programs/reward/store/program.ts';
import { listOutbox } from '../../../functions/platform/store/outbox.ts';
import { putAccount } from '../../../functions/programs/reward/store/account.ts';
import { getApplication } from '../../../functions/programs/reward/store/application.ts';
import { call } from '../../support/api.ts';
import { actors, decide, enterprise, finished, helanPolicy, openDecision, openProgram, rewardWaitMs, seedVillage, signAll, submit, until, type Actors } from '../../support/reward/fixtures.ts';
import { executionEnded, history, statesEntered, useLocalStepFunctions } from '../../support/stepfunctions.ts';
import { StartExecutionCommand } from '@aws-sdk/client-sfn';
import { sfn } from '../../../functions/shared/clients.ts';
import { stateMachineArn } from '../../../functions/shared/config.ts';
import { waitUntil } from '../../support/wait.ts';

// The reward workflow end to end on the local host: DynamoDB Local, the local Step Functions
// endpoint running the real definition and handlers, the API through app.request() with real JWTs.
// waitScale 1e-6 turns a 1-day deadline into ~0.09 s and a 365-day one into ~32 s.
let app: App;
let t: Actors;

useLocalStepFunctions({ waitScale: 0.000001 });

beforeAll(async () => {
  await seedVillage();
  app = buildApp();
  t = await actors();
});

// Increase 2025 over 2024: 300,000 yuan; income 1.2M yuan → 10 % → 30,000 yuan (below the 100,000 threshold: one approver).
const goodAccounts = [
  { year: 2024, incomeYuan: 1_000_000, profitYuan: 100_000 },
  { year: 2025, incomeYuan: 1_200_000, profitYuan: 400_000 },
];

describe('reward workflow', () => {
  it('happy path: compute → sign-off → township → finance → reserve → disburse → notify, paid exactly once', async () => {
    const programId = await openProgram(app, t, helanPolicy());
    const entityId = await enterprise(app, t, goodAccounts);
    const id = await submit(app, t, programId, entityId);
    // The same Idempotency-Key replays the first answer and starts nothing new.
    const replay = await call(app, 'POST', '/reward/applications', { token: t.villageSubmitter, body: { programId, entityId }, headers: { 'idempotency-key': `submit-${entityId}` } });
    expect(replay.status).toBe(201);
    expect(replay.body.id).toBe(id);
    expect(replay.headers.get('idempotent-replayed')).toBe('true');

    const computed = await until(id, 'awaiting-village-signoff');
    expect(computed.amountFen).toBe(3_000_000);
    expect(computed.computation).toMatchObject({ eligible: true, increaseFen: 30_000_000, rateBp: 1000 });
    expect((await getProgram(programId))?.policyFrozen).toBe(true);
    await signAll(app, t, id);

    await until(id, 'awaiting-township');
    await openDecision(id, 'township-review');
    const inbox = await call(app, 'GET', '/inbox', { token: t.township });
    expect(inbox.status).toBe(200);
    const item = inbox.body.items.find((d: { subjectId: string }) => d.subjectId === id);
    expect(item).toMatchObject({ kind: 'reward.township-review', subject: `/reward/applications/${id}`, deadline: expect.any(String) });
    expect(JSON.stringify(inbox.body)).not.toMatch(/token/i);
    expect((await decide(app, t.township, item.id, 'approve', 'accounts checked')).status).toBe(200);
    // Already decided: 409.
    expect((await decide(app, t.township, item.id, 'reject')).status).toBe(409);

    const financeDecision = await openDecision(id, 'finance-approval');
    const approved = await decide(app, t.finance1, financeDecision, 'approve');
    expect(approved.body).toMatchObject({ status: 'answered' });

    const paid = await until(id, 'paying');
    expect(paid.financeApprovals).toEqual(['finance-a']);
    const run = await finished(id);
    expect(run.status).toBe('SUCCEEDED');
    const path = run.states.filter((s) => !s.endsWith('Deadline') && !s.startsWith('Escalate') && !s.endsWith('Decided'));
    expect(path).toEqual([
      'Compute', 'Eligible', 'VillageSignOff', 'VillageOutcome', 'TownshipReview', 'AwaitTownship', 'TownshipOutcome', 'TownshipRoute',
      'FinanceApproval', 'AwaitFinance', 'FinanceOutcome', 'FinanceRoute', 'Reserve', 'Funded', 'Disburse', 'Notify', 'Done',
    ]);
    expect(await ledgerTotals('reward', programId)).toEqual({ count: 1, totalFen: 3_000_000 });
    expect((await programPayoutTotals('reward', programId)).approved).toEqual({ count: 1, amountFen: 3_000_000 });
    expect((await getProgram(programId))?.budget).toEqual({ appropriatedFen: 200_000_000, reservedFen: 0, paidFen: 3_000_000, availableFen: 197_000_000 });
    expect((await listOutbox('division:120225100201', { limit: 100 })).items.some((m) => m.body.applicationId === id && m.body.status === 'paying')).toBe(true);

    const read = await call(app, 'GET', `/reward/applications/${id}`, { token: t.villageSubmitter });
    expect(read.status).toBe(200);
    // The program's accounts year, under the API's one name for it.
    expect(read.body.accountsYear).toBe(2025);
    expect(read.body).not.toHaveProperty('year');
    const what: string[] = read.body.timeline.map((e: { what: string }) => e.what);
    expect(what).toContain('reward-application.submit');
    expect(what).toContain('entered Disburse');
    expect(what).toContain('reward-application.paying');
    // A second application for the same entity and year is refused.
    const again = await call(app, 'POST', '/reward/applications', { token: t.villageSubmitter, body: { programId, entityId } });
    expect(again.status).toBe(409);

    // Another execution started for the paid application (by hand, with another name) finishes at
    // once instead of opening a sign-off that nobody can answer, and pays nothing more.
    await sfn().send(new StartExecutionCommand({ stateMachineArn: stateMachineArn('reward-application'), name: `${id}-again`, input: JSON.stringify({ applicationId: id }) }));
    const stray = await executionEnded(`${stateMachineArn('reward-application').replace(':stateMachine:', ':execution:')}:${id}-again`);
    expect(stray.status).toBe('SUCCEEDED');
    expect(statesEntered(await history(stray.executionArn!))).toEqual(['Compute', 'Eligible', 'Notify', 'Done']);
    expect(await ledgerTotals('reward', programId)).toEqual({ count: 1, totalFen: 3_000_000 });
    expect((await getApplication(id))?.status).toBe('paying');
  });

  it('ineligible: closed with the reasons, which the applicant sees', async () => {
    const programId = await openProgram(app, t, helanPolicy());
    const entityId = await enterprise(app, t, [
      { year: 2024, incomeYuan: 90_000, profitYuan: 50_000 },
      { year: 2025, incomeYuan: 95_000, profitYuan: 40_000 },
    ]);
    const id = await submit(app, t, programId, entityId);
    const closed = await until(id, 'closed');
    expect(closed.closedReason).toBe('ineligible');
    expect(closed.computation?.reasons?.map((r) => r.code).sort()).toEqual(['income-below-minimum', 'no-increase']);
    const run = await finished(id);
    expect(run.states).toEqual(['Compute', 'Eligible', 'Notify', 'Done']);
    expect((await listOutbox(`user:v-submitter-120225100201`, { limit: 100 })).items.find((m) => m.body.applicationId === id)?.body.reasons).toHaveLength(2);
  });

  it('a smaller loss is no increase of profit: closed as ineligible, the rule and its baseline in the snapshot the API returns', async () => {
    const programId = await openProgram(app, t, helanPolicy());
    // −200,000 → −50,000 yuan: a plain difference would have given 150,000 × 9 % = 13,500 yuan.
    const entityId = await enterprise(app, t, [
      { year: 2024, incomeYuan: 600_000, profitYuan: -200_000 },
      { year: 2025, incomeYuan: 600_000, profitYuan: -50_000 },
    ]);
    const id = await submit(app, t, programId, entityId);
    const closed = await until(id, 'closed');
    expect(closed.closedReason).toBe('ineligible');
    expect(closed.amountFen).toBeUndefined();
    expect(closed.computation?.reasons?.map((r) => r.code)).toEqual(['no-profit']);
    const read = await call(app, 'GET', `/reward/applications/${id}`, { token: t.villageSubmitter });
    expect(read.status).toBe(200);
    expect(read.body.computation.snapshot).toMatchObject({ increaseRule: 'profit-above-last-year-or-zero', baselineFen: 0, policy: { increaseRule: 'profit-above-last-year-or-zero' } });
  });

  it('village refusal returns the application; the village withdraws it', async () => {
    const programId = await openProgram(app, t, helanPolicy());
    const id = await submit(app, t, programId, await enterprise(app, t, goodAccounts));
    await openDecision(id, 'village-signoff');
    expect((await call(app, 'POST', `/reward/applications/${id}/signatures`, { token: t.signers.handler, body: { decision: 'sign' } })).body.status).toBe('pending');
    // The same person cannot sign twice in another position.
    const twice = await call(app, 'POST', `/reward/applications/${id}/signatures`, { token: t.signers.handler, body: { decision: 'sign' } });
    expect(twice.status).toBe(409);
    const refused = await call(app, 'POST', `/reward/applications/${id}/signatures`, { token: t.signers.supervisor, body: { decision: 'refuse', reason: '账目不清' } });
    expect(refused.body.status).toBe('refused');
    await until(id, 'returned');
    const resubmission = await openDecision(id, 'resubmission');
    expect((await decide(app, t.signers.head, resubmission, 'withdraw')).status).toBe(200);
    expect((await until(id, 'closed')).closedReason).toBe('withdrawn');
    const run = await finished(id);
    expect(run.states).toEqual(['Compute', 'Eligible', 'VillageSignOff', 'VillageOutcome', 'AwaitResubmission', 'ResubmissionOutcome', 'Notify', 'Done']);
  });

  it('township return → the accounts are corrected → resubmit → recomputed → township reject', async () => {
    const programId = await openProgram(app, t, helanPolicy());
    const entityId = await enterprise(app, t, goodAccounts);
    const id = await submit(app, t, programId, entityId);
    await signAll(app, t, id);
    const review = await openDecision(id, 'township-review');
    expect((await decide(app, t.township, review, 'return', 'net profit 2025 is wrong')).status).toBe(200);
    await until(id, 'returned');
    const corrected = await call(app, 'PUT', `/reward/enterprises/${entityId}/accounts/2025`, { token: t.township, body: { operatingIncomeFen: 120_000_000, netProfitFen: 30_000_000 } });
    expect(corrected.status).toBe(200);
    const resubmission = await openDecision(id, 'resubmission');
    expect((await decide(app, t.signers.handler, resubmission, 'resubmit')).status).toBe(200);
    const recomputed = await until(id, 'awaiting-village-signoff');
    expect(recomputed.round).toBe(2);
    expect(recomputed.amountFen).toBe(2_000_000);
    await signAll(app, t, id);
    const second = await openDecision(id, 'township-review');
    expect(second).not.toBe(review);
    expect((await decide(app, t.township, second, 'reject', 'not convincing')).status).toBe(200);
    expect((await until(id, 'rejected')).status).toBe('rejected');
    const run = await finished(id);
    expect(run.states.filter((s) => s === 'Compute')).toHaveLength(2);
    expect(run.states.at(-2)).toBe('Notify');
  });

  it('four-eyes: township reviewer and submitter may not approve in finance (403 naming the rule); finance reject', async () => {
    const programId = await openProgram(app, t, helanPolicy());
    const id = await submit(app, t, programId, await enterprise(app, t, goodAccounts));
    await signAll(app, t, id);
    // The submitter also holds a township account: refused as township reviewer.
    const submitterAsTownship = await (await import('../../support/api.ts')).tokenFor('township', '120225100', { sub: 'v-submitter-120225100201' });
    const review = await openDecision(id, 'township-review');
    const selfReview = await decide(app, submitterAsTownship, review, 'approve');
    expect(selfReview.status).toBe(403);
    expect(selfReview.body.detail).toMatch(/decider-is-submitter/);
    expect((await decide(app, t.township, review, 'approve')).status).toBe(200);
    const finance = await openDecision(id, 'finance-approval');
    const reviewerAsFinance = await (await import('../../support/api.ts')).tokenFor('finance', '120225', { sub: 'township-a' });
    const conflicted = await decide(app, reviewerAsFinance, finance, 'approve');
    expect(conflicted.status).toBe(403);
    expect(conflicted.body.detail).toMatch(/decider-is-township-reviewer/);
    // A village user cannot answer a finance decision at all.
    expect((await decide(app, t.signers.head, finance, 'approve')).status).toBe(403);
    expect((await decide(app, t.finance1, finance, 'reject', 'no receipts')).status).toBe(200);
    await until(id, 'rejected');
    expect((await finished(id)).states.slice(-4)).toEqual(['FinanceOutcome', 'FinanceRoute', 'Notify', 'Done']);
    expect(await ledgerTotals('reward', programId)).toEqual({ count: 0, totalFen: 0 });
  });

  it('two approvers at or above the threshold, and the same approver twice is refused', async () => {
    // 1,000,000 yuan increase at 10 % = 100,000 yuan: exactly the threshold.
    const programId = await openProgram(app, t, helanPolicy());
    const id = await submit(app, t, programId, await enterprise(app, t, [
      { year: 2024, incomeYuan: 2_000_000, profitYuan: 200_000 },
      { year: 2025, incomeYuan: 2_500_000, profitYuan: 1_200_000 },
    ]));
    await signAll(app, t, id);
    expect((await decide(app, t.township, await openDecision(id, 'township-review'), 'approve')).status).toBe(200);
    const finance = await openDecision(id, 'finance-approval');
    const first = await decide(app, t.finance1, finance, 'approve');
    expect(first.body).toMatchObject({ status: 'partial', remaining: 1 });
    const again = await decide(app, t.finance1, finance, 'approve');
    expect(again.status).toBe(403);
    expect(again.body.detail).toMatch(/already-approved-by-this-user/);
    expect((await getDecision(finance))?.status).toBe('open');
    expect((await decide(app, t.finance2, finance, 'approve')).body).toMatchObject({ status: 'answered' });
    const paid = await until(id, 'paying');
    expect(paid.financeApprovals).toEqual(['finance-a', 'finance-b']);
    expect(await ledgerTotals('reward', programId)).toEqual({ count: 1, totalFen: 10_000_000 });
  });

  it('a missed township deadline escalates (recorded, notified) once per deadline period while the step keeps waiting', async () => {
    const programId = await openProgram(app, t, helanPolicy({ townshipDeadlineDays: 1 }));
    const id = await submit(app, t, programId, await enterprise(app, t, goodAccounts));
    await signAll(app, t, id);
    const review = await openDecision(id, 'township-review');
    await waitUntil(
      async () => {
        const escalations = (await getDecision(review))?.escalations.length ?? 0;
        return { done: escalations >= 3, seen: `${review} has ${escalations} escalations` };
      },
      { what: '3 escalations', timeoutMs: rewardWaitMs },
    );
    const escalated = await getDecision(review);
    expect(escalated).toMatchObject({ status: 'open' });
    expect(escalated?.escalations.slice(0, 3)).toMatchObject([
      { key: 'township-review-deadline', notified: 'role:admin@120225' },
      { key: 'township-review-deadline-2', notified: 'role:admin@120225' },
      { key: 'township-review-deadline-3', notified: 'role:admin@120225' },
    ]);
    expect((await listOutbox('role:admin@120225', { limit: 100 })).items.filter((m) => m.body.decisionId === review).length).toBeGreaterThanOrEqual(3);
    expect((await decide(app, t.township, review, 'approve')).status).toBe(200);
    await openDecision(id, 'finance-approval');
    const run = await (async () => {
      expect((await decide(app, t.finance1, await openDecision(id, 'finance-approval'), 'reject')).status).toBe(200);
      return finished(id);
    })();
    expect(run.states).toContain('EscalateTownship');
    expect(run.states.indexOf('EscalateTownship')).toBeLessThan(run.states.indexOf('TownshipOutcome'));
  });

  it('budget exhausted → unfunded; finance raises the budget → reserved and paid', async () => {
    // Budget 50,000 yuan; the award is 30,000 yuan: the second application does not fit.
    const programId = await openProgram(app, t, helanPolicy({ budgetCeilingFen: 5_000_000 }));
    const ids: string[] = [];
    for (let i = 0; i < 2; i++) ids.push(await submit(app, t, programId, await enterprise(app, t, goodAccounts)));
    for (const id of ids) {
      await signAll(app, t, id);
      expect((await decide(app, t.township, await openDecision(id, 'township-review'), 'approve')).status).toBe(200);
      expect((await decide(app, t.finance1, await openDecision(id, 'finance-approval'), 'approve')).status).toBe(200);
      await until(id, ['paying', 'unfunded']);
    }
    expect((await until(ids[0]!, 'paying')).status).toBe('paying');
    expect((await until(ids[1]!, 'unfunded')).status).toBe('unfunded');
    await openDecision(ids[1]!, 'unfunded');
    const adminInbox = await call(app, 'GET', '/inbox', { token: t.admin });
    expect(adminInbox.body.items.some((d: { subjectId: string; kind: string }) => d.subjectId === ids[1] && d.kind === 'reward.unfunded')).toBe(true);
    const program = await call(app, 'GET', `/reward/programs/${programId}`, { token: t.finance1 });
    expect(program.body.budget).toEqual({ appropriatedFen: 5_000_000, reservedFen: 0, paidFen: 3_000_000, availableFen: 2_000_000 });
    // Not a raise: 400 naming the field.
    const lower = await call(app, 'POST', `/reward/programs/${programId}/budget`, { token: t.finance1, body: { appropriatedFen: 4_000_000 } });
    expect(lower.status).toBe(400);
    expect(lower.body.errors[0].field).toBe('appropriatedFen');
    expect((await call(app, 'POST', `/reward/programs/${programId}/budget`, { token: t.township, body: { appropriatedFen: 8_000_000 } })).status).toBe(403);
    const raised = await call(app, 'POST', `/reward/programs/${programId}/budget`, { token: t.finance1, body: { appropriatedFen: 8_000_000 } });
    expect(raised.status).toBe(200);
    expect(raised.body.woken).toBe(1);
    await until(ids[1]!, 'paying');
    expect(await ledgerTotals('reward', programId)).toEqual({ count: 2, totalFen: 6_000_000 });
    expect((await getProgram(programId))?.budget).toEqual({ appropriatedFen: 8_000_000, reservedFen: 0, paidFen: 6_000_000, availableFen: 2_000_000 });
    const run = await finished(ids[1]!);
    expect(run.states.filter((s) => s === 'Reserve')).toHaveLength(2);
    expect(run.states).toContain('AwaitBudget');

    // Every budget movement has its own audit record, naming the application; the reservation that
    // did not fit wrote none (its transaction was cancelled as a whole).
    const trail = await call(app, 'GET', `/audit?entity=reward-budget:${programId}&limit=100`, { token: t.admin });
    expect(trail.status).toBe(200);
    type BudgetRecord = { action: string; actor: string; division: string; before: Record<string, number | string>; after: Record<string, number | string> };
    const records = (trail.body.items as BudgetRecord[]).slice().reverse();
    expect(records.map((r) => [r.action, r.after.applicationId])).toEqual([
      ['reward-budget.reserve', ids[0]],
      ['reward-budget.settle', ids[0]],
      ['reward-budget.raise', undefined],
      ['reward-budget.reserve', ids[1]],
      ['reward-budget.settle', ids[1]],
    ]);
    expect(records[0]).toMatchObject({ division: '120225', actor: 'system:workflow', before: { applicationId: ids[0], availableFen: 3_000_000, reservedFen: 0 }, after: { availableFen: 0, reservedFen: 3_000_000 } });
    expect(records[1]).toMatchObject({ before: { reservedFen: 3_000_000, paidFen: 0 }, after: { reservedFen: 0, paidFen: 3_000_000 } });
    expect(records[2]).toMatchObject({ actor: 'finance-a', before: { appropriatedFen: 5_000_000 }, after: { appropriatedFen: 8_000_000 } });
    // The first appropriation plus the movements gives the budget as stored.
    const totals = { appropriatedFen: 5_000_000, reservedFen: 0, paidFen: 0, availableFen: 5_000_000 };
    for (const r of records) {
      for (const bucket of ['reservedFen', 'paidFen', 'availableFen'] as const) totals[bucket] += Number(r.after[bucket] ?? 0) - Number(r.before[bucket] ?? 0);
      if (r.action === 'reward-budget.raise') {
        const added = Number(r.after.appropriatedFen) - Number(r.before.appropriatedFen);
        totals.appropriatedFen += added;
        totals.availableFen += added;
      }
    }
    expect(totals).toEqual((await getProgram(programId))?.budget);
  });

  it('an account edit that finds no open decision (between two steps) still returns the application when the next step opens', async () => {
    const programId = await openProgram(app, t, helanPolicy());
    const entityId = await enterprise(app, t, goodAccounts);
    const id = await submit(app, t, programId, entityId);
    await openDecision(id, 'village-signoff');
    // Written straight to the store: what an edit does when its return finds no open decision.
    await putAccount({ entityId, year: 2025, operatingIncomeFen: 120_000_000, netProfitFen: 30_000_000 }, '120225100201', { sub: 'township-a', roles: ['township'] });
    await signAll(app, t, id);
    await waitUntil(
      async () => {
        const a = await getApplication(id);
        return { done: a?.round === 2 && a.status === 'awaiting-village-signoff', seen: a ? `${id} is ${a.status} in round ${a.round}` : `${id} does not exist` };
      },
      { what: 'awaiting-village-signoff in round 2', timeoutMs: rewardWaitMs },
    );
    const returned = (await getApplication(id))!;
    expect(returned.amountFen).toBe(2_000_000);
    expect(returned.decisions.at(-1)).toMatchObject({ step: 'township-review', decision: 'accounts-changed', by: 'system:workflow' });
    expect((await getDecision(`reward.township-review.${id}.r1`))?.answer?.output).toEqual({ decision: 'accounts-changed' });
    const read = await call(app, 'GET', `/reward/applications/${id}`, { token: t.villageSubmitter });
    expect(read.body.timeline.map((e: { what: string }) => e.what)).toContain('reward-application.accounts-changed');
  });
});
