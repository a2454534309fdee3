import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { fundInOrder, rewardLines } from '../../../functions/programs/social/domain/reward-run.ts';

// What a page of the reward run pays of the budget: in page order, each line in full or not at all.
describe('fundInOrder', () => {
  it('funds what fits in order, skips what does not, and still funds later lines that fit', () => {
    const lines = [600, 500, 300, 100].map((amountFen, i) => ({ id: String(i), amountFen }));
    const { funded, unfunded, fundedFen } = fundInOrder(lines, 1000);
    expect(funded.map((l) => l.id)).toEqual(['0', '2', '3']);
    expect(unfunded.map((l) => l.id)).toEqual(['1']);
    expect(fundedFen).toBe(1000);
    expect(fundInOrder(lines, 0)).toEqual({ funded: [], unfunded: lines, fundedFen: 0 });
    expect(fundInOrder(lines, -5).fundedFen).toBe(0);
  });

  it('never spends more than is available, and a line is funded exactly when it fits what the earlier ones left', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 5_000_000 }), { maxLength: 60 }), fc.integer({ min: 0, max: 100_000_000 }), (amounts, available) => {
        const lines = amounts.map((amountFen, i) => ({ i, amountFen }));
        const { funded, unfunded, fundedFen } = fundInOrder(lines, available);
        expect(fundedFen).toBe(funded.reduce((a, l) => a + l.amountFen, 0));
        expect(fundedFen).toBeLessThanOrEqual(available);
        expect(funded.length + unfunded.length).toBe(lines.length);
        let left = available;
        const fundedSet = new Set(funded.map((l) => l.i));
        for (const l of lines) {
          expect(fundedSet.has(l.i)).toBe(l.amountFen <= left);
          if (l.amountFen <= left) left -= l.amountFen;
        }
      }),
    );
  });
});

describe('rewardLines', () => {
  it('one line per graded organisation whose grade the table rewards', () => {
    const base = { name: 'x', village: '120225100201' };
    const lines = rewardLines(
      [
        { ...base, organisationId: 'a', grade: '5A', outcome: 'graded' },
        { ...base, organisationId: 'b', grade: '3A', outcome: 'graded' },
        { ...base, organisationId: 'c', outcome: 'no-annual-report' },
      ],
      [{ grade: '5A', amountFen: 20_000 }],
    );
    expect(lines).toEqual([{ ...base, organisationId: 'a', grade: '5A', amountFen: 20_000 }]);
  });
});
