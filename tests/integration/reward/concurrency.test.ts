import { beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { buildApp } from '../../../functions/api/app.ts';
import type { App } from '../../../functions/platform/http/context.ts';
import { ledgerTotals } from '../../../functions/platform/store/ledger.ts';
import { programPayoutTotals } from '../../../functions/platform/payments/store/payout.ts';
import { getApplication } from '../../../functions/programs/reward/store/application.ts';
import { getProgram, type ProgramRecord } from '../../../functions/programs/reward/store/program.ts';
import { call, tokenFor } from '../../support/api.ts';
import { actors, decide, finished, helanPolicy, openDecision, openProgram, pool, seedApplications, seedVillage, signAll, until, type Actors } from '../../support/reward/fixtures.ts';
import { useLocalStepFunctions } from '../../support/stepfunctions.ts';
import { sleep } from '../../support/wait.ts';

// Concurrency on the local host: DynamoDB Local, the local Step Functions endpoint running the real
// definition and handlers, the API through app.request() with real JWTs. waitScale 1e-5: retry
// intervals become ~10 µs while a 365-day deadline is ~315 s, so no escalation interferes.
let app: App;
let t: Actors;

useLocalStepFunctions({ waitScale: 0.00001 });

beforeAll(async () => {
  await seedVillage();
  app = buildApp();
  t = await actors();
});

/** 2025 over 2024: +300,000 yuan on 1.2M yuan income → 10 % → 30,000 yuan (one finance approver). */
const awardFen = 3_000_000;

/** Applications that are not what is under test, seeded through the stores with random ids. */
async function seededApplications(programId: string, count: number): Promise<string[]> {
  const ids = Array.from({ length: count }, () => `ra-${randomUUID()}`);
  await seedApplications(programId, ids, (i) => `并发合作社${i}`);
  return ids;
}

/** Sign-off (四 signatures through the API) and township approval: the application waits for finance. */
async function toFinance(ids: readonly string[]): Promise<string[]> {
  const decisions: string[] = new Array(ids.length);
  await pool(ids, 16, async (id, i) => {
    await signAll(app, t, id);
    const review = await decide(app, t.township, await openDecision(id, 'township-review'), 'approve');
    expect(review.status, JSON.stringify(review.body)).toBe(200);
    decisions[i] = await openDecision(id, 'finance-approval');
  });
  return decisions;
}

describe('reward concurrency', () => {
  it('50 simultaneous approvals of one decision: exactly one is accepted, 49 get 409, the workflow moves on once', async () => {
    const programId = await openProgram(app, t, helanPolicy());
    const [id] = await seededApplications(programId, 1);
    const [decisionId] = await toFinance([id!]);
    const approvers = await Promise.all(Array.from({ length: 50 }, (_, i) => tokenFor('finance', '120225', { sub: `finance-c${i}` })));

    const answers = await Promise.all(approvers.map((token) => decide(app, token, decisionId!, 'approve')));

    const statuses = answers.map((a) => a.status);
    expect(statuses.filter((s) => s === 200)).toHaveLength(1);
    expect(statuses.filter((s) => s === 409)).toHaveLength(49);
    const winner = answers.find((a) => a.status === 200)!;
    expect(winner.body).toMatchObject({ status: 'answered' });
    const paid = await until(id!, 'paying');
    expect(paid.financeApprovals).toHaveLength(1);
    const run = await finished(id!);
    expect(run.status).toBe('SUCCEEDED');
    for (const state of ['AwaitFinance', 'FinanceOutcome', 'Reserve', 'Disburse', 'Notify']) expect(run.states.filter((s) => s === state), state).toHaveLength(1);
    expect(await ledgerTotals('reward', programId)).toEqual({ count: 1, totalFen: awardFen });
  });

  it('200 approved at once against a budget for 150: exactly 150 paid, 50 unfunded, reserved + paid never above the appropriation', async () => {
    const programId = await openProgram(app, t, helanPolicy({ budgetCeilingFen: 150 * awardFen }));
    const ids = await seededApplications(programId, 200);
    const decisions = await toFinance(ids);

    // Sample the budget continuously while the 200 reserve and disburse.
    const samples: ProgramRecord['budget'][] = [];
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        samples.push((await getProgram(programId))!.budget);
        await sleep(5);
      }
    })();

    // Four finance users, 50 bulk answers each, all four requests at once.
    const financeUsers = await Promise.all([0, 1, 2, 3].map((i) => tokenFor('finance', '120225', { sub: `finance-bulk-${i}` })));
    const bulk = await Promise.all(
      financeUsers.map((token, k) =>
        call(app, 'POST', '/decisions/bulk', { token, body: { items: decisions.slice(k * 50, k * 50 + 50).map((decisionId) => ({ decisionId, decision: 'approve' })) } }),
      ),
    );
    for (const b of bulk) expect(b.body, JSON.stringify(b.body)).toMatchObject({ succeeded: 50, failed: 0 });

    // Paid is final; unfunded stays until the budget is raised or an admin closes it.
    const final = await Promise.all(ids.map((id) => until(id, ['paying', 'unfunded'], { timeoutMs: 180_000 })));
    sampling = false;
    await sampler;

    const settled = await Promise.all(ids.map(async (id) => (await getApplication(id))!.status));
    expect(settled.filter((s) => s === 'paying')).toHaveLength(150);
    expect(settled.filter((s) => s === 'unfunded')).toHaveLength(50);
    expect(final).toHaveLength(200);
    expect(samples.length).toBeGreaterThan(10);
    for (const b of samples) {
      expect(b.reservedFen + b.paidFen).toBeLessThanOrEqual(b.appropriatedFen);
      expect(b.reservedFen + b.paidFen + b.availableFen).toBe(b.appropriatedFen);
      expect(b.availableFen).toBeGreaterThanOrEqual(0);
    }
    expect(await ledgerTotals('reward', programId)).toEqual({ count: 150, totalFen: 150 * awardFen });
    expect((await programPayoutTotals('reward', programId)).approved).toEqual({ count: 150, amountFen: 150 * awardFen });
    expect((await getProgram(programId))!.budget).toEqual({ appropriatedFen: 150 * awardFen, reservedFen: 0, paidFen: 150 * awardFen, availableFen: 0 });
    // Each of the 50 waits in the admin's queue for a raise or a close.
    for (const id of ids.filter((_, i) => settled[i] === 'unfunded')) await openDecision(id, 'unfunded');
  }, 240_000);
});
