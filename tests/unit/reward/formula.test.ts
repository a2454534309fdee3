import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { yuanToFen } from '../../../functions/platform/money.ts';
import { annualAccountSchema, describeTiers, increaseRules, rateFor, rewardPolicySchema, type AnnualAccount, type RewardPolicy } from '../../../functions/programs/reward/domain/policy.ts';
import { computeReward, computeRewardFromAccounts, snapshotStale } from '../../../functions/programs/reward/domain/compute.ts';

const yuan = (text: string) => yuanToFen(text);

/**
 * Helan county's rule: 8 / 9 / 10 / 12 % of the year-on-year increase once operating income reaches
 * 100,000 yuan. The income brackets of the four rates are not in the sources; these are illustrative.
 */
const helan: RewardPolicy = rewardPolicySchema.parse({
  tiers: [
    { fromOperatingIncomeFen: yuan('100000'), rateBp: 800 },
    { fromOperatingIncomeFen: yuan('500000'), rateBp: 900 },
    { fromOperatingIncomeFen: yuan('1000000'), rateBp: 1_000 },
    { fromOperatingIncomeFen: yuan('5000000'), rateBp: 1_200 },
  ],
  minOperatingIncomeFen: yuan('100000'),
  capFen: yuan('200000'),
  budgetCeilingFen: yuan('5000000'),
  approval: { townshipDeadlineDays: 10, financeDeadlineDays: 15, twoApproverThresholdFen: yuan('100000') },
});

const account = (year: number, operatingIncome: string, netProfit: string, entityId = 'coop-1'): AnnualAccount =>
  annualAccountSchema.parse({ entityId, year, operatingIncomeFen: yuan(operatingIncome), netProfitFen: yuanToFen(netProfit, { signed: true }) });

const fresh = { alreadyRewarded: false };

describe('Helan tiers', () => {
  it.each([
    ['99999.99', undefined],
    ['100000', 800],
    ['499999.99', 800],
    ['500000', 900],
    ['999999.99', 900],
    ['1000000', 1_000],
    ['4999999.99', 1_000],
    ['5000000', 1_200],
    ['90000000', 1_200],
  ])('income %s yuan gets rate %s bp', (income, rate) => {
    expect(rateFor(helan, yuan(income))).toBe(rate);
  });

  it('describes its tiers for people', () => {
    expect(describeTiers(helan)).toBe('100000.00–500000.00 yuan: 8 %; 500000.00–1000000.00 yuan: 9 %; 1000000.00–5000000.00 yuan: 10 %; ≥ 5000000.00 yuan: 12 %');
  });

  it('rewards 9 % of the increase for an income of 600,000 yuan', () => {
    const result = computeReward(helan, account(2024, '600000', '180000'), account(2023, '550000', '130000'), fresh);
    expect(result).toMatchObject({ eligible: true, increaseFen: yuan('50000'), rateBp: 900, rewardFen: yuan('4500'), capped: false });
  });

  it('caps a large award', () => {
    const result = computeReward(helan, account(2024, '9000000', '3000000'), account(2023, '8000000', '500000'), fresh);
    // 12 % of 2,500,000 is 300,000, above the 200,000 cap.
    expect(result).toMatchObject({ eligible: true, increaseFen: yuan('2500000'), rateBp: 1_200, rewardFen: yuan('200000'), capped: true });
  });

  it('floors fractions of a fen', () => {
    const result = computeReward(helan, account(2024, '100000', '0.99'), account(2023, '100000', '0'), fresh);
    // 99 fen × 8 % = 7.92 fen -> 7 fen.
    expect(result).toMatchObject({ eligible: true, rewardFen: 7 });
  });

  it('counts a smaller loss as an increase only under the plain difference, chosen explicitly', () => {
    const plain = { ...helan, increaseRule: 'plain-difference' as const };
    const result = computeReward(plain, account(2024, '200000', '-1000'), account(2023, '200000', '-21000'), fresh);
    expect(result).toMatchObject({ eligible: true, increaseFen: yuan('20000'), rewardFen: yuan('1600') });
    expect(result.snapshot).toMatchObject({ increaseRule: 'plain-difference', baselineFen: -2_100_000 });
  });
});

