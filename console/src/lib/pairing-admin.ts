import type { Schemas } from '../api/client';
import { percent } from './pairing';

/** The admin's pairing forms as API bodies: a term with its schedule rows, a ranking policy's weights. Pure, no I/O. */

export type TermInput = Schemas['PairingTermInput'];
export type ScheduleRule = TermInput['schedule'][number];
export type PeriodType = ScheduleRule['periodType'];
export type DueKind = ScheduleRule['due']['kind'];

/** One row of the schedule table as typed: the number is the day of the month or the days after the period's end. */
export interface ScheduleRow {
  readonly periodType: PeriodType;
  readonly dueKind: DueKind;
  readonly number: string;
  /** Only for day-in-period: which month of the period (empty: its first). */
  readonly monthInPeriod: string;
}

export interface TermForm {
  readonly name: string;
  readonly division: string;
  readonly firstYear: string;
  readonly lastYear: string;
  readonly schedule: readonly ScheduleRow[];
  readonly advancedVillages: string;
  readonly oneVillageOneIndustry: string;
  readonly oneVillageOneCooperative: string;
  /** From the money input: yuan typed, fen handed on; undefined when empty or not an amount. */
  readonly collectiveIncomeFen: number | undefined;
  /** Reminders: days before the due date ("7,3"), the overdue interval in days, the hour (Beijing). All empty: the API's default. */
  readonly reminderDaysBefore?: string;
  readonly overdueEveryNDays?: string;
  readonly reminderHour?: string;
}

export type Check<T> = { readonly ok: true; readonly body: T } | { readonly ok: false; readonly errors: Readonly<Record<string, string>> };

export const dueKindNames: Readonly<Record<DueKind, string>> = { 'day-in-period': '期内某日前', 'days-after-end': '期末后若干天内' };

/** A whole number as typed, or undefined when it is not one (empty, a fraction, letters). */
export function whole(text: string): number | undefined {
  const t = text.trim();
  return /^\d+$/.test(t) ? Number(t) : undefined;
}

/**
 * The term form as the API's body, or what is wrong with it by field (schedule rows as
 * `schedule.N.number`). The API checks again (one rule per period type, days in range); this
 * catches what a person mistypes before anything is sent.
 */
export function termBody(form: TermForm): Check<TermInput> {
  const errors: Record<string, string> = {};
  const name = form.name.trim();
  if (!name) errors.name = '请填写名称';
  if (!/^\d{6}(\d{3})?(\d{3})?$/.test(form.division.trim())) errors.division = '须为 6、9 或 12 位区划代码';
  const firstYear = whole(form.firstYear);
  const lastYear = whole(form.lastYear);
  if (firstYear === undefined) errors.firstYear = '请填写起始年度';
  if (lastYear === undefined) errors.lastYear = '请填写结束年度';
  else if (firstYear !== undefined && lastYear < firstYear) errors.lastYear = '不能早于起始年度';
  if (form.schedule.length === 0) errors.schedule = '至少一条报告规则';
  const seen = new Set<PeriodType>();
  const schedule: ScheduleRule[] = [];
  form.schedule.forEach((row, i) => {
    if (seen.has(row.periodType)) errors[`schedule.${i}.periodType`] = '每种报告期只能有一条规则';
    seen.add(row.periodType);
    const n = whole(row.number);
    if (n === undefined || n < 1) {
      errors[`schedule.${i}.number`] = '须为正整数';
      return;
    }
    if (row.dueKind === 'days-after-end') {
      schedule.push({ periodType: row.periodType, due: { kind: 'days-after-end', days: n } });
      return;
    }
    if (n > 31) errors[`schedule.${i}.number`] = '日期须在 1—31 之间';
    const month = row.monthInPeriod.trim() === '' ? undefined : whole(row.monthInPeriod);
    if (row.monthInPeriod.trim() !== '' && (month === undefined || month < 1)) errors[`schedule.${i}.monthInPeriod`] = '须为正整数';
    schedule.push({ periodType: row.periodType, due: { kind: 'day-in-period', day: n, ...(month !== undefined ? { monthInPeriod: month } : {}) } });
  });
  const counts = { advancedVillages: whole(form.advancedVillages), oneVillageOneIndustry: whole(form.oneVillageOneIndustry), oneVillageOneCooperative: whole(form.oneVillageOneCooperative) };
  for (const [key, v] of Object.entries(counts)) if (v === undefined) errors[`targets.${key}`] = '须为不小于 0 的整数';
  if (form.collectiveIncomeFen === undefined) errors['targets.collectiveIncomeFen'] = '请输入金额（元）';
  else if (!Number.isSafeInteger(form.collectiveIncomeFen) || form.collectiveIncomeFen < 0) errors['targets.collectiveIncomeFen'] = '金额不能为负数';
  const reminders = reminderPolicy(form, errors);
  if (Object.keys(errors).length > 0) return { ok: false, errors };
  return {
    ok: true,
    body: {
      ...(reminders ? { reminders } : {}),
      name,
      division: form.division.trim(),
      firstYear: firstYear ?? 0,
      lastYear: lastYear ?? 0,
      schedule,
      targets: {
        advancedVillages: counts.advancedVillages ?? 0,
        oneVillageOneIndustry: counts.oneVillageOneIndustry ?? 0,
        oneVillageOneCooperative: counts.oneVillageOneCooperative ?? 0,
        collectiveIncomeFen: form.collectiveIncomeFen ?? 0,
      },
    },
  };
}

