import * as z from 'zod';
import { applicationIdSchema } from '../domain/reward/entities.ts';
import { formatYuan } from '../domain/money.ts';
import type { Role } from '../domain/principal.ts';
import { getApplication, rewardDecisionId, rewardSteps, type RewardStep } from '../store/reward-application.ts';
import { getPolicy } from '../store/reward-program.ts';
import { openDecisionPut } from '../store/pending-decision.ts';

export const awaitInputSchema = z.object({
  applicationId: applicationIdSchema,
  step: z.enum(Object.keys(rewardSteps) as [RewardStep, ...RewardStep[]]),
  taskToken: z.string().min(1),
});

const deciders: Readonly<Record<RewardStep, Role>> = {
  'village-signoff': 'village',
  'township-review': 'township',
  'finance-approval': 'finance',
  unfunded: 'admin',
  resubmission: 'village',
};

/**
 * Every human step (`.waitForTaskToken`): store the token with a pending decision that the API shows
 * in the deciders' inbox. Safe to repeat: a retried step replaces the token, and an answer given in
 * between is delivered to the new one.
 */
export async function handler(event: unknown): Promise<{ decisionId: string }> {
  const { applicationId, step, taskToken } = awaitInputSchema.parse(event);
  const app = await getApplication(applicationId);
  if (!app) throw new Error(`Application ${applicationId} does not exist`);
  const id = rewardDecisionId(app, step);
  const policy = (await getPolicy(app.programId, app.policyVersion))?.policy;
  const days = step === 'township-review' ? policy?.approval.townshipDeadlineDays : step === 'finance-approval' ? policy?.approval.financeDeadlineDays : undefined;
  const now = new Date();
  await openDecisionPut({
    id,
    kind: rewardSteps[step],
    subjectType: 'reward-application',
    subjectId: app.id,
    division: app.village,
    role: deciders[step],
    deadline: days === undefined ? undefined : new Date(now.getTime() + days * 86_400_000).toISOString(),
    queue: step === 'unfunded' ? `reward-unfunded#${app.programId}` : undefined,
    summary: {
      programId: app.programId,
      entityId: app.entityId,
      entityName: app.entityName,
      village: app.village,
      year: app.year,
      round: app.round,
      ...(app.amountFen !== undefined ? { amountFen: app.amountFen, amountYuan: formatYuan(app.amountFen) } : {}),
    },
    taskToken,
    now,
  });
  return { decisionId: id };
}
