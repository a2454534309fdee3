import { checkTownshipDecision, decideFinance } from './domain/decisions.ts';
import { checkSignature, signOffState, type Signature } from './domain/signoff.ts';
import type { ApplicationEvent } from './domain/state.ts';
import type { Actor, Principal } from '../../platform/principal.ts';
import { ConflictError, NotFoundError, SeparationOfDutiesError, ValidationError } from '../../shared/errors.ts';
import {
  applicationChange,
  createApplication,
  getApplication,
  type ApplicationRecord,
  type DecisionRecord,
} from './store/application.ts';
import { openStepOf, rewardDecisionId, rewardSteps, stepOfKind, type RewardStep, type RewardStepDefinition } from './steps.ts';
import { completeDecision, getDecision, recordPartial, workflowActor, type PendingDecision } from '../../platform/decisions/store.ts';
import { getAccount } from './store/account.ts';
import { getEnterprise, type EnterpriseRecord } from './store/enterprise.ts';
import { getPolicy, getProgram, type ProgramRecord } from './store/program.ts';
import { withinWindow, type ApplicationInput } from './domain/entities.ts';
import { withinJurisdiction } from '../../platform/registries/domain/division.ts';
import { beijingDate } from '../../platform/calendar.ts';
import { startNamedExecution } from '../../shared/executions.ts';
import { randomUUID } from 'node:crypto';
import type { DecisionAnswerInput, DecisionOutcome } from '../../platform/module.ts';
import { snapshotStale } from './domain/compute.ts';

/**
 * Human decisions on reward applications, as the API records them: each answer is checked against
 * separation of duties (domain/decisions.ts, domain/signoff.ts) and the step table (steps.ts), then written
 * with the application's change in the decision's own transaction (platform/decisions/store.ts), which
 * also wakes the workflow.
 */

/** The application, or a 404 (for the routes too, so that every missing application reads the same). */
export async function applicationOr404(id: string): Promise<ApplicationRecord> {
  const app = await getApplication(id);
  if (!app) throw new NotFoundError(`Application ${id} does not exist`);
  return app;
}

async function applicationFor(decision: PendingDecision, step: RewardStep): Promise<ApplicationRecord> {
  const app = await applicationOr404(decision.subjectId);
  if (rewardDecisionId(app, step) !== decision.id) throw new ConflictError(`Decision ${decision.id} belongs to an earlier round of ${app.id}`);
  return app;
}

function record(step: string, decision: string, actor: Actor, comment: string | undefined): DecisionRecord {
  return { step, decision, by: actor.sub, at: new Date().toISOString(), ...(comment ? { comment } : {}) };
}

/** Answer a reward decision (township review, finance approval, unfunded close, resubmission). */
export async function answerRewardDecision(principal: Principal, decision: PendingDecision, input: DecisionAnswerInput): Promise<DecisionOutcome> {
  const step = stepOfKind(decision.kind);
  if (!step) throw new ValidationError([{ field: 'decisionId', message: `${decision.kind} decisions are answered through their program's routes`, in: 'path' }]);
  const definition: RewardStepDefinition = rewardSteps[step];
  if (definition.answeredThrough) {
    throw new ValidationError([{ field: 'decision', message: `${decision.kind} is answered through ${definition.answeredThrough}`, in: 'body' }]);
  }
  const options = definition.answers;
  if (!(input.decision in options)) {
    throw new ValidationError([{ field: 'decision', message: `must be one of ${Object.keys(options).join(', ')} for ${decision.kind}`, in: 'body' }]);
  }
  if (decision.status !== 'open') throw new ConflictError(`Decision ${decision.id} is already ${decision.status}`);
  const app = await applicationFor(decision, step);
  const event = options[input.decision] ?? undefined;
  const entry = record(step, input.decision, principal, input.comment);
  const output = { decision: input.decision, ...(input.comment ? { comment: input.comment } : {}) };

  if (step === 'township-review') {
    const refusal = checkTownshipDecision({ deciderId: principal.sub, submitterId: app.submitter, villageSignerIds: app.signatures.map((s) => s.userId) });
    if (refusal) throw new SeparationOfDutiesError(refusal.code, refusal.message);
    return complete(principal, decision, app, event, { townshipReviewer: principal.sub, decisions: [...app.decisions, entry] }, output);
  }

  if (step === 'finance-approval') {
    const policy = (await getPolicy(app.programId, app.policyVersion))?.policy;
    if (!policy || app.amountFen === undefined) throw new Error(`Application ${app.id} has no policy or amount`);
    const result = decideFinance({
      decision: input.decision === 'approve' ? 'approve' : 'reject',
      deciderId: principal.sub,
      submitterId: app.submitter,
      townshipReviewerId: app.townshipReviewer ?? '',
      approvals: app.financeApprovals,
      rewardFen: app.amountFen,
      twoApproverThresholdFen: policy.approval.twoApproverThresholdFen,
    });
    if (!result.ok) throw new SeparationOfDutiesError(result.refusal.code, result.refusal.message);
    const changes = { financeApprovals: [...result.approvals], decisions: [...app.decisions, entry] };
    if (result.outcome === 'needs-another-approval') {
      const { items } = applicationChange(app, undefined, changes, principal, 'reward-application.finance-approval');
      const after = await recordPartial(decision.id, {
        expectedVersion: decision.version,
        partial: { approver: principal.sub, at: entry.at },
        actor: principal,
        action: 'reward.finance-first-approval',
        extraItems: items,
      });
      return { decisionId: after.id, status: 'partial', applicationStatus: app.status, remaining: result.remaining };
    }
    return complete(principal, decision, app, event, changes, output);
  }

  const closing = input.decision === 'close' || input.decision === 'withdraw';
  return complete(principal, decision, app, event, { decisions: [...app.decisions, entry], ...(closing ? { closedReason: input.decision === 'close' ? 'closed-unfunded' : 'withdrawn' } : {}) }, output);
}

