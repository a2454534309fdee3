import { pairingReportingTasks } from '../reporting.ts';

/** The period workflow's reporting step "sweep" (functions/platform/reporting/tasks.ts), as pairing declares it in ../reporting.ts. */
export const reportingSweepTask = pairingReportingTasks.sweep;
export const handler = reportingSweepTask.handler;
