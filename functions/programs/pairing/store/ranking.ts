import * as z from 'zod';
import { rankingRuleSchema } from '../domain/ranking.ts';
import { villageCategories } from '../../../platform/registries/domain/village.ts';
import { nameSchema } from '../../../platform/names.ts';
import type { Actor } from '../../../platform/principal.ts';
import { auditPut } from '../../../platform/store/audit.ts';
import { defineEntity } from '../../../platform/store/entity.ts';
import type { Page, PageRequest } from '../../../platform/store/pagination.ts';
import { ifAbsent, named, putItem, TransactionConditionFailed, writeTransaction, type ExtraItems } from '../../../platform/store/transact.ts';

/**
 * Ranking policies and rankings (年度排名).
 *
 * A ranking policy is a county's indicators and weights. Like funding policies it is immutable once
 * created: a ranking names the policy it used and means the same thing ever after; a changed rule
 * is a new policy (the county's policies are listed newest first).
 *
 * A ranking is one run of a policy over the villages of a jurisdiction for a year, with every
 * village's values, score and rank kept inside it (at most `maxRankedVillages`, within one item).
 * One ranking per jurisdiction and year: a guard item makes a second one a 409, while the same
 * input again finds the first (and completes its cases if a first attempt stopped half-way).
 *
 * Keys: policy pk `PAIRRANKPOLICY#<id>`, sk `POLICY`, gsi1 `PAIRRANKPOLICIES#<county>` / `<createdAt>#<id>`;
 * ranking pk `PAIRRANKING#<id>`, sk `RANKING`, gsi1 `PAIRRANKINGS#<county>` / `<year>#<division>#<id>`;
 * guard pk `PAIRRANKKEY#<division>#<year>`, sk `KEY`.
 */
export const maxRankedVillages = 2000;

export const rankingPolicyIdSchema = z.string().regex(/^rkp-[0-9a-f-]{36}$/, 'must be a ranking policy id (rkp-…)');
export const rankingIdSchema = z.string().regex(/^rk-[0-9a-f-]{36}$/, 'must be a ranking id (rk-…)');

export const rankingPolicyInputSchema = z.strictObject({
  division: z.string().regex(/^\d{6}$/, 'must be a county (6-digit) division code'),
  name: nameSchema,
  rule: rankingRuleSchema,
});
export type RankingPolicyInput = z.infer<typeof rankingPolicyInputSchema>;

export const rankingPolicyRecordSchema = rankingPolicyInputSchema.extend({
  id: rankingPolicyIdSchema,
  version: z.number().int().min(1),
  createdAt: z.string(),
  createdBy: z.string(),
});
export type RankingPolicyRecord = z.infer<typeof rankingPolicyRecordSchema>;

const policies = defineEntity({
  type: 'pairingRankingPolicy',
  schema: rankingPolicyRecordSchema,
  key: (p: { id: string }) => ({ pk: `PAIRRANKPOLICY#${p.id}`, sk: 'POLICY' }),
  indexes: (pattern) => ({
    byCounty: pattern({ index: 'gsi1', partition: (county: string) => `PAIRRANKPOLICIES#${county}`, place: (p) => ({ partition: p.division, sort: `${p.createdAt}#${p.id}` }) }),
  }),
});

export async function createRankingPolicy(input: RankingPolicyInput, actor: Actor, options: { id: string; extraItems?: ExtraItems<RankingPolicyRecord> }): Promise<RankingPolicyRecord> {
  const record: RankingPolicyRecord = { ...input, id: options.id, version: 1, createdAt: new Date().toISOString(), createdBy: actor.sub };
  await writeTransaction([
    named('policy', putItem(policies.item(record), ifAbsent)),
    auditPut({ entityType: 'pairingRankingPolicy', entityId: record.id, division: record.division, action: 'pairingRankingPolicy.create', actor, after: record }),
    ...(options.extraItems?.(record) ?? []),
  ]);
  return record;
}

export async function getRankingPolicy(id: string): Promise<RankingPolicyRecord | undefined> {
  return policies.get({ id }, { consistent: true });
}

export async function listRankingPolicies(county: string, page: PageRequest): Promise<Page<RankingPolicyRecord>> {
  return policies.query.byCounty.page(county, page, { newestFirst: true });
}

export const rankedVillageSchema = z.object({
  village: z.string(),
  category: z.enum(villageCategories),
  values: z.record(z.string(), z.number().int()),
  score: z.number().int(),
  rank: z.number().int(),
  inCategory: z.number().int(),
  bottom: z.boolean(),
  /** The rectification case of a bottom village (one made by this ranking, or the one it had already for the year). */
  caseId: z.string().optional(),
});
export type RankedVillageRecord = z.infer<typeof rankedVillageSchema>;

export const rankingRecordSchema = z.object({
  id: rankingIdSchema,
  policyId: rankingPolicyIdSchema,
  division: z.string(),
  year: z.number().int(),
  rule: rankingRuleSchema,
  /** Hash of the policy and input: the same request again finds this ranking. */
  inputHash: z.string(),
  results: z.array(rankedVillageSchema),
  version: z.number().int().min(1),
  createdAt: z.string(),
  createdBy: z.string(),
});
export type RankingRecord = z.infer<typeof rankingRecordSchema>;

const rankings = defineEntity({
  type: 'pairingRanking',
  schema: rankingRecordSchema,
  key: (p: { id: string }) => ({ pk: `PAIRRANKING#${p.id}`, sk: 'RANKING' }),
  indexes: (pattern) => ({
    byCounty: pattern({ index: 'gsi1', partition: (county: string) => `PAIRRANKINGS#${county}`, place: (r) => ({ partition: r.division.slice(0, 6), sort: `${r.year}#${r.division}#${r.id}` }) }),
  }),
});

const guardKey = (division: string, year: number) => ({ pk: `PAIRRANKKEY#${division}#${year}`, sk: 'KEY' });
const guards = defineEntity({
  type: 'pairingRankingKey',
  schema: z.object({ division: z.string(), year: z.number().int(), rankingId: z.string() }),
  key: (p: { division: string; year: number }) => guardKey(p.division, p.year),
});

/** Create a ranking with its guard and audit record; the existing ranking's id when the jurisdiction has one for the year. */
export async function createRanking(record: RankingRecord, actor: Actor): Promise<{ created: true } | { created: false; existingId: string }> {
  try {
    await writeTransaction([
      named('ranking', putItem(rankings.item(record), ifAbsent)),
      named('guard', putItem(guards.item({ division: record.division, year: record.year, rankingId: record.id }), ifAbsent)),
      auditPut({ entityType: 'pairingRanking', entityId: record.id, division: record.division, action: 'pairingRanking.run', actor, after: { ...record, results: record.results.filter((r) => r.bottom) } }),
    ]);
    return { created: true };
  } catch (err) {
    if (!(err instanceof TransactionConditionFailed && err.failed.includes('guard'))) throw err;
    const guard = await guards.get({ division: record.division, year: record.year }, { consistent: true });
    if (!guard) throw err;
    return { created: false, existingId: guard.rankingId };
  }
}

export async function getRanking(id: string): Promise<RankingRecord | undefined> {
  return rankings.get({ id }, { consistent: true });
}

export async function listRankings(county: string, year: number | undefined, page: PageRequest): Promise<Page<RankingRecord>> {
  return rankings.query.byCounty.page(county, page, { sortPrefix: year !== undefined ? `${year}#` : undefined });
}
