import type { ReminderPolicy } from '../../platform/reporting/schedule.ts';
import { reportingTasks, type ReportingProgram } from '../../platform/reporting/tasks.ts';
import { reportDue } from './config.ts';
import { reportDueDate } from './domain/annual-report.ts';
import { reportedFor } from './store/annual-report.ts';
import { organisationsOwingReports } from './store/organisation.ts';

/**
 * The social program's use of the platform's reporting machinery (functions/platform/reporting/),
 * the same piece pairing's period reports use: a subject is one township's annual reports of one
 * year (`<township>.<year>`, also the workflow's execution name), its obligations are the
 * township's working (filed or active) organisations, each owing the year's report; the village
 * files it, so the village is reminded.
 */

/**
 * Reminders 30 and 7 days before the due date; overdue reminders every 14 days for 90 days (a
 * report half a year late is the township's to chase in person, not the outbox's).
 */
export const socialReminderPolicy: ReminderPolicy = { daysBefore: [30, 7], overdueEveryNDays: 14, overdueForDays: 90, hourBeijing: 9 };

export const annualReportSubjectId = (township: string, year: number) => `${township}.${year}`;

export function parseAnnualReportSubject(subjectId: string): { township: string; year: number } | undefined {
  const m = /^(\d{9})\.(\d{4})$/.exec(subjectId);
  return m ? { township: m[1]!, year: Number(m[2]) } : undefined;
}

interface AnnualReportObligation {
  readonly id: string;
  readonly recipient: string;
  readonly division: string;
  readonly filed: boolean;
  readonly name: string;
  readonly organisationId: string;
}

/** Obligations are read in batches of 100 (one batch read of reports each). */
const batchSize = 100;

async function* annualObligations(subjectId: string): AsyncGenerator<AnnualReportObligation> {
  const parts = parseAnnualReportSubject(subjectId);
  if (!parts) return;
  let batch: { id: string; village: string; name: string }[] = [];
  async function* flush() {
    const reported = await reportedFor(
      batch.map((o) => o.id),
      parts!.year,
    );
    for (const o of batch) yield { id: `${o.id}~${parts!.year}`, recipient: `division:${o.village}`, division: o.village, filed: reported.has(o.id), name: o.name, organisationId: o.id };
    batch = [];
  }
  // Only a working organisation owes a report (a suspended one may still file, but is not chased).
  for await (const o of organisationsOwingReports(parts.township)) {
    batch.push(o);
    if (batch.length === batchSize) yield* flush();
  }
  if (batch.length > 0) yield* flush();
}

export const socialReporting: ReportingProgram<AnnualReportObligation> = {
  name: 'social',
  async subject(subjectId) {
    const parts = parseAnnualReportSubject(subjectId);
    if (!parts) return undefined;
    // Nothing to close: a year's reports stay open for late filing, and the loop ends by itself
    // when all are filed after the due date or the policy's last overdue reminder has gone out.
    return { due: reportDueDate(parts.year, reportDue()), policy: socialReminderPolicy, closed: false, division: parts.township };
  },
  obligations: annualObligations,
  async markOverdue(subjectId) {
    // A late report is recorded on the report itself (`onTime: false` when filed); there is no
    // overdue counter to move, only the count for the summary.
    let overdue = 0;
    for await (const o of annualObligations(subjectId)) if (!o.filed) overdue++;
    return { overdue };
  },
  message(kind, o, subject) {
    const year = Number(subject.due.slice(0, 4)) - 1;
    const link = `/social/organisations/${o.organisationId}`;
    if (kind === 'reminder') {
      return { subject: `【社会组织】${o.name}${year}年度报告请于${subject.due}前报送`, text: `贵村社会组织“${o.name}”${year}年度报告尚未报送，报送截止日期为${subject.due}（北京时间）。`, link };
    }
    return { subject: `【社会组织】${o.name}${year}年度报告已逾期`, text: `贵村社会组织“${o.name}”${year}年度报告截止日期${subject.due}已过，至今未报送，请尽快报送。`, link };
  },
  // The township chases its villages' reports, so its staff get the count, not the county's admins.
  summaryRecipient: (subject) => `role:township@${subject.division}`,
  overdueSummary(subjectId, subject, overdue) {
    const parts = parseAnnualReportSubject(subjectId);
    const year = parts ? `${parts.year}年度` : '';
    return { subject: `【社会组织】${parts?.township ?? subjectId}有${overdue}份${year}报告逾期未报`, text: `截止日期${subject.due}已过，${parts?.township ?? subjectId}仍有${overdue}个社会组织未报送${year}报告。`, link: `/social/coverage?division=${parts?.township ?? ''}` };
  },
};

export const socialReportingTasks = reportingTasks(socialReporting, {
  next: new URL('./tasks/reporting-next.ts', import.meta.url).href,
  remind: new URL('./tasks/reporting-remind.ts', import.meta.url).href,
  sweep: new URL('./tasks/reporting-sweep.ts', import.meta.url).href,
});
