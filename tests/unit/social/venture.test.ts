import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { awardInRankOrder, instalments, rankProposals, type RankedProposal } from '../../../functions/programs/social/domain/venture.ts';

const proposal = (id: string, score: number, requestedFen: number, submittedAt = '2025-03-01T00:00:00Z'): RankedProposal => ({ id, score, requestedFen, submittedAt });
const proposals = fc.uniqueArray(
  fc.record({ id: fc.uuid(), score: fc.integer({ min: 0, max: 100 }), requestedFen: fc.integer({ min: 1, max: 5_000_000 }), submittedAt: fc.date({ min: new Date('2025-01-01'), max: new Date('2025-12-31'), noInvalidDate: true }).map((d) => d.toISOString()) }),
  { selector: (p) => p.id, maxLength: 40 },
);

describe('venture ranking and awards within the budget', () => {
  it('awards in rank order, skipping what does not fit and funding lower-ranked ones that do', () => {
    const result = awardInRankOrder([proposal('a', 90, 600), proposal('b', 85, 500), proposal('c', 80, 300), proposal('d', 70, 100)], 1000);
    expect(result.awarded.map((p) => p.id)).toEqual(['a', 'c', 'd']);
    expect(result.skipped.map((p) => p.id)).toEqual(['b']);
    expect(result.totalFen).toBe(1000);
  });

  it('ties: earlier submitted first, then id', () => {
    expect(rankProposals([proposal('b', 80, 1, '2025-03-02T00:00:00Z'), proposal('c', 80, 1, '2025-03-01T00:00:00Z'), proposal('a', 80, 1, '2025-03-02T00:00:00Z')]).map((p) => p.id)).toEqual(['c', 'a', 'b']);
  });

  it('property: awards never exceed the budget; every proposal is funded in full or skipped; a skipped one did not fit when its turn came', () => {
    fc.assert(
      fc.property(proposals, fc.integer({ min: 0, max: 20_000_000 }), (ps, budget) => {
        const { awarded, skipped, totalFen } = awardInRankOrder(ps, budget);
        expect(totalFen).toBe(awarded.reduce((a, p) => a + p.requestedFen, 0));
        expect(totalFen).toBeLessThanOrEqual(budget);
        expect(awarded.length + skipped.length).toBe(ps.length);
        // Walk the ranking: whatever fits what is left is funded (so a higher-ranked one that fits is never passed over for a lower one).
        let left = budget;
        for (const p of rankProposals(ps)) {
          const funded = awarded.includes(p);
          expect(funded).toBe(p.requestedFen <= left);
          if (funded) left -= p.requestedFen;
        }
        // Any skipped proposal would not fit even in what was left at the end.
        for (const p of skipped) expect(p.requestedFen).toBeGreaterThan(budget - totalFen);
      }),
    );
  });

  it('two instalments add up to the award exactly', () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: 1e12 }), (amount) => {
      const [a, b] = instalments(amount);
      expect(a + b).toBe(amount);
      expect(b - a).toBeGreaterThanOrEqual(0);
      expect(b - a).toBeLessThanOrEqual(1);
    }));
  });
});
