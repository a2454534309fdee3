import type { Schemas } from '../api/client';

/** Pairing assistance (结对帮扶) in the console: its codes in Chinese and the pure rules of its forms. */

export type PairingReport = Schemas['PairingReport'];
export type ReportFiling = Schemas['PairingReportFiling'];

export const reportStatusNames: Readonly<Record<PairingReport['status'], string>> = {
  expected: '待填报',
  submitted: '已报送待审核',
  returned: '已退回',
  approved: '乡镇已审核',
  accepted: '县级已验收',
};

export const periodTypeNames: Readonly<Record<string, string>> = { monthly: '月报', 'half-yearly': '半年报', yearly: '年报' };
export const levelNames: Readonly<Record<string, string>> = { city: '市级', district: '区级' };
export const cadreRoleNames: Readonly<Record<string, string>> = { 'first-secretary': '第一书记', 'team-member': '工作队员' };
export const projectStatusNames: Readonly<Record<string, string>> = { planned: '计划', 'in-progress': '实施中', done: '已完成' };
export const evaluationStatusNames: Readonly<Record<string, string>> = {
  'awaiting-self-assessment': '待单位自评',
  'awaiting-township': '待乡镇意见',
  'awaiting-county': '待县级考核',
  evaluated: '已考核',
};
export const caseStatusNames: Readonly<Record<string, string>> = { open: '整顿中', promoted: '已晋位转化', carried: '延续下一年' };
export const categories = ['示范', '创优', '强基'] as const;

export type Timeliness = 'on-time' | 'late' | 'missing' | 'pending';
export const timelinessNames: Readonly<Record<Timeliness, string>> = { 'on-time': '按时', late: '逾期报送', missing: '缺报（已逾期）', pending: '未到期' };

/**
 * How a report stands against its due date, as the views count it: on time or late once filed
 * (from its first submission, kept by the API), missing when still unfiled after the due date
 * (Beijing day `today`, or flagged overdue by the sweep), else pending.
 */
export function timelinessOf(report: Pick<PairingReport, 'timeliness' | 'status' | 'overdue' | 'due'>, today: string): Timeliness {
  if (report.timeliness) return report.timeliness;
  if (report.status === 'expected' && (report.overdue || today > report.due)) return 'missing';
  return 'pending';
}

/** The unit may file while the report waits for it (expected or returned) or before the township has reviewed it. */
export const canFile = (status: PairingReport['status']): boolean => status === 'expected' || status === 'returned' || status === 'submitted';

/** What the filing form holds: amounts in fen from the money inputs, counts as typed. */
export interface FilingForm {
  readonly nil: boolean;
  readonly investedFen?: number | undefined;
  readonly cadreDays?: number | null | undefined;
  readonly projectsStarted?: number | null | undefined;
  readonly projectsFinished?: number | null | undefined;
  readonly collectiveIncomeToDateFen?: number | undefined;
  readonly narrative?: string | undefined;
}

export type FilingCheck = { readonly ok: true; readonly body: ReportFiling } | { readonly ok: false; readonly errors: Readonly<Record<string, string>> };

const counts = ['cadreDays', 'projectsStarted', 'projectsFinished'] as const;
const amounts = ['investedFen', 'collectiveIncomeToDateFen'] as const;

/**
 * The form as the API's filing body, or what is wrong with it, by field: every value is required
 * unless the report is nil, and none may be negative or fractional (the API checks again).
 */
export function filingBody(form: FilingForm): FilingCheck {
  const narrative = (form.narrative ?? '').trim();
  if (form.nil) return { ok: true, body: { nil: true, ...(narrative ? { narrative } : {}) } };
  const errors: Record<string, string> = {};
  for (const key of amounts) {
    const v = form[key];
    if (v === undefined) errors[key] = '请输入金额（元）';
    else if (!Number.isSafeInteger(v) || v < 0) errors[key] = '金额不能为负数';
  }
  for (const key of counts) {
    const v = form[key];
    if (v === undefined || v === null) errors[key] = '请输入数量';
    else if (!Number.isSafeInteger(v) || v < 0) errors[key] = '须为不小于 0 的整数';
  }
  if (!narrative) errors.narrative = '请填写进展情况';
  if (Object.keys(errors).length > 0) return { ok: false, errors };
  return {
    ok: true,
    body: {
      nil: false,
      investedFen: form.investedFen ?? 0,
      collectiveIncomeToDateFen: form.collectiveIncomeToDateFen ?? 0,
      cadreDays: form.cadreDays ?? 0,
      projectsStarted: form.projectsStarted ?? 0,
      projectsFinished: form.projectsFinished ?? 0,
      narrative,
    },
  };
}

/** The form for a report already filed (resubmission starts from what was sent). */
export function formOf(report: Pick<PairingReport, 'current'>): FilingForm {
  const c = report.current;
  if (!c) return { nil: false };
  if (c.nil) return { nil: true, narrative: c.narrative };
  return { nil: false, investedFen: c.investedFen, collectiveIncomeToDateFen: c.collectiveIncomeToDateFen, cadreDays: c.cadreDays, projectsStarted: c.projectsStarted, projectsFinished: c.projectsFinished, narrative: c.narrative };
}

/** An exception the county names at acceptance: an approved report it holds back, with why. */
export interface AcceptanceChoice {
  readonly reportId: string;
  readonly reason: string;
}

/**
 * The acceptance request: the chosen exceptions, each with its reason; `missing` lists the report
 * ids whose reason is empty (the form refuses them before the API does).
 */
export function acceptanceBody(division: string, chosen: ReadonlyMap<string, string>): { readonly body: Schemas['PairingReportAcceptance']; readonly missing: readonly string[] } {
  const exceptions = [...chosen].map(([reportId, reason]) => ({ reportId, reason: reason.trim() }));
  const missing = exceptions.filter((e) => e.reason.length === 0).map((e) => e.reportId);
  return { body: { division, ...(exceptions.length > 0 ? { exceptions } : {}) }, missing };
}

/** A rate in basis points as a percentage with two decimals (1234 → "12.34%"), exact. */
export function percent(bp: number): string {
  const whole = Math.floor(bp / 100);
  const rest = String(bp % 100).padStart(2, '0');
  return `${whole}.${rest}%`;
}

/** A period id in words: 2026-03 → 2026年3月, 2026S1 → 2026年上半年, 2026 → 2026年度. */
export function periodName(id: string): string {
  const month = /^(\d{4})-(\d{2})$/.exec(id);
  if (month) return `${month[1]}年${Number(month[2])}月`;
  const half = /^(\d{4})S([12])$/.exec(id);
  if (half) return `${half[1]}年${half[2] === '1' ? '上' : '下'}半年`;
  return /^\d{4}$/.test(id) ? `${id}年度` : id;
}
