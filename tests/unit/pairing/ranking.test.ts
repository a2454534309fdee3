import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { bottomCount, inputProblems, rankingRuleSchema, rankVillages, type RankingCandidate, type RankingInputRow, type VillageCategory } from '../../../functions/programs/pairing/domain/ranking.ts';

const rule = rankingRuleSchema.parse({
  indicators: [
    { key: 'income', name: '村集体收入', weightBp: 6000, direction: 'higher-better' },
    { key: 'complaints', name: '信访件数', weightBp: 4000, direction: 'lower-better' },
  ],
});

const village = (n: number, category: VillageCategory, income: number, complaints: number): RankingCandidate => ({
  village: `1202251002${String(n).padStart(2, '0')}`,
  category,
  values: { income, complaints },
});

describe('bottom share rounding', () => {
  it('rounds 10 % up by default and down when the policy says floor', () => {
    expect(rule).toMatchObject({ bottomShareBp: 1000, rounding: 'ceil' });
    expect([0, 1, 5, 9, 10, 11, 19, 20, 21].map((n) => bottomCount(n, 1000, 'ceil'))).toEqual([0, 1, 1, 1, 1, 2, 2, 2, 3]);
    expect([0, 1, 5, 9, 10, 11, 19, 20, 21].map((n) => bottomCount(n, 1000, 'floor'))).toEqual([0, 0, 0, 0, 1, 1, 1, 2, 2]);
  });

  it('is exact integer arithmetic: ceil and floor agree exactly when the share is whole, and differ by one otherwise', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 100_000 }), fc.integer({ min: 1, max: 10_000 }), (n, bp) => {
        const up = bottomCount(n, bp, 'ceil');
        const down = bottomCount(n, bp, 'floor');
        expect(down * 10_000).toBeLessThanOrEqual(n * bp);
        expect(up * 10_000).toBeGreaterThanOrEqual(n * bp);
        expect(up - down).toBe((n * bp) % 10_000 === 0 ? 0 : 1);
        expect(up).toBeLessThanOrEqual(n);
      }),
    );
  });
});

describe('ranking within categories', () => {
  it('ranks each category on its own and scales indicators within it (lower-better inverted)', () => {
    const ranked = rankVillages(rule, [village(1, '强基', 100, 0), village(2, '强基', 50, 5), village(3, '强基', 0, 10), village(4, '创优', 1, 1)]);
    expect(ranked.map((r) => [r.village.slice(-2), r.category, r.score, r.rank, r.bottom])).toEqual([
      ['04', '创优', 10_000, 1, true],
      ['01', '强基', 10_000, 1, false],
      ['02', '强基', 5_000, 2, false],
      ['03', '强基', 0, 3, true],
    ]);
  });

  it('ties share a rank and are listed by code; a tie at the cut-off takes every tied village', () => {
    const tied = [village(5, '示范', 10, 0), village(1, '示范', 0, 0), village(3, '示范', 0, 0), village(2, '示范', 10, 0)];
    const ranked = rankVillages(rule, tied);
    expect(ranked.map((r) => [r.village.slice(-2), r.rank, r.bottom])).toEqual([
      ['02', 1, false],
      ['05', 1, false],
      ['01', 3, true],
      ['03', 3, true],
    ]);
  });

  const category = fc.constantFrom<VillageCategory>('示范', '创优', '强基');
  const candidates = fc
    .uniqueArray(fc.tuple(fc.integer({ min: 0, max: 99 }), category, fc.integer({ min: 0, max: 5 }), fc.integer({ min: 0, max: 3 })), { selector: ([n]) => n, maxLength: 60 })
    .map((rows) => rows.map(([n, c, income, complaints]) => village(n, c, income, complaints)));

  it('property (with many ties): the bottom is at least the share, every bottom village scores no more than every other, ranks agree with scores', () => {
    fc.assert(
      fc.property(candidates, fc.integer({ min: 1, max: 10_000 }), fc.constantFrom('ceil' as const, 'floor' as const), (villages, bottomShareBp, rounding) => {
        const ranked = rankVillages({ ...rule, bottomShareBp, rounding }, villages);
        expect(ranked).toHaveLength(villages.length);
        for (const c of ['示范', '创优', '强基'] as const) {
          const members = ranked.filter((r) => r.category === c);
          const bottom = members.filter((r) => r.bottom);
          const rest = members.filter((r) => !r.bottom);
          expect(bottom.length).toBeGreaterThanOrEqual(bottomCount(members.length, bottomShareBp, rounding));
          if (bottom.length > 0 && rest.length > 0) expect(Math.max(...bottom.map((r) => r.score))).toBeLessThan(Math.min(...rest.map((r) => r.score)));
          for (const a of members) {
            expect(a.rank).toBe(1 + members.filter((b) => b.score > a.score).length);
            expect(a.score).toBeGreaterThanOrEqual(0);
            expect(a.score).toBeLessThanOrEqual(10_000);
          }
          // Beyond the share, only villages tied with the cut-off are taken.
          if (bottom.length > bottomCount(members.length, bottomShareBp, rounding)) {
            const cutoff = Math.max(...bottom.map((r) => r.score));
            expect(bottom.filter((r) => r.score === cutoff).length).toBeGreaterThan(1);
          }
        }
      }),
    );
  });

  it('does not depend on the order of the input', () => {
    fc.assert(
      fc.property(candidates.chain((v) => fc.tuple(fc.constant(v), fc.shuffledSubarray(v, { minLength: v.length, maxLength: v.length }))), ([a, b]) => {
        expect(rankVillages(rule, b)).toEqual(rankVillages(rule, a));
      }),
    );
  });
});

describe('ranking policy and input', () => {
  it('refuses weights that do not add up to 100 % and a key listed twice, naming the field', () => {
    const bad = rankingRuleSchema.safeParse({ indicators: [{ key: 'a', name: 'A', weightBp: 5000, direction: 'higher-better' }, { key: 'a', name: 'B', weightBp: 4000, direction: 'higher-better' }] });
    expect(bad.error?.issues.map((i) => i.path.join('.'))).toEqual(['indicators.1.key', 'indicators']);
  });

  it('names missing and unknown indicator values and a village given twice', () => {
    const rows: RankingInputRow[] = [{ village: '120225100201', values: { income: 1 } }, { village: '120225100201', values: { income: 1, complaints: 0, other: 3 } }];
    expect(inputProblems(rule, rows).map((p) => p.field)).toEqual(['villages.0.values.complaints', 'villages.1.village', 'villages.1.values.other']);
  });
});
