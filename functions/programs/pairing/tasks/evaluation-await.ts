import * as z from 'zod';
import { defineTask, type TaskContext } from '../../../shared/task.ts';
import { openDecisionPut } from '../../../platform/decisions/store.ts';
import { evaluationIdSchema, getEvaluation } from '../store/evaluation.ts';
import { evaluationDecisionId, evaluationStepNames, evaluationSteps } from '../evaluation-steps.ts';

export const evaluationAwaitInputSchema = z.object({
  evaluationId: evaluationIdSchema,
  step: z.enum(evaluationStepNames),
  taskToken: z.string().min(1),
});

/**
 * Every human step of the evaluation (`.waitForTaskToken`): store the token with a pending decision
 * for the step's deciders. Safe to repeat: the decision id is per round, a retried step replaces the
 * token, and an answer given in between is delivered to the new one.
 */
async function run({ evaluationId, step, taskToken }: z.infer<typeof evaluationAwaitInputSchema>, { executionArn }: TaskContext): Promise<{ decisionId: string }> {
  const evaluation = await getEvaluation(evaluationId);
  if (!evaluation) throw new Error(`Evaluation ${evaluationId} does not exist`);
  const id = evaluationDecisionId(evaluation, step);
  const definition = evaluationSteps[step];
  await openDecisionPut({
    id,
    kind: definition.kind,
    subjectType: 'pairing-evaluation',
    subjectId: evaluation.id,
    division: evaluation.village,
    role: definition.role,
    summary: { pairingId: evaluation.pairingId, termId: evaluation.termId, unitId: evaluation.unitId, village: evaluation.village, round: evaluation.round },
    taskToken,
    executionArn,
  });
  return { decisionId: id };
}

export const evaluationAwaitTask = defineTask({ id: 'pairing-evaluation-await', file: import.meta.url, input: evaluationAwaitInputSchema, tableAccess: 'readWrite', usesStepFunctions: true, run });
export const handler = evaluationAwaitTask.handler;
