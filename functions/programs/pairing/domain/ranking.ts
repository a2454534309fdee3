import * as z from 'zod';
import { BASIS_POINTS_PER_UNIT, basisPointsSchema } from '../../../platform/money.ts';
import { nameSchema } from '../../../platform/names.ts';
import { villageCategories, villageCodeSchema } from '../../../platform/registries/domain/village.ts';

/**
 * The yearly ranking (年度排名) and its bottom share (倒排10%), as pure rules.
 *
 * - **Indicators and weights are data** (a ranking policy): each indicator has a key, a weight in
 *   basis points (the weights add up to 10,000) and a direction. Its values come from the input
 *   (`source: 'input'`, one whole number per village: fen, counts, basis points); the source field
 *   is where indicators computed from the periodic reports' counters will plug in later.
 * - **Villages are ranked within their category** (示范 / 创优 / 强基), the category the village
 *   registry gives the village when the ranking runs (copied into the result).
 * - **Score**: each indicator is scaled to 0–10,000 within the category (min–max; the best value
 *   10,000, the worst 0, every village 10,000 when all are equal), floored; the score is the
 *   weighted sum divided by 10,000, floored once at the end. Whole numbers throughout.
 * - **Ties**: villages with the same score share a rank (competition ranking: 1, 2, 2, 4); they are
 *   listed by village code, which decides nothing.
 * - **Bottom share**: `bottomShareBp` of a category's villages (default 1,000 = 10 %), rounded up by
 *   default (a category of 5 still has its weakest village named) or down (policy `rounding`). The
 *   cut-off score is that of the last village the count reaches from the bottom, and every village
 *   at or below it is taken: villages tied at the cut-off are all taken, so none is taken or spared
 *   by its code. The cases can therefore outnumber the share, never fall short of it.
 */
export const rankingDirections = ['higher-better', 'lower-better'] as const;

export const indicatorKeySchema = z.string().regex(/^[a-z][a-zA-Z0-9]{0,39}$/, 'must be a key of letters and digits starting with a lower-case letter (at most 40)');

export const rankingIndicatorSchema = z.strictObject({
  key: indicatorKeySchema,
  name: nameSchema,
  weightBp: basisPointsSchema.min(1, 'must be more than 0'),
  direction: z.enum(rankingDirections),
  /** Where the values come from: the ranking's input for now (report counters later). */
  source: z.enum(['input']).default('input'),
});
export type RankingIndicator = z.infer<typeof rankingIndicatorSchema>;

export const rankingRoundings = ['ceil', 'floor'] as const;
export type RankingRounding = (typeof rankingRoundings)[number];

export const rankingRuleSchema = z
  .strictObject({
    indicators: z.array(rankingIndicatorSchema).min(1, 'must have at least one indicator').max(20, 'must have at most 20 indicators'),
    bottomShareBp: basisPointsSchema.min(1, 'must be more than 0').default(1000),
    rounding: z.enum(rankingRoundings).default('ceil'),
  })
  .superRefine((rule, ctx) => {
    const seen = new Set<string>();
    rule.indicators.forEach((indicator, i) => {
      if (seen.has(indicator.key)) ctx.addIssue({ code: 'custom', path: ['indicators', i, 'key'], message: `indicator ${indicator.key} is listed twice` });
      seen.add(indicator.key);
    });
    const total = rule.indicators.reduce((sum, indicator) => sum + indicator.weightBp, 0);
    if (total !== BASIS_POINTS_PER_UNIT) ctx.addIssue({ code: 'custom', path: ['indicators'], message: `the weights must add up to 10000 basis points, not ${total}` });
  });
export type RankingRule = z.infer<typeof rankingRuleSchema>;

export const indicatorValueSchema = z.number().int('must be a whole number').min(0, 'must not be negative').max(Number.MAX_SAFE_INTEGER / BASIS_POINTS_PER_UNIT, 'is too large');

