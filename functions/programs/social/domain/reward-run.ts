import * as z from 'zod';
import { nameSchema } from '../../../platform/names.ts';

/**
 * Reward instead of subsidy (以奖代补) for graded organisations: a fixed reward per grade (the table
 * is data), computed for every graded organisation of a published grading round.
 */
export const rewardTableSchema = z
  .array(z.strictObject({ grade: nameSchema.max(20), amountFen: z.number().int().min(1).max(100_000_000_000) }))
  .min(1)
  .max(20)
  .refine((t) => new Set(t.map((r) => r.grade)).size === t.length, 'a grade is named twice');
export type RewardTable = z.infer<typeof rewardTableSchema>;

export interface RewardLine {
  readonly organisationId: string;
  readonly name: string;
  readonly village: string;
  readonly grade: string;
  readonly amountFen: number;
}

/** One line per graded organisation whose grade the table rewards (a grade not in the table gets nothing). */
export function rewardLines(results: readonly { organisationId: string; name: string; village: string; grade?: string | undefined; outcome: string }[], table: RewardTable): RewardLine[] {
  const amount = new Map(table.map((r) => [r.grade, r.amountFen]));
  return results.flatMap((r) => {
    const fen = r.outcome === 'graded' && r.grade !== undefined ? amount.get(r.grade) : undefined;
    return fen === undefined || r.grade === undefined ? [] : [{ organisationId: r.organisationId, name: r.name, village: r.village, grade: r.grade, amountFen: fen }];
  });
}
