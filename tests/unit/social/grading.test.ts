import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { fiveAScale, gradeOf, gradeOrganisation, gradingScaleSchema, meanScore, scoringConflict, type GradingScale } from '../../../functions/programs/social/domain/grading.ts';

const threeWords: GradingScale = { maxScore: 100, grades: [{ grade: '优秀', minScore: 90 }, { grade: '合格', minScore: 60 }, { grade: '不合格', minScore: 0 }], excellent: ['优秀'] };

describe('grading with cut-offs as data', () => {
  it('edge scores: a cut-off reached is the grade, one below is the next', () => {
    expect(gradeOf(fiveAScale, 1000)).toBe('5A');
    expect(gradeOf(fiveAScale, 900)).toBe('5A');
    expect(gradeOf(fiveAScale, 899)).toBe('4A');
    expect(gradeOf(fiveAScale, 700)).toBe('3A');
    expect(gradeOf(fiveAScale, 500)).toBe('1A');
    expect(gradeOf(fiveAScale, 499)).toBeUndefined();
    expect(gradeOf(threeWords, 90)).toBe('优秀');
    expect(gradeOf(threeWords, 89)).toBe('合格');
    expect(gradeOf(threeWords, 0)).toBe('不合格');
  });

  it('the mean is rounded half up to a whole score before the cut-offs are applied', () => {
    expect(meanScore([899, 900])).toBe(900); // 899.5 → 900: 5A
    expect(meanScore([899, 899, 900])).toBe(899); // 899.33 → 899: 4A
    expect(gradeOrganisation(fiveAScale, { scores: [899, 900], hasReportFor: true, reportYear: 2025 })).toEqual({ kind: 'graded', mean: 900, grade: '5A', excellent: true });
    expect(gradeOrganisation(fiveAScale, { scores: [700, 699], hasReportFor: true, reportYear: 2025 })).toEqual({ kind: 'graded', mean: 700, grade: '3A', excellent: false });
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 1000 }), { minLength: 1, maxLength: 10 }), (scores) => {
        const exact = scores.reduce((a, b) => a + b, 0) / scores.length;
        const m = meanScore(scores);
        expect(m - exact).toBeLessThanOrEqual(0.5);
        expect(exact - m).toBeLessThan(0.5);
      }),
    );
  });

  it('no report for last year: flagged, not graded; fewer than two scorers: not graded; below the scale: no grade', () => {
    expect(gradeOrganisation(fiveAScale, { scores: [950, 950], hasReportFor: false, reportYear: 2025 })).toEqual({ kind: 'no-annual-report', year: 2025 });
    expect(gradeOrganisation(fiveAScale, { scores: [950], hasReportFor: true, reportYear: 2025 })).toEqual({ kind: 'too-few-scorers', scorers: 1 });
    expect(gradeOrganisation(fiveAScale, { scores: [300, 400], hasReportFor: true, reportYear: 2025 })).toEqual({ kind: 'below-scale', mean: 350 });
  });

  it('a scale is refused unless its cut-offs go down and its excellent grades are its own', () => {
    expect(gradingScaleSchema.safeParse(fiveAScale).success).toBe(true);
    expect(gradingScaleSchema.safeParse(threeWords).success).toBe(true);
    expect(gradingScaleSchema.safeParse({ ...fiveAScale, grades: [{ grade: '5A', minScore: 800 }, { grade: '4A', minScore: 900 }] }).success).toBe(false);
    expect(gradingScaleSchema.safeParse({ ...fiveAScale, excellent: ['6A'] }).success).toBe(false);
    expect(gradingScaleSchema.safeParse({ ...fiveAScale, grades: [{ grade: '5A', minScore: 1200 }] }).success).toBe(false);
  });

  it('a scorer of the organisation’s own village is refused with the reason', () => {
    expect(scoringConflict('120225100201', '120225100201')).toMatch(/own village/);
    expect(scoringConflict('120225100202', '120225100201')).toBeUndefined();
    expect(scoringConflict(undefined, '120225100201')).toBeUndefined();
  });
});
