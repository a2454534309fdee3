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

/**
 * Graded results per page of a run: a page's lines (about 150 bytes each) stay far under an item's
 * 400 KB, and a county's township of thousands of organisations is a Map of a few dozen pages.
 */
export const rewardPageSize = 250;

export const rewardRunIdSchema = z.string().regex(/^srr-\d{9}-\d{4}$/, 'must be a reward run id');

/**
 * computing (the workflow computes the lines page by page) → awaiting-finance (in finance's inbox)
 * → approved (paying page by page) → paid; or rejected by finance; failed when a step failed.
 */
export const rewardRunStatusSchema = z.enum(['computing', 'awaiting-finance', 'approved', 'paid', 'rejected', 'failed']);
export type RewardRunStatus = z.infer<typeof rewardRunStatusSchema>;
export const finalRewardRunStatuses: readonly RewardRunStatus[] = ['paid', 'rejected', 'failed'];


/**
 * What `availableFen` pays of `lines`, in their order: a line that fits is funded in full, one that
 * does not is unfunded (never partly paid) and the next ones that fit are still funded, exactly as
 * paying them one at a time against the budget would.
 */
export function fundInOrder<L extends { readonly amountFen: number }>(lines: readonly L[], availableFen: number): { funded: L[]; unfunded: L[]; fundedFen: number } {
  const funded: L[] = [];
  const unfunded: L[] = [];
  let left = Math.max(0, availableFen);
  for (const line of lines) {
    if (line.amountFen <= left) {
      funded.push(line);
      left -= line.amountFen;
    } else unfunded.push(line);
  }
  return { funded, unfunded, fundedFen: Math.max(0, availableFen) - left };
}
