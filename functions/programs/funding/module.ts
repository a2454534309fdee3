import { amountInSummary, secondApproverStanding, type ProgramModule } from '../../platform/module.ts';
import { fundingRoutes } from './routes/index.ts';
import { fundingSteps } from './steps.ts';
import { decideRun } from './use-cases.ts';
import { getRun, mustGetRun } from './store/run.ts';
import { snapshotTask } from './tasks/snapshot.ts';
import { computePageTask } from './tasks/compute-page.ts';
import { summariseTask } from './tasks/summarise.ts';
import { requestApprovalTask } from './tasks/request-approval.ts';
import { disbursePageTask } from './tasks/disburse-page.ts';
import { markPaidTask } from './tasks/mark-paid.ts';
import { markFailedTask } from './tasks/mark-failed.ts';

const approval = fundingSteps['run-approval'];

/** 村级组织运转经费: the yearly rule-based increase of villages' operating funds. */
export const fundingModule = {
  name: 'funding',
  title: '村级组织运转经费',
  routes: { basePath: '/funding' as const, app: fundingRoutes },
  workflows: [
    {
      name: 'funding-run',
      definitionFile: 'funding-run.asl.json',
      description: 'Yearly village operating-funds increase: snapshot, allocate in pages, finance approval, paged disbursement',
      subjectDivision: async (runId) => (await getRun(runId))?.division,
    },
  ],
  tasks: [snapshotTask, computePageTask, summariseTask, requestApprovalTask, disbursePageTask, markPaidTask, markFailedTask],
  decisions: [
    {
      kind: approval.kind,
      subjectType: 'funding-run',
      subjectPath: (id) => `/funding/runs/${id}`,
      subjectAuditType: 'fundingRun',
      readAction: 'funding-run:read',
      answers: Object.keys(approval.answers),
      refusals: approval.refusals,
      standingFor: secondApproverStanding,
      // What the run pays (the villages' top-ups), as summed when its approval was requested.
      amountFen: amountInSummary('topUpFen'),
      answer: async (principal, decision, input) => {
        const outcome = input.decision === 'approve' ? 'approved' : 'rejected';
        const { run, status, remaining } = await decideRun(principal, await mustGetRun(decision.subjectId), outcome, input.comment);
        return { decisionId: decision.id, status, applicationStatus: run.status, ...(remaining === undefined ? {} : { remaining }) };
      },
    },
  ],
} satisfies ProgramModule;
