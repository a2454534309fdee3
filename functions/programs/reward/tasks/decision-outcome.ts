import { defineTask } from '../../../shared/task.ts';
import * as z from 'zod';
import { applicationIdSchema } from '../domain/entities.ts';
import { getApplication } from '../store/application.ts';
import { rewardDecisionId } from '../steps.ts';
import { getDecision } from '../../../platform/decisions/store.ts';

export const outcomeInputSchema = z.object({ applicationId: applicationIdSchema, step: z.enum(['township-review', 'finance-approval']) });

/**
 * After a human step with a deadline (a Parallel of the wait and its deadline, ended by the answer),
 * read the recorded answer: the routing of the state machine depends only on what is stored.
 */
async function run({ applicationId, step }: z.infer<typeof outcomeInputSchema>): Promise<{ decision: string }> {
  const app = await getApplication(applicationId);
  if (!app) throw new Error(`Application ${applicationId} does not exist`);
  const decision = await getDecision(rewardDecisionId(app, step));
  const answer = decision?.answer?.output?.decision;
  if (decision?.status !== 'answered' || typeof answer !== 'string') throw new Error(`Decision ${rewardDecisionId(app, step)} has no answer`);
  return { decision: answer };
}

export const decisionOutcomeTask = defineTask({ id: 'reward-decision-outcome', file: import.meta.url, input: outcomeInputSchema, tableAccess: 'read', run });
export const handler = decisionOutcomeTask.handler;
