import * as z from 'zod';
import { fenSchema } from '../../../platform/money.ts';

/**
 * The end-of-term evaluation of a pairing (期末考核): the unit's self-assessment, the township's
 * opinion, the county's evaluation. Pure rules: grades from scores, and the evaluation's states.
 *
 * The county gives a score (0–100, whole points); the grade follows from the score through the
 * cut-offs, so a score and its grade can never disagree. The cut-offs are data (on the term, with
 * defaults of 90 / 75 / 60) and are copied into each evaluation when it starts, so an evaluation
 * is graded by the cut-offs it started with.
 */
export const grades = ['优秀', '良好', '合格', '不合格'] as const;
export type Grade = (typeof grades)[number];

const cutoffSchema = z.number().int('must be a whole score').min(1, 'must be at least 1').max(100, 'must be at most 100');

/** The lowest score of each grade above 不合格 (a score at the cut-off earns the grade). */
export const gradeCutoffsSchema = z
  .strictObject({ excellent: cutoffSchema, good: cutoffSchema, pass: cutoffSchema })
  .superRefine((c, ctx) => {
    if (c.good >= c.excellent) ctx.addIssue({ code: 'custom', path: ['good'], message: `must be below excellent (${c.excellent})` });
    if (c.pass >= c.good) ctx.addIssue({ code: 'custom', path: ['pass'], message: `must be below good (${c.good})` });
  });
export type GradeCutoffs = z.infer<typeof gradeCutoffsSchema>;

export const defaultGradeCutoffs: GradeCutoffs = { excellent: 90, good: 75, pass: 60 };

export const scoreSchema = z.number().int('must be a whole score').min(0, 'must not be negative').max(100, 'must be at most 100');

/** The grade of a score: 优秀 from `excellent`, 良好 from `good`, 合格 from `pass`, else 不合格. */
export function gradeFor(score: number, cutoffs: GradeCutoffs = defaultGradeCutoffs): Grade {
  if (score >= cutoffs.excellent) return '优秀';
  if (score >= cutoffs.good) return '良好';
  if (score >= cutoffs.pass) return '合格';
  return '不合格';
}

/** The outcomes a village reached (claimed by the unit, confirmed by the county), as the seeds count them. */
export const outcomesSchema = z.strictObject({
  /** Crossed into the advanced ranks (跨入先进行列). */
  advanced: z.boolean(),
  /** One village, one industry (一村一业). */
  oneVillageOneIndustry: z.boolean(),
  /** One village, one cooperative (一村一社). */
  oneVillageOneCooperative: z.boolean(),
  /** Village collective income at the end of the term, in fen. */
  collectiveIncomeFen: fenSchema,
});
export type Outcomes = z.infer<typeof outcomesSchema>;

const textSchema = z
  .string()
  .trim()
  .min(1, 'must not be empty')
  .max(4000, 'must be at most 4000 characters')
  // Control characters other than line breaks and tabs have no place in a report's text.
  .refine((t) => !/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f\u202a-\u202e\u2066-\u2069]/.test(t), 'must not contain control characters');

/** The assisting unit's self-assessment (自评): what it did, and the outcomes it claims. */
export const selfAssessmentSchema = z.strictObject({ text: textSchema, outcomes: outcomesSchema });
export type SelfAssessment = z.infer<typeof selfAssessmentSchema>;

/** The county's evaluation: a score (the grade follows), the outcomes reached, an optional comment. */
export const countyEvaluationSchema = z.strictObject({ score: scoreSchema, outcomes: outcomesSchema, comment: textSchema.optional() });
export type CountyEvaluation = z.infer<typeof countyEvaluationSchema>;

export const evaluationStatuses = ['awaiting-self-assessment', 'awaiting-township', 'awaiting-county', 'evaluated'] as const;
export type EvaluationStatus = (typeof evaluationStatuses)[number];

export type EvaluationEvent = 'self-assessed' | 'township-agreed' | 'township-returned' | 'county-evaluated';

const transitions: Readonly<Record<EvaluationStatus, Partial<Record<EvaluationEvent, EvaluationStatus>>>> = {
  'awaiting-self-assessment': { 'self-assessed': 'awaiting-township' },
  'awaiting-township': { 'township-agreed': 'awaiting-county', 'township-returned': 'awaiting-self-assessment' },
  'awaiting-county': { 'county-evaluated': 'evaluated' },
  evaluated: {},
};

/** The status after `event`, or undefined when the event does not apply in `status`. */
export function nextEvaluationStatus(status: EvaluationStatus, event: EvaluationEvent): EvaluationStatus | undefined {
  return transitions[status][event];
}

/**
 * What one county evaluation adds to the term's outcome counters (of its county and its township).
 * Pairings, funds and cadres count per pairing; villages and their outcomes count once per village
 * and term (a village paired with two units is one village advanced): see {@link countOnce}.
 */
export interface OutcomeIncrement {
  readonly evaluated: number;
  readonly villages: number;
  readonly advanced: number;
  readonly oneVillageOneIndustry: number;
  readonly oneVillageOneCooperative: number;
  readonly collectiveIncomeFen: number;
  readonly investedFen: number;
  readonly cadres: number;
  readonly grade: Grade;
}

export function outcomeIncrement(outcomes: Outcomes, grade: Grade, pairing: { investments: readonly { amountFen: number }[]; cadres: readonly unknown[] }): OutcomeIncrement {
  return {
    evaluated: 1,
    villages: 1,
    advanced: outcomes.advanced ? 1 : 0,
    oneVillageOneIndustry: outcomes.oneVillageOneIndustry ? 1 : 0,
    oneVillageOneCooperative: outcomes.oneVillageOneCooperative ? 1 : 0,
    collectiveIncomeFen: outcomes.collectiveIncomeFen,
    investedFen: pairing.investments.reduce((sum, i) => sum + i.amountFen, 0),
    cadres: pairing.cadres.length,
    grade,
  };
}

export const villageOutcomeFlags = ['advanced', 'oneVillageOneIndustry', 'oneVillageOneCooperative'] as const;
export type VillageOutcomeFlag = (typeof villageOutcomeFlags)[number];

/** What a village has counted in a term already: its outcomes, and the collective income counted for it. */
export interface VillageCounted {
  readonly flags: ReadonlySet<VillageOutcomeFlag>;
  readonly collectiveIncomeFen: number;
}

/**
 * The increment with the village counted once per term: `counted` is what earlier evaluations of
 * the same village in the term counted (undefined: none yet). An outcome counts once; the
 * village's collective income is the latest evaluation's figure (the difference is added), not a
 * sum over its pairings. Returns the increment to add and what the village has counted afterwards.
 */
export function countOnce(increment: OutcomeIncrement, counted: VillageCounted | undefined): { increment: OutcomeIncrement; counted: VillageCounted } {
  const flags = new Set(counted?.flags ?? []);
  const adjusted = { ...increment, villages: counted === undefined ? 1 : 0, collectiveIncomeFen: increment.collectiveIncomeFen - (counted?.collectiveIncomeFen ?? 0) };
  for (const flag of villageOutcomeFlags) {
    if (increment[flag] === 1 && !flags.has(flag)) flags.add(flag);
    else adjusted[flag] = 0;
  }
  return { increment: adjusted, counted: { flags, collectiveIncomeFen: increment.collectiveIncomeFen } };
}
