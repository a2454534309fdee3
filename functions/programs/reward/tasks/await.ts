import * as z from 'zod';
import { applicationIdSchema } from '../domain/entities.ts';
import { formatYuan } from '../../../platform/money.ts';
import type { Role } from '../../../platform/principal.ts';
import { snapshotStale } from '../domain/compute.ts';
import { ConflictError } from '../../../shared/errors.ts';
import { getAccount } from '../store/account.ts';
import { applicationChange, getApplication, rewardDecisionId, rewardSteps, type ApplicationRecord, type RewardStep } from '../store/application.ts';
import { getPolicy } from '../store/program.ts';
import { completeDecision, openDecisionPut, workflowActor } from '../../../platform/decisions/store.ts';

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
 *
 * Then, for the steps that judge the computed award, compare the stored accounts with the snapshot
 * and return the application for re-computation when they changed. An account edit returns open
 * applications by answering their open decision; an edit that lands while the next decision is not
 * open yet (between two steps, or while Compute runs) finds nothing to answer. Both sides write
 * first and check second (the edit: account, then decision; this step: decision, then accounts), so
 * at least one of them sees the other and the edit cannot slip through.
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
  if (step === 'village-signoff' || step === 'township-review' || step === 'finance-approval') await returnIfAccountsChanged(app, step, id);
  return { decisionId: id };
}

async function returnIfAccountsChanged(app: ApplicationRecord, step: RewardStep, decisionId: string): Promise<void> {
  const snapshot = app.computation?.snapshot;
  if (!snapshot) return;
  const [current, previous] = await Promise.all([getAccount(app.entityId, app.year), getAccount(app.entityId, app.year - 1)]);
  if (!snapshotStale(snapshot, current, previous)) return;
  const fresh = await getApplication(app.id);
  if (!fresh || rewardDecisionId(fresh, step) !== decisionId) return;
  const at = new Date().toISOString();
  try {
    const change = applicationChange(fresh, 'accounts-changed', { decisions: [...fresh.decisions, { step, decision: 'accounts-changed', by: workflowActor.sub, at }] }, workflowActor, 'reward-application.accounts-changed');
    await completeDecision(decisionId, { actor: workflowActor, completion: { output: { decision: 'accounts-changed' } }, action: 'reward.accounts-changed', extraItems: () => change.items });
  } catch (err) {
    // The edit's own return (or another answer) got there first: the decision is answered either way.
    if (!(err instanceof ConflictError)) throw err;
  }
}
