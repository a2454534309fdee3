import * as z from 'zod';
import type { Actor } from '../../../platform/principal.ts';
import { auditPut } from '../../../platform/store/audit.ts';
import { defineEntity } from '../../../platform/store/entity.ts';
import { checkItem, ifAbsent, ifVersion, named, putItem, TransactionConditionFailed, writeTransaction, type ExtraItems, type TransactItem } from '../../../platform/store/transact.ts';
import { ConflictError, NotFoundError } from '../../../shared/errors.ts';
import { gradingScaleSchema } from '../domain/grading.ts';

/**
 * Grading rounds (等级评估), one per township and year: pk `SOCIAL_ROUND#<id>`, sk `ROUND`; in the
 * same partition each scorer's score of an organisation (`SCORE#<orgId>#<scorer>`) and, once
 * graded, each organisation's result (`RESULT#<orgId>`).
 */
export const scorerSchema = z.object({ sub: z.string().min(1).max(200), village: z.string().regex(/^\d{12}$/).optional() });

export const gradingRoundSchema = z.object({
  id: z.string(),
  township: z.string(),
  year: z.number().int(),
  scale: gradingScaleSchema,
  validityYears: z.number().int().min(1).max(10),
  scorers: z.array(scorerSchema),
  status: z.enum(['scoring', 'graded', 'published']),
  version: z.number().int().min(1),
  createdBy: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
  publishedAt: z.string().optional(),
});
export type GradingRound = z.infer<typeof gradingRoundSchema>;

export const scoreSchema = z.object({ roundId: z.string(), organisationId: z.string(), scorer: z.string(), score: z.number().int(), at: z.string() });
export type Score = z.infer<typeof scoreSchema>;

export const resultSchema = z.object({
  roundId: z.string(),
  organisationId: z.string(),
  name: z.string(),
  village: z.string(),
  outcome: z.enum(['graded', 'below-scale', 'too-few-scorers', 'no-annual-report']),
  mean: z.number().int().optional(),
  scorers: z.number().int(),
  grade: z.string().optional(),
  excellent: z.boolean(),
  /** The last year the grade is valid for. */
  validUntil: z.number().int().optional(),
});
export type GradingResult = z.infer<typeof resultSchema>;

const partition = (id: string) => `SOCIAL_ROUND#${id}`;
export const gradingRounds = defineEntity({ type: 'socialGradingRound', schema: gradingRoundSchema, key: (p: { id: string }) => ({ pk: partition(p.id), sk: 'ROUND' }) });
export const scores = defineEntity({
  type: 'socialScore',
  schema: scoreSchema,
  key: (p: { roundId: string; organisationId: string; scorer: string }) => ({ pk: partition(p.roundId), sk: `SCORE#${p.organisationId}#${p.scorer}` }),
  indexes: (pattern) => ({ ofRound: pattern({ index: 'table', partition, sortPrefix: 'SCORE#' }) }),
});
export const results = defineEntity({
  type: 'socialGradingResult',
  schema: resultSchema,
  key: (p: { roundId: string; organisationId: string }) => ({ pk: partition(p.roundId), sk: `RESULT#${p.organisationId}` }),
  indexes: (pattern) => ({ ofRound: pattern({ index: 'table', partition, sortPrefix: 'RESULT#' }) }),
});

export const roundId = (township: string, year: number) => `sgr-${township}-${year}`;

export async function getRound(id: string): Promise<GradingRound | undefined> {
  return gradingRounds.get({ id }, { consistent: true });
}
export async function requireRound(id: string): Promise<GradingRound> {
  const round = await getRound(id);
  if (!round) throw new NotFoundError(`Grading round ${id} does not exist`);
  return round;
}

export async function createRound(round: GradingRound, actor: Actor, options: { extraItems?: ExtraItems<GradingRound> } = {}): Promise<GradingRound> {
  try {
    await writeTransaction([
      named('round', putItem(gradingRounds.item(round), ifAbsent)),
      auditPut({ entityType: 'social-grading-round', entityId: round.id, division: round.township, action: 'social-grading-round.create', actor, after: round }),
      ...(options.extraItems?.(round) ?? []),
    ]);
  } catch (err) {
    if (err instanceof TransactionConditionFailed && err.failed.includes('round')) throw new ConflictError(`Township ${round.township} has a grading round for ${round.year} already (${round.id})`);
    throw err;
  }
  return round;
}

function roundChange(before: GradingRound, changes: Partial<GradingRound>, actor: Actor, action: string, now: Date): { next: GradingRound; items: TransactItem[] } {
  const next: GradingRound = { ...before, ...changes, version: before.version + 1, updatedAt: now.toISOString() };
  return {
    next,
    items: [
      named('round', putItem(gradingRounds.item(next), ifVersion(before.version))),
      auditPut({ entityType: 'social-grading-round', entityId: before.id, division: before.township, action, actor, before: { status: before.status }, after: { status: next.status }, at: now }),
    ],
  };
}

/** Record (or replace) one scorer's score, conditioned on the round not being published. */
export async function putScore(round: GradingRound, score: Score, village: string, actor: Actor): Promise<Score> {
  // A condition, not a write: scorers score side by side without contending on the round.
  const check = named('round', checkItem(gradingRounds.keyOf({ id: round.id }), { expression: '#status <> :published', names: { '#status': 'status' }, values: { ':published': 'published' } }));
  try {
    await writeTransaction([
      check,
      putItem(scores.item(score)),
      auditPut({ entityType: 'social-organisation', entityId: score.organisationId, division: village, action: 'social-grading.score', actor, after: score, at: new Date(score.at) }),
    ]);
  } catch (err) {
    if (err instanceof TransactionConditionFailed) throw new ConflictError(`Grading round ${round.id} is published: scores are final`);
    throw err;
  }
  return score;
}

export async function roundScores(id: string): Promise<Score[]> {
  const out: Score[] = [];
  for await (const s of scores.query.ofRound.all(id, { consistent: true })) out.push(s);
  return out;
}

export async function roundResults(id: string): Promise<GradingResult[]> {
  const out: GradingResult[] = [];
  for await (const r of results.query.ofRound.all(id, { consistent: true })) out.push(r);
  return out;
}

/**
 * Store the results of grading (replacing earlier ones of the same organisations) and move the
 * round to `graded`: results in chunks of 90 items, then the round's status with its audit. A
 * repeat writes the same results again.
 */
export async function saveResults(round: GradingRound, list: readonly GradingResult[], actor: Actor, now = new Date()): Promise<GradingRound> {
  for (let i = 0; i < list.length; i += 90) await writeTransaction(list.slice(i, i + 90).map((r) => putItem(results.item(r))));
  return changeRound(round, { status: 'graded' }, actor, 'social-grading-round.grade', now);
}

export async function changeRound(round: GradingRound, changes: Partial<GradingRound>, actor: Actor, action: string, now = new Date()): Promise<GradingRound> {
  const { next, items } = roundChange(round, changes, actor, action, now);
  try {
    await writeTransaction(items);
  } catch (err) {
    if (err instanceof TransactionConditionFailed) throw new ConflictError(`Grading round ${round.id} was changed concurrently; read it again`);
    throw err;
  }
  return next;
}
