import type { Schemas } from '../api/client';
import { whole, type Check } from './pairing-admin';
import { hiddenCharacter } from './social';

/**
 * The grading round form (等级评定) as the API's body: a preset or a scale edited by hand (maximum
 * score, grades with their cut-offs, which are excellent), the validity and the panel. Pure, no I/O;
 * the rules are those of the API's gradingScaleSchema and round body, so that the API refuses only
 * what the form could not know (a round that exists, a scorer named twice after the API's own trim).
 */

export type RoundInput = Schemas['SocialGradingRoundInput'];
export type GradingScale = RoundInput['scale'];

/** One grade as typed: its name, its cut-off (the lowest mean that earns it) and whether it is excellent. */
export interface GradeRow {
  readonly grade: string;
  readonly minScore: string;
  readonly excellent: boolean;
}

/** The scale part of the form as typed, numbers as strings so that what is wrong can be said per field. */
export interface ScaleForm {
  readonly maxScore: string;
  readonly grades: readonly GradeRow[];
  readonly validityYears: string;
}

export interface RoundForm extends ScaleForm {
  readonly township: string;
  readonly year: number;
  /** The panel as typed: accounts separated by commas or spaces, each optionally `account@villageCode`. */
  readonly scorers: string;
}

/** The API's bounds (gradingScaleSchema, the round body). */
export const gradingLimits = { maxScore: 100_000, grades: 20, gradeName: 20, validityYears: 10, scorers: 50, minimumScorers: 2 } as const;

export type PresetKey = 'five-a' | 'pass-fail';

const rows = (grades: readonly (readonly [string, number, boolean])[]): GradeRow[] => grades.map(([grade, min, excellent]) => ({ grade, minScore: String(min), excellent }));

/**
 * The two scales townships use: the national 1,000-point five grades (5A and 4A excellent, valid
 * 3 years, as the console always created), and the yearly 优秀 / 合格 / 不合格 on 100 points, where
 * 不合格 starts at 0 so that every scored organisation gets a grade rather than "below the scale",
 * valid the one year it judges.
 */
export const gradingPresets: Readonly<Record<PresetKey, { readonly label: string; readonly form: ScaleForm }>> = {
  'five-a': {
    label: '千分制五级（5A—1A）',
    form: { maxScore: '1000', grades: rows([['5A', 900, true], ['4A', 800, true], ['3A', 700, false], ['2A', 600, false], ['1A', 500, false]]), validityYears: '3' },
  },
  'pass-fail': {
    label: '百分制三级（优秀 / 合格 / 不合格）',
    form: { maxScore: '100', grades: rows([['优秀', 90, true], ['合格', 60, false], ['不合格', 0, false]]), validityYears: '1' },
  },
};

/** The preset the scale as typed still is, or undefined once it is edited. */
export function presetOf(form: ScaleForm): PresetKey | undefined {
  const same = (a: ScaleForm, b: ScaleForm) =>
    a.maxScore.trim() === b.maxScore && a.validityYears.trim() === b.validityYears && a.grades.length === b.grades.length && a.grades.every((g, i) => g.grade.trim() === b.grades[i]?.grade && g.minScore.trim() === b.grades[i]?.minScore && g.excellent === b.grades[i]?.excellent);
  return (Object.keys(gradingPresets) as PresetKey[]).find((k) => same(form, gradingPresets[k].form));
}

function gradeName(errors: Record<string, string>, key: string, value: string): void {
  const name = value.trim();
  if (hiddenCharacter.test(name)) errors[key] = '等级名称不能包含控制字符或不可见字符';
  else if (name === '') errors[key] = '请填写等级名称';
  else if (name.length > gradingLimits.gradeName) errors[key] = `等级名称不能超过 ${gradingLimits.gradeName} 个字`;
}

/**
 * The scale and validity as the API takes them, or what is wrong by field: `maxScore`, `grades`
 * (none, too many), `grades.N.grade` (empty, invisible characters, too long, named twice),
 * `grades.N.minScore` (not a whole number, above the maximum, not below the grade before),
 * `excellent` (none) and `validityYears`. Rows keep their order, so N is also the API's index.
 */
