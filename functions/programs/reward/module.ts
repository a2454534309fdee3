import { amountInSummary, secondApproverStanding, type DecisionKindDefinition, type ProgramModule } from '../../platform/module.ts';
import { rewardRoutes } from './routes/index.ts';
import { getApplication } from './store/application.ts';
import { answerRewardDecision } from './use-cases.ts';
import { rewardStepNames, rewardSteps, type RewardStepDefinition } from './steps.ts';
import { mayStillSign, type Signature } from './domain/signoff.ts';
import { computeTask } from './tasks/compute.ts';
import { awaitTask } from './tasks/await.ts';
import { decisionOutcomeTask } from './tasks/decision-outcome.ts';
import { escalateTask } from './tasks/escalate.ts';
import { reserveTask } from './tasks/reserve.ts';
import { disburseTask } from './tasks/disburse.ts';
import { notifyTask } from './tasks/notify.ts';

/**
 * A village sign-off (三签一审) is shown to a village user only while it waits for their position
 * (and them): once the handler has signed, the handler's inbox no longer shows it; a village user
 * without a position cannot sign and does not see it.
 */
const signOffVisibleTo: DecisionKindDefinition['visibleTo'] = (principal, listedRole, decision) =>
  listedRole !== 'village' || (principal.position !== undefined && mayStillSign(decision.partials as unknown as Signature[], principal.sub, principal.position));

/** 以奖代补: rewards on a village enterprise's year-over-year profit increase. */
export const rewardModule = {
  name: 'reward',
  title: '以奖代补',
  routes: { basePath: '/reward' as const, app: rewardRoutes },
  workflows: [
    {
      name: 'reward-application',
      definitionFile: 'reward-application.asl.json',
      description: 'Reward instead of subsidy: compute, sign-off, review, approval, reserve, disburse exactly once, notify',
      subjectDivision: async (applicationId) => (await getApplication(applicationId))?.village,
    },
  ],
  tasks: [computeTask, awaitTask, decisionOutcomeTask, escalateTask, reserveTask, disburseTask, notifyTask],
  decisions: rewardStepNames.map((step): DecisionKindDefinition => {
    const definition: RewardStepDefinition = rewardSteps[step];
    const answers = Object.keys(definition.answers);
    return {
      kind: definition.kind,
      subjectType: 'reward-application',
      subjectPath: (id) => `/reward/applications/${id}`,
      readAction: 'reward-application:read',
      // The computed award, stored with every step's decision once computed (tasks/await.ts).
      amountFen: amountInSummary('amountFen'),
      answers,
      ...(definition.answeredThrough ? { answeredThrough: definition.answeredThrough } : {}),
      ...(answers.length > 0 ? { answer: answerRewardDecision } : {}),
      ...(step === 'village-signoff' ? { visibleTo: signOffVisibleTo } : {}),
      ...(step === 'finance-approval' ? { standingFor: secondApproverStanding } : {}),
    };
  }),
} satisfies ProgramModule;