describe('increase of profit (the default rule)', () => {
  const reasons = (result: ReturnType<typeof computeReward>) => (result.eligible ? [] : result.reasons);

  it('is the default, also for a policy stored before the rule existed', () => {
    expect(helan.increaseRule).toBe('profit-above-last-year-or-zero');
    const { increaseRule: _, ...stored } = helan;
    expect(rewardPolicySchema.parse(stored).increaseRule).toBe('profit-above-last-year-or-zero');
  });

  it('pays nothing for a smaller loss: −200,000 → −50,000 yuan is not a profit', () => {
    const result = computeReward(helan, account(2024, '600000', '-50000'), account(2023, '600000', '-200000'), fresh);
    expect(result.eligible).toBe(false);
    expect(reasons(result).map((r) => r.code)).toEqual(['no-profit']);
    expect(reasons(result)[0]?.message).toMatch(/-50000\.00 yuan in 2024 is not a profit/);
    expect(result.snapshot).toMatchObject({ increaseRule: 'profit-above-last-year-or-zero', baselineFen: 0 });
  });

  it('measures from zero after a loss: −200,000 → +50,000 yuan rewards 50,000 yuan of profit', () => {
    const result = computeReward(helan, account(2024, '600000', '50000'), account(2023, '600000', '-200000'), fresh);
    expect(result).toMatchObject({ eligible: true, increaseFen: yuan('50000'), rateBp: 900, rewardFen: yuan('4500') });
    expect(result.snapshot).toMatchObject({ increaseRule: 'profit-above-last-year-or-zero', baselineFen: 0 });
  });

  it('measures from last year’s profit when there was one', () => {
    const result = computeReward(helan, account(2024, '600000', '180000'), account(2023, '600000', '130000'), fresh);
    expect(result).toMatchObject({ eligible: true, increaseFen: yuan('50000'), snapshot: { baselineFen: yuan('130000') } });
  });

  it('a year of exactly zero profit is not a profit', () => {
    expect(reasons(computeReward(helan, account(2024, '600000', '0'), account(2023, '600000', '-1'), fresh)).map((r) => r.code)).toEqual(['no-profit']);
  });
});

