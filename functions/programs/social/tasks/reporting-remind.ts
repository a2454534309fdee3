import { socialReportingTasks } from '../reporting.ts';

/** The annual-report workflow's reporting step "remind" (functions/platform/reporting/tasks.ts), as the social program declares it in ../reporting.ts. */
export const reportingRemindTask = socialReportingTasks.remind;
export const handler = reportingRemindTask.handler;
