import { defineTask } from '../../../shared/task.ts';
import * as z from 'zod';
import { computeRewardFromAccounts } from '../domain/compute.ts';
import { applicationIdSchema } from '../domain/entities.ts';
import { isPastWorkflow } from '../domain/state.ts';
import { getAccount } from '../store/account.ts';
import { changeApplication, getApplication, getClaim, type Computation } from '../store/application.ts';
import { getPolicy } from '../store/program.ts';
import { workflowActor } from '../../../platform/decisions/store.ts';

export const computeInputSchema = z.object({ applicationId: applicationIdSchema });

export interface ComputeOutput {
  readonly applicationId: string;
  readonly eligible: boolean;
  readonly round: number;
  /** Deadlines of the human steps, from the policy the application uses (Wait states read them). */
  readonly townshipDeadlineSeconds: number;
  readonly financeDeadlineSeconds: number;
  /** The first deadline period of each human step (the escalation loop counts on from here). */
  readonly escalation: { readonly next: number };
}

const day = 86_400;

/**
 * Step 1: compute the reward from the stored accounts under the application's policy version and
 * keep the snapshot. Starts a new round. Safe to repeat: an application no longer `computing`
 * reports the outcome already recorded.
 */
async function run({ applicationId }: z.infer<typeof computeInputSchema>): Promise<ComputeOutput> {
  const app = await getApplication(applicationId);
  if (!app) throw new Error(`Application ${applicationId} does not exist`);
  const policy = (await getPolicy(app.programId, app.policyVersion))?.policy;
  if (!policy) throw new Error(`Policy ${app.programId} v${app.policyVersion} does not exist`);
  const deadlines = { townshipDeadlineSeconds: policy.approval.townshipDeadlineDays * day, financeDeadlineSeconds: policy.approval.financeDeadlineDays * day, escalation: { next: 1 } };
  if (app.status !== 'computing') {
    // A repeat reports what was recorded. An application already paid, closed or rejected goes on to
    // no human step: an execution started for it anyway (by hand, under another name) ends at once
    // through Notify, which has nothing new to send, instead of waiting forever for a sign-off.
    const over = isPastWorkflow(app.status);
    return { applicationId, eligible: !over && app.computation?.eligible === true && app.status !== 'ineligible', round: app.round, ...deadlines };
  }
  const [current, previous, claim] = await Promise.all([getAccount(app.entityId, app.year), getAccount(app.entityId, app.year - 1), getClaim(app.jurisdiction, app.entityId, app.year)]);
  const alreadyRewarded = claim !== undefined && !claim.released && claim.applicationId !== app.id;
  const now = new Date();
  const account = (a: typeof current) => (a ? { entityId: a.entityId, year: a.year, operatingIncomeFen: a.operatingIncomeFen, netProfitFen: a.netProfitFen } : undefined);
  const result = computeRewardFromAccounts(policy, { entityId: app.entityId, year: app.year }, account(current), account(previous), { alreadyRewarded });
  const eligible = result.eligible;
  const computation: Computation = result.eligible
    ? { eligible: true, rewardFen: result.rewardFen, increaseFen: result.increaseFen, rateBp: result.rateBp, capped: result.capped, snapshot: result.snapshot, computedAt: now.toISOString() }
    : { eligible: false, reasons: result.reasons, snapshot: result.snapshot, computedAt: now.toISOString() };
  const round = app.round + 1;
  const changes = result.eligible
    ? { computation, amountFen: result.rewardFen, round, signatures: [], financeApprovals: [] }
    : { computation, round };
  await changeApplication(app, eligible ? 'eligible' : 'ineligible', changes, workflowActor, eligible ? 'reward-application.computed' : 'reward-application.ineligible');
  return { applicationId, eligible, round, ...deadlines };
}

export const computeTask = defineTask({ id: 'reward-compute', file: import.meta.url, input: computeInputSchema, tableAccess: 'readWrite', run });
export const handler = computeTask.handler;
