import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { yuanToFen } from '../../../functions/platform/money.ts';
import { fundingPolicySchema, fundingVillageSchema, type FundingPolicy, type FundingVillage } from '../../../functions/programs/funding/domain/policy.ts';
import { computeAllocation } from '../../../functions/programs/funding/domain/allocate.ts';
import { mergeSummaries, summarise } from '../../../functions/programs/funding/domain/summary.ts';

const yuan = (text: string) => yuanToFen(text);

const village = (overrides: Partial<FundingVillage>): FundingVillage =>
  fundingVillageSchema.parse({ code: '120225100201', population: 800, economicallyWeak: false, currentFen: 0, ...overrides });

describe('documented cases', () => {
  // Tianjin: +40,000 yuan per village over an average of 160,000, at least 50,000 of it earmarked.
  const tianjin = fundingPolicySchema.parse({ increaseFen: yuan('40000'), floors: [], floorsApplyTo: 'all', earmarkMinimumFen: yuan('50000') });

  it("brings Tianjin's average village from 160,000 to 200,000 yuan with 50,000 earmarked", () => {
    expect(computeAllocation(tianjin, village({ currentFen: yuan('160000') }))).toEqual({
      code: '120225100201',
      currentFen: yuan('160000'),
      newTotalFen: yuan('200000'),
      topUpFen: yuan('40000'),
      earmarkFen: yuan('50000'),
      floorFen: null,
      floorApplied: false,
      capApplied: false,
      tier: null,
    });
  });

  it('earmarks the whole total when it is below the earmark minimum', () => {
    expect(computeAllocation(tianjin, village({ currentFen: 0 })).earmarkFen).toBe(yuan('40000'));
  });

  // Rui'an: weak villages reach at least 50,000 yuan; those of more than 1,500 people at least 100,000.
  const ruian = fundingPolicySchema.parse({
    increaseFen: 0,
    floors: [
      { minPopulation: 0, floorFen: yuan('50000') },
      { minPopulation: 1_501, floorFen: yuan('100000') },
    ],
    floorsApplyTo: 'economically-weak',
    earmarkMinimumFen: 0,
  });

  it("brings Rui'an's weak village of 1,600 people to 100,000 yuan", () => {
    const allocation = computeAllocation(ruian, village({ population: 1_600, economicallyWeak: true, currentFen: yuan('60000') }));
    expect(allocation).toMatchObject({ newTotalFen: yuan('100000'), topUpFen: yuan('40000'), floorFen: yuan('100000'), floorApplied: true, capApplied: false, tier: '1501+' });
  });

  it('keeps a weak village of exactly 1,500 people in the lower tier', () => {
    expect(computeAllocation(ruian, village({ population: 1_500, economicallyWeak: true, currentFen: yuan('10000') }))).toMatchObject({
      newTotalFen: yuan('50000'),
      tier: '0–1500',
      floorApplied: true,
    });
  });

  it('applies no floor to a village that is not weak when floors are for weak villages only', () => {
    expect(computeAllocation(ruian, village({ population: 1_600, economicallyWeak: false, currentFen: yuan('60000') }))).toMatchObject({
      newTotalFen: yuan('60000'),
      topUpFen: 0,
      floorFen: null,
      floorApplied: false,
      tier: '1501+',
    });
  });

  it('leaves a weak village already above its floor unchanged', () => {
    expect(computeAllocation(ruian, village({ population: 1_600, economicallyWeak: true, currentFen: yuan('120000') }))).toMatchObject({ topUpFen: 0, floorApplied: false });
  });
});

describe('cap', () => {
  const capped = fundingPolicySchema.parse({
    increaseFen: yuan('40000'),
    floors: [{ minPopulation: 0, floorFen: yuan('50000'), label: 'all villages' }],
    floorsApplyTo: 'all',
    earmarkMinimumFen: yuan('50000'),
    capFen: yuan('180000'),
  });

  it('cuts the new total at the cap', () => {
    expect(computeAllocation(capped, village({ currentFen: yuan('160000') }))).toMatchObject({ newTotalFen: yuan('180000'), topUpFen: yuan('20000'), capApplied: true, tier: 'all villages' });
  });

  it('never takes money away from a village already above the cap', () => {
    expect(computeAllocation(capped, village({ currentFen: yuan('250000') }))).toMatchObject({ newTotalFen: yuan('250000'), topUpFen: 0, capApplied: true });
  });
});

