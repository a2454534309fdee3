import * as z from 'zod';
import { applicationIdSchema } from '../domain/reward/entities.ts';
import { getApplication, rewardDecisionId } from '../store/reward-application.ts';
import { markEscalated, workflowActor } from '../store/pending-decision.ts';
import { outboxItems } from '../store/outbox.ts';

export const escalateInputSchema = z.object({ applicationId: applicationIdSchema, step: z.enum(['township-review', 'finance-approval']) });

/**
 * A human step missed its deadline: notify the level above (the county admin, through the outbox),
 * record the escalation on the decision with an audit record; the step keeps waiting. Nothing happens
 * when it was answered meanwhile; a repeat records nothing twice.
 */
export async function handler(event: unknown): Promise<{ escalated: boolean }> {
  const { applicationId, step } = escalateInputSchema.parse(event);
  const app = await getApplication(applicationId);
  if (!app) throw new Error(`Application ${applicationId} does not exist`);
  const id = rewardDecisionId(app, step);
  const key = `${step}-deadline`;
  const notified = `role:admin@${app.jurisdiction.slice(0, 6)}`;
  const escalated = await markEscalated(id, {
    key,
    notified,
    note: `${step} of ${app.id} (${app.entityName}) missed its deadline`,
    extraItems: outboxItems(
      { recipient: notified, topic: 'reward.escalation', key: `${id}#${key}`, division: app.village, subject: `Overdue: ${step} of a reward application`, body: { applicationId: app.id, decisionId: id, step } },
      workflowActor,
    ),
  });
  return { escalated };
}
