import * as z from 'zod';
import { basisPointsSchema, fenSchema, formatYuan, signedFenSchema } from '../../../platform/money.ts';
import { refineAscendingTier, tierIndexAt } from '../../../platform/tiers.ts';

/**
 * Policy of a "reward instead of subsidy" (以奖代补) program: how much of the year-on-year increase
 * in a village enterprise's net profit is paid as a one-time reward. Validated as data, so a bad
 * policy is refused with the offending field named before any application uses it.
 */

/** One rate tier: applies from `fromOperatingIncomeFen` (inclusive) up to the next tier's threshold. */
export const rewardTierSchema = z.object({
  fromOperatingIncomeFen: fenSchema,
  rateBp: basisPointsSchema,
});
export type RewardTier = z.infer<typeof rewardTierSchema>;

const deadlineDaysSchema = z.number().int('must be a whole number of days').min(1, 'must be at least 1 day').max(365, 'must be at most 365 days');

export const rewardApprovalSchema = z.object({
  /** Days the township has to decide before the step escalates. */
  townshipDeadlineDays: deadlineDaysSchema,
  /** Days finance has to decide before the step escalates. */
  financeDeadlineDays: deadlineDaysSchema,
  /** From this reward amount (inclusive) two different finance users must approve. */
  twoApproverThresholdFen: fenSchema,
});
export type RewardApproval = z.infer<typeof rewardApprovalSchema>;

/**
 * How the rewarded increase of net profit is measured (比上年净增的利润部分).
 *
 * - `profit-above-last-year-or-zero` (the default): an increase of *profit*. The year's net profit
 *   must be positive; the increase is measured from the previous year's net profit or zero,
 *   whichever is higher: `max(0, current − max(previous, 0))`. An enterprise going from −200,000 to
 *   −50,000 yuan made no profit and gets nothing; one going from −200,000 to +50,000 yuan is
 *   rewarded on the 50,000 yuan of profit, not on 250,000.
 * - `plain-difference`: `current − previous`, whatever the signs (a smaller loss counts as an
 *   increase). Only when a program's own rules say so, chosen explicitly.
 */
export const increaseRules = ['profit-above-last-year-or-zero', 'plain-difference'] as const;
export type IncreaseRule = (typeof increaseRules)[number];
export const defaultIncreaseRule: IncreaseRule = 'profit-above-last-year-or-zero';

export const rewardPolicySchema = z
  .object({
    /**
     * How the increase is measured; see {@link increaseRules}. Policies stored before the field
     * existed read as the default.
     */
    increaseRule: z
      .enum(increaseRules)
      .default(defaultIncreaseRule)
      .describe(
        'How the rewarded increase of net profit is measured. `profit-above-last-year-or-zero` (default): only a positive net profit of the year earns a reward, on its increase over the previous year’s net profit or zero, whichever is higher (a smaller loss is no increase). `plain-difference`: the year’s net profit minus the previous year’s, whatever the signs.',
      ),
    /**
     * Rate tiers keyed by the year's operating income, ascending. Lower bounds only: each tier ends
     * where the next begins, so tiers can neither overlap nor leave gaps.
     */
    tiers: z.array(rewardTierSchema).min(1, 'must have at least one tier').max(20, 'must have at most 20 tiers'),
    /** Minimum operating income of the year to be eligible at all. */
    minOperatingIncomeFen: fenSchema,
    /** Maximum reward per award. */
    capFen: fenSchema,
    /** The program's appropriation as first opened; finance may raise the budget later. */
    budgetCeilingFen: fenSchema,
    approval: rewardApprovalSchema,
  })
  .superRefine((policy, ctx) => {
    for (const index of policy.tiers.keys()) refineAscendingTier(ctx, policy.tiers, index, { field: 'tiers', key: 'fromOperatingIncomeFen', unit: 'fen' });
    const first = policy.tiers[0];
    // Otherwise an eligible income between the minimum and the first tier would have no rate.
    if (first && first.fromOperatingIncomeFen > policy.minOperatingIncomeFen) {
      ctx.addIssue({
        code: 'custom',
        path: ['tiers', 0, 'fromOperatingIncomeFen'],
        message: `must be at most minOperatingIncomeFen (${policy.minOperatingIncomeFen} fen) so that every eligible income has a rate`,
      });
    }
  });
export type RewardPolicy = z.infer<typeof rewardPolicySchema>;

/**
 * The net profit the increase is measured from: the previous year's under `plain-difference`, the
 * previous year's or zero, whichever is higher, under the default.
 */
export function increaseBaselineFen(rule: IncreaseRule, previousNetProfitFen: number): number {
  return rule === 'plain-difference' ? previousNetProfitFen : Math.max(previousNetProfitFen, 0);
}

/** Net profit is bounded so that the difference of two years stays a safe integer. */
const MAX_NET_PROFIT_FEN = 10 ** 15;

/** One year's audited account of a village enterprise, as kept by the township (村账镇管). */
export const annualAccountSchema = z.object({
  entityId: z.string().trim().min(1, 'must not be empty').max(100),
  year: z.number().int('must be a calendar year').min(1990).max(2200),
  operatingIncomeFen: fenSchema,
  /** May be negative (a loss). */
  netProfitFen: signedFenSchema
    .min(-MAX_NET_PROFIT_FEN, `must be at least ${-MAX_NET_PROFIT_FEN} fen`)
    .max(MAX_NET_PROFIT_FEN, `must be at most ${MAX_NET_PROFIT_FEN} fen`),
});
export type AnnualAccount = z.infer<typeof annualAccountSchema>;

/**
 * The rate of the highest tier whose threshold the operating income reaches, or undefined when the
 * income is below every tier.
 */
export function rateFor(policy: Pick<RewardPolicy, 'tiers'>, operatingIncomeFen: number): number | undefined {
  const index = tierIndexAt(policy.tiers, 'fromOperatingIncomeFen', operatingIncomeFen);
  return index === undefined ? undefined : policy.tiers[index]?.rateBp;
}

/** Human-readable description of a tier table, for messages and documentation. */
export function describeTiers(policy: Pick<RewardPolicy, 'tiers'>): string {
  return policy.tiers
    .map((tier, index) => {
      const next = policy.tiers[index + 1];
      const range = next ? `${formatYuan(tier.fromOperatingIncomeFen)}–${formatYuan(next.fromOperatingIncomeFen)}` : `≥ ${formatYuan(tier.fromOperatingIncomeFen)}`;
      return `${range} yuan: ${tier.rateBp / 100} %`;
    })
    .join('; ');
}
