import type { DecisionKindDefinition, ProgramModule } from '../../platform/module.ts';
import { socialRoutes } from './routes/index.ts';
import { getOrganisation } from './store/organisation.ts';
import { answerSocialDecision } from './use-cases.ts';
import { socialStepNames, socialSteps } from './steps.ts';
import { awaitTask } from './tasks/await.ts';
import { fileTask } from './tasks/file.ts';
import { parseAnnualReportSubject } from './reporting.ts';
import { reportingNextTask } from './tasks/reporting-next.ts';
import { reportingRemindTask } from './tasks/reporting-remind.ts';
import { reportingSweepTask } from './tasks/reporting-sweep.ts';

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
  ],
  tasks: [awaitTask, fileTask, reportingNextTask, reportingRemindTask, reportingSweepTask],
  decisions: socialStepNames.map(
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
} satisfies ProgramModule;
