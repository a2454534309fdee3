import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { categoryKeyList, organisationEvents, organisationStatuses, nextStatus, isCounted, type CategoryKey, type OrganisationStatus } from '../../../functions/programs/social/domain/organisation.ts';
import { coverageOfItem, coverageRollupItems, rollupShards } from '../../../functions/programs/social/store/coverage.ts';
import { coverageDelta, emptyCoverage, mergeCoverage, missingCategories, per1000Hundredths, trendByYear, type Coverage } from '../../../functions/programs/social/domain/coverage.ts';

const count = fc.integer({ min: -50, max: 50 });
const years = fc.dictionary(fc.integer({ min: 2015, max: 2030 }).map(String), fc.integer({ min: 0, max: 50 }), { maxKeys: 5 });
const coverage: fc.Arbitrary<Coverage> = fc.record({
  categories: fc.tuple(...categoryKeyList.map(() => count)).map((ns) => Object.fromEntries(categoryKeyList.map((k, i) => [k, ns[i]!])) as Record<CategoryKey, number>),
  total: count,
  entered: years,
  left: years,
});
/** Equal as counters: a year with 0 is the same as no entry for that year. */
const normal = (c: Coverage) => ({ ...c, entered: Object.fromEntries(Object.entries(c.entered).filter(([, n]) => n !== 0).sort()), left: Object.fromEntries(Object.entries(c.left).filter(([, n]) => n !== 0).sort()) });

describe('mergeCoverage', () => {
  it('is associative and commutative, with the empty counter as identity', () => {
    fc.assert(
      fc.property(coverage, coverage, coverage, (a, b, c) => {
        expect(normal(mergeCoverage(mergeCoverage(a, b), c))).toEqual(normal(mergeCoverage(a, mergeCoverage(b, c))));
        expect(normal(mergeCoverage(a, b))).toEqual(normal(mergeCoverage(b, a)));
        expect(normal(mergeCoverage(a, emptyCoverage))).toEqual(normal(a));
      }),
    );
  });

  it('counters kept by deltas over any status paths, merged in any grouping, equal a recount of the final statuses', () => {
    const path = fc.record({
      category: fc.constantFrom(...categoryKeyList),
      village: fc.integer({ min: 0, max: 4 }),
      steps: fc.array(fc.tuple(fc.constantFrom(...organisationEvents), fc.integer({ min: 2019, max: 2026 })), { maxLength: 12 }),
    });
    fc.assert(
      fc.property(fc.array(path, { maxLength: 40 }), (orgs) => {
        const perVillage = new Map<number, Coverage>();
        const finals: { village: number; category: CategoryKey; status: OrganisationStatus }[] = [];
        for (const org of orgs) {
          let status: OrganisationStatus = 'applied';
          const add = (d: Coverage | undefined) => d && perVillage.set(org.village, mergeCoverage(perVillage.get(org.village) ?? emptyCoverage, d));
          add(coverageDelta(undefined, status, org.category, 2019));
          for (const [event, year] of org.steps) {
            const next = nextStatus(status, event);
            if (!next) continue;
            add(coverageDelta(status, next, org.category, year));
            status = next;
          }
          finals.push({ village: org.village, category: org.category, status });
        }
        const county = [...perVillage.values()].reduce(mergeCoverage, emptyCoverage);
        const live = finals.filter((f) => isCounted(f.status));
        expect(county.total).toBe(live.length);
        for (const k of categoryKeyList) expect(county.categories[k]).toBe(live.filter((f) => f.category === k).length);
        for (const [v, c] of perVillage) expect(c.total).toBe(live.filter((f) => f.village === v).length);
        // The trend's last year is today's count.
        expect(trendByYear(county, 2019, 2026).at(-1)?.organisations).toBe(live.length);
      }),
    );
  });
});

describe('township roll-up shards', () => {
  it('the shards of a township, summed, equal the merge of its villages, whatever villages they hold', () => {
    const villageCode = fc.tuple(fc.integer({ min: 0, max: 2 }), fc.integer({ min: 200, max: 260 })).map(([t, v]) => `120225${100 + t}${v}`);
    fc.assert(
      fc.property(fc.dictionary(villageCode, coverage, { maxKeys: 30 }), (byVillage) => {
        const items = coverageRollupItems(new Map(Object.entries(byVillage)));
        for (const township of new Set(Object.keys(byVillage).map((v) => v.slice(0, 9)))) {
          const shards = items.filter((i) => i.township === township);
          expect(shards.length).toBeLessThanOrEqual(rollupShards);
          const summed = shards.map(coverageOfItem).reduce(mergeCoverage, emptyCoverage);
          const merged = Object.entries(byVillage).filter(([v]) => v.startsWith(township)).map(([, c]) => c).reduce(mergeCoverage, emptyCoverage);
          expect(normal(summed)).toEqual(normal(merged));
        }
      }),
    );
  });
});

describe('coverage views', () => {
  it('a status change moves the count only when it enters or leaves filed/active', () => {
    expect(coverageDelta('applied', 'filed', 'sage', 2025)?.total).toBe(1);
    expect(coverageDelta('filed', 'active', 'sage', 2025)).toBeUndefined();
    expect(coverageDelta('active', 'suspended', 'sage', 2025)).toMatchObject({ total: -1, left: { 2025: 1 } });
    expect(coverageDelta(undefined, 'active', 'trade', 2024)).toMatchObject({ total: 1, entered: { 2024: 1 }, categories: { trade: 1 } });
    for (const s of organisationStatuses) expect(coverageDelta(s, s, 'other', 2025)).toBeUndefined();
  });

  it('missing categories and organisations per 1,000 residents (hundredths, half up)', () => {
    const c = mergeCoverage(emptyCoverage, { ...emptyCoverage, categories: { ...emptyCoverage.categories, sage: 2, volunteer: 1 }, total: 3 });
    expect(missingCategories(c)).toEqual(['civility', 'mediation', 'trade', 'other']);
    expect(per1000Hundredths(3, 1200)).toBe(250);
    expect(per1000Hundredths(1, 3000)).toBe(33); // 0.333… → 0.33
    expect(per1000Hundredths(1, 1600)).toBe(63); // 0.625 → 0.63 (half up)
    expect(per1000Hundredths(5, 0)).toBeUndefined();
  });

  it('the trend is a running count by year', () => {
    const c: Coverage = { ...emptyCoverage, total: 3, entered: { 2019: 2, 2021: 3 }, left: { 2021: 1, 2022: 1 } };
    expect(trendByYear(c, 2020, 2022)).toEqual([
      { year: 2020, organisations: 2 },
      { year: 2021, organisations: 4 },
      { year: 2022, organisations: 3 },
    ]);
  });
});
