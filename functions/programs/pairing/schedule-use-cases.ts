import { provinceCodes } from '../../platform/registries/domain/division.ts';
import { startOrFindNamedExecution } from '../../shared/executions.ts';
import { periodsToOpen } from './domain/schedule.ts';
import { periodSubjectId } from './reporting.ts';
import { listReportPeriods } from './store/report-period.ts';
import { termsInProvince, type TermRecord } from './store/term.ts';

/**
 * Periods open without an admin clicking: once a day (EventBridge Scheduler on AWS, in Beijing time;
 * `POST /pairing/schedule/run` on the local host) every term's periods that have started and are
 * not yet past due get their period workflow. The execution is named `<termId>.<periodId>`, as when
 * the admin starts it, so a period is opened once however often, and by whom, it is started.
 */

export interface PeriodStart {
  readonly termId: string;
  readonly periodId: string;
  readonly executionArn: string;
}

export interface DuePeriodsOutcome {
  readonly today: string;
  /** Terms looked at (inside the jurisdiction, if one was given). */
  readonly terms: number;
  /** Period workflows this run started. */
  readonly started: PeriodStart[];
  /** Periods whose workflow was started before (by the admin or an earlier run) but not yet recorded open. */
  readonly alreadyStarted: PeriodStart[];
  /** Terms run above county level, whose periods are opened per county by hand (docs/pairing.md). */
  readonly skippedTerms: string[];
}

/** The period workflow of one period: started, or found when it was started before. */
export async function startPeriodWorkflow(term: Pick<TermRecord, 'id'>, periodId: string, now: Date): Promise<{ executionArn: string; executionName: string; started: boolean }> {
  const name = periodSubjectId(term.id, periodId);
  const { executionArn, started } = await startOrFindNamedExecution('pairing-period', name, { termId: term.id, periodId, openedAt: now.toISOString() });
  return { executionArn, executionName: name, started };
}

/**
 * Start the workflow of every period due to open on `today` (Beijing) in every term (or every term
 * inside `within`). Run twice, the second run starts nothing: the first run's periods are recorded
 * open, or their executions exist.
 */
export async function openDuePeriods(today: string, now: Date, options: { within?: string } = {}): Promise<DuePeriodsOutcome> {
  const provinces = options.within === undefined ? provinceCodes : [options.within.slice(0, 2)];
  const started: PeriodStart[] = [];
  const alreadyStarted: PeriodStart[] = [];
  const skippedTerms: string[] = [];
  let terms = 0;
  for (const province of provinces) {
    for await (const term of termsInProvince(options.within ?? province)) {
      terms++;
      const candidates = periodsToOpen(term, today, new Set());
      if (candidates.length === 0) continue;
      if (term.division.length < 6) {
        skippedTerms.push(term.id);
        continue;
      }
      const opened = new Set((await listReportPeriods(term.id)).map((p) => p.periodId));
      for (const period of periodsToOpen(term, today, opened)) {
        const start = await startPeriodWorkflow(term, period.id, now);
        (start.started ? started : alreadyStarted).push({ termId: term.id, periodId: period.id, executionArn: start.executionArn });
      }
    }
  }
  return { today, terms, started, alreadyStarted, skippedTerms };
}
