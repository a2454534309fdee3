import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { fundingPolicySchema, type FundingVillage } from '../../../functions/programs/funding/domain/policy.ts';
import { computeAllocation, type Allocation } from '../../../functions/programs/funding/domain/allocate.ts';
import { addAllocation, emptySummary, fundingSummarySchema, mergeSummaries, NO_TIER, summarise, townshipOf, type FundingTotals } from '../../../functions/programs/funding/domain/summary.ts';

const policy = fundingPolicySchema.parse({
  increaseFen: 4_000_000,
  floors: [
    { minPopulation: 500, floorFen: 5_000_000 },
    { minPopulation: 1_501, floorFen: 10_000_000 },
  ],
  floorsApplyTo: 'economically-weak',
  earmarkMinimumFen: 5_000_000,
  capFen: 25_000_000,
});

const villageArb: fc.Arbitrary<FundingVillage> = fc.record({
  // A handful of townships so that buckets collect several villages.
  code: fc.tuple(fc.constantFrom('120225100', '120225101', '120225203', '330381001'), fc.integer({ min: 0, max: 999 })).map(([township, n]) => `${township}${String(n).padStart(3, '0')}`),
  population: fc.integer({ min: 0, max: 4_000 }),
  economicallyWeak: fc.boolean(),
  currentFen: fc.integer({ min: 0, max: 40_000_000 }),
});
const allocationsArb = fc.array(villageArb.map((village) => computeAllocation(policy, village)), { maxLength: 200 });

const sumOf = (allocations: readonly Allocation[]): FundingTotals => ({
  villages: allocations.length,
  currentFen: allocations.reduce((sum, a) => sum + a.currentFen, 0),
  newTotalFen: allocations.reduce((sum, a) => sum + a.newTotalFen, 0),
  topUpFen: allocations.reduce((sum, a) => sum + a.topUpFen, 0),
  earmarkFen: allocations.reduce((sum, a) => sum + a.earmarkFen, 0),
  floorApplied: allocations.filter((a) => a.floorApplied).length,
  capApplied: allocations.filter((a) => a.capApplied).length,
});

describe('run summary', () => {
  it('totals by township and tier, counting floors and caps', () => {
    const allocations = [
      computeAllocation(policy, { code: '120225100001', population: 1_600, economicallyWeak: true, currentFen: 3_000_000 }),
      computeAllocation(policy, { code: '120225100002', population: 800, economicallyWeak: false, currentFen: 16_000_000 }),
      computeAllocation(policy, { code: '120225101001', population: 100, economicallyWeak: true, currentFen: 24_000_000 }),
    ];
    const summary = summarise(allocations);
    expect(summary.total).toEqual({ villages: 3, currentFen: 43_000_000, newTotalFen: 55_000_000, topUpFen: 12_000_000, earmarkFen: 15_000_000, floorApplied: 1, capApplied: 1 });
    expect(summary.byTownship['120225100']).toMatchObject({ villages: 2, topUpFen: 11_000_000, floorApplied: 1 });
    expect(summary.byTownship['120225101']).toMatchObject({ villages: 1, topUpFen: 1_000_000, capApplied: 1 });
    expect(Object.keys(summary.byTier).sort()).toEqual(['1501+', '500–1500', NO_TIER]);
    expect(fundingSummarySchema.parse(JSON.parse(JSON.stringify(summary)))).toEqual(summary);
  });

  it('has totals equal to the sum of the lines, also per township and per tier', () => {
    fc.assert(
      fc.property(allocationsArb, (allocations) => {
        const summary = summarise(allocations);
        expect(summary.total).toEqual(sumOf(allocations));
        for (const [township, totals] of Object.entries(summary.byTownship)) {
          expect(totals).toEqual(sumOf(allocations.filter((a) => townshipOf(a.code) === township)));
        }
        for (const [tier, totals] of Object.entries(summary.byTier)) {
          expect(totals).toEqual(sumOf(allocations.filter((a) => (a.tier ?? NO_TIER) === tier)));
        }
        const villagesInBuckets = (record: Record<string, FundingTotals>) => Object.values(record).reduce((sum, t) => sum + t.villages, 0);
        expect(villagesInBuckets(summary.byTownship)).toBe(allocations.length);
        expect(villagesInBuckets(summary.byTier)).toBe(allocations.length);
      }),
      { numRuns: 500 },
    );
  });

  it('merged page summaries equal the summary of everything, in any split', () => {
    fc.assert(
      fc.property(allocationsArb, fc.array(fc.nat(), { maxLength: 6 }), (allocations, cuts) => {
        const points = [...new Set(cuts.map((cut) => cut % (allocations.length + 1)))].sort((a, b) => a - b);
        const pages = [0, ...points].map((start, index) => allocations.slice(start, [...points, allocations.length][index]));
        const partials = pages.map((page) => summarise(page));
        const snapshot = JSON.stringify(partials);
        expect(mergeSummaries(...partials)).toEqual(summarise(allocations));
        // Merging is associative: merging merged halves gives the same.
        const middle = Math.floor(partials.length / 2);
        expect(mergeSummaries(mergeSummaries(...partials.slice(0, middle)), mergeSummaries(...partials.slice(middle)))).toEqual(summarise(allocations));
        expect(JSON.stringify(partials)).toBe(snapshot);
      }),
      { numRuns: 500 },
    );
  });

  it('folds line by line into a caller-owned accumulator', () => {
    const accumulator = emptySummary();
    const allocation = computeAllocation(policy, { code: '120225100001', population: 0, economicallyWeak: false, currentFen: 0 });
    expect(addAllocation(accumulator, allocation)).toBe(accumulator);
    expect(accumulator.total.villages).toBe(1);
    expect(mergeSummaries()).toEqual(emptySummary());
  });

  it('refuses a total that would stop being exact', () => {
    const huge = { ...computeAllocation(policy, { code: '120225100001', population: 0, economicallyWeak: false, currentFen: 0 }), currentFen: Number.MAX_SAFE_INTEGER };
    expect(() => summarise([huge, huge])).toThrow(RangeError);
  });
});
