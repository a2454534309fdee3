import { tierIndexFor, tierLabel, type FundingPolicy, type FundingVillage } from './policy.ts';

/** One village's line of a run. Amounts in fen. */
export interface Allocation {
  readonly code: string;
  readonly currentFen: number;
  readonly newTotalFen: number;
  /** What the run pays: newTotalFen − currentFen, never negative. */
  readonly topUpFen: number;
  /** Part of the new total earmarked for the service-to-the-masses fund, a separate line. */
  readonly earmarkFen: number;
  /** The floor that applied to this village, if any (whether or not it raised the total). */
  readonly floorFen: number | null;
  /** The floor, not the increase, set the new total. */
  readonly floorApplied: boolean;
  /** The cap cut the new total (or the village was already at or above it). */
  readonly capApplied: boolean;
  /** Label of the village's population tier, or null when below every tier. */
  readonly tier: string | null;
}

/**
 * The rule: new total = max(current + increase, applicable floor), capped if the policy has a cap;
 * top-up = new total − current; earmark = min(new total, earmark minimum).
 *
 * The floor applies to the village's population tier, and only to economically weak villages when
 * the policy says so. The cap limits what a run raises a village to; it never takes money away: a
 * village whose current funding is already at or above the cap keeps it and gets a top-up of 0
 * (`capApplied` is true, `newTotalFen` is the current amount, which is then above the cap). The
 * policy schema refuses a floor above the cap, so a floor that applies is always met.
 */
export function computeAllocation(policy: FundingPolicy, village: FundingVillage): Allocation {
  const tierIndex = tierIndexFor(policy.floors, village.population);
  const tier = tierIndex === undefined ? null : tierLabel(policy.floors, tierIndex);
  const floorApplies = tierIndex !== undefined && (policy.floorsApplyTo === 'all' || village.economicallyWeak);
  const floorFen = floorApplies ? (policy.floors[tierIndex]?.floorFen ?? null) : null;

  const increased = village.currentFen + policy.increaseFen;
  if (!Number.isSafeInteger(increased)) throw new RangeError(`current funding plus increase exceeds the safe integer range for ${village.code}`);
  const floorApplied = floorFen !== null && floorFen > increased;
  const uncapped = floorApplied ? floorFen : increased;
  const capApplied = policy.capFen !== undefined && uncapped > policy.capFen;
  const capped = capApplied && policy.capFen !== undefined ? policy.capFen : uncapped;
  const newTotalFen = Math.max(capped, village.currentFen);

  return {
    code: village.code,
    currentFen: village.currentFen,
    newTotalFen,
    topUpFen: newTotalFen - village.currentFen,
    earmarkFen: Math.min(newTotalFen, policy.earmarkMinimumFen),
    floorFen,
    floorApplied,
    capApplied,
    tier,
  };
}