/** One village's indicator values, by indicator key. */
export const rankingInputRowSchema = z.strictObject({ village: villageCodeSchema, values: z.record(indicatorKeySchema, indicatorValueSchema) });
export type RankingInputRow = z.infer<typeof rankingInputRowSchema>;

export type VillageCategory = (typeof villageCategories)[number];

export interface RankingCandidate {
  readonly village: string;
  readonly category: VillageCategory;
  readonly values: Readonly<Record<string, number>>;
}

export interface RankedVillage extends RankingCandidate {
  readonly score: number;
  /** Rank within the category, 1 the best; tied scores share a rank. */
  readonly rank: number;
  readonly inCategory: number;
  readonly bottom: boolean;
}

/** The problems of the input against the rule: missing or unknown indicators, a village twice. */
export function inputProblems(rule: Pick<RankingRule, 'indicators'>, rows: readonly RankingInputRow[]): { field: string; message: string }[] {
  const problems: { field: string; message: string }[] = [];
  const keys = new Set(rule.indicators.map((i) => i.key));
  const villages = new Set<string>();
  rows.forEach((row, i) => {
    if (villages.has(row.village)) problems.push({ field: `villages.${i}.village`, message: `village ${row.village} is listed twice` });
    villages.add(row.village);
    for (const key of keys) if (row.values[key] === undefined) problems.push({ field: `villages.${i}.values.${key}`, message: 'is required by the policy' });
    for (const key of Object.keys(row.values)) if (!keys.has(key)) problems.push({ field: `villages.${i}.values.${key}`, message: 'is not an indicator of the policy' });
  });
  return problems;
}

/** How many villages of `count` the bottom share takes, rounded as the rule says. */
export function bottomCount(count: number, shareBp: number, rounding: RankingRounding): number {
  const scaled = count * shareBp;
  return rounding === 'ceil' ? Math.ceil(scaled / BASIS_POINTS_PER_UNIT) : Math.floor(scaled / BASIS_POINTS_PER_UNIT);
}

/** Scores of one category's villages (see the module comment). */
export function scores(indicators: readonly Pick<RankingIndicator, 'key' | 'weightBp' | 'direction'>[], villages: readonly RankingCandidate[]): number[] {
  const weighted = villages.map(() => 0);
  for (const indicator of indicators) {
    const values = villages.map((v) => v.values[indicator.key] ?? 0);
    const min = Math.min(...values);
    const max = Math.max(...values);
    values.forEach((value, i) => {
      const scaled =
        max === min
          ? BASIS_POINTS_PER_UNIT
          : Math.floor(((indicator.direction === 'higher-better' ? value - min : max - value) * BASIS_POINTS_PER_UNIT) / (max - min));
      weighted[i] = weighted[i]! + scaled * indicator.weightBp;
    });
  }
  return weighted.map((w) => Math.floor(w / BASIS_POINTS_PER_UNIT));
}

/** Rank every village within its category and mark the bottom share; listed by category, then rank, then code. */
export function rankVillages(rule: Pick<RankingRule, 'indicators' | 'bottomShareBp' | 'rounding'>, candidates: readonly RankingCandidate[]): RankedVillage[] {
  const result: RankedVillage[] = [];
  for (const category of villageCategories) {
    const members = candidates.filter((c) => c.category === category);
    if (members.length === 0) continue;
    const scored = scores(rule.indicators, members).map((score, i) => ({ ...members[i]!, score }));
    scored.sort((a, b) => b.score - a.score || (a.village < b.village ? -1 : a.village > b.village ? 1 : 0));
    const take = bottomCount(scored.length, rule.bottomShareBp, rule.rounding);
    const cutoff = take === 0 ? undefined : scored[scored.length - take]!.score;
    let rank = 0;
    scored.forEach((v, i) => {
      // Sorted best first: a village's rank is one more than the number of villages scoring higher.
      if (i === 0 || v.score !== scored[i - 1]!.score) rank = i + 1;
      result.push({ ...v, rank, inCategory: scored.length, bottom: cutoff !== undefined && v.score <= cutoff });
    });
  }
  return result;
}
