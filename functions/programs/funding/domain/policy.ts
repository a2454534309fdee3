import * as z from 'zod';
import { fenSchema } from '../../../platform/money.ts';
import { nameSchema } from '../../../platform/names.ts';
import { villageCodeSchema } from '../../../platform/registries/domain/village.ts';
import { refineAscendingTier, tierIndexAt } from '../../../platform/tiers.ts';
import { fundingApprovalSchema } from './approval.ts';

/**
 * Budget policy for the yearly increase of village operating funds (村级组织运转经费), validated as
 * data so that a contradictory policy is refused, field named, before a run uses it.
 */

/** Names every plain object has (`constructor`, `toString`, `__proto__`…): never usable as keys. */
const objectPropertyNames: ReadonlySet<string> = new Set(Object.getOwnPropertyNames(Object.prototype));

/** A population tier with its floor: applies from `minPopulation` (inclusive) up to the next tier. */
export const populationFloorSchema = z.object({
  minPopulation: z.number().int('must be a whole number of people').min(0, 'must not be negative').max(10_000_000),
  floorFen: fenSchema,
  /** Name used in summaries and exports; defaults to the range, e.g. "1501+". */
  label: nameSchema
    .max(40, 'must be at most 40 characters')
    // Summaries are keyed by label, and kept as DynamoDB maps: the SDK's marshaller reads
    // `constructor` and `toString` of every object, so a label that names a property of plain
    // objects (`constructor`, `toString`, `hasOwnProperty`, `__proto__`…) would break every run.
    .refine((label) => !objectPropertyNames.has(label), 'is reserved: it names a property of JavaScript objects')
    .optional(),
});
export type PopulationFloor = z.infer<typeof populationFloorSchema>;

export const floorsApplyToValues = ['all', 'economically-weak'] as const;

export const fundingPolicySchema = z
  .object({
    /** Fixed increase for every village (Tianjin: 40,000 yuan). Bounded, with `currentFen`, so their sum is exact. */
    increaseFen: fenSchema.max(10 ** 15, 'is too large'),
    /** Floors by population tier, ascending by `minPopulation`; may be empty (no floors). */
    floors: z.array(populationFloorSchema).max(20, 'must have at most 20 tiers'),
    /** Whether the floors apply to every village or only to those flagged economically weak (经济薄弱村). */
    floorsApplyTo: z.enum(floorsApplyToValues),
    /** Minimum of each new total earmarked for the service-to-the-masses fund (服务群众专项经费). */
    earmarkMinimumFen: fenSchema,
    /** Optional maximum new total per village. */
    capFen: fenSchema.optional(),
    /** Who approves a run: from `twoApproverThresholdFen` of payable total, two finance users (default: `defaultTwoApproverThresholdFen`). */
    approval: fundingApprovalSchema.optional(),
  })
  .superRefine((policy, ctx) => {
    const labels = new Set<string>();
    policy.floors.forEach((floor, index) => {
      refineAscendingTier(ctx, policy.floors, index, { field: 'floors', key: 'minPopulation' });
      // A floor above the cap would be a rule that cannot be kept; refuse it instead of picking a winner.
      if (policy.capFen !== undefined && floor.floorFen > policy.capFen) {
        ctx.addIssue({ code: 'custom', path: ['capFen'], message: `must be at least floors[${index}].floorFen (${floor.floorFen} fen)` });
      }
      const label = tierLabel(policy.floors, index);
      if (labels.has(label)) ctx.addIssue({ code: 'custom', path: ['floors', index, 'label'], message: `duplicates the tier label "${label}"` });
      labels.add(label);
    });
  });
export type FundingPolicy = z.infer<typeof fundingPolicySchema>;

/** A village's inputs to a run, as snapshotted when the run starts. */
export const fundingVillageSchema = z.object({
  code: villageCodeSchema,
  population: z.number().int('must be a whole number of people').min(0, 'must not be negative').max(10_000_000),
  economicallyWeak: z.boolean(),
  /** Current yearly operating funds from all sources. */
  currentFen: fenSchema.max(10 ** 15, 'is too large'),
});
export type FundingVillage = z.infer<typeof fundingVillageSchema>;

/** The label of tier `index`: its own, or its population range such as "0–1500" or "1501+". */
export function tierLabel(floors: readonly PopulationFloor[], index: number): string {
  const floor = floors[index];
  if (!floor) throw new RangeError(`no tier ${index}`);
  if (floor.label) return floor.label;
  const next = floors[index + 1];
  return next ? `${floor.minPopulation}–${next.minPopulation - 1}` : `${floor.minPopulation}+`;
}

/** Index of the population tier of `population`, or undefined when it is below every tier. */
export function tierIndexFor(floors: readonly PopulationFloor[], population: number): number | undefined {
  return tierIndexAt(floors, 'minPopulation', population);
}