describe('policy validation', () => {
  it('names the field of a tier out of order, a duplicate label, and a floor above the cap', () => {
    const result = fundingPolicySchema.safeParse({
      increaseFen: 0,
      floors: [
        { minPopulation: 1_000, floorFen: yuan('50000'), label: 'a' },
        { minPopulation: 1_000, floorFen: yuan('100000'), label: 'a' },
      ],
      floorsApplyTo: 'all',
      earmarkMinimumFen: 0,
      capFen: yuan('80000'),
    });
    expect(result.error?.issues.map((issue) => [issue.path.join('.'), issue.message])).toEqual([
      ['floors.1.minPopulation', 'must be greater than floors[0].minPopulation (1000): tiers are ascending and do not overlap'],
      ['capFen', 'must be at least floors[1].floorFen (10000000 fen)'],
      ['floors.1.label', 'duplicates the tier label "a"'],
    ]);
  });

  it('refuses tier labels that name properties of plain objects, naming the field', () => {
    for (const label of ['constructor', 'toString', 'hasOwnProperty', 'valueOf', '__proto__', '__defineGetter__', 'isPrototypeOf']) {
      const result = fundingPolicySchema.safeParse({ increaseFen: 0, floors: [{ minPopulation: 0, floorFen: 100, label }], floorsApplyTo: 'all', earmarkMinimumFen: 0 });
      expect(result.error?.issues.map((issue) => issue.path.join('.')), label).toEqual(['floors.0.label']);
    }
  });

  it('sums correctly by tier whatever the labels, even those of an older stored policy', () => {
    const labels = ['constructor', 'toString', 'hasOwnProperty', '__proto__'];
    const allocations = labels.flatMap((tier, i) => [0, 1].map((n) => ({ ...computeAllocation(fundingPolicySchema.parse({ increaseFen: 100, floors: [], floorsApplyTo: 'all', earmarkMinimumFen: 0 }), village({ code: `12022510020${i}`, currentFen: 10 * (n + 1) })), tier })));
    const merged = mergeSummaries(summarise(allocations.slice(0, 3)), summarise(allocations.slice(3)));
    for (const tier of labels) {
      expect(Object.hasOwn(merged.byTier, tier), tier).toBe(true);
      expect(merged.byTier[tier]).toMatchObject({ villages: 2, currentFen: 30, topUpFen: 200 });
    }
    expect(Object.keys(merged.byTier).sort()).toEqual([...labels].sort());
    expect(merged.total.villages).toBe(8);
  });

  it('refuses an unknown scope of floors and negative amounts', () => {
    const result = fundingPolicySchema.safeParse({ increaseFen: -1, floors: [], floorsApplyTo: 'some', earmarkMinimumFen: 0 });
    expect(result.error?.issues.map((issue) => issue.path.join('.'))).toEqual(['increaseFen', 'floorsApplyTo']);
  });
});

const fen = fc.integer({ min: 0, max: 10 ** 12 });

const fundingPolicyArb: fc.Arbitrary<FundingPolicy> = fc
  .record({
    increaseFen: fc.oneof(fen, fc.constant(0)),
    populations: fc.uniqueArray(fc.integer({ min: 0, max: 5_000 }), { maxLength: 4 }),
    floorAmounts: fc.array(fen, { minLength: 4, maxLength: 4 }),
    floorsApplyTo: fc.constantFrom('all' as const, 'economically-weak' as const),
    earmarkMinimumFen: fen,
    capAbove: fc.option(fen, { nil: undefined }),
  })
  .map(({ increaseFen, populations, floorAmounts, floorsApplyTo, earmarkMinimumFen, capAbove }) => {
    const floors = [...populations].sort((a, b) => a - b).map((minPopulation, index) => ({ minPopulation, floorFen: floorAmounts[index] ?? 0 }));
    const highestFloor = Math.max(0, ...floors.map((floor) => floor.floorFen));
    return fundingPolicySchema.parse({ increaseFen, floors, floorsApplyTo, earmarkMinimumFen, capFen: capAbove === undefined ? undefined : highestFloor + capAbove });
  });

const fundingVillageArb: fc.Arbitrary<FundingVillage> = fc.record({
  code: fc.stringMatching(/^1202251\d{5}$/),
  population: fc.integer({ min: 0, max: 6_000 }),
  economicallyWeak: fc.boolean(),
  currentFen: fc.oneof(fen, fc.constant(0)),
});

describe('allocation properties', () => {
  it('follows the rule: top-up ≥ 0, floor met, cap kept, earmark within the total', () => {
    fc.assert(
      fc.property(fundingPolicyArb, fundingVillageArb, (policy, input) => {
        const allocation = computeAllocation(policy, input);
        expect(allocation.topUpFen).toBeGreaterThanOrEqual(0);
        expect(allocation.newTotalFen).toBe(input.currentFen + allocation.topUpFen);
        if (allocation.floorFen !== null) expect(allocation.newTotalFen).toBeGreaterThanOrEqual(allocation.floorFen);
        if (policy.capFen !== undefined) {
          expect(allocation.newTotalFen).toBeLessThanOrEqual(Math.max(policy.capFen, input.currentFen));
          if (input.currentFen <= policy.capFen) expect(allocation.newTotalFen).toBeLessThanOrEqual(policy.capFen);
        }
        expect(allocation.earmarkFen).toBeLessThanOrEqual(allocation.newTotalFen);
        expect(allocation.earmarkFen).toBe(Math.min(allocation.newTotalFen, policy.earmarkMinimumFen));
        for (const amount of [allocation.newTotalFen, allocation.topUpFen, allocation.earmarkFen]) expect(Number.isSafeInteger(amount)).toBe(true);
      }),
      { numRuns: 1000 },
    );
  });

  it('equals a reference written from the policy text', () => {
    fc.assert(
      fc.property(fundingPolicyArb, fundingVillageArb, (policy, input) => {
        const tiers = policy.floors.filter((floor) => floor.minPopulation <= input.population);
        const tier = tiers[tiers.length - 1];
        const applies = tier !== undefined && (policy.floorsApplyTo === 'all' || input.economicallyWeak);
        const floor = applies ? tier.floorFen : 0;
        const raised = Math.max(input.currentFen + policy.increaseFen, floor);
        const expected = Math.max(input.currentFen, policy.capFen === undefined ? raised : Math.min(raised, policy.capFen));
        const allocation = computeAllocation(policy, input);
        expect(allocation.newTotalFen).toBe(expected);
        expect(allocation.floorFen).toBe(applies ? tier.floorFen : null);
        expect(allocation.floorApplied).toBe(applies && tier.floorFen > input.currentFen + policy.increaseFen);
        expect(allocation.capApplied).toBe(policy.capFen !== undefined && raised > policy.capFen);
      }),
      { numRuns: 1000 },
    );
  });
});
