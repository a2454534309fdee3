import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { formErrorsOf, gradingPresets, parseScorers, presetOf, roundBody, scaleBody, type GradeRow, type RoundForm, type ScaleForm } from '../../../console/src/lib/grading';
import { gradingRoundBodySchema } from '../../../functions/programs/social/routes/grading';

const panel = 'demo-township, scorer-b@120225104204';
const form = (scale: ScaleForm, scorers = panel): RoundForm => ({ ...scale, township: '120225104', year: 2027, scorers });
const row = (grade: string, minScore: string, excellent = false): GradeRow => ({ grade, minScore, excellent });

describe('the grading round form’s scale', () => {
  it('offers the 5A scale as before and 优秀 / 合格 / 不合格 on 100 points, both as the API takes them', () => {
    const fiveA = roundBody(form(gradingPresets['five-a'].form));
    expect(fiveA.ok && fiveA.body).toEqual({
      township: '120225104',
      year: 2027,
      scale: { maxScore: 1000, grades: [{ grade: '5A', minScore: 900 }, { grade: '4A', minScore: 800 }, { grade: '3A', minScore: 700 }, { grade: '2A', minScore: 600 }, { grade: '1A', minScore: 500 }], excellent: ['5A', '4A'] },
      validityYears: 3,
      scorers: [{ sub: 'demo-township' }, { sub: 'scorer-b', village: '120225104204' }],
    });
    const passFail = roundBody(form(gradingPresets['pass-fail'].form));
    expect(passFail.ok && passFail.body.scale).toEqual({ maxScore: 100, grades: [{ grade: '优秀', minScore: 90 }, { grade: '合格', minScore: 60 }, { grade: '不合格', minScore: 0 }], excellent: ['优秀'] });
    expect(passFail.ok && passFail.body.validityYears).toBe(1);
    for (const p of Object.values(gradingPresets)) {
      const check = roundBody(form(p.form));
      expect(check.ok && gradingRoundBodySchema.safeParse(check.body).success).toBe(true);
    }
  });

  it('knows a preset until it is edited', () => {
    expect(presetOf(gradingPresets['pass-fail'].form)).toBe('pass-fail');
    expect(presetOf({ ...gradingPresets['pass-fail'].form, validityYears: '2' })).toBeUndefined();
    expect(presetOf({ ...gradingPresets['five-a'].form, grades: gradingPresets['five-a'].form.grades.slice(1) })).toBeUndefined();
  });

  it('names what is wrong by field as the API would refuse it', () => {
    const check = scaleBody({
      maxScore: '100',
      validityYears: '11',
      grades: [row('优秀', '90'), row(' 优秀 ', '95'), row('合格', '120'), row('', 'x'), row('\u200b良', '10')],
    });
    expect(check).toEqual({
      ok: false,
      errors: {
        'grades.1.grade': '等级“优秀”重复',
        'grades.1.minScore': '等级须从高到低排列，最低分须低于上一等级',
        'grades.2.minScore': '最低分不能超过满分 100',
        'grades.3.grade': '请填写等级名称',
        'grades.3.minScore': '最低分须为不小于 0 的整数',
        'grades.4.grade': '等级名称不能包含控制字符或不可见字符',
        excellent: '至少选择一个优秀等级',
        validityYears: '有效期须为 1 至 10 年',
      },
    });
    expect(scaleBody({ maxScore: '0', validityYears: '3', grades: [] })).toEqual({ ok: false, errors: { maxScore: '满分须为 1 至 100000 的整数', grades: '至少一个等级' } });
  });

  it('reads the panel and refuses fewer than two scorers or one named twice', () => {
    expect(parseScorers('a，b@120225104204 c、 d@')).toEqual([{ sub: 'a' }, { sub: 'b', village: '120225104204' }, { sub: 'c' }, { sub: 'd' }]);
    const scale = gradingPresets['pass-fail'].form;
    expect(roundBody(form(scale, 'a'))).toEqual({ ok: false, errors: { scorers: '评分人至少 2 人' } });
    expect(roundBody(form(scale, 'a, a'))).toEqual({ ok: false, errors: { scorers: '同一评分人不能出现两次' } });
    expect(roundBody(form(scale, 'a, b@1202'))).toEqual({ ok: false, errors: { scorers: '@ 后须为 12 位村代码' } });
    expect(roundBody({ ...form(scale), township: '' })).toEqual({ ok: false, errors: { township: '请选择乡镇' } });
  });

  it('puts the API’s field errors under the form’s fields and keeps the others for the alert', () => {
    const { byField, rest } = formErrorsOf([
      { field: 'scale.grades.1.minScore', message: 'grades must go from the best down' },
      { field: 'scale.excellent.0', message: 'X is not one of the grades' },
      { field: 'scale.maxScore', message: 'too big' },
      { field: 'scorers', message: 'a scorer is named twice' },
      { field: 'scorers.1.village', message: 'must be a 12-digit village code' },
      { field: 'year', message: 'too early' },
    ]);
    expect(byField).toEqual({
      'grades.1.minScore': 'grades must go from the best down',
      excellent: 'X is not one of the grades',
      maxScore: 'too big',
      scorers: 'a scorer is named twice；must be a 12-digit village code',
    });
    expect(rest).toEqual([{ field: 'year', message: 'too early' }]);
  });
});

