import { pairingReportingTasks } from '../reporting.ts';

/** The period workflow's reporting step "remind" (functions/platform/reporting/tasks.ts), as pairing declares it in ../reporting.ts. */
export const reportingRemindTask = pairingReportingTasks.remind;
export const handler = reportingRemindTask.handler;
