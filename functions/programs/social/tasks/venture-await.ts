import * as z from 'zod';
import { defineTask, type TaskContext } from '../../../shared/task.ts';
import { openDecisionPut } from '../../../platform/decisions/store.ts';
import { organisationIdSchema } from '../domain/organisation.ts';
import { requireVentureRound } from '../store/venture.ts';
import { ventureAcceptanceDecisionId, ventureAcceptanceSubject, ventureApprovalDecisionId, ventureSteps } from '../steps.ts';

export const ventureAwaitInputSchema = z.object({ roundId: z.string().min(1), step: z.enum(['approval', 'acceptance']), organisationId: organisationIdSchema.optional(), taskToken: z.string().min(1) });

/**
 * The human steps of the venture round (`.waitForTaskToken`): finance's approval of the award list,
 * and per award the township's acceptance. The token is stored with the pending decision for the
 * deciders' inbox; a retried step replaces it, and an answer given in between is delivered to it.
 */
async function run({ roundId, step, organisationId, taskToken }: z.infer<typeof ventureAwaitInputSchema>, { executionArn }: TaskContext): Promise<{ decisionId: string }> {
  const round = await requireVentureRound(roundId);
  const award = organisationId === undefined ? undefined : round.awards.find((a) => a.organisationId === organisationId);
  if (step === 'acceptance' && !award) throw new Error(`Venture round ${roundId} has no award of ${organisationId ?? '(none)'}`);
  const id = award ? ventureAcceptanceDecisionId(roundId, award.organisationId) : ventureApprovalDecisionId(roundId);
  const totalFen = round.awards.reduce((a, x) => a + x.amountFen, 0);
  await openDecisionPut({
    id,
    kind: ventureSteps[step].kind,
    subjectType: 'social-venture-round',
    subjectId: award ? ventureAcceptanceSubject(roundId, award.organisationId) : roundId,
    division: round.township,
    role: ventureSteps[step].role,
    summary: award ? { round: round.name, organisation: award.name, amountFen: award.amountFen, link: `/social/venture-rounds/${roundId}` } : { round: round.name, awards: round.awards.length, amountFen: totalFen, link: `/social/venture-rounds/${roundId}` },
    taskToken,
    executionArn,
  });
  return { decisionId: id };
}

export const ventureAwaitTask = defineTask({ id: 'social-venture-await', file: import.meta.url, input: ventureAwaitInputSchema, tableAccess: 'readWrite', usesStepFunctions: true, run });
export const handler = ventureAwaitTask.handler;
