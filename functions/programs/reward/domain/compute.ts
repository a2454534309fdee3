import { applyRate, formatYuan } from '../../../platform/money.ts';
import { increaseBaselineFen, rateFor, type AnnualAccount, type IncreaseRule, type RewardPolicy } from './policy.ts';

/**
 * Everything a reward was computed from. Stored with the application, so a later edit of the
 * accounts or of the program can never change an award silently: the application is returned for
 * re-computation instead, and the old snapshot stays in the audit trail.
 */
export interface RewardSnapshot {
  readonly policy: RewardPolicy;
  readonly current: AnnualAccount;
  readonly previous: AnnualAccount | undefined;
  readonly alreadyRewarded: boolean;
  /** The rule the increase was measured with (the policy's `increaseRule`), shown with the result. */
  readonly increaseRule: IncreaseRule;
  /**
   * The net profit the increase was measured from (fen): the previous year's, or zero when that was
   * a loss under the default rule. Undefined when the previous year's account is missing.
   */
  readonly baselineFen: number | undefined;
}

export type IneligibleCode =
  | 'current-account-missing'
  | 'previous-account-missing'
  | 'income-below-minimum'
  | 'no-rate-for-income'
  | 'no-profit'
  | 'no-increase'
  | 'already-rewarded'
  | 'reward-is-zero';

export interface IneligibleReason {
  readonly code: IneligibleCode;
  /** Shown to the applicant. */
  readonly message: string;
}

export type RewardComputation =
  | {
      readonly eligible: true;
      readonly increaseFen: number;
      readonly rateBp: number;
      readonly rewardFen: number;
      /** True when the cap, not the formula, set the amount. */
      readonly capped: boolean;
      readonly snapshot: RewardSnapshot;
    }
  | {
      readonly eligible: false;
      /** Every reason that applies, not only the first, so the applicant can fix all at once. */
      readonly reasons: readonly IneligibleReason[];
      readonly snapshot: RewardSnapshot;
    };

export interface RewardContext {
  /** The entity already has a reward for this year (in any program of the jurisdiction). */
  readonly alreadyRewarded: boolean;
}

/**
 * The reward of one enterprise for `current.year`: `min(cap, floor(increase × rate / 10000))` in
 * fen, with the rate from the tier of the year's operating income. The increase depends on the
 * policy's `increaseRule`: by default `netProfit(year) − max(netProfit(year − 1), 0)` and only for a
 * positive `netProfit(year)` (an increase of profit: a smaller loss is not one); under
 * `plain-difference` `netProfit(year) − netProfit(year − 1)`.
 *
 * Eligible only when the previous year's account exists, the income reaches the policy minimum,
 * the year shows a profit (default rule), the increase is positive, the entity has no reward for the
 * year yet, and the amount is at least 1 fen (a zero award would run four sign-offs and two
 * approvals to pay nothing).
 *
 * Throws when `previous` belongs to another entity or is not the year before `current`: that is a
 * caller's bug, not a property of the application.
 */
