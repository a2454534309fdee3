import type * as z from 'zod';

/**
 * Tier tables keyed by lower bounds (a funding policy's population floors, a reward policy's income
 * rate tiers): each tier applies from its threshold up to the next tier's, so as long as the
 * thresholds ascend, tiers can neither overlap nor leave gaps.
 */

type Tiers<K extends string> = readonly Readonly<Record<K, number>>[];

/** Index of the last tier whose `key` threshold `value` reaches, or undefined when below every tier. */
export function tierIndexAt<K extends string>(tiers: Tiers<K>, key: K, value: number): number | undefined {
  let found: number | undefined;
  for (const [index, tier] of tiers.entries()) {
    if (value >= tier[key]) found = index;
    else break;
  }
  return found;
}

/**
 * In a zod superRefine over the policy holding the tiers at `field`: refuses tier `index` unless its
 * threshold is above the previous tier's. Called per tier, so each policy keeps its own checks of a
 * tier next to this one, and its issues in tier order.
 */
export function refineAscendingTier<K extends string>(ctx: z.RefinementCtx, tiers: Tiers<K>, index: number, at: { readonly field: string; readonly key: K; readonly unit?: string }): void {
  const previous = tiers[index - 1];
  const tier = tiers[index];
  if (!previous || !tier || tier[at.key] > previous[at.key]) return;
  ctx.addIssue({
    code: 'custom',
    path: [at.field, index, at.key],
    message: `must be greater than ${at.field}[${index - 1}].${at.key} (${previous[at.key]}${at.unit ? ` ${at.unit}` : ''}): tiers are ascending and do not overlap`,
  });
}
