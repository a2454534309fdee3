import { socialReportingTasks } from '../reporting.ts';

/** The annual-report workflow's reporting step "next" (functions/platform/reporting/tasks.ts), as the social program declares it in ../reporting.ts. */
export const reportingNextTask = socialReportingTasks.next;
export const handler = reportingNextTask.handler;
