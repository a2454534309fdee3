import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { resetConfig } from '../../../functions/shared/config.ts';
import { InjectedFault } from '../../../functions/shared/faults.ts';
import { ledgerTotals } from '../../../functions/platform/store/ledger.ts';
import { programPayoutTotals } from '../../../functions/platform/payments/store/payout.ts';
import { getBudget, raiseBudget } from '../../../functions/programs/social/store/budget.ts';
import { approveRewardRun, createRewardRun, payLine, runLineOutcomes, type RewardRun } from '../../../functions/programs/social/store/reward-run.ts';

// Paying a grade-reward run's lines with a fault injected AFTER each payment's commit (30 %), two
// payers racing over the same lines, against a budget that covers only part of them: every line is
// paid at most once, the budget is exact and never overspent, the ledger and the payouts agree.
const finance = { sub: 'finance-x', roles: ['finance' as const] };
const township = '120225100';

beforeAll(() => {
  process.env.FAULT_INJECTION = 'social-reward-pay:0.3,seed=11';
  resetConfig();
});
afterAll(() => {
  delete process.env.FAULT_INJECTION;
  resetConfig();
});

/** Pay a line, repeating after an injected fault as the state machine's retry would. */
async function payUntilDone(run: RewardRun, line: RewardRun['lines'][number]) {
  for (;;) {
    try {
      return await payLine(run, line, finance);
    } catch (err) {
      if (!(err instanceof InjectedFault)) throw err;
    }
  }
}

describe('reward run payments under faults and concurrency', () => {
  it('40 lines of 10,000–49,000 fen, a budget for about half: each line paid once or unfunded, budget exact', async () => {
    const year = 2031;
    const lines = Array.from({ length: 40 }, (_, i) => ({ organisationId: `org-${randomUUID()}`, name: `组织${i}`, village: `${township}${201 + (i % 5)}`, grade: i % 2 ? '4A' : '5A', amountFen: 1_000_000 + (i % 5) * 1_000_000 }));
    const total = lines.reduce((a, l) => a + l.amountFen, 0);
    const budget = Math.floor(total / 2) + 123;
    await raiseBudget(township, year, budget, finance);
    const at = new Date().toISOString();
    let run: RewardRun = { id: `srr-${township}-${year}`, roundId: `sgr-${township}-${year}`, township, year, table: [{ grade: '5A', amountFen: 1 }], lines, status: 'awaiting-finance', exclusions: [], createdBy: 'township-x', version: 1, createdAt: at, updatedAt: at };
    await createRewardRun(run, { sub: 'township-x', roles: ['township'] });
    run = await approveRewardRun(run, [{ organisationId: lines[0]!.organisationId, reason: '整改中' }], finance);
    const payable = lines.slice(1);
    // Two payers over the same lines at once (a repeated request beside the first).
    await Promise.all([0, 1].map(async (k) => {
      for (const line of k ? [...payable].reverse() : payable) await payUntilDone(run, line);
    }));
    const outcomes = await runLineOutcomes(run.id);
    expect(outcomes).toHaveLength(payable.length);
    expect(outcomes.some((o) => o.organisationId === lines[0]!.organisationId)).toBe(false);
    const paid = outcomes.filter((o) => o.outcome === 'paid');
    const paidFen = paid.reduce((a, o) => a + o.amountFen, 0);
    expect(paid.length).toBeGreaterThan(0);
    expect(outcomes.some((o) => o.outcome === 'unfunded')).toBe(true);
    expect(await ledgerTotals('social', run.id)).toEqual({ count: paid.length, totalFen: paidFen });
    expect((await programPayoutTotals('social', run.id)).approved).toEqual({ count: paid.length, amountFen: paidFen });
    const after = await getBudget(township, year);
    expect(after).toMatchObject({ appropriatedFen: budget, spentFen: paidFen, availableFen: budget - paidFen });
    expect(after!.availableFen).toBeGreaterThanOrEqual(0);
    // Every unfunded line was too big for what was left in the end.
    for (const o of outcomes.filter((x) => x.outcome === 'unfunded')) expect(o.amountFen).toBeGreaterThan(after!.availableFen);
  });
});
