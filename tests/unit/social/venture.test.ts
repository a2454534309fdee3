import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { awardInRankOrder, awardSummary, instalments, maxTotal, proposalTotal, rankProposals, reviewTotal, villageShare, type RankedProposal, type VentureCriterion } from '../../../functions/programs/social/domain/venture.ts';

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

const criteriaArb = fc.uniqueArray(fc.record({ key: fc.stringMatching(/^[a-z][a-zA-Z0-9]{0,7}$/), name: fc.constantFrom('公益性', '可行性', '预算合理性'), maxPoints: fc.integer({ min: 1, max: 1000 }) }), { selector: (c) => c.key, minLength: 1, maxLength: 8 });
/** Criteria with a valid score for each. */
const scoredArb = criteriaArb.chain((criteria) => fc.tuple(fc.constant(criteria), fc.tuple(...criteria.map((c) => fc.integer({ min: 0, max: c.maxPoints })))));

describe('per-criterion venture scoring', () => {
  const criteria: VentureCriterion[] = [
    { key: 'impact', name: '公益性', maxPoints: 40 },
    { key: 'feasibility', name: '可行性', maxPoints: 30 },
    { key: 'budget', name: '预算合理性', maxPoints: 30 },
  ];

  it("a reviewer's total is the sum of the criteria's points; the maximum is the sum of their maxima", () => {
    expect(reviewTotal(criteria, { impact: 40, feasibility: 0, budget: 17 })).toEqual({ total: 57, problems: [] });
    expect(maxTotal(criteria)).toBe(100);
  });

  it('problems name the field: missing, out of range, not whole, unknown', () => {
    const fields = (scores: Record<string, unknown>) => reviewTotal(criteria, scores).problems.map((p) => p.field).sort();
    expect(fields({ impact: 40, feasibility: 30 })).toEqual(['scores.budget']);
    expect(fields({ impact: 41, feasibility: -1, budget: 1.5 })).toEqual(['scores.budget', 'scores.feasibility', 'scores.impact']);
    expect(fields({ impact: 1, feasibility: 1, budget: 1, reach: 1 })).toEqual(['scores.reach']);
    expect(fields({ impact: '40', feasibility: 30, budget: 30 })).toEqual(['scores.impact']);
    // Edges are allowed.
    expect(fields({ impact: 0, feasibility: 30, budget: 30 })).toEqual([]);
  });

  it('property: a valid review totals the sum of its points, between 0 and the maximum; one point over any maximum is refused naming it', () => {
    fc.assert(
      fc.property(scoredArb, fc.nat(), ([cs, points], pick) => {
        const scores = Object.fromEntries(cs.map((c, i) => [c.key, points[i]!]));
        const result = reviewTotal(cs, scores);
        expect(result.total).toBe(points.reduce((a, b) => a + b, 0));
        expect(result.total).toBeLessThanOrEqual(maxTotal(cs));
        const over = cs[pick % cs.length]!;
        expect(reviewTotal(cs, { ...scores, [over.key]: over.maxPoints + 1 }).problems.map((p) => p.field)).toEqual([`scores.${over.key}`]);
      }),
    );
  });

  it("a proposal's total is the mean of its reviewers' totals, half up: 85 and 86 give 86, 85 and 85 give 85, 1, 1 and 2 give 1", () => {
    expect(proposalTotal([85, 86])).toBe(86);
    expect(proposalTotal([85, 85])).toBe(85);
    expect(proposalTotal([1, 1, 2])).toBe(1);
    expect(proposalTotal([0, 1])).toBe(1);
  });

  it('property: the total is within half a point of the exact mean, and an exact half goes up', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 20_000 }), { minLength: 2, maxLength: 12 }), (totals) => {
        const t = proposalTotal(totals);
        const n = totals.length;
        const sum = totals.reduce((a, b) => a + b, 0);
        // |t − sum/n| ≤ 1/2, in integers; at exactly 1/2 the rounding is up.
        expect(Math.abs(2 * t * n - 2 * sum)).toBeLessThanOrEqual(n);
        if (Math.abs(2 * t * n - 2 * sum) === n) expect(t * n).toBeGreaterThan(sum);
        expect(t).toBeGreaterThanOrEqual(Math.min(...totals));
        expect(t).toBeLessThanOrEqual(Math.max(...totals));
      }),
    );
  });

  it('property: ranking by total does not depend on the order proposals come in; equal totals go by submission, then id', () => {
    const tied = fc.uniqueArray(
      fc.record({ id: fc.uuid(), score: fc.integer({ min: 0, max: 3 }), requestedFen: fc.constant(1), submittedAt: fc.constantFrom('2025-03-01T00:00:00.000Z', '2025-03-02T00:00:00.000Z') }),
      { selector: (p) => p.id, maxLength: 30 },
    );
    fc.assert(
      fc.property(tied.chain((ps) => fc.tuple(fc.constant(ps), fc.shuffledSubarray(ps, { minLength: ps.length, maxLength: ps.length }))), ([ps, shuffled]) => {
        const ranked = rankProposals(ps);
        expect(rankProposals(shuffled).map((p) => p.id)).toEqual(ranked.map((p) => p.id));
        for (let i = 1; i < ranked.length; i++) {
          const [a, b] = [ranked[i - 1]!, ranked[i]!];
          expect(a.score > b.score || (a.score === b.score && (a.submittedAt < b.submittedAt || (a.submittedAt === b.submittedAt && a.id.localeCompare(b.id) < 0)))).toBe(true);
        }
      }),
    );
  });
});

