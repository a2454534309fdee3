import * as z from 'zod';
import { nameSchema } from '../../../platform/names.ts';

/**
 * Annual grading (等级评估) of social organisations: a scale whose cut-offs are data (a 1,000-point
 * scale with 5A ≥ 900 … 1A, or 优秀 / 合格 / 不合格), scores of at least two scorers, and the grade
 * of their mean.
 */
export const gradingScaleSchema = z
  .strictObject({
    /** The highest score a scorer may give. */
    maxScore: z.number().int().min(1).max(100_000),
    /** Grades from the best down, each with the lowest mean score that earns it. */
    grades: z.array(z.strictObject({ grade: nameSchema.max(20), minScore: z.number().int().min(0) })).min(1).max(20),
    /** The grades whose organisations are on the township's list of excellent organisations. */
    excellent: z.array(nameSchema.max(20)).min(1).max(20),
  })
  .superRefine((scale, ctx) => {
    scale.grades.forEach((g, i) => {
      if (g.minScore > scale.maxScore) ctx.addIssue({ code: 'custom', path: ['grades', i, 'minScore'], message: `must be at most maxScore ${scale.maxScore}` });
      const prev = scale.grades[i - 1];
      if (prev && g.minScore >= prev.minScore) ctx.addIssue({ code: 'custom', path: ['grades', i, 'minScore'], message: 'grades must go from the best down, each cut-off lower than the one before' });
      if (scale.grades.findIndex((o) => o.grade === g.grade) !== i) ctx.addIssue({ code: 'custom', path: ['grades', i, 'grade'], message: `grade ${g.grade} is named twice` });
    });
    scale.excellent.forEach((e, i) => {
      if (!scale.grades.some((g) => g.grade === e)) ctx.addIssue({ code: 'custom', path: ['excellent', i], message: `${e} is not one of the grades` });
    });
  });
export type GradingScale = z.infer<typeof gradingScaleSchema>;

/** The national 1,000-point scale with typical local cut-offs. */
export const fiveAScale: GradingScale = {
  maxScore: 1000,
  grades: [
    { grade: '5A', minScore: 900 },
    { grade: '4A', minScore: 800 },
    { grade: '3A', minScore: 700 },
    { grade: '2A', minScore: 600 },
    { grade: '1A', minScore: 500 },
  ],
  excellent: ['5A', '4A'],
};

export const minimumScorers = 2;

/** The mean of integer scores as an integer, rounded half up (849.5 → 850): the grade's cut-offs are integers. */
export function meanScore(scores: readonly number[]): number {
  if (scores.length === 0) throw new RangeError('no scores');
  const sum = scores.reduce((a, b) => a + b, 0);
  return Math.floor((2 * sum + scores.length) / (2 * scores.length));
}

/** The grade a mean earns: the best whose cut-off it reaches; undefined below the lowest (not graded). */
export function gradeOf(scale: GradingScale, mean: number): string | undefined {
  return scale.grades.find((g) => mean >= g.minScore)?.grade;
}

export type GradingOutcome =
  | { readonly kind: 'graded'; readonly mean: number; readonly grade: string; readonly excellent: boolean }
  | { readonly kind: 'below-scale'; readonly mean: number }
  | { readonly kind: 'too-few-scorers'; readonly scorers: number }
  | { readonly kind: 'no-annual-report'; readonly year: number };

/**
 * The outcome for one organisation: flagged without last year's annual report (it cannot be
 * graded), not graded with fewer than two scorers, otherwise the grade of the mean score.
 */
export function gradeOrganisation(scale: GradingScale, input: { scores: readonly number[]; hasReportFor: boolean; reportYear: number }): GradingOutcome {
  if (!input.hasReportFor) return { kind: 'no-annual-report', year: input.reportYear };
  if (input.scores.length < minimumScorers) return { kind: 'too-few-scorers', scorers: input.scores.length };
  const mean = meanScore(input.scores);
  const grade = gradeOf(scale, mean);
  return grade === undefined ? { kind: 'below-scale', mean } : { kind: 'graded', mean, grade, excellent: scale.excellent.includes(grade) };
}

/** The conflict-of-interest rule: nobody scores an organisation of their own village. */
export function scoringConflict(scorerVillage: string | undefined, organisationVillage: string): string | undefined {
  return scorerVillage !== undefined && scorerVillage === organisationVillage
    ? `the scorer belongs to village ${scorerVillage}, the organisation's own village: a scorer may not score an organisation of their own village`
    : undefined;
}