describe('eligibility', () => {
  const reasonCodes = (result: ReturnType<typeof computeReward>) => (result.eligible ? [] : result.reasons.map((reason) => reason.code));

  it('takes an income exactly at the minimum, refuses one fen below', () => {
    expect(computeReward(helan, account(2024, '100000', '20000'), account(2023, '100000', '10000'), fresh).eligible).toBe(true);
    const below = computeReward(helan, account(2024, '99999.99', '20000'), account(2023, '100000', '10000'), fresh);
    expect(reasonCodes(below)).toEqual(['income-below-minimum']);
    expect(below.eligible ? '' : below.reasons[0]?.message).toMatch(/99999\.99 yuan in 2024 is below the minimum of 100000\.00 yuan/);
  });

  it('refuses no increase and a decrease', () => {
    expect(reasonCodes(computeReward(helan, account(2024, '300000', '10000'), account(2023, '300000', '10000'), fresh))).toEqual(['no-increase']);
    expect(reasonCodes(computeReward(helan, account(2024, '300000', '9000'), account(2023, '300000', '10000'), fresh))).toEqual(['no-increase']);
  });

  it('refuses without the previous year account', () => {
    expect(reasonCodes(computeReward(helan, account(2024, '300000', '10000'), undefined, fresh))).toEqual(['previous-account-missing']);
  });

  it('refuses a second reward for the same entity and year', () => {
    expect(reasonCodes(computeReward(helan, account(2024, '300000', '20000'), account(2023, '300000', '10000'), { alreadyRewarded: true }))).toEqual(['already-rewarded']);
  });

  it('lists every reason that applies', () => {
    const result = computeReward(helan, account(2024, '5000', '100'), undefined, { alreadyRewarded: true });
    expect(reasonCodes(result)).toEqual(['already-rewarded', 'income-below-minimum', 'previous-account-missing']);
  });

  it('refuses an award that rounds to zero', () => {
    expect(reasonCodes(computeReward(helan, account(2024, '300000', '0.12'), account(2023, '300000', '0'), fresh))).toEqual(['reward-is-zero']);
  });

  it('refuses a caller that mixes up accounts', () => {
    expect(() => computeReward(helan, account(2024, '300000', '1'), account(2022, '300000', '0'), fresh)).toThrow(/2022, expected 2023/);
    expect(() => computeReward(helan, account(2024, '300000', '1'), account(2023, '300000', '0', 'other'), fresh)).toThrow(/belongs to other/);
  });

  it('keeps a snapshot of every input that later edits cannot change', () => {
    const current = account(2024, '600000', '180000');
    const previous = account(2023, '550000', '130000');
    const policy = structuredClone(helan);
    const result = computeReward(policy, current, previous, fresh);
    current.netProfitFen = 0;
    policy.capFen = 1;
    expect(result.snapshot).toEqual({
      policy: helan,
      current: account(2024, '600000', '180000'),
      previous,
      alreadyRewarded: false,
      increaseRule: 'profit-above-last-year-or-zero',
      baselineFen: yuan('130000'),
    });
  });
});

describe('policy validation', () => {
  const valid = () => structuredClone(helan) as unknown as Record<string, unknown> & { tiers: { fromOperatingIncomeFen: number; rateBp: number }[] };

  it('names the field of a tier that is out of order', () => {
    const policy = valid();
    policy.tiers[2] = { fromOperatingIncomeFen: yuan('500000'), rateBp: 1_000 };
    const result = rewardPolicySchema.safeParse(policy);
    expect(result.success).toBe(false);
    expect(result.error?.issues).toEqual([expect.objectContaining({ path: ['tiers', 2, 'fromOperatingIncomeFen'], message: expect.stringMatching(/ascending and do not overlap/) })]);
  });

  it('requires the first tier to cover the minimum income', () => {
    const policy = valid();
    policy.minOperatingIncomeFen = yuan('50000');
    const result = rewardPolicySchema.safeParse(policy);
    expect(result.error?.issues).toEqual([expect.objectContaining({ path: ['tiers', 0, 'fromOperatingIncomeFen'] })]);
  });

  it('refuses rates above 100 %, fractional fen and empty tiers, naming the field', () => {
    const policy = valid();
    policy.tiers[0] = { fromOperatingIncomeFen: yuan('100000'), rateBp: 12_000 };
    policy.capFen = 1.5;
    const paths = rewardPolicySchema.safeParse(policy).error?.issues.map((issue) => issue.path.join('.'));
    expect(paths).toEqual(['tiers.0.rateBp', 'capFen']);
    expect(rewardPolicySchema.safeParse({ ...valid(), tiers: [] }).error?.issues[0]?.path).toEqual(['tiers']);
  });

  it('refuses deadlines of zero days', () => {
    const policy = valid();
    policy.approval = { townshipDeadlineDays: 0, financeDeadlineDays: 15, twoApproverThresholdFen: 0 };
    expect(rewardPolicySchema.safeParse(policy).error?.issues[0]?.path).toEqual(['approval', 'townshipDeadlineDays']);
  });
});

const fenArb = (max: number) => fc.integer({ min: 0, max });

