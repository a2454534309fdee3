import * as z from 'zod';
import type { Actor } from '../../../platform/principal.ts';
import { auditPut } from '../../../platform/store/audit.ts';
import { defineEntity } from '../../../platform/store/entity.ts';
import { named, updateItem, writeTransaction, type TransactItem } from '../../../platform/store/transact.ts';

/**
 * A township's yearly budget for social organisations (专项经费): pk `SOCIAL_BUDGET#<township>`, sk
 * `<year>`. `availableFen` is what is left: every payment takes its amount in the payment's own
 * transaction, conditioned on `availableFen >= amount`, so the budget is never overspent, also when
 * payments run side by side. Raising it adds to both the appropriation and what is available.
 */
export const budgetSchema = z.object({ township: z.string(), year: z.number().int(), appropriatedFen: z.number().int(), availableFen: z.number().int(), spentFen: z.number().int(), updatedAt: z.string() });
export type Budget = z.infer<typeof budgetSchema>;

export const budgets = defineEntity({ type: 'socialBudget', schema: budgetSchema, key: (p: { township: string; year: number }) => ({ pk: `SOCIAL_BUDGET#${p.township}`, sk: String(p.year) }) });

export async function getBudget(township: string, year: number): Promise<Budget | undefined> {
  return budgets.get({ township, year }, { consistent: true });
}

/** Appropriate `amountFen` more for the year (creating the budget at 0 first), audited. */
export async function raiseBudget(township: string, year: number, amountFen: number, actor: Actor, now = new Date()): Promise<Budget> {
  await writeTransaction([
    updateItem(budgets.keyOf({ township, year }), {
      UpdateExpression: 'SET township = :t, #year = :y, #type = :type, updatedAt = :at ADD appropriatedFen :a, availableFen :a, spentFen :zero',
      ExpressionAttributeNames: { '#year': 'year', '#type': 'type' },
      ExpressionAttributeValues: { ':t': township, ':y': year, ':type': 'socialBudget', ':at': now.toISOString(), ':a': amountFen, ':zero': 0 },
    }),
    auditPut({ entityType: 'social-budget', entityId: `${township}-${year}`, division: township, action: 'social-budget.raise', actor, after: { amountFen }, at: now }),
  ]);
  const budget = await getBudget(township, year);
  if (!budget) throw new Error('budget vanished');
  return budget;
}

/** The transaction item that spends `amountFen` of the budget, failing (named `budget`) when less is available. */
export function spendBudget(township: string, year: number, amountFen: number, now: Date): TransactItem {
  return named(
    'budget',
    updateItem(budgets.keyOf({ township, year }), {
      UpdateExpression: 'SET availableFen = availableFen - :a, spentFen = spentFen + :a, updatedAt = :at',
      ConditionExpression: 'availableFen >= :a',
      ExpressionAttributeValues: { ':a': amountFen, ':at': now.toISOString() },
    }),
  );
}

