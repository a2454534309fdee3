import { reportingTasks, type ReportingProgram } from '../../platform/reporting/tasks.ts';
import { workflowActor } from '../../platform/decisions/store.ts';
import { sweepOverdue } from './report-use-cases.ts';
import { periodReports } from './store/report.ts';
import { getReportPeriod } from './store/report-period.ts';
import { getTerm } from './store/term.ts';

/**
 * Pairing's use of the platform's reporting machinery (functions/platform/reporting/): a subject is
 * one period of one term (`<termId>.<periodId>`, also the period workflow's execution name), its
 * obligations are the period's reports, owed by the assisting units; when to remind them is the
 * term's `reminders` (domain/term.ts).
 */

export const periodSubjectId = (termId: string, periodId: string) => `${termId}.${periodId}`;

export function parsePeriodSubject(subjectId: string): { termId: string; periodId: string } | undefined {
  const at = subjectId.lastIndexOf('.');
  if (at < 0) return undefined;
  return { termId: subjectId.slice(0, at), periodId: subjectId.slice(at + 1) };
}

interface ReportObligation {
  readonly id: string;
  readonly recipient: string;
  readonly division: string;
  readonly filed: boolean;
  readonly periodId: string;
}

const periodName = (periodId: string) =>
  /^\d{4}-\d{2}$/.test(periodId) ? `${periodId.slice(0, 4)}年${Number(periodId.slice(5))}月` : /S1$/.test(periodId) ? `${periodId.slice(0, 4)}年上半年` : /S2$/.test(periodId) ? `${periodId.slice(0, 4)}年下半年` : `${periodId}年度`;

export const pairingReporting: ReportingProgram<ReportObligation> = {
  name: 'pairing',
  async subject(subjectId) {
    const parts = parsePeriodSubject(subjectId);
    if (!parts) return undefined;
    const [period, term] = await Promise.all([getReportPeriod(parts.termId, parts.periodId), getTerm(parts.termId, true)]);
    if (!period || !term) return undefined;
    return { due: period.due, policy: term.reminders, closed: period.status === 'closed', division: term.division };
  },
  async *obligations(subjectId) {
    const parts = parsePeriodSubject(subjectId);
    if (!parts) return;
    for await (const r of periodReports(parts.termId, parts.periodId)) {
      yield { id: r.id, recipient: `unit:${r.unitId}`, division: r.village, filed: r.status !== 'expected', periodId: r.periodId };
    }
  },
  async markOverdue(subjectId, at) {
    const parts = parsePeriodSubject(subjectId);
    if (!parts) return { overdue: 0 };
    return sweepOverdue(parts.termId, parts.periodId, workflowActor, at);
  },
  message(kind, o, subject) {
    const link = `/pairing/reports/${o.id}`;
    if (kind === 'reminder') {
      return { subject: `【结对帮扶】${periodName(o.periodId)}进展报告请于${subject.due}前报送`, text: `贵单位帮扶村（${o.division}）${periodName(o.periodId)}的进展报告尚未报送，报送截止日期为${subject.due}（北京时间）。`, link };
    }
    return { subject: `【结对帮扶】${periodName(o.periodId)}进展报告已逾期`, text: `贵单位帮扶村（${o.division}）${periodName(o.periodId)}的进展报告截止日期${subject.due}已过，至今未报送，请尽快报送。`, link };
  },
  overdueSummary(subjectId, subject, overdue) {
    const parts = parsePeriodSubject(subjectId);
    const period = parts ? periodName(parts.periodId) : subjectId;
    return { subject: `【结对帮扶】${period}有${overdue}份进展报告逾期未报`, text: `截止日期${subject.due}已过，${period}仍有${overdue}份结对帮扶进展报告未报送，已标记为逾期。`, link: parts ? `/pairing/terms/${parts.termId}/views?by=township&periodId=${parts.periodId}` : '' };
  },
};

export const pairingReportingTasks = reportingTasks(pairingReporting, {
  next: new URL('./tasks/reporting-next.ts', import.meta.url).href,
  remind: new URL('./tasks/reporting-remind.ts', import.meta.url).href,
  sweep: new URL('./tasks/reporting-sweep.ts', import.meta.url).href,
});
