import { createHash } from 'node:crypto';
import { decideApproval } from '../../platform/approvals.ts';
import { completeDecision, getDecision } from '../../platform/decisions/store.ts';
import type { Actor } from '../../platform/principal.ts';
import { ConflictError, SeparationOfDutiesError, ValidationError } from '../../shared/errors.ts';
import { startNamedExecution } from '../../shared/executions.ts';
import { rewardRunLines, rewardRunTransitionItems, setRewardRunExecutionArn, type RewardRun } from './store/reward-run.ts';
import { rewardRunDecisionId } from './steps.ts';

/** The grade-reward workflow's name; an execution is named after its run. */
export const rewardRunWorkflow = 'social-reward-run';

/** Start (or find) the run's execution and record it on the run. */
export async function startRewardRun(run: Pick<RewardRun, 'id' | 'executionArn'>): Promise<string> {
  if (run.executionArn) return run.executionArn;
  const executionArn = await startNamedExecution(rewardRunWorkflow, run.id, { runId: run.id });
  await setRewardRunExecutionArn(run.id, executionArn);
  return executionArn;
}

export type RewardRunAnswer = { readonly decision: 'approve'; readonly exclusions: RewardRun['exclusions'] } | { readonly decision: 'reject'; readonly reason: string };

/** What the answer carries to the workflow: small, and the same for a repeat of the same answer. */
function exclusionsDigest(exclusions: RewardRun['exclusions']): string {
  return createHash('sha256').update(JSON.stringify(exclusions)).digest('base64url');
}

/**
 * Finance's one decision on a computed run (the caller has checked role and jurisdiction):
 * separation of duties through the platform's approval rule (the township user who started the run
 * never approves it; a rejection pays nothing, so anyone of finance may reject). The answer, the
 * run's move (awaiting-finance → approved with its exclusions, or → rejected with the reason) and
 * their audit records are one transaction; the workflow is woken after it commits. A repeat of the
 * same answer re-delivers it; another answer is a 409.
 */
export async function decideRewardRun(actor: Actor, run: RewardRun, answer: RewardRunAnswer): Promise<{ status: 'answered'; delivered: boolean }> {
  const id = rewardRunDecisionId(run.id);
  const decision = await getDecision(id);
  if (!decision) throw new ConflictError(`Reward run ${run.id} is ${run.status}; it is not waiting for finance${run.status === 'computing' ? ' yet' : ''}`);
  const verdict = decideApproval({
    decision: answer.decision,
    deciderId: actor.sub,
    conflicts: [{ id: run.createdBy, code: 'computer-approves', message: 'the person who computed the run may not approve it' }],
    approvals: [],
    required: 1,
    conflictsBarRejection: false,
  });
  if (!verdict.ok) throw new SeparationOfDutiesError(verdict.refusal.code, verdict.refusal.message);
  if (answer.decision === 'approve' && answer.exclusions.length > 0) {
    const lines = new Set((await rewardRunLines(run.id)).map((l) => l.organisationId));
    const unknown = answer.exclusions.filter((e) => !lines.has(e.organisationId));
    if (unknown.length > 0) throw new ValidationError(unknown.map((e) => ({ field: 'exclusions', message: `organisation ${e.organisationId} has no line in run ${run.id}`, in: 'body' as const })));
  }
  const at = new Date();
  const completion =
    answer.decision === 'approve'
      ? { output: { approved: true, by: actor.sub, exclusions: answer.exclusions.length, exclusionsDigest: exclusionsDigest(answer.exclusions) } }
      : { failure: { error: 'SocialRewardRunRejected', cause: answer.reason } };
  const items = () =>
    answer.decision === 'approve'
      ? rewardRunTransitionItems(run, ['awaiting-finance'], 'approved', { exclusions: answer.exclusions, approvedBy: actor.sub, approvedAt: at.toISOString() }, actor, at)
      : rewardRunTransitionItems(run, ['awaiting-finance'], 'rejected', { rejection: { by: actor.sub, at: at.toISOString(), reason: answer.reason } }, actor, at);
  const result = await completeDecision(id, { actor, completion, action: `social-reward-run.${answer.decision}`, extraItems: decision.status === 'open' ? items : () => [], now: at });
  return { status: 'answered', delivered: result.delivered };
}
