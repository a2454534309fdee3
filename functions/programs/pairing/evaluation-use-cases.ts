import type { Actor, Principal } from '../../platform/principal.ts';
import type { DecisionAnswerInput, DecisionOutcome } from '../../platform/module.ts';
import { completeDecision, getDecision, type PendingDecision } from '../../platform/decisions/store.ts';
import { startNamedExecution } from '../../shared/executions.ts';
import { ConflictError, ValidationError } from '../../shared/errors.ts';
import { defaultGradeCutoffs, gradeFor, outcomeIncrement, type CountyEvaluation, type SelfAssessment } from './domain/evaluation.ts';
import { createEvaluation, evaluationChange, getEvaluation, newEvaluation, requireEvaluation, type EvaluationRecord } from './store/evaluation.ts';
import { outcomeStatsItems } from './store/outcome-stats.ts';
import { requirePairing, type PairingRecord } from './store/pairing.ts';
import { requireTerm } from './store/term.ts';
import { evaluationDecisionId, evaluationStepOfKind, evaluationSteps, type EvaluationStep } from './evaluation-steps.ts';

/**
 * The end-of-term evaluation as routes and the decision route record it: each answer is written
 * with the evaluation's change (and, for the county's, the term's outcome counters) in the
 * decision's own transaction, which also wakes the workflow.
 */
export const evaluationWorkflowName = 'pairing-evaluation';

/**
 * Start the evaluation of a pairing: the evaluation (its id is the pairing's) and its workflow (named
 * after it), both found again on a repeat. Returns whether this call created it.
 */
export async function startEvaluation(pairing: PairingRecord, actor: Actor): Promise<{ evaluation: EvaluationRecord; created: boolean }> {
  const term = await requireTerm(pairing.termId);
  const fresh = newEvaluation(pairing, term.gradeCutoffs ?? defaultGradeCutoffs, actor, new Date());
  const created = await createEvaluation(fresh, actor);
  await startNamedExecution(evaluationWorkflowName, fresh.id, { evaluationId: fresh.id });
  return { evaluation: created ? fresh : ((await getEvaluation(fresh.id)) ?? fresh), created };
}

/** The open decision of `step` in the evaluation's current round; 409 while the workflow has not opened it. */
async function openDecisionOf(evaluation: EvaluationRecord, step: EvaluationStep): Promise<PendingDecision> {
  if (evaluation.status !== evaluationSteps[step].openWhile) throw new ConflictError(`Evaluation ${evaluation.id} is ${evaluation.status}, not ${evaluationSteps[step].openWhile}`);
  const decision = await getDecision(evaluationDecisionId(evaluation, step));
  if (!decision || decision.status !== 'open') throw new ConflictError(`The ${step} of evaluation ${evaluation.id} is not open yet (or any more); retry shortly`);
  return decision;
}

async function answer(decision: PendingDecision, actor: Actor, output: Record<string, unknown>, items: ReturnType<typeof evaluationChange>['items']): Promise<boolean> {
  const result = await completeDecision(decision.id, { expectedVersion: decision.version, actor, completion: { output }, action: `${decision.kind}.answer`, extraItems: () => items });
  return result.delivered;
}

/** The unit's self-assessment: its text and the outcomes it claims. */
export async function submitSelfAssessment(principal: Principal, evaluationId: string, input: SelfAssessment): Promise<EvaluationRecord> {
  const evaluation = await requireEvaluation(evaluationId);
  const decision = await openDecisionOf(evaluation, 'self-assessment');
  const at = new Date();
  const entry = { round: evaluation.round, text: input.text, outcomes: input.outcomes, by: principal.sub, at: at.toISOString() };
  const change = evaluationChange(evaluation, 'self-assessed', { selfAssessments: [...evaluation.selfAssessments, entry] }, principal, at);
  await answer(decision, principal, { decision: 'submitted' }, change.items);
  return change.next;
}

/** The township's opinion, answered through `POST /decisions/{id}`: agree, or return to the unit (with a reason). */
export async function answerEvaluationDecision(principal: Principal, decision: PendingDecision, input: DecisionAnswerInput): Promise<DecisionOutcome> {
  const step = evaluationStepOfKind(decision.kind);
  if (step !== 'township-opinion') {
    const through = step ? evaluationSteps[step].answeredThrough : undefined;
    throw new ValidationError([{ field: 'decision', message: `${decision.kind} is answered through ${through ?? "the program's routes"}`, in: 'body' }]);
  }
  if (input.decision !== 'agree' && input.decision !== 'return') throw new ValidationError([{ field: 'decision', message: `must be one of agree, return for ${decision.kind}`, in: 'body' }]);
  if (decision.status !== 'open') throw new ConflictError(`Decision ${decision.id} is already ${decision.status}`);
  const evaluation = await requireEvaluation(decision.subjectId);
  if (evaluationDecisionId(evaluation, 'township-opinion') !== decision.id) throw new ConflictError(`Decision ${decision.id} belongs to an earlier round of ${evaluation.id}`);
  const choice: 'agree' | 'return' = input.decision === 'return' ? 'return' : 'agree';
  const at = new Date();
  const opinion = { round: evaluation.round, decision: choice, by: principal.sub, at: at.toISOString(), ...(input.comment ? { comment: input.comment } : {}) };
  const returned = choice === 'return';
  const change = evaluationChange(
    evaluation,
    returned ? 'township-returned' : 'township-agreed',
    { townshipOpinions: [...evaluation.townshipOpinions, opinion], ...(returned ? { round: evaluation.round + 1 } : {}) },
    principal,
    at,
  );
  const delivered = await answer(decision, principal, { decision: input.decision, ...(input.comment ? { comment: input.comment } : {}) }, change.items);
  return { decisionId: decision.id, status: 'answered', applicationStatus: change.next.status, delivered };
}

/**
 * The county's evaluation: the score, the grade that follows from it, the outcomes reached. The
 * term's outcome counters (county and township) move in the same transaction, counting the outcomes
 * the county confirmed and what the pairing had invested and stationed at that moment.
 */
export async function evaluateByCounty(principal: Principal, evaluationId: string, input: CountyEvaluation): Promise<EvaluationRecord> {
  const evaluation = await requireEvaluation(evaluationId);
  const decision = await openDecisionOf(evaluation, 'county-evaluation');
  const pairing = await requirePairing(evaluation.pairingId, true);
  const grade = gradeFor(input.score, evaluation.gradeCutoffs);
  const increment = outcomeIncrement(input.outcomes, grade, pairing);
  const at = new Date();
  const county = {
    score: input.score,
    grade,
    outcomes: input.outcomes,
    ...(input.comment ? { comment: input.comment } : {}),
    investedFen: increment.investedFen,
    cadres: increment.cadres,
    by: principal.sub,
    at: at.toISOString(),
  };
  const change = evaluationChange(evaluation, 'county-evaluated', { county }, principal, at);
  await answer(decision, principal, { decision: 'evaluated', score: input.score, grade }, [...change.items, ...(await outcomeStatsItems(evaluation.termId, evaluation.village, increment))]);
  return change.next;
}
