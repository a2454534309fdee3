import type { DecisionKindDefinition, ProgramModule } from '../../platform/module.ts';
import { pairingRoutes } from './routes/index.ts';
import { evaluationStepNames, evaluationSteps } from './evaluation-steps.ts';
import { answerEvaluationDecision } from './evaluation-use-cases.ts';
import { getEvaluation } from './store/evaluation.ts';
import { evaluationAwaitTask } from './tasks/evaluation-await.ts';
import { evaluationNotifyTask } from './tasks/evaluation-notify.ts';
import { parsePeriodSubject } from './reporting.ts';
import { getTerm } from './store/term.ts';
import { periodPrepareTask } from './tasks/period-prepare.ts';
import { periodOpenPageTask } from './tasks/period-open-page.ts';
import { reportingNextTask } from './tasks/reporting-next.ts';
import { reportingRemindTask } from './tasks/reporting-remind.ts';
import { reportingSweepTask } from './tasks/reporting-sweep.ts';
import { scheduleOpenDueTask } from './tasks/schedule-open-due.ts';

/**
 * A unit's decisions are shown only to that unit's users (the inbox is kept per role and county,
 * and every assisting unit of a county shares it).
 */
const ownUnitOnly: DecisionKindDefinition['visibleTo'] = (principal, listedRole, decision) => listedRole !== 'unit' || (principal.unitId !== undefined && decision.summary.unitId === principal.unitId);

const evaluationDecisions = evaluationStepNames.map((step): DecisionKindDefinition => {
  const definition = evaluationSteps[step];
  return {
    kind: definition.kind,
    subjectType: 'pairing-evaluation',
    subjectPath: (id) => `/pairing/evaluations/${id}`,
    readAction: 'pairing-evaluation:read',
    answers: definition.answers,
    refusals: definition.refusals,
    ...('answeredThrough' in definition ? { answeredThrough: definition.answeredThrough } : {}),
    ...(definition.answers.length > 0 ? { answer: answerEvaluationDecision } : {}),
    visibleTo: ownUnitOnly,
  };
});

/**
 * 结对帮扶: assisting units paired with villages for a term (docs/pairing.md): terms and pairings,
 * the periodic reports with their period workflow (open in pages, remind, sweep, close), the
 * end-of-term evaluation workflow, the yearly ranking and its rectification cases.
 */
export const pairingModule = {
  name: 'pairing',
  title: '结对帮扶',
  routes: { basePath: '/pairing' as const, app: pairingRoutes },
  workflows: [
    {
      name: 'pairing-period',
      definitionFile: 'pairing-period.asl.json',
      description: 'A reporting period of a pairing term: open it for every pairing in pages, remind units that have not filed, mark what is missing at the due date as overdue, repeat overdue reminders until filed or closed',
      subjectDivision: async (executionName: string) => {
        const parts = parsePeriodSubject(executionName);
        return parts ? (await getTerm(parts.termId))?.division : undefined;
      },
    },
    {
      name: 'pairing-evaluation',
      definitionFile: 'pairing-evaluation.asl.json',
      description: 'End-of-term evaluation of a pairing: self-assessment, township opinion (or return), county evaluation, notify',
      subjectDivision: async (evaluationId) => (await getEvaluation(evaluationId, false))?.village,
    },
  ],
  tasks: [periodPrepareTask, periodOpenPageTask, reportingNextTask, reportingRemindTask, reportingSweepTask, evaluationAwaitTask, evaluationNotifyTask, scheduleOpenDueTask],
  decisions: [...evaluationDecisions],
} satisfies ProgramModule;
