import { defineTask, type TaskContext } from '../../../shared/task.ts';
import * as z from 'zod';
import { applicationIdSchema } from '../domain/entities.ts';
import { formatYuan } from '../../../platform/money.ts';
import { getApplication } from '../store/application.ts';
import { returnIfAccountsChanged } from '../use-cases.ts';
import { rewardDecisionId, rewardStepNames, rewardSteps, type RewardStepDefinition } from '../steps.ts';
import { getPolicy } from '../store/program.ts';
import { openDecisionPut } from '../../../platform/decisions/store.ts';

export const awaitInputSchema = z.object({
  applicationId: applicationIdSchema,
  step: z.enum(rewardStepNames),
  taskToken: z.string().min(1),
});

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
async function run({ applicationId, step, taskToken }: z.infer<typeof awaitInputSchema>, { executionArn }: TaskContext): Promise<{ decisionId: string }> {
  const app = await getApplication(applicationId);
  if (!app) throw new Error(`Application ${applicationId} does not exist`);
  const id = rewardDecisionId(app, step);
  const policy = (await getPolicy(app.programId, app.policyVersion))?.policy;
  const definition: RewardStepDefinition = rewardSteps[step];
  const days = policy && definition.deadlineDays ? definition.deadlineDays(policy.approval) : undefined;
  const now = new Date();
  await openDecisionPut({
    id,
    kind: definition.kind,
    subjectType: 'reward-application',
    subjectId: app.id,
    division: app.village,
    role: definition.role,
    deadline: days === undefined ? undefined : new Date(now.getTime() + days * 86_400_000).toISOString(),
    queue: step === 'unfunded' ? `reward-unfunded#${app.programId}` : undefined,
    summary: {
      programId: app.programId,
      entityId: app.entityId,
      entityName: app.entityName,
      village: app.village,
      accountsYear: app.year,
      round: app.round,
      ...(app.amountFen !== undefined ? { amountFen: app.amountFen, amountYuan: formatYuan(app.amountFen) } : {}),
    },
    taskToken,
    executionArn,
    now,
  });
  if (definition.judgesAward) await returnIfAccountsChanged(app, step, id);
  return { decisionId: id };
}

export const awaitTask = defineTask({ id: 'reward-await', file: import.meta.url, input: awaitInputSchema, tableAccess: 'readWrite', usesStepFunctions: true, run });
export const handler = awaitTask.handler;
