import * as z from 'zod';
import { fenSchema } from '../../../platform/money.ts';
import type { Allocation } from './allocate.ts';

/**
 * Totals of a run, by township and by population tier. Built as an accumulator so a run over
 * 100,000 villages can fold one page at a time (each Map iteration summarises its page, the results
 * are merged) without ever holding every allocation; plain JSON so it can travel as task output.
 */

const countSchema = z.number().int().min(0);

export const fundingTotalsSchema = z.object({
  villages: countSchema,
  currentFen: fenSchema,
  newTotalFen: fenSchema,
  topUpFen: fenSchema,
  earmarkFen: fenSchema,
  /** Villages whose new total was set by a floor. */
  floorApplied: countSchema,
  /** Villages whose new total was cut by the cap (or already at or above it). */
  capApplied: countSchema,
});
export type FundingTotals = z.infer<typeof fundingTotalsSchema>;

export const fundingSummarySchema = z.object({
  total: fundingTotalsSchema,
  /** Keyed by the 9-digit township code. */
  byTownship: z.record(z.string(), fundingTotalsSchema),
  /** Keyed by tier label; villages below every tier under {@link NO_TIER}. */
  byTier: z.record(z.string(), fundingTotalsSchema),
});
export type FundingSummary = z.infer<typeof fundingSummarySchema>;

/** Tier key of villages whose population is below every tier. */
export const NO_TIER = 'none';

export function emptyTotals(): FundingTotals {
  return { villages: 0, currentFen: 0, newTotalFen: 0, topUpFen: 0, earmarkFen: 0, floorApplied: 0, capApplied: 0 };
}

/**
 * A record keyed by user input (tier labels) or data (township codes): without a prototype, so no
 * key reads or replaces an inherited property.
 */
function keyedRecord(): Record<string, FundingTotals> {
  return Object.create(null) as Record<string, FundingTotals>;
}

export function emptySummary(): FundingSummary {
  return { total: emptyTotals(), byTownship: keyedRecord(), byTier: keyedRecord() };
}

function add(a: number, b: number): number {
  const sum = a + b;
  // Totals must stay exact; failing loudly beats a silently rounded budget figure.
  if (!Number.isSafeInteger(sum)) throw new RangeError('summary total exceeds the safe integer range');
  return sum;
}

function addTotals(into: FundingTotals, from: FundingTotals): void {
  into.villages = add(into.villages, from.villages);
  into.currentFen = add(into.currentFen, from.currentFen);
  into.newTotalFen = add(into.newTotalFen, from.newTotalFen);
  into.topUpFen = add(into.topUpFen, from.topUpFen);
  into.earmarkFen = add(into.earmarkFen, from.earmarkFen);
  into.floorApplied = add(into.floorApplied, from.floorApplied);
  into.capApplied = add(into.capApplied, from.capApplied);
}

function bucket(record: Record<string, FundingTotals>, key: string): FundingTotals {
  const existing = Object.hasOwn(record, key) ? record[key] : undefined;
  if (existing) return existing;
  const created = emptyTotals();
  record[key] = created;
  return created;
}

/** The 9-digit township code of a 12-digit village code. */
export function townshipOf(villageCode: string): string {
  return villageCode.slice(0, 9);
}

/**
 * Adds one allocation to `summary` in place and returns it. The accumulator belongs to the caller
 * (start from {@link emptySummary}); mutating it keeps a fold over a large page cheap.
 */
export function addAllocation(summary: FundingSummary, allocation: Allocation): FundingSummary {
  const line: FundingTotals = {
    villages: 1,
    currentFen: allocation.currentFen,
    newTotalFen: allocation.newTotalFen,
    topUpFen: allocation.topUpFen,
    earmarkFen: allocation.earmarkFen,
    floorApplied: allocation.floorApplied ? 1 : 0,
    capApplied: allocation.capApplied ? 1 : 0,
  };
  addTotals(summary.total, line);
  addTotals(bucket(summary.byTownship, townshipOf(allocation.code)), line);
  addTotals(bucket(summary.byTier, allocation.tier ?? NO_TIER), line);
  return summary;
}

/** Summary of a batch of allocations (a page, or a whole run in tests). */
export function summarise(allocations: Iterable<Allocation>): FundingSummary {
  const summary = emptySummary();
  for (const allocation of allocations) addAllocation(summary, allocation);
  return summary;
}

/** Merges partial summaries (pages) into a new one; the inputs are left unchanged. */
export function mergeSummaries(...summaries: readonly FundingSummary[]): FundingSummary {
  const merged = emptySummary();
  for (const summary of summaries) {
    addTotals(merged.total, summary.total);
    for (const [key, totals] of Object.entries(summary.byTownship)) addTotals(bucket(merged.byTownship, key), totals);
    for (const [key, totals] of Object.entries(summary.byTier)) addTotals(bucket(merged.byTier, key), totals);
  }
  return merged;
}