// Forms near the rules (descending cut-offs, distinct names) and far from them, so that both sides are reached.
const gradeName = fc.oneof(fc.constantFrom('5A', '4A', '优秀', ' 合格 ', '不合格', '', '  ', '\u200b', '良\u202e', 'A'.repeat(20), 'B'.repeat(21)), fc.string({ maxLength: 24 }), fc.string({ unit: 'binary', maxLength: 6 }));
const number = (min: number, max: number) => fc.oneof(fc.integer({ min, max }).map(String), fc.integer({ min, max }).map((n) => ` ${n} `), fc.constantFrom('', '1.5', '-3', 'x', '1e3', '０'));
const descending = fc
  .record({ max: fc.integer({ min: 1, max: 100_000 }), cuts: fc.uniqueArray(fc.nat(100_000), { minLength: 1, maxLength: 8 }), names: fc.uniqueArray(fc.oneof({ weight: 6, arbitrary: fc.stringMatching(/^[A-Z优良合格]{1,4}$/) }, { weight: 1, arbitrary: gradeName }), { minLength: 21, maxLength: 21 }), excellent: fc.array(fc.boolean(), { minLength: 21, maxLength: 21 }), validity: fc.oneof({ weight: 6, arbitrary: fc.integer({ min: 1, max: 10 }).map(String) }, { weight: 1, arbitrary: number(0, 11) }) })
  .map(({ max, cuts, names, excellent, validity }): ScaleForm => ({
    maxScore: String(max),
    grades: cuts.map((c) => c % (max + 1)).sort((a, b) => b - a).map((c, i) => row(names[i] ?? '', String(c), excellent[i] ?? false)),
    validityYears: validity,
  }));
const anyForm = fc.record({ maxScore: number(-1, 100_001), grades: fc.array(fc.record({ grade: gradeName, minScore: number(-1, 1200), excellent: fc.boolean() }), { maxLength: 22 }), validityYears: number(0, 11) });

/** A scale the API accepts, built from its rules: cut-offs strictly descending within 0..max, distinct printable names, some excellent. */
const apiScale = fc
  .record({ max: fc.integer({ min: 1, max: 100_000 }), cuts: fc.uniqueArray(fc.nat(100_000), { minLength: 1, maxLength: 20 }), names: fc.uniqueArray(fc.stringMatching(/^[A-Za-z0-9优良中差合格不]{1,20}$/), { minLength: 20, maxLength: 20 }), pick: fc.nat(19), validity: fc.integer({ min: 1, max: 10 }) })
  .map(({ max, cuts, names, pick, validity }) => {
    const grades = [...new Set(cuts.map((c) => c % (max + 1)))].sort((a, b) => b - a).map((minScore, i) => ({ grade: names[i] ?? `g${i}`, minScore }));
    return { scale: { maxScore: max, grades, excellent: [grades[pick % grades.length]?.grade ?? ''] }, validityYears: validity };
  });

describe('the grading round form against the API’s schema', () => {
  it('sends only rounds the API’s round schema accepts', () => {
    let accepted = 0;
    fc.assert(
      fc.property(fc.oneof(descending, anyForm), (scale) => {
        const check = roundBody(form(scale));
        if (!check.ok) return;
        accepted += 1;
        const parsed = gradingRoundBodySchema.safeParse(check.body);
        expect(parsed.error?.issues ?? []).toEqual([]);
        // What the API stores is what the form sent: nothing is trimmed or reordered on the way.
        expect(parsed.data).toEqual(check.body);
      }),
      { numRuns: 400 },
    );
    // The property says something only if the form accepts a fair share of what it is given.
    expect(accepted).toBeGreaterThan(20);
  });

  it('accepts every scale the API accepts, as typed back into the form', () => {
    fc.assert(
      fc.property(apiScale, ({ scale, validityYears }) => {
        expect(gradingRoundBodySchema.shape.scale.safeParse(scale).success).toBe(true);
        const typed: ScaleForm = { maxScore: String(scale.maxScore), validityYears: String(validityYears), grades: scale.grades.map((g) => row(g.grade, String(g.minScore), scale.excellent.includes(g.grade))) };
        expect(scaleBody(typed)).toEqual({ ok: true, body: { scale, validityYears } });
      }),
      { numRuns: 200 },
    );
  });
});
