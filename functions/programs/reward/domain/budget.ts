import * as z from 'zod';
import { fenSchema } from '../../../platform/money.ts';

/**
 * A program's budget. Money moves appropriated → reserved (finance approved, amount held) → paid
 * (disbursed); `reserved + paid ≤ appropriated` always. The store enforces the same inequality as a
 * DynamoDB condition, so concurrency cannot break it; these functions state the rule and compute
 * the figures the API shows.
 */
export const budgetSchema = z
  .object({
    appropriatedFen: fenSchema,
    reservedFen: fenSchema,
    paidFen: fenSchema,
  })
  .superRefine((budget, ctx) => {
    if (budget.reservedFen + budget.paidFen > budget.appropriatedFen) {
      ctx.addIssue({ code: 'custom', path: ['reservedFen'], message: 'reservedFen + paidFen must not exceed appropriatedFen' });
    }
  });
export type Budget = z.infer<typeof budgetSchema>;

export interface BudgetFigures extends Budget {
  readonly availableFen: number;
}

export function budgetFigures(budget: Budget): BudgetFigures {
  return { ...budget, availableFen: budget.appropriatedFen - budget.reservedFen - budget.paidFen };
}

export type BudgetRefusal =
  | { readonly code: 'insufficient-budget'; readonly availableFen: number; readonly shortfallFen: number; readonly message: string }
  | { readonly code: 'more-than-reserved'; readonly reservedFen: number; readonly message: string }
  | { readonly code: 'not-a-raise'; readonly appropriatedFen: number; readonly message: string }
  | { readonly code: 'invalid-amount'; readonly message: string };

export type BudgetResult = { readonly ok: true; readonly budget: Budget } | { readonly ok: false; readonly refusal: BudgetRefusal };

function invalidAmount(amountFen: number): BudgetResult | undefined {
  if (Number.isSafeInteger(amountFen) && amountFen > 0) return undefined;
  return { ok: false, refusal: { code: 'invalid-amount', message: `amount must be a positive whole number of fen, got ${amountFen}` } };
}

/** Holds `amountFen` for an approved award, if it fits in what is available. */
export function canReserve(budget: Budget, amountFen: number): BudgetResult {
  const invalid = invalidAmount(amountFen);
  if (invalid) return invalid;
  const { availableFen } = budgetFigures(budget);
  if (amountFen > availableFen) {
    return {
      ok: false,
      refusal: { code: 'insufficient-budget', availableFen, shortfallFen: amountFen - availableFen, message: `${amountFen} fen requested, ${availableFen} fen available` },
    };
  }
  return { ok: true, budget: { ...budget, reservedFen: budget.reservedFen + amountFen } };
}

/** Moves a reserved amount to paid when it is disbursed. */
export function settle(budget: Budget, amountFen: number): BudgetResult {
  const invalid = invalidAmount(amountFen);
  if (invalid) return invalid;
  if (amountFen > budget.reservedFen) {
    return { ok: false, refusal: { code: 'more-than-reserved', reservedFen: budget.reservedFen, message: `${amountFen} fen to pay, only ${budget.reservedFen} fen reserved` } };
  }
  return { ok: true, budget: { ...budget, reservedFen: budget.reservedFen - amountFen, paidFen: budget.paidFen + amountFen } };
}

/** Gives a reserved amount back (an application closed after its reservation). */
export function release(budget: Budget, amountFen: number): BudgetResult {
  const invalid = invalidAmount(amountFen);
  if (invalid) return invalid;
  if (amountFen > budget.reservedFen) {
    return { ok: false, refusal: { code: 'more-than-reserved', reservedFen: budget.reservedFen, message: `${amountFen} fen to release, only ${budget.reservedFen} fen reserved` } };
  }
  return { ok: true, budget: { ...budget, reservedFen: budget.reservedFen - amountFen } };
}

/** Finance may raise the appropriation, never lower it (money already held or paid stays covered). */
export function raiseAppropriation(budget: Budget, newAppropriatedFen: number): BudgetResult {
  if (!Number.isSafeInteger(newAppropriatedFen) || newAppropriatedFen <= budget.appropriatedFen) {
    return {
      ok: false,
      refusal: { code: 'not-a-raise', appropriatedFen: budget.appropriatedFen, message: `the new appropriation must be a whole number of fen above ${budget.appropriatedFen}` },
    };
  }
  return { ok: true, budget: { ...budget, appropriatedFen: newAppropriatedFen } };
}
