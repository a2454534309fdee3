import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { definitionText, workflows } from '../../../workflows/registry.ts';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { ddb, tableName } from '../../../functions/shared/clients.ts';
import { resetConfig } from '../../../functions/shared/config.ts';
import { buildApp } from '../../../functions/api/app.ts';
import type { App } from '../../../functions/platform/http/context.ts';
import { ledgerEntries, ledgerTotals } from '../../../functions/platform/store/ledger.ts';
import { getPayout, programPayoutTotals } from '../../../functions/platform/payments/store/payout.ts';
import { getApplication } from '../../../functions/programs/reward/store/application.ts';
import { getProgram } from '../../../functions/programs/reward/store/program.ts';
import { call } from '../../support/api.ts';
import { actors, decide, finished, helanPolicy, openDecision, openProgram, pool, seedApplications, seedVillage, signAll, type Actors } from '../../support/reward/fixtures.ts';
import { useLocalStepFunctions } from '../../support/stepfunctions.ts';

// Faults: reserve and disburse fail with probability 0.3 AFTER their write committed (the test
// switch of functions/shared/faults.ts, seeded so every run draws the same faults per application
// and attempt). 300 applications approved by finance must each be paid exactly once.
//
// Why the retries suffice: Reserve and Disburse retry InjectedFault (with ConflictError and the
// transaction errors, one retrier of the standard Retry policy that the registry gives every Lambda
// task) MaxAttempts 12, i.e. 13 attempts. All 13 fail with probability
// 0.3^13 = 1.59e-7; over 300 applications × 2 steps the chance that any step exhausts its retries is
// at most 600 × 1.59e-7 = 9.6e-5 (union bound) — and with the seed the draws are fixed anyway. That
// bound treats every attempt as a fresh 30 % draw; in fact a retry after a fault finds the write
// done (reserved / paid) and returns before the switch, so each step faults at most once per
// application (≈ 90 of 300 expected per step).
const faultSetting = 'reward-reserve:0.3,reward-disburse:0.3,seed=20261121';
const count = 300;
const awardFen = 3_000_000;

let app: App;
let t: Actors;

beforeAll(() => {
  process.env.FAULT_INJECTION = faultSetting;
});
useLocalStepFunctions({ waitScale: 0.00001 });

beforeAll(async () => {
  await seedVillage();
  app = buildApp();
  t = await actors();
});
afterAll(() => {
  delete process.env.FAULT_INJECTION;
  resetConfig();
});

describe('reward faults', () => {
  it('the state machine retries InjectedFault on Reserve and Disburse often enough for 30 % (13 attempts)', () => {
    // As deployed: the registry puts the standard Retry in front of each state's own.
    const definition = JSON.parse(definitionText(workflows.find((w) => w.name === 'reward-application')!)) as {
      States: Record<string, { Retry?: { ErrorEquals: string[]; MaxAttempts?: number }[] }>;
    };
    for (const step of ['Reserve', 'Disburse']) {
      const retrier = definition.States[step]?.Retry?.find((r) => r.ErrorEquals.includes('InjectedFault'));
      expect(retrier?.MaxAttempts, step).toBeGreaterThanOrEqual(12);
      expect(count * 2 * 0.3 ** ((retrier?.MaxAttempts ?? 0) + 1)).toBeLessThan(1e-4);
    }
  });

  it(`30 % faults after the write on reserve and disburse: ${count} approved, each paid exactly once, the ledger sums to the approved total`, async () => {
    const programId = await openProgram(app, t, helanPolicy({ budgetCeilingFen: count * awardFen * 2 }));
    // Fixed ids: the seeded draws are per application id, so the same faults are injected on every run.
    const ids = Array.from({ length: count }, (_, i) => `ra-fault-${String(i).padStart(3, '0')}`);
    // Enterprises, accounts and applications through the stores (not under test), started as the API starts them.
    await seedApplications(programId, ids, (i) => `故障合作社${i}`);
    // Sign-off and township review through the API.
    const decisions: string[] = new Array(count);
    await pool(ids, 24, async (id, i) => {
      await signAll(app, t, id);
      expect((await decide(app, t.township, await openDecision(id, 'township-review'), 'approve')).status).toBe(200);
      decisions[i] = await openDecision(id, 'finance-approval');
    });
    // Finance approves all 300 in one bulk request.
    const bulk = await call(app, 'POST', '/decisions/bulk', { token: t.finance1, body: { items: decisions.map((decisionId) => ({ decisionId, decision: 'approve' })) } });
    expect(bulk.body, JSON.stringify(bulk.body).slice(0, 2000)).toMatchObject({ succeeded: count, failed: 0 });

    const runs = await Promise.all(ids.map((id) => finished(id, { timeoutMs: 240_000 })));
    let injected = { Reserve: 0, Disburse: 0 };
    for (const [i, run] of runs.entries()) {
      expect(run.status, ids[i]).toBe('SUCCEEDED');
      expect(run.states.filter((s) => s === 'Notify')).toHaveLength(1);
      // The faults happened: the Reserve/Disburse task failed with InjectedFault and was retried.
      let current = '';
      for (const e of run.events) {
        if (e.stateEnteredEventDetails?.name) current = e.stateEnteredEventDetails.name;
        if (e.taskFailedEventDetails?.error === 'InjectedFault' && (current === 'Reserve' || current === 'Disburse')) injected = { ...injected, [current]: injected[current] + 1 };
      }
    }
    // At most one fault per step and application (the retry finds the write done); ≈ 0.3 × 300 = 90
    // expected per step, fixed by the seed and the fixed ids.
    expect(injected.Reserve).toBeGreaterThan(60);
    expect(injected.Disburse).toBeGreaterThan(60);
    expect(injected.Reserve).toBeLessThanOrEqual(count);
    expect(injected.Disburse).toBeLessThanOrEqual(count);

    for (const id of ids) {
      const a = (await getApplication(id))!;
      expect(a.status).toBe('paying');
      const entry = await ddb().send(new GetCommand({ TableName: tableName(), Key: ledgerEntries.keyOf({ program: 'reward', programId, sourceId: id }), ConsistentRead: true }));
      const payout = await getPayout({ program: 'reward', programId, sourceId: id });
      expect(entry.Item?.amountFen).toBe(a.amountFen);
      expect(payout?.amountFen).toBe(a.amountFen);
      expect(payout?.instructionId).toBe(`reward:${programId}:${id}:1`);
    }
    // One entry and one payout per application (the keys are per application, so the counts
    // equal to the number of applications rule out a second payment under another key).
    expect(await ledgerTotals('reward', programId)).toEqual({ count, totalFen: count * awardFen });
    expect((await programPayoutTotals('reward', programId)).approved).toEqual({ count, amountFen: count * awardFen });
    expect((await getProgram(programId))!.budget).toEqual({ appropriatedFen: count * awardFen * 2, reservedFen: 0, paidFen: count * awardFen, availableFen: count * awardFen });
    console.log(`faults injected after the write: Reserve ${injected.Reserve}, Disburse ${injected.Disburse}`);
  }, 300_000);
});