const policyArb: fc.Arbitrary<RewardPolicy> = fc
  .record({
    thresholds: fc.uniqueArray(fenArb(10 ** 12), { minLength: 1, maxLength: 6 }),
    rates: fc.array(fc.integer({ min: 0, max: 10_000 }), { minLength: 6, maxLength: 6 }),
    minAbove: fenArb(10 ** 10),
    capFen: fenArb(10 ** 12),
    increaseRule: fc.constantFrom(...increaseRules),
  })
  .map(({ thresholds, rates, minAbove, capFen, increaseRule }) => {
    const sorted = [...thresholds].sort((a, b) => a - b);
    return rewardPolicySchema.parse({
      increaseRule,
      tiers: sorted.map((from, index) => ({ fromOperatingIncomeFen: from, rateBp: rates[index] ?? 0 })),
      minOperatingIncomeFen: (sorted[0] ?? 0) + minAbove,
      capFen,
      budgetCeilingFen: 10 ** 13,
      approval: { townshipDeadlineDays: 10, financeDeadlineDays: 15, twoApproverThresholdFen: 10_000_000 },
    });
  });

const netProfitArb = fc.integer({ min: -(10 ** 15), max: 10 ** 15 });
const incomeArb = fc.oneof(fenArb(10 ** 13), fenArb(10 ** 7));

/** Reward as a plain number: 0 when ineligible (what is paid). */
const paid = (policy: RewardPolicy, income: number, currentNet: number, previousNet: number) => {
  const result = computeReward(
    policy,
    { entityId: 'e', year: 2024, operatingIncomeFen: income, netProfitFen: currentNet },
    { entityId: 'e', year: 2023, operatingIncomeFen: income, netProfitFen: previousNet },
    fresh,
  );
  return result.eligible ? result.rewardFen : 0;
};

