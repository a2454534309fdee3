import type { RewardPolicy } from '../functions/programs/reward/domain/policy.ts';

/**
 * A Helan-style reward policy (tiers of 8/9/10/12 % from 100,000 / 500,000 / 1,000,000 / 5,000,000
 * yuan of operating income, minimum income 100,000 yuan) with the budget, approval rules and cap
 * given. One definition for the demo data, the tests and the benchmark, so their figures agree.
 */
export function helanStylePolicy(budgetCeilingFen: number, approval: RewardPolicy['approval'], capFen = 50_000_000): RewardPolicy {
  return {
    increaseRule: 'profit-above-last-year-or-zero',
    tiers: [
      { fromOperatingIncomeFen: 10_000_000, rateBp: 800 },
      { fromOperatingIncomeFen: 50_000_000, rateBp: 900 },
      { fromOperatingIncomeFen: 100_000_000, rateBp: 1000 },
      { fromOperatingIncomeFen: 500_000_000, rateBp: 1200 },
    ],
    minOperatingIncomeFen: 10_000_000,
    capFen,
    budgetCeilingFen,
    approval,
  };
}
