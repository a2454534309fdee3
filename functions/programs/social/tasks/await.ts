import * as z from 'zod';
import { defineTask, type TaskContext } from '../../../shared/task.ts';
import { openDecisionPut } from '../../../platform/decisions/store.ts';
import { organisationIdSchema } from '../domain/organisation.ts';
import { requireOrganisation } from '../store/organisation.ts';
import { socialDecisionId, socialStepNames, socialSteps } from '../steps.ts';

export const awaitInputSchema = z.object({ organisationId: organisationIdSchema, step: z.enum(socialStepNames), taskToken: z.string().min(1) });

/**
 * Every human step of the filing workflow (`.waitForTaskToken`): store the token with a pending
 * decision for the deciders' inbox. Safe to repeat: a retried step replaces the token, and an
 * answer given in between is delivered to the new one.
 */
async function run({ organisationId, step, taskToken }: z.infer<typeof awaitInputSchema>, { executionArn }: TaskContext): Promise<{ decisionId: string }> {
  const org = await requireOrganisation(organisationId);
  const id = socialDecisionId(org, step);
  await openDecisionPut({
    id,
    kind: socialSteps[step].kind,
    subjectType: 'social-organisation',
    subjectId: org.id,
    division: org.village,
    role: socialSteps[step].role,
    summary: { name: org.name, category: org.category, village: org.village, round: org.round, ...(org.statusReason ? { reason: org.statusReason } : {}) },
    taskToken,
    executionArn,
  });
  return { decisionId: id };
}

export const awaitTask = defineTask({ id: 'social-await', file: import.meta.url, input: awaitInputSchema, tableAccess: 'readWrite', usesStepFunctions: true, run });
export const handler = awaitTask.handler;
