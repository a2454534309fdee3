import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { budgetFigures, budgetSchema, canReserve, raiseAppropriation, release, settle, type Budget } from '../../../functions/programs/reward/domain/budget.ts';

const empty: Budget = { appropriatedFen: 1_000, reservedFen: 0, paidFen: 0 };

describe('program budget', () => {
  it('reserves what fits and refuses what does not, saying the shortfall', () => {
    const first = canReserve(empty, 600);
    expect(first).toEqual({ ok: true, budget: { appropriatedFen: 1_000, reservedFen: 600, paidFen: 0 } });
    if (!first.ok) return;
    expect(canReserve(first.budget, 400)).toMatchObject({ ok: true, budget: { reservedFen: 1_000 } });
    expect(canReserve(first.budget, 401)).toMatchObject({ ok: false, refusal: { code: 'insufficient-budget', availableFen: 400, shortfallFen: 1 } });
  });

  it('moves reserved money to paid, never more than reserved', () => {
    const reserved: Budget = { appropriatedFen: 1_000, reservedFen: 600, paidFen: 100 };
    expect(settle(reserved, 600)).toEqual({ ok: true, budget: { appropriatedFen: 1_000, reservedFen: 0, paidFen: 700 } });
    expect(settle(reserved, 601)).toMatchObject({ ok: false, refusal: { code: 'more-than-reserved' } });
    expect(release(reserved, 200)).toEqual({ ok: true, budget: { appropriatedFen: 1_000, reservedFen: 400, paidFen: 100 } });
  });

  it('only raises the appropriation', () => {
    expect(raiseAppropriation(empty, 1_500)).toMatchObject({ ok: true, budget: { appropriatedFen: 1_500 } });
    expect(raiseAppropriation(empty, 1_000)).toMatchObject({ ok: false, refusal: { code: 'not-a-raise' } });
  });

  it('refuses non-positive and fractional amounts', () => {
    for (const amount of [0, -1, 1.5, Number.NaN]) expect(canReserve(empty, amount)).toMatchObject({ ok: false, refusal: { code: 'invalid-amount' } });
  });

  it('shows the figures and validates the invariant', () => {
    expect(budgetFigures({ appropriatedFen: 1_000, reservedFen: 300, paidFen: 200 }).availableFen).toBe(500);
    expect(budgetSchema.safeParse({ appropriatedFen: 1_000, reservedFen: 900, paidFen: 200 }).error?.issues[0]?.path).toEqual(['reservedFen']);
  });

  it('keeps reserved + paid within the appropriation over any sequence of operations', () => {
    const operation = fc.oneof(
      fc.record({ kind: fc.constant('reserve' as const), amount: fc.integer({ min: -5, max: 400 }) }),
      fc.record({ kind: fc.constant('settle' as const), amount: fc.integer({ min: 1, max: 400 }) }),
      fc.record({ kind: fc.constant('release' as const), amount: fc.integer({ min: 1, max: 400 }) }),
      fc.record({ kind: fc.constant('raise' as const), amount: fc.integer({ min: 0, max: 2_000 }) }),
    );
    fc.assert(
      fc.property(fc.array(operation, { maxLength: 60 }), (operations) => {
        let budget = empty;
        let reservedTotal = 0;
        for (const { kind, amount } of operations) {
          const result =
            kind === 'reserve' ? canReserve(budget, amount) : kind === 'settle' ? settle(budget, amount) : kind === 'release' ? release(budget, amount) : raiseAppropriation(budget, amount);
          if (!result.ok) continue;
          if (kind === 'reserve') reservedTotal += amount;
          if (kind === 'release') reservedTotal -= amount;
          budget = result.budget;
          expect(budgetSchema.safeParse(budget).success).toBe(true);
          expect(budgetFigures(budget).availableFen).toBeGreaterThanOrEqual(0);
        }
        // Money is neither created nor lost: what was reserved (net of releases) is reserved or paid.
        expect(budget.reservedFen + budget.paidFen).toBe(reservedTotal);
      }),
      { numRuns: 1000 },
    );
  });
});