/** The term's reminder policy as typed, or undefined when every field is empty (the API then uses its default: 7 and 3 days before, weekly overdue, 9 o'clock). */
function reminderPolicy(form: TermForm, errors: Record<string, string>): NonNullable<TermInput['reminders']> | undefined {
  const days = (form.reminderDaysBefore ?? '').trim();
  const every = (form.overdueEveryNDays ?? '').trim();
  const hourText = (form.reminderHour ?? '').trim();
  if (!days && !every && !hourText) return undefined;
  const parts = days ? days.split(/[,，、\s]+/).filter(Boolean) : [];
  const daysBefore = parts.map(whole);
  if (daysBefore.some((d) => d === undefined || d > 366) || daysBefore.length > 10) errors['reminders.daysBefore'] = '须为 0—366 的整数，逗号分隔，至多 10 个';
  const overdue = every ? whole(every) : 7;
  if (overdue === undefined || overdue < 1 || overdue > 366) errors['reminders.overdueEveryNDays'] = '须为 1—366 的整数';
  const hour = hourText ? whole(hourText) : 9;
  if (hour === undefined || hour < 1 || hour > 23) errors['reminders.hourBeijing'] = '须为 1—23 的整数（0 点为逾期判定）';
  return { daysBefore: daysBefore.map((d) => d ?? 0), overdueEveryNDays: overdue ?? 7, overdueForDays: 366, hourBeijing: hour ?? 9 };
}

/**
 * A percentage as typed ("12.5") in basis points (1250), exactly: parsed as a decimal string with at
 * most two decimals, never through floating point. Undefined when it is not such a number.
 */
export function percentToBp(text: string): number | undefined {
  const m = /^(\d{1,3})(?:\.(\d{1,2}))?$/.exec(text.trim());
  if (!m) return undefined;
  return Number(m[1]) * 100 + Number((m[2] ?? '').padEnd(2, '0'));
}

/**
 * Every period id the term's schedule makes, in order within each year: 2026-01…2026-12 for monthly,
 * 2026S1 and 2026S2 for half-yearly, 2026 for yearly (the ids the API's period routes take).
 */
export function termPeriodIds(term: Pick<TermInput, 'firstYear' | 'lastYear' | 'schedule'>): { readonly periodId: string; readonly periodType: PeriodType }[] {
  const out: { periodId: string; periodType: PeriodType }[] = [];
  for (let year = term.firstYear; year <= term.lastYear; year++) {
    for (const rule of term.schedule) {
      if (rule.periodType === 'monthly') for (let m = 1; m <= 12; m++) out.push({ periodId: `${year}-${String(m).padStart(2, '0')}`, periodType: 'monthly' });
      else if (rule.periodType === 'half-yearly') out.push({ periodId: `${year}S1`, periodType: 'half-yearly' }, { periodId: `${year}S2`, periodType: 'half-yearly' });
      else out.push({ periodId: String(year), periodType: 'yearly' });
    }
  }
  return out;
}

export type RankingPolicyInput = Schemas['PairingRankingPolicyInput'];
export type Direction = RankingPolicyInput['rule']['indicators'][number]['direction'];

/** One indicator row as typed: the weight in percent (two decimals at most). */
export interface IndicatorRow {
  readonly key: string;
  readonly name: string;
  readonly weightPercent: string;
  readonly direction: Direction;
}

/**
 * The ranking policy form as the API's body: weights typed in percent are sent in basis points and
 * must add up to exactly 100 %; the bottom share likewise (empty: the API's default of 10 %).
 */
export function rankingPolicyBody(form: { readonly name: string; readonly division: string; readonly indicators: readonly IndicatorRow[]; readonly bottomSharePercent: string; readonly rounding: 'ceil' | 'floor' }): Check<RankingPolicyInput> {
  const errors: Record<string, string> = {};
  if (!form.name.trim()) errors.name = '请填写名称';
  if (!/^\d{6}$/.test(form.division.trim())) errors.division = '须为 6 位县级区划代码';
  if (form.indicators.length === 0) errors.indicators = '至少一项指标';
  const keys = new Set<string>();
  const indicators = form.indicators.map((row, i) => {
    const key = row.key.trim();
    if (!/^[a-z][a-zA-Z0-9]{0,39}$/.test(key)) errors[`indicators.${i}.key`] = '以小写字母开头，仅含字母和数字，至多 40 个';
    else if (keys.has(key)) errors[`indicators.${i}.key`] = '指标代码重复';
    keys.add(key);
    if (!row.name.trim()) errors[`indicators.${i}.name`] = '请填写指标名称';
    const weightBp = percentToBp(row.weightPercent);
    if (weightBp === undefined || weightBp < 1) errors[`indicators.${i}.weightBp`] = '须为大于 0 的百分数，至多两位小数';
    return { key, name: row.name.trim(), weightBp: weightBp ?? 0, direction: row.direction, source: 'input' as const };
  });
  const total = indicators.reduce((s, x) => s + x.weightBp, 0);
  if (form.indicators.length > 0 && total !== 10_000) errors.indicators = `权重合计须为 100%，现为 ${percent(total)}`;
  const share = form.bottomSharePercent.trim() === '' ? 1000 : percentToBp(form.bottomSharePercent);
  if (share === undefined || share < 1 || share > 10_000) errors['rule.bottomShareBp'] = '须为 0—100 之间的百分数';
  if (Object.keys(errors).length > 0) return { ok: false, errors };
  return { ok: true, body: { name: form.name.trim(), division: form.division.trim(), rule: { indicators, bottomShareBp: share ?? 1000, rounding: form.rounding } } };
}