describe('reward properties', () => {
  it('is a whole number of fen, never negative, never above the cap, and equals the BigInt formula', () => {
    fc.assert(
      fc.property(policyArb, incomeArb, netProfitArb, netProfitArb, (policy, income, currentNet, previousNet) => {
        const result = computeReward(
          policy,
          { entityId: 'e', year: 2024, operatingIncomeFen: income, netProfitFen: currentNet },
          { entityId: 'e', year: 2023, operatingIncomeFen: 0, netProfitFen: previousNet },
          fresh,
        );
        // The reference formula, written out again in BigInt for both rules.
        const profitRule = policy.increaseRule === 'profit-above-last-year-or-zero';
        const baseline = profitRule && previousNet < 0 ? 0n : BigInt(previousNet);
        const increase = profitRule && currentNet <= 0 ? 0n : BigInt(currentNet) - baseline;
        const rate = rateFor(policy, income);
        const expectedEligible = increase > 0n && income >= policy.minOperatingIncomeFen && rate !== undefined;
        if (!result.eligible) {
          const formula = rate === undefined ? 0n : (increase * BigInt(rate)) / 10_000n;
          expect(!expectedEligible || formula === 0n || policy.capFen === 0).toBe(true);
          return;
        }
        expect(expectedEligible).toBe(true);
        const reference = (increase * BigInt(rate ?? 0)) / 10_000n;
        const expected = reference < BigInt(policy.capFen) ? reference : BigInt(policy.capFen);
        expect(BigInt(result.rewardFen)).toBe(expected);
        expect(Number.isSafeInteger(result.rewardFen)).toBe(true);
        expect(result.rewardFen).toBeGreaterThan(0);
        expect(result.rewardFen).toBeLessThanOrEqual(policy.capFen);
        expect(result.capped).toBe(reference > BigInt(policy.capFen));
        expect(result.increaseFen).toBe(Number(increase));
      }),
      { numRuns: 1000 },
    );
  });

  it('is monotone in the increase', () => {
    fc.assert(
      fc.property(policyArb, incomeArb, netProfitArb, fc.integer({ min: -(10 ** 14), max: 10 ** 14 }), fc.integer({ min: 0, max: 10 ** 14 }), (policy, income, previousNet, base, extra) => {
        const lower = paid(policy, income, previousNet + base, previousNet);
        const higher = paid(policy, income, previousNet + base + extra, previousNet);
        expect(higher).toBeGreaterThanOrEqual(lower);
      }),
      { numRuns: 1000 },
    );
  });

  it('never pays when the year is not a profit, under the default rule', () => {
    fc.assert(
      fc.property(policyArb, incomeArb, fc.integer({ min: -(10 ** 15), max: 0 }), netProfitArb, (policy, income, currentNet, previousNet) => {
        const profitRule = { ...policy, increaseRule: 'profit-above-last-year-or-zero' as const };
        expect(paid(profitRule, income, currentNet, previousNet)).toBe(0);
      }),
      { numRuns: 1000 },
    );
  });

  it('rewards an increase never larger than the year’s profit, under the default rule', () => {
    fc.assert(
      fc.property(policyArb, incomeArb, netProfitArb, netProfitArb, (policy, income, currentNet, previousNet) => {
        const result = computeReward(
          { ...policy, increaseRule: 'profit-above-last-year-or-zero' },
          { entityId: 'e', year: 2024, operatingIncomeFen: income, netProfitFen: currentNet },
          { entityId: 'e', year: 2023, operatingIncomeFen: income, netProfitFen: previousNet },
          fresh,
        );
        if (!result.eligible) return;
        expect(currentNet).toBeGreaterThan(0);
        expect(result.increaseFen).toBeGreaterThan(0);
        expect(result.increaseFen).toBeLessThanOrEqual(currentNet);
        expect(result.increaseFen).toBe(currentNet - Math.max(previousNet, 0));
        expect(result.snapshot.baselineFen).toBe(Math.max(previousNet, 0));
      }),
      { numRuns: 1000 },
    );
  });

  it('is the plain difference when both years are profits', () => {
    fc.assert(
      fc.property(policyArb, incomeArb, fc.integer({ min: 1, max: 10 ** 15 }), fc.integer({ min: 1, max: 10 ** 15 }), (policy, income, currentNet, previousNet) => {
        const profitRule = paid({ ...policy, increaseRule: 'profit-above-last-year-or-zero' }, income, currentNet, previousNet);
        const plain = paid({ ...policy, increaseRule: 'plain-difference' }, income, currentNet, previousNet);
        expect(profitRule).toBe(plain);
      }),
      { numRuns: 1000 },
    );
  });

  it('never pays more than the plain difference would', () => {
    fc.assert(
      fc.property(policyArb, incomeArb, netProfitArb, netProfitArb, (policy, income, currentNet, previousNet) => {
        expect(paid({ ...policy, increaseRule: 'profit-above-last-year-or-zero' }, income, currentNet, previousNet)).toBeLessThanOrEqual(
          paid({ ...policy, increaseRule: 'plain-difference' }, income, currentNet, previousNet),
        );
      }),
      { numRuns: 1000 },
    );
  });

  it('does not grow when last year was better', () => {
    fc.assert(
      fc.property(policyArb, incomeArb, netProfitArb, fc.integer({ min: -(10 ** 14), max: 10 ** 14 }), fc.integer({ min: 0, max: 10 ** 14 }), (policy, income, currentNet, previousNet, extra) => {
        expect(paid(policy, income, currentNet, previousNet + extra)).toBeLessThanOrEqual(paid(policy, income, currentNet, previousNet));
      }),
      { numRuns: 1000 },
    );
  });

  it('picks the bracket whose lower bound is the highest one reached', () => {
    fc.assert(
      fc.property(policyArb, fc.nat(), (policy, pick) => {
        const index = pick % policy.tiers.length;
        const tier = policy.tiers[index];
        const next = policy.tiers[index + 1];
        if (!tier) throw new Error('no tier');
        expect(rateFor(policy, tier.fromOperatingIncomeFen)).toBe(tier.rateBp);
        if (next) expect(rateFor(policy, next.fromOperatingIncomeFen - 1)).toBe(tier.rateBp);
        else expect(rateFor(policy, Number.MAX_SAFE_INTEGER)).toBe(tier.rateBp);
        const first = policy.tiers[0];
        if (first && first.fromOperatingIncomeFen > 0) expect(rateFor(policy, first.fromOperatingIncomeFen - 1)).toBeUndefined();
      }),
      { numRuns: 1000 },
    );
  });
});