export function computeReward(policy: RewardPolicy, current: AnnualAccount, previous: AnnualAccount | undefined, context: RewardContext): RewardComputation {
  if (previous && previous.entityId !== current.entityId) {
    throw new RangeError(`previous account belongs to ${previous.entityId}, not ${current.entityId}`);
  }
  if (previous && previous.year !== current.year - 1) {
    throw new RangeError(`previous account is for ${previous.year}, expected ${current.year - 1}`);
  }
  const rule = policy.increaseRule;
  const baselineFen = previous ? increaseBaselineFen(rule, previous.netProfitFen) : undefined;
  const snapshot: RewardSnapshot = structuredClone({ policy, current, previous, alreadyRewarded: context.alreadyRewarded, increaseRule: rule, baselineFen });
  const reasons: IneligibleReason[] = [];

  if (context.alreadyRewarded) {
    reasons.push({ code: 'already-rewarded', message: `${current.entityId} already has a reward for ${current.year}; an entity is rewarded at most once per year` });
  }
  if (current.operatingIncomeFen < policy.minOperatingIncomeFen) {
    reasons.push({
      code: 'income-below-minimum',
      message: `operating income ${formatYuan(current.operatingIncomeFen)} yuan in ${current.year} is below the minimum of ${formatYuan(policy.minOperatingIncomeFen)} yuan`,
    });
  }
  const rateBp = rateFor(policy, current.operatingIncomeFen);
  // The schema makes the first tier start at or below the minimum, so this only adds a reason when
  // the income is already below the minimum; kept for policies built without the schema.
  if (rateBp === undefined && current.operatingIncomeFen >= policy.minOperatingIncomeFen) {
    reasons.push({ code: 'no-rate-for-income', message: `no rate tier covers an operating income of ${formatYuan(current.operatingIncomeFen)} yuan` });
  }
  if (!previous) {
    reasons.push({ code: 'previous-account-missing', message: `no account of ${current.entityId} for ${current.year - 1}; the increase cannot be computed` });
    return { eligible: false, reasons, snapshot };
  }

  const baseline = increaseBaselineFen(rule, previous.netProfitFen);
  const increase = BigInt(current.netProfitFen) - BigInt(baseline);
  if (rule === 'profit-above-last-year-or-zero' && current.netProfitFen <= 0) {
    reasons.push({
      code: 'no-profit',
      message: `net profit ${formatYuan(current.netProfitFen)} yuan in ${current.year} is not a profit; the program rewards an increase of profit, so a loss (even a smaller one than in ${previous.year}) earns nothing`,
    });
  } else if (increase <= 0n) {
    const over =
      baseline === previous.netProfitFen
        ? `${formatYuan(previous.netProfitFen)} yuan in ${previous.year}`
        : `0 yuan (the profit counts from zero: ${previous.year} was a loss of ${formatYuan(previous.netProfitFen)} yuan)`;
    reasons.push({ code: 'no-increase', message: `net profit ${formatYuan(current.netProfitFen)} yuan in ${current.year} is not above ${over}` });
  }
  if (reasons.length > 0 || rateBp === undefined) return { eligible: false, reasons, snapshot };

  if (increase > BigInt(Number.MAX_SAFE_INTEGER)) throw new RangeError('net profit increase exceeds the safe integer range');
  const increaseFen = Number(increase);
  const formulaFen = applyRate(increaseFen, rateBp, 'floor');
  const capped = formulaFen > policy.capFen;
  const rewardFen = capped ? policy.capFen : formulaFen;
  if (rewardFen === 0) {
    return {
      eligible: false,
      reasons: [{ code: 'reward-is-zero', message: `an increase of ${formatYuan(increaseFen)} yuan at ${rateBp / 100} % gives a reward of 0 yuan` }],
      snapshot,
    };
  }
  return { eligible: true, increaseFen, rateBp, rewardFen, capped, snapshot };
}

/**
 * {@link computeReward} from the accounts as stored, either of which may be missing. A missing
 * account of the application's year is its own reason (`current-account-missing`): the income and
 * the increase are then unknown, so no reason about them is given, only what else is known (the
 * previous year missing too, a reward already given). The snapshot keeps a zero placeholder for it.
 */
export function computeRewardFromAccounts(
  policy: RewardPolicy,
  subject: { readonly entityId: string; readonly year: number },
  current: AnnualAccount | undefined,
  previous: AnnualAccount | undefined,
  context: RewardContext,
): RewardComputation {
  if (current) return computeReward(policy, current, previous, context);
  const placeholder: AnnualAccount = { entityId: subject.entityId, year: subject.year, operatingIncomeFen: 0, netProfitFen: 0 };
  const reasons: IneligibleReason[] = [];
  if (context.alreadyRewarded) {
    reasons.push({ code: 'already-rewarded', message: `${subject.entityId} already has a reward for ${subject.year}; an entity is rewarded at most once per year` });
  }
  reasons.push({ code: 'current-account-missing', message: `no account of ${subject.entityId} for ${subject.year}; the township records it first` });
  if (!previous) reasons.push({ code: 'previous-account-missing', message: `no account of ${subject.entityId} for ${subject.year - 1}; the increase cannot be computed` });
  const baselineFen = previous ? increaseBaselineFen(policy.increaseRule, previous.netProfitFen) : undefined;
  return {
    eligible: false,
    reasons,
    snapshot: structuredClone({ policy, current: placeholder, previous, alreadyRewarded: context.alreadyRewarded, increaseRule: policy.increaseRule, baselineFen }),
  };
}

/**
 * Whether the accounts as stored now differ from those a computation used (either side missing
 * counts as a difference): the application must then be returned for re-computation.
 */
export function snapshotStale(snapshot: Pick<RewardSnapshot, 'current' | 'previous'>, current: AnnualAccount | undefined, previous: AnnualAccount | undefined): boolean {
  const same = (a: AnnualAccount | undefined, b: AnnualAccount | undefined) =>
    a === undefined || b === undefined ? a === b : a.operatingIncomeFen === b.operatingIncomeFen && a.netProfitFen === b.netProfitFen;
  return !same(snapshot.current, current) || !same(snapshot.previous, previous);
}
