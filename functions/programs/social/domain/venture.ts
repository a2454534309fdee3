/**
 * Public-interest venture funding (公益创投): proposals ranked by their mean review score and awarded
 * in rank order until the budget is used. A proposal that does not fit what is left is skipped, not
 * partly funded, and the next ones that fit are still funded. Money in integer fen.
 */
export interface RankedProposal {
  readonly id: string;
  /** Mean review score (integer, see grading's meanScore). */
  readonly score: number;
  readonly requestedFen: number;
  /** Tie-break: earlier submitted first, then id. */
  readonly submittedAt: string;
}

/** Best first: score descending, then submitted earlier, then id. */
export function rankProposals<P extends RankedProposal>(proposals: readonly P[]): P[] {
  return [...proposals].sort((a, b) => b.score - a.score || a.submittedAt.localeCompare(b.submittedAt) || a.id.localeCompare(b.id));
}

export interface Awards<P> {
  readonly awarded: P[];
  readonly skipped: P[];
  readonly totalFen: number;
}

/** Award in rank order within `budgetFen`: every proposal is funded in full or skipped. */
export function awardInRankOrder<P extends RankedProposal>(proposals: readonly P[], budgetFen: number): Awards<P> {
  const awarded: P[] = [];
  const skipped: P[] = [];
  let left = budgetFen;
  for (const p of rankProposals(proposals)) {
    if (p.requestedFen <= left) {
      awarded.push(p);
      left -= p.requestedFen;
    } else skipped.push(p);
  }
  return { awarded, skipped, totalFen: budgetFen - left };
}

/** Two instalments of an award: the first half rounded down, the second the rest (they add up exactly). */
export function instalments(amountFen: number): [number, number] {
  const first = Math.floor(amountFen / 2);
  return [first, amountFen - first];
}
