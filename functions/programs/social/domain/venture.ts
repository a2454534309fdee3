import { meanScore } from './grading.ts';

/**
 * Public-interest venture funding (公益创投): proposals ranked by their total review score and awarded
 * in rank order until the budget is used. A proposal that does not fit what is left is skipped, not
 * partly funded, and the next ones that fit are still funded. Money in integer fen.
 */
/**
 * A scoring criterion of a round, as data: each reviewer gives it whole points from 0 to
 * `maxPoints`, so the criteria's maximum points are their weights (公益性 40, 可行性 30, 预算合理性 30).
 */
export interface VentureCriterion {
  /** ASCII key, the field of the reviewer's scores (`scores.impact`). */
  readonly key: string;
  readonly name: string;
  readonly maxPoints: number;
}

/** The most a reviewer can give a proposal: the sum of the criteria's maximum points. */
export const maxTotal = (criteria: readonly VentureCriterion[]): number => criteria.reduce((a, c) => a + c.maxPoints, 0);

/**
 * One reviewer's scores of one proposal, checked against the round's criteria: every criterion
 * scored, each a whole number from 0 to its maximum, no other keys. The reviewer's total is their
 * plain sum (integers: no rounding). Problems name the field (`scores.<key>`).
 */
export function reviewTotal(criteria: readonly VentureCriterion[], scores: Readonly<Record<string, unknown>>): { total: number; problems: [] } | { total?: undefined; problems: { field: string; message: string }[] } {
  const problems: { field: string; message: string }[] = [];
  const known = new Set(criteria.map((c) => c.key));
  for (const key of Object.keys(scores)) if (!known.has(key)) problems.push({ field: `scores.${key}`, message: `is not a criterion of this round (criteria: ${criteria.map((c) => c.key).join(', ')})` });
  let total = 0;
  for (const c of criteria) {
    const v = Object.hasOwn(scores, c.key) ? scores[c.key] : undefined;
    if (v === undefined) problems.push({ field: `scores.${c.key}`, message: `is required (${c.name}, 0–${c.maxPoints})` });
    else if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > c.maxPoints) problems.push({ field: `scores.${c.key}`, message: `must be a whole number from 0 to ${c.maxPoints} (${c.name})` });
    else total += v;
  }
  return problems.length > 0 ? { problems } : { total, problems: [] };
}

/**
 * A proposal's total: the mean of its reviewers' totals, rounded half up to a whole point
 * (171.5 → 172), as grading does (its meanScore): the ranking compares these integers.
 */
export function proposalTotal(reviewerTotals: readonly number[]): number {
  return meanScore(reviewerTotals);
}

export interface RankedProposal {
  readonly id: string;
  /** Total review score (integer, {@link proposalTotal}). */
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

/** What a round's view holds that belongs to a village: its proposals, awards and instalments. */
export interface VentureShareable {
  readonly round: { readonly reviewers: readonly unknown[]; readonly awards: readonly { readonly organisationId: string; readonly village: string; readonly amountFen: number }[]; readonly skipped: readonly string[] };
  readonly proposals: readonly { readonly organisationId: string; readonly village: string }[];
  readonly instalments: readonly { readonly organisationId: string }[];
}

/**
 * A round as one of the township's villages may see it: its own village's proposals, awards,
 * skipped proposals and instalments, and no reviewer (who reviews whom is the township's; a village
 * that knew its reviewers could lobby them, and the other villages' scores are theirs).
 */
export function villageShare<V extends VentureShareable>(view: V, village: string): V {
  const own = new Set(view.proposals.filter((p) => p.village === village).map((p) => p.organisationId));
  return {
    ...view,
    round: { ...view.round, reviewers: [], awards: view.round.awards.filter((a) => a.village === village), skipped: view.round.skipped.filter((id) => own.has(id)) },
    proposals: view.proposals.filter((p) => own.has(p.organisationId)),
    instalments: view.instalments.filter((i) => own.has(i.organisationId)),
  };
}

/** The counts a list of rounds shows: awards and what they total. */
export const awardSummary = (awards: readonly { readonly amountFen: number }[]): { awardCount: number; awardedFen: number } => ({ awardCount: awards.length, awardedFen: awards.reduce((a, x) => a + x.amountFen, 0) });
