import { amountInSummary, type DecisionKindDefinition, type ProgramModule } from '../../platform/module.ts';
import { socialRoutes } from './routes/index.ts';
import { getOrganisation } from './store/organisation.ts';
import { answerSocialDecision } from './use-cases.ts';
import { rewardRunApproval, socialStepNames, socialSteps, ventureSteps } from './steps.ts';
import { acceptVentureAward, decideVentureAwards } from './venture-use-cases.ts';
import { requireVentureRound } from './store/venture.ts';
import { ventureAwaitTask } from './tasks/venture-await.ts';
import { venturePayTask } from './tasks/venture-pay.ts';
import { decideRewardRun, type RewardRunAnswer } from './reward-run-use-cases.ts';
import { getRewardRun, requireRewardRun } from './store/reward-run.ts';
import { rewardPrepareTask } from './tasks/reward-run-prepare.ts';
import { rewardComputePageTask } from './tasks/reward-run-compute-page.ts';
import { rewardRequestApprovalTask } from './tasks/reward-run-request-approval.ts';
import { rewardDisbursePageTask } from './tasks/reward-run-disburse-page.ts';
import { rewardMarkPaidTask } from './tasks/reward-run-mark-paid.ts';
import { rewardMarkFailedTask } from './tasks/reward-run-mark-failed.ts';
import { awaitTask } from './tasks/await.ts';
import { fileTask } from './tasks/file.ts';
import { parseAnnualReportSubject } from './reporting.ts';
import { reportingNextTask } from './tasks/reporting-next.ts';
import { reportingRemindTask } from './tasks/reporting-remind.ts';
import { reportingSweepTask } from './tasks/reporting-sweep.ts';
import { scheduleStartRemindersTask } from './tasks/schedule-start-reminders.ts';

/**
 * 村级社会组织: village social organisations, their filing with the township, status, annual
 * reports, grading and coverage against the 5–8 target (docs/social.md).
 */
export const socialModule = {
  name: 'social',
  title: '村级社会组织',
  routes: { basePath: '/social' as const, app: socialRoutes },
  workflows: [
    {
      name: 'social-filing',
      definitionFile: 'social-filing.asl.json',
      description: 'Filing of a social organisation: township review, return and resubmission, refusal, filing number',
      subjectDivision: async (organisationId) => (await getOrganisation(organisationId, false))?.village,
    },
    {
      name: 'social-annual-report',
      definitionFile: 'social-annual-report.asl.json',
      description: 'Annual reports of a township’s organisations for a year: remind the villages whose organisations have not filed before the due date, count what is missing at it, remind again every 14 days until filed',
      subjectDivision: async (executionName) => parseAnnualReportSubject(executionName)?.township,
    },
    {
      name: 'social-reward-run',
      definitionFile: 'social-reward-run.asl.json',
      description: 'Grade-reward run (以奖代补) of a published grading round: reward lines computed in pages, finance approval with exclusions, paged payment within the township budget',
      subjectDivision: async (runId) => (await getRewardRun(runId))?.township,
    },
    {
      name: 'social-venture-round',
      definitionFile: 'social-venture-round.asl.json',
      description: 'Venture round (公益创投) once awarded: finance approves the award list, then each award’s first instalment, the township’s acceptance and its second instalment',
      subjectDivision: async (roundId) => (await requireVentureRound(roundId).catch(() => undefined))?.township,
    },
  ],
  tasks: [
    awaitTask,
    fileTask,
    reportingNextTask,
    reportingRemindTask,
    reportingSweepTask,
    scheduleStartRemindersTask,
    rewardPrepareTask,
    rewardComputePageTask,
    rewardRequestApprovalTask,
    rewardDisbursePageTask,
    rewardMarkPaidTask,
    rewardMarkFailedTask,
    ventureAwaitTask,
    venturePayTask,
  ],
  decisions: [
    ...socialStepNames.map(
    (step): DecisionKindDefinition => ({
      kind: socialSteps[step].kind,
      subjectType: 'social-organisation',
      subjectPath: (id) => `/social/organisations/${id}`,
      readAction: 'social-org:read',
      answers: Object.keys(socialSteps[step].answers),
      refusals: socialSteps[step].refusals,
      answer: answerSocialDecision,
    }),
    ),
    {
      kind: rewardRunApproval.kind,
      subjectType: 'social-reward-run',
      subjectPath: (id) => `/social/reward-runs/${id}`,
      readAction: 'social-funding:read',
      answers: rewardRunApproval.answers,
      refusals: rewardRunApproval.refusals,
      // What the run's lines sum to, as computed when its approval was requested (before exclusions).
      amountFen: amountInSummary('totalFen'),
      // Approving here excludes nothing; exclusions go through POST /social/reward-runs/{id}/approve.
      answer: async (principal, decision, input) => {
        const run = await requireRewardRun(decision.subjectId);
        const answer: RewardRunAnswer = input.decision === 'approve' ? { decision: 'approve', exclusions: [] } : { decision: 'reject', reason: input.comment ?? '' };
        const { status, delivered } = await decideRewardRun(principal, run, answer);
        return { decisionId: decision.id, status, applicationStatus: (await requireRewardRun(run.id)).status, delivered };
      },
    },
    {
      kind: ventureSteps.approval.kind,
      subjectType: 'social-venture-round',
      subjectPath: (id) => `/social/venture-rounds/${id}`,
      readAction: 'social-funding:read',
      answers: ventureSteps.approval.answers,
      refusals: ventureSteps.approval.refusals,
      amountFen: amountInSummary('amountFen'),
      answer: async (principal, decision, input) => {
        const round = await requireVentureRound(decision.subjectId);
        const { delivered } = await decideVentureAwards(principal, round, input.decision === 'approve' ? { decision: 'approve' } : { decision: 'reject', reason: input.comment ?? '' });
        return { decisionId: decision.id, status: 'answered', applicationStatus: (await requireVentureRound(round.id)).status, delivered };
      },
    },
    {
      kind: ventureSteps.acceptance.kind,
      subjectType: 'social-venture-award',
      // The subject is `<round>.<organisation>`: the round shows the award.
      subjectPath: (id) => `/social/venture-rounds/${id.slice(0, id.indexOf('.'))}`,
      readAction: 'social-funding:read',
      answers: ventureSteps.acceptance.answers,
      amountFen: amountInSummary('amountFen'),
      answer: async (principal, decision) => {
        const [roundId, organisationId] = decision.subjectId.split('.') as [string, string];
        const round = await requireVentureRound(roundId);
        const { delivered } = await acceptVentureAward(principal, round, organisationId);
        return { decisionId: decision.id, status: 'answered', applicationStatus: 'accepted', delivered };
      },
    },
  ],
} satisfies ProgramModule;