describe('venture rounds and reviews stored before criteria were data', () => {
  it('read as 100-point criteria c1, c2, … and reviews with their total only', async () => {
    const { ventureRoundSchema, reviewSchema } = await import('../../../functions/programs/social/store/venture.ts');
    const round = ventureRoundSchema.parse({ id: 'svr-x', township: '120225104', year: 2026, name: '创投', budgetFen: 1, opensOn: '2026-01-01', closesOn: '2026-02-01', criteria: ['公益性', '可行性'], reviewers: [], status: 'open', awards: [], skipped: [], createdBy: 'c', version: 1, createdAt: 'a', updatedAt: 'b' });
    expect(round.criteria).toEqual([{ key: 'c1', name: '公益性', maxPoints: 100 }, { key: 'c2', name: '可行性', maxPoints: 100 }]);
    expect(reviewSchema.parse({ roundId: 'svr-x', organisationId: 'org-x', reviewer: 'r', score: 80, at: 'a' }).scores).toEqual({});
  });
});

describe('a village’s share of a round', () => {
  const view = {
    round: { id: 'r', reviewers: [{ sub: 'rev-a', village: 'v2' }, { sub: 'rev-b' }], awards: [{ organisationId: 'o1', village: 'v1', amountFen: 10, score: 90 }, { organisationId: 'o3', village: 'v2', amountFen: 20, score: 80 }], skipped: ['o2', 'o4'] },
    proposals: [{ organisationId: 'o1', village: 'v1' }, { organisationId: 'o2', village: 'v1' }, { organisationId: 'o3', village: 'v2' }, { organisationId: 'o4', village: 'v2' }],
    instalments: [{ organisationId: 'o1', n: 1 }, { organisationId: 'o3', n: 1 }],
  };

  it('keeps its own proposals, awards, skipped proposals and instalments, and no reviewer', () => {
    const share = villageShare(view, 'v1');
    expect(share.proposals.map((p) => p.organisationId)).toEqual(['o1', 'o2']);
    expect(share.round.awards.map((a) => a.organisationId)).toEqual(['o1']);
    expect(share.round.skipped).toEqual(['o2']);
    expect(share.instalments.map((i) => i.organisationId)).toEqual(['o1']);
    expect(share.round.reviewers).toEqual([]);
    expect(share.round.id).toBe('r');
  });

  it('shows a village of no proposal nothing of the others', () => {
    const share = villageShare(view, 'v9');
    expect([share.proposals, share.round.awards, share.round.skipped, share.instalments]).toEqual([[], [], [], []]);
    expect(awardSummary(share.round.awards)).toEqual({ awardCount: 0, awardedFen: 0 });
    expect(awardSummary(view.round.awards)).toEqual({ awardCount: 2, awardedFen: 30 });
  });
});
