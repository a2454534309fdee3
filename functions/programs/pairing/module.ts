import type { DecisionKindDefinition, ProgramModule } from '../../platform/module.ts';
import { pairingRoutes } from './routes/index.ts';
// --- evaluation, ranking and rectification (peval) ---
import { evaluationStepNames, evaluationSteps } from './evaluation-steps.ts';
import { answerEvaluationDecision } from './evaluation-use-cases.ts';
import { getEvaluation } from './store/evaluation.ts';
import { evaluationAwaitTask } from './tasks/evaluation-await.ts';
import { evaluationNotifyTask } from './tasks/evaluation-notify.ts';
// --- end evaluation ---

/**
 * A unit's decisions are shown only to that unit's users (the inbox is kept per role and county,
 * and every assisting unit of a county shares it).
 */
const ownUnitOnly: DecisionKindDefinition['visibleTo'] = (principal, listedRole, decision) => listedRole !== 'unit' || (principal.unitId !== undefined && decision.summary.unitId === principal.unitId);

// --- evaluation decision kinds (peval) ---
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
// --- end evaluation ---

/**
 * 结对帮扶: assisting units paired with villages for a term (docs/pairing.md): terms and pairings,
 * the end-of-term evaluation workflow, the yearly ranking and its rectification cases.
 */
export const pairingModule = {
  name: 'pairing',
  title: '结对帮扶',
  routes: { basePath: '/pairing' as const, app: pairingRoutes },
  workflows: [
    // --- evaluation (peval) ---
    {
      name: 'pairing-evaluation',
      definitionFile: 'pairing-evaluation.asl.json',
      description: 'End-of-term evaluation of a pairing: self-assessment, township opinion (or return), county evaluation, notify',
      subjectDivision: async (evaluationId) => (await getEvaluation(evaluationId, false))?.village,
    },
    // --- end evaluation ---
  ],
  tasks: [
    // --- evaluation (peval) ---
    evaluationAwaitTask,
    evaluationNotifyTask,
    // --- end evaluation ---
  ],
  decisions: [
    // --- evaluation (peval) ---
    ...evaluationDecisions,
    // --- end evaluation ---
  ],
} satisfies ProgramModule;