async function complete(
  principal: Principal,
  decision: PendingDecision,
  app: ApplicationRecord,
  event: ApplicationEvent | undefined,
  changes: Partial<ApplicationRecord>,
  output: Record<string, unknown>,
): Promise<DecisionOutcome> {
  const change = applicationChange(app, event, changes, principal, `reward-application.${decision.kind.slice('reward.'.length)}`);
  const result = await completeDecision(decision.id, {
    expectedVersion: decision.version,
    actor: principal,
    completion: { output },
    action: `${decision.kind}.answer`,
    extraItems: () => change.items,
  });
  return { decisionId: decision.id, status: 'answered', applicationStatus: result.replayed ? app.status : change.next.status, delivered: result.delivered };
}

export interface SignatureInput {
  readonly decision: 'sign' | 'refuse';
  readonly reason?: string | undefined;
}

/**
 * One signature of the 三签一审 by a village user in their position. The fourth completes the step;
 * a refusal ends it (the application is returned to the village).
 */
export async function signApplication(principal: Principal, applicationId: string, input: SignatureInput): Promise<{ status: string; missing: string[]; decisionId: string }> {
  const app = await applicationOr404(applicationId);
  if (!principal.position) throw new SeparationOfDutiesError('position-required', 'your token carries no village position (handler, bookkeeper, head, supervisor)');
  if (app.status !== 'awaiting-village-signoff') throw new ConflictError(`Application ${applicationId} is ${app.status}, not awaiting the village sign-off`);
  const id = rewardDecisionId(app, 'village-signoff');
  const decision = await getDecision(id);
  if (!decision || decision.status !== 'open') throw new ConflictError(`The sign-off of ${applicationId} is not open yet (or any more); retry shortly`);
  const existing = decision.partials as unknown as Signature[];
  const candidate: Signature = { userId: principal.sub, position: principal.position, decision: input.decision, ...(input.reason ? { reason: input.reason } : {}) };
  const refusal = checkSignature(existing, candidate);
  if (refusal) {
    if (refusal.code === 'user-already-signed') throw new SeparationOfDutiesError(refusal.code, refusal.message);
    if (refusal.code === 'reason-required') throw new ValidationError([{ field: 'reason', message: refusal.message, in: 'body' }]);
    throw new ConflictError(`${refusal.code}: ${refusal.message}`);
  }
  const signatures = [...existing, candidate];
  const state = signOffState(signatures);
  if (state.status === 'pending') {
    const { items } = applicationChange(app, undefined, { signatures }, principal, 'reward-application.signature');
    await recordPartial(id, { expectedVersion: decision.version, partial: { ...candidate }, actor: principal, action: 'reward.signature', extraItems: items });
    return { status: 'pending', missing: [...state.missing], decisionId: id };
  }
  const refused = state.status === 'refused';
  const change = applicationChange(
    app,
    refused ? 'village-refused' : 'village-signed-off',
    { signatures, decisions: [...app.decisions, record('village-signoff', refused ? 'refused' : 'signed', principal, input.reason)] },
    principal,
    refused ? 'reward-application.village-refused' : 'reward-application.village-signed-off',
  );
  await completeDecision(id, {
    expectedVersion: decision.version,
    actor: principal,
    completion: { output: refused ? { decision: 'refused', reason: input.reason ?? '' } : { decision: 'signed' } },
    action: 'reward.village-signoff.answer',
    extraItems: () => change.items,
  });
  return { status: refused ? 'refused' : 'complete', missing: [], decisionId: id };
}

