import { describe, expect, it } from 'vitest';
import { computationSchema } from '../../../functions/programs/reward/store/application.ts';
import { helanStylePolicy } from '../../../local/reward-policy.ts';

const approval = { townshipDeadlineDays: 10, financeDeadlineDays: 15, twoApproverThresholdFen: 10_000_000 };
const { increaseRule: _, ...policyBeforeTheRule } = helanStylePolicy(200_000_000, approval);
const current = { entityId: 'ent-1', year: 2025, operatingIncomeFen: 60_000_000, netProfitFen: -5_000_000 };
const previous = { entityId: 'ent-1', year: 2024, operatingIncomeFen: 60_000_000, netProfitFen: -20_000_000 };

describe('stored computations', () => {
  it('one stored before the increase rule existed reads as what it was computed with: the plain difference from last year', () => {
    const stored = { eligible: true, rewardFen: 1_350_000, increaseFen: 15_000_000, rateBp: 900, capped: false, snapshot: { policy: policyBeforeTheRule, current, previous, alreadyRewarded: false }, computedAt: '2026-03-01T00:00:00.000Z' };
    const read = computationSchema.parse(stored);
    expect(read.snapshot).toMatchObject({ increaseRule: 'plain-difference', baselineFen: -20_000_000, policy: { increaseRule: 'plain-difference' } });
  });

  it('one stored with the rule keeps it, and its baseline', () => {
    const policy = helanStylePolicy(200_000_000, approval);
    const stored = { eligible: false, reasons: [{ code: 'no-profit', message: '…' }], snapshot: { policy, current, previous, alreadyRewarded: false, increaseRule: 'profit-above-last-year-or-zero', baselineFen: 0 }, computedAt: '2026-03-01T00:00:00.000Z' };
    const read = computationSchema.parse(stored);
    expect(read.snapshot).toMatchObject({ increaseRule: 'profit-above-last-year-or-zero', baselineFen: 0, policy: { increaseRule: 'profit-above-last-year-or-zero' } });
    expect(read.reasons?.[0]?.code).toBe('no-profit');
  });

  it('without a previous account there is no baseline', () => {
    const policy = helanStylePolicy(200_000_000, approval);
    const read = computationSchema.parse({ eligible: false, reasons: [], snapshot: { policy, current, alreadyRewarded: false, increaseRule: 'plain-difference' }, computedAt: '2026-03-01T00:00:00.000Z' });
    expect(read.snapshot.baselineFen).toBeUndefined();
    expect(read.snapshot.previous).toBeUndefined();
  });
});
