import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { countOnce, defaultGradeCutoffs, gradeCutoffsSchema, gradeFor, grades, nextEvaluationStatus, outcomeIncrement } from '../../../functions/programs/pairing/domain/evaluation.ts';

describe('evaluation grades', () => {
  it('grades at and around the default cut-offs (a score at the cut-off earns the grade)', () => {
    const cases: [number, string][] = [
      [100, '优秀'], [90, '优秀'], [89, '良好'], [75, '良好'], [74, '合格'], [60, '合格'], [59, '不合格'], [0, '不合格'],
    ];
    for (const [score, grade] of cases) expect(gradeFor(score, defaultGradeCutoffs), `score ${score}`).toBe(grade);
  });

  it('is monotone in the score for any valid cut-offs, and each grade starts exactly at its cut-off', () => {
    const cutoffs = fc
      .uniqueArray(fc.integer({ min: 1, max: 100 }), { minLength: 3, maxLength: 3 })
      .map((xs) => [...xs].sort((a, b) => b - a))
      .map(([excellent, good, pass]) => ({ excellent: excellent!, good: good!, pass: pass! }));
    fc.assert(
      fc.property(cutoffs, fc.integer({ min: 0, max: 99 }), (c, score) => {
        expect(gradeCutoffsSchema.safeParse(c).success).toBe(true);
        const rank = (s: number) => grades.indexOf(gradeFor(s, c));
        expect(rank(score + 1)).toBeLessThanOrEqual(rank(score));
        expect(gradeFor(c.excellent, c)).toBe('优秀');
        expect(gradeFor(c.good, c)).toBe('良好');
        expect(gradeFor(c.pass, c)).toBe('合格');
        expect(gradeFor(c.pass - 1, c)).toBe('不合格');
      }),
    );
  });

  it('refuses cut-offs out of order, naming the field', () => {
    const bad = gradeCutoffsSchema.safeParse({ excellent: 80, good: 80, pass: 60 });
    expect(bad.success).toBe(false);
    expect(bad.error?.issues.map((i) => i.path.join('.'))).toEqual(['good']);
    expect(gradeCutoffsSchema.safeParse({ excellent: 90, good: 75, pass: 75 }).error?.issues.map((i) => i.path.join('.'))).toEqual(['pass']);
  });
});

describe('evaluation states', () => {
  it('goes unit → township → county, and the township may return to the unit', () => {
    expect(nextEvaluationStatus('awaiting-self-assessment', 'self-assessed')).toBe('awaiting-township');
    expect(nextEvaluationStatus('awaiting-township', 'township-returned')).toBe('awaiting-self-assessment');
    expect(nextEvaluationStatus('awaiting-township', 'township-agreed')).toBe('awaiting-county');
    expect(nextEvaluationStatus('awaiting-county', 'county-evaluated')).toBe('evaluated');
    expect(nextEvaluationStatus('evaluated', 'county-evaluated')).toBeUndefined();
    expect(nextEvaluationStatus('awaiting-self-assessment', 'county-evaluated')).toBeUndefined();
  });

  it('counts outcomes, invested funds and cadres of an evaluation once', () => {
    const increment = outcomeIncrement({ advanced: true, oneVillageOneIndustry: false, oneVillageOneCooperative: true, collectiveIncomeFen: 5 }, '良好', {
      investments: [{ amountFen: 100 }, { amountFen: 250 }],
      cadres: [{}, {}],
    });
    expect(increment).toEqual({ evaluated: 1, villages: 1, advanced: 1, oneVillageOneIndustry: 0, oneVillageOneCooperative: 1, collectiveIncomeFen: 5, investedFen: 350, cadres: 2, grade: '良好' });
  });

  it('counts a village, each of its outcomes and its income once per term, whatever the number of its pairings', () => {
    const flags = fc.record({ advanced: fc.boolean(), oneVillageOneIndustry: fc.boolean(), oneVillageOneCooperative: fc.boolean() });
    fc.assert(
      fc.property(fc.array(fc.tuple(flags, fc.integer({ min: 0, max: 1_000_000 })), { minLength: 1, maxLength: 6 }), (evaluations) => {
        let counted: ReturnType<typeof countOnce>['counted'] | undefined;
        const total = { evaluated: 0, villages: 0, advanced: 0, oneVillageOneIndustry: 0, oneVillageOneCooperative: 0, collectiveIncomeFen: 0, investedFen: 0 };
        for (const [e, income] of evaluations) {
          const once = countOnce(outcomeIncrement({ ...e, collectiveIncomeFen: income }, '合格', { investments: [{ amountFen: 10 }], cadres: [] }), counted);
          counted = once.counted;
          for (const key of Object.keys(total) as (keyof typeof total)[]) total[key] += once.increment[key];
        }
        expect(total).toEqual({
          evaluated: evaluations.length,
          villages: 1,
          advanced: evaluations.some(([e]) => e.advanced) ? 1 : 0,
          oneVillageOneIndustry: evaluations.some(([e]) => e.oneVillageOneIndustry) ? 1 : 0,
          oneVillageOneCooperative: evaluations.some(([e]) => e.oneVillageOneCooperative) ? 1 : 0,
          // The latest figure, not a sum over the village's pairings.
          collectiveIncomeFen: evaluations.at(-1)![1],
          investedFen: 10 * evaluations.length,
        });
      }),
    );
  });
});