describe('accounts as stored (either may be missing)', () => {
  const policy = rewardPolicySchema.parse({
    tiers: [{ fromOperatingIncomeFen: 10_000_000, rateBp: 1000 }],
    minOperatingIncomeFen: 10_000_000,
    capFen: 50_000_000,
    budgetCeilingFen: 100_000_000,
    approval: { townshipDeadlineDays: 10, financeDeadlineDays: 15, twoApproverThresholdFen: 10_000_000 },
  });
  const subject = { entityId: 'ent-x', year: 2025 };
  const acc = (year: number, netProfitFen: number): AnnualAccount => ({ entityId: 'ent-x', year, operatingIncomeFen: 20_000_000, netProfitFen });
  const codes = (r: ReturnType<typeof computeRewardFromAccounts>) => (r.eligible ? [] : r.reasons.map((x) => x.code));

  it('a missing current-year account has its own reason, and no guesses about income or increase', () => {
    expect(codes(computeRewardFromAccounts(policy, subject, undefined, acc(2024, 1_000_000), { alreadyRewarded: false }))).toEqual(['current-account-missing']);
    expect(codes(computeRewardFromAccounts(policy, subject, undefined, undefined, { alreadyRewarded: true }))).toEqual(['already-rewarded', 'current-account-missing', 'previous-account-missing']);
    const r = computeRewardFromAccounts(policy, subject, undefined, undefined, { alreadyRewarded: false });
    expect(r.eligible ? undefined : r.reasons[0]?.message).toMatch(/ent-x for 2025/);
  });

  it('with the current account present it is computeReward', () => {
    expect(computeRewardFromAccounts(policy, subject, acc(2025, 3_000_000), acc(2024, 1_000_000), { alreadyRewarded: false })).toEqual(
      computeReward(policy, acc(2025, 3_000_000), acc(2024, 1_000_000), { alreadyRewarded: false }),
    );
    expect(codes(computeRewardFromAccounts(policy, subject, acc(2025, 3_000_000), undefined, { alreadyRewarded: false }))).toEqual(['previous-account-missing']);
  });
});

describe('snapshotStale', () => {
  const a = (year: number, operatingIncomeFen: number, netProfitFen: number): AnnualAccount => ({ entityId: 'ent-s', year, operatingIncomeFen, netProfitFen });
  const snapshot = { current: a(2025, 20_000_000, 3_000_000), previous: a(2024, 18_000_000, 1_000_000) };

  it('is false for the same figures, true for any change of either account, and for one appearing or disappearing', () => {
    expect(snapshotStale(snapshot, a(2025, 20_000_000, 3_000_000), a(2024, 18_000_000, 1_000_000))).toBe(false);
    expect(snapshotStale(snapshot, a(2025, 20_000_000, 3_000_001), a(2024, 18_000_000, 1_000_000))).toBe(true);
    expect(snapshotStale(snapshot, a(2025, 20_000_001, 3_000_000), a(2024, 18_000_000, 1_000_000))).toBe(true);
    expect(snapshotStale(snapshot, a(2025, 20_000_000, 3_000_000), a(2024, 18_000_000, 999_999))).toBe(true);
    expect(snapshotStale(snapshot, a(2025, 20_000_000, 3_000_000), undefined)).toBe(true);
    expect(snapshotStale({ ...snapshot, previous: undefined }, a(2025, 20_000_000, 3_000_000), a(2024, 1, 1))).toBe(true);
    expect(snapshotStale({ ...snapshot, previous: undefined }, a(2025, 20_000_000, 3_000_000), undefined)).toBe(false);
  });
});
