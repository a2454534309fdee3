import { socialReportingTasks } from '../reporting.ts';

/** The annual-report workflow's reporting step "sweep" (functions/platform/reporting/tasks.ts), as the social program declares it in ../reporting.ts. */
export const reportingSweepTask = socialReportingTasks.sweep;
export const handler = reportingSweepTask.handler;