/**
 * Send an application back for re-computation because its accounts changed: its open decision of
 * `step` is answered `accounts-changed` (the workflow goes back to Compute) with the status change
 * and an audit record, in one transaction. Both an account edit (through the API) and the workflow
 * (when it opens a step that judges the award) call this. Returns false when the decision was
 * answered meanwhile (by a decider or the other caller): the accounts are recorded either way.
 */
export async function sendBackForRecomputation(actor: Actor, app: ApplicationRecord, step: RewardStep, decisionId: string): Promise<boolean> {
  const change = applicationChange(app, 'accounts-changed', { decisions: [...app.decisions, record(step, 'accounts-changed', actor, undefined)] }, actor, 'reward-application.accounts-changed');
  try {
    await completeDecision(decisionId, { actor, completion: { output: { decision: 'accounts-changed' } }, action: 'reward.accounts-changed', extraItems: () => change.items });
    return true;
  } catch (err) {
    if (err instanceof ConflictError) return false;
    throw err;
  }
}

/**
 * An account edit while an application is open returns it for re-computation, visibly. Returns the
 * ids of the applications sent back.
 */
export async function returnForRecomputation(principal: Principal, applications: readonly ApplicationRecord[]): Promise<string[]> {
  const returned: string[] = [];
  for (const app of applications) {
    const step = openStepOf(app.status);
    if (!step) continue;
    const id = rewardDecisionId(app, step);
    const decision = await getDecision(id);
    if (!decision || decision.status !== 'open') continue;
    if (await sendBackForRecomputation(principal, app, step, id)) returned.push(app.id);
  }
  return returned;
}

/**
 * When the workflow opens a step that judges the award: compare the stored accounts with the
 * snapshot and send the application back if they changed. An account edit returns open applications
 * by answering their open decision; an edit that lands while the next decision is not open yet finds
 * nothing to answer. Both sides write first and check second (the edit: account, then decision;
 * the workflow: decision, then accounts), so at least one of them sees the other.
 */
export async function returnIfAccountsChanged(app: ApplicationRecord, step: RewardStep, decisionId: string): Promise<void> {
  const snapshot = app.computation?.snapshot;
  if (!snapshot) return;
  const [current, previous] = await Promise.all([getAccount(app.entityId, app.year), getAccount(app.entityId, app.year - 1)]);
  if (!snapshotStale(snapshot, current, previous)) return;
  const fresh = await getApplication(app.id);
  if (!fresh || rewardDecisionId(fresh, step) !== decisionId) return;
  await sendBackForRecomputation(workflowActor, fresh, step, decisionId);
}

/** The reward workflow, as the module registers it. */
export const rewardWorkflowName = 'reward-application';

/** The program and enterprise an application names; 400 naming the field when one does not exist. */
export async function submissionTarget(input: ApplicationInput): Promise<{ program: ProgramRecord; enterprise: EnterpriseRecord }> {
  const [program, enterprise] = await Promise.all([getProgram(input.programId), getEnterprise(input.entityId)]);
  if (!program) throw new ValidationError([{ field: 'programId', message: `program ${input.programId} does not exist`, in: 'body' }]);
  if (!enterprise) throw new ValidationError([{ field: 'entityId', message: `enterprise ${input.entityId} does not exist`, in: 'body' }]);
  return { program, enterprise };
}

/** The program must cover the enterprise's village, and take applications today (Beijing time). */
export function checkSubmission(program: ProgramRecord, enterprise: EnterpriseRecord, now: Date): void {
  if (!withinJurisdiction(program.jurisdiction, enterprise.village)) {
    throw new ValidationError([{ field: 'programId', message: `the program covers ${program.jurisdiction}, not village ${enterprise.village}`, in: 'body' }]);
  }
  if (!withinWindow(program.window, beijingDate(now))) {
    throw new ValidationError([{ field: 'programId', message: `applications are taken from ${program.window.opensOn} to ${program.window.closesOn}`, in: 'body' }]);
  }
}

/** A new application of `enterprise` to `program`, submitted by `actor`: computed by its workflow. */
export function newApplication(program: ProgramRecord, enterprise: EnterpriseRecord, actor: Actor, now: Date): Parameters<typeof createApplication>[0] {
  return {
    id: `ra-${randomUUID()}`,
    programId: program.id,
    policyVersion: program.policyVersion,
    jurisdiction: program.jurisdiction,
    entityId: enterprise.id,
    entityName: enterprise.name,
    village: enterprise.village,
    year: program.accountsYear,
    submitter: actor.sub,
    createdAt: now.toISOString(),
  };
}

/** Start (or find) the application's workflow: named after the application, so safe to repeat. */
export async function startApplicationWorkflow(applicationId: string): Promise<string> {
  return startNamedExecution(rewardWorkflowName, applicationId, { applicationId });
}