export function scaleBody(form: ScaleForm): Check<{ scale: GradingScale; validityYears: number }> {
  const errors: Record<string, string> = {};
  const maxScore = whole(form.maxScore);
  if (maxScore === undefined || maxScore < 1 || maxScore > gradingLimits.maxScore) errors.maxScore = `满分须为 1 至 ${gradingLimits.maxScore} 的整数`;
  if (form.grades.length === 0) errors.grades = '至少一个等级';
  else if (form.grades.length > gradingLimits.grades) errors.grades = `至多 ${gradingLimits.grades} 个等级`;
  const grades = form.grades.map((row, i) => {
    gradeName(errors, `grades.${i}.grade`, row.grade);
    const grade = row.grade.trim();
    if (!errors[`grades.${i}.grade`] && form.grades.findIndex((o) => o.grade.trim() === grade) !== i) errors[`grades.${i}.grade`] = `等级“${grade}”重复`;
    const min = whole(row.minScore);
    const prev = i > 0 ? whole(form.grades[i - 1]?.minScore ?? '') : undefined;
    if (min === undefined) errors[`grades.${i}.minScore`] = '最低分须为不小于 0 的整数';
    else if (maxScore !== undefined && min > maxScore) errors[`grades.${i}.minScore`] = `最低分不能超过满分 ${maxScore}`;
    else if (prev !== undefined && min >= prev) errors[`grades.${i}.minScore`] = '等级须从高到低排列，最低分须低于上一等级';
    return { grade, minScore: min ?? 0 };
  });
  const excellent = form.grades.filter((g) => g.excellent).map((g) => g.grade.trim());
  if (form.grades.length > 0 && excellent.length === 0) errors.excellent = '至少选择一个优秀等级';
  const validityYears = whole(form.validityYears);
  if (validityYears === undefined || validityYears < 1 || validityYears > gradingLimits.validityYears) errors.validityYears = `有效期须为 1 至 ${gradingLimits.validityYears} 年`;
  if (Object.keys(errors).length > 0) return { ok: false, errors };
  return { ok: true, body: { scale: { maxScore: maxScore ?? 0, grades, excellent }, validityYears: validityYears ?? 0 } };
}

/** "demo-township, scorer-b@120225104204" → the panel: each account with the village it belongs to, if given. */
export function parseScorers(text: string): RoundInput['scorers'] {
  return text
    .split(/[,，、\s]+/)
    .filter(Boolean)
    .map((s) => {
      const at = s.indexOf('@');
      return at < 0 ? { sub: s } : { sub: s.slice(0, at), ...(s.slice(at + 1) ? { village: s.slice(at + 1) } : {}) };
    });
}

function scorersErrors(errors: Record<string, string>, scorers: RoundInput['scorers']): void {
  const subs = scorers.map((s) => s.sub);
  if (scorers.length < gradingLimits.minimumScorers) errors.scorers = `评分人至少 ${gradingLimits.minimumScorers} 人`;
  else if (scorers.length > gradingLimits.scorers) errors.scorers = `评分人至多 ${gradingLimits.scorers} 人`;
  else if (subs.some((s) => s === '' || s.length > 200)) errors.scorers = '评分人账号不能为空';
  else if (new Set(subs).size !== subs.length) errors.scorers = '同一评分人不能出现两次';
  else if (scorers.some((s) => s.village !== undefined && !/^\d{12}$/.test(s.village))) errors.scorers = '@ 后须为 12 位村代码';
}

/** The whole form as the API's round body, or what is wrong by field (the scale's fields, `scorers`). */
export function roundBody(form: RoundForm): Check<RoundInput> {
  const scale = scaleBody(form);
  const errors: Record<string, string> = scale.ok ? {} : { ...scale.errors };
  const scorers = parseScorers(form.scorers);
  scorersErrors(errors, scorers);
  if (!/^\d{9}$/.test(form.township)) errors.township = '请选择乡镇';
  if (!scale.ok || Object.keys(errors).length > 0) return { ok: false, errors };
  return { ok: true, body: { township: form.township, year: form.year, ...scale.body, scorers } };
}

/**
 * The API's field errors of a refused round (`scale.grades.1.minScore`, `scale.excellent.0`,
 * `scorers.2.village`…) under the form's keys, so that each shows beside its field; the ones with
 * no field in the form are left for the general error.
 */
export function formErrorsOf<F extends { readonly field: string; readonly message: string }>(fields: readonly F[]): { readonly byField: Readonly<Record<string, string>>; readonly rest: F[] } {
  const byField: Record<string, string> = {};
  const rest: F[] = [];
  for (const f of fields) {
    const key = /^scale\.(maxScore|grades|grades\.\d+\.(?:grade|minScore))$/.exec(f.field)?.[1] ?? (/^scale\.excellent(\.\d+)?$/.test(f.field) ? 'excellent' : /^scorers(\.|$)/.test(f.field) ? 'scorers' : f.field === 'validityYears' ? f.field : undefined);
    if (key === undefined) rest.push(f);
    else byField[key] = byField[key] ? `${byField[key]}；${f.message}` : f.message;
  }
  return { byField, rest };
}
