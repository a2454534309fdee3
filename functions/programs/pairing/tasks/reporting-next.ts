import { pairingReportingTasks } from '../reporting.ts';

/** The period workflow's reporting step "next" (functions/platform/reporting/tasks.ts), as pairing declares it in ../reporting.ts. */
export const reportingNextTask = pairingReportingTasks.next;
export const handler = reportingNextTask.handler;
