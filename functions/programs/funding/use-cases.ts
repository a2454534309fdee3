import { ConflictError } from '../../shared/errors.ts';
import { completeDecision, getDecision } from '../../platform/decisions/store.ts';
import type { Actor } from '../../platform/principal.ts';
import { fundingClaimConflict, fundingClaimItems } from './store/claim.ts';
import { mustGetRun, runTransitionItems, type FundingRun } from './store/run.ts';
import { runApprovalDecisionId } from './steps.ts';

/**
 * Finance approves or rejects a computed run (the caller has checked that `actor` may decide on the
 * run's jurisdiction). The answer, the run's status change and, on approval, the claim that keeps a
 * second real run of the same jurisdiction and year from being approved are one transaction; the
 * workflow is woken after it commits. Used by the approve / reject routes and by `/decisions`.
 */
export async function decideRun(actor: Actor, run: FundingRun, outcome: 'approved' | 'rejected', text: string | undefined): Promise<FundingRun> {
  const { id } = run;
  if (run.dryRun) throw new ConflictError(`Funding run ${id} is a dry run: it is never approved or paid`);
  const decisionId = runApprovalDecisionId(id);
  const decision = await getDecision(decisionId);
  if (!decision || (run.status !== 'awaiting-approval' && decision.status === 'open')) {
    throw new ConflictError(`Funding run ${id} is ${run.status}; it is not waiting for approval${run.status === 'computing' || run.status === 'snapshotting' ? ' yet' : ''}`);
  }
  if (outcome === 'approved') {
    const overlap = await fundingClaimConflict(run.division, run.year, run.id);
    if (overlap) throw new ConflictError(`Funding run ${id} cannot be approved: ${overlap}`);
  }
  const at = new Date();
  const record = { outcome, by: actor.sub, at: at.toISOString(), ...(text ? { comment: text } : {}) };
  await completeDecision(decisionId, {
    actor,
    action: `fundingRun.${outcome === 'approved' ? 'approve' : 'reject'}`,
    completion: outcome === 'approved' ? { output: { approved: true, by: actor.sub } } : { failure: { error: 'FundingRunRejected', cause: text ?? 'rejected' } },
    extraItems: () => [
      ...runTransitionItems(run, ['awaiting-approval'], outcome === 'approved' ? 'disbursing' : 'rejected', { decision: record }, actor, at),
      ...(outcome === 'approved' ? fundingClaimItems(run.division, run.year, run.id) : []),
    ],
    now: at,
  });
  return mustGetRun(id);
}
