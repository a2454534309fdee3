import { ConflictError, SeparationOfDutiesError } from '../../shared/errors.ts';
import { requiredApprovals } from '../../platform/approvals.ts';
import { completeDecision, getDecision, recordPartial } from '../../platform/decisions/store.ts';
import type { Actor } from '../../platform/principal.ts';
import { decideRunApproval, twoApproverThresholdOf } from './domain/approval.ts';
import { fundingClaimConflict, fundingClaimItems } from './store/claim.ts';
import { firstApprovalItems, mustGetRun, payableTopUpFen, runTransitionItems, type FundingRun } from './store/run.ts';
import { runApprovalDecisionId } from './steps.ts';

/**
 * Who approved a run so far, how many approvals it needs (at its payable total now), and how many
 * remain (none once it is decided). A run approved before approvals were recorded names its decider.
 */
export function runApprovalState(run: FundingRun): { required: 1 | 2; financeApprovals: string[]; remaining: number } {
  const required = requiredApprovals(payableTopUpFen(run) ?? 0, twoApproverThresholdOf(run.rule));
  const approvals = run.financeApprovals.length === 0 && run.decision?.outcome === 'approved' ? [run.decision.by] : [...run.financeApprovals];
  const open = run.status === 'awaiting-approval' && run.decision === undefined;
  return { required, financeApprovals: approvals, remaining: open ? Math.max(0, required - approvals.length) : 0 };
}

export interface RunDecisionResult {
  readonly run: FundingRun;
  /** `answered`: the run is approved or rejected; `partial`: a first approval, another finance user must approve. */
  readonly status: 'answered' | 'partial';
  readonly remaining?: number;
}

/**
 * Finance approves or rejects a computed run (the caller has checked that `actor` may decide on the
 * run's jurisdiction). Separation of duties (domain/approval.ts): the starter never approves, and a
 * run whose payable total reaches its two-approver threshold needs two different finance users; a
 * first approval is recorded on the decision (as a partial answer) and on the run, and wakes nothing.
 * The answer that completes the decision, the run's status change and, on approval, the claim that
 * keeps a second real run of the same jurisdiction and year from being approved are one transaction,
 * conditional on the exclusions being those read; the workflow is woken after it commits. Used by the
 * approve / reject routes and by `/decisions`.
 */
export async function decideRun(actor: Actor, run: FundingRun, outcome: 'approved' | 'rejected', text: string | undefined): Promise<RunDecisionResult> {
  const { id } = run;
  if (run.dryRun) throw new ConflictError(`Funding run ${id} is a dry run: it is never approved or paid`);
  const decisionId = runApprovalDecisionId(id);
  const decision = await getDecision(decisionId);
  if (!decision || (run.status !== 'awaiting-approval' && decision.status === 'open')) {
    throw new ConflictError(`Funding run ${id} is ${run.status}; it is not waiting for approval${run.status === 'computing' || run.status === 'snapshotting' ? ' yet' : ''}`);
  }
  const at = new Date();
  const record = { outcome, by: actor.sub, at: at.toISOString(), ...(text ? { comment: text } : {}) };
  const completion = outcome === 'approved' ? { output: { approved: true, by: actor.sub } } : { failure: { error: 'FundingRunRejected', cause: text ?? 'rejected' } };
  const action = `fundingRun.${outcome === 'approved' ? 'approve' : 'reject'}`;

  // Answered already: a repeat of the same answer is re-delivered, anything else is a 409.
  if (decision.status !== 'open') {
    await completeDecision(decisionId, { actor, action, completion, extraItems: () => [], now: at });
    return { run: await mustGetRun(id), status: 'answered' };
  }

  const verdict = decideRunApproval({
    decision: outcome === 'approved' ? 'approve' : 'reject',
    deciderId: actor.sub,
    starterId: run.actor.sub,
    approvals: run.financeApprovals,
    payableFen: payableTopUpFen(run) ?? 0,
    twoApproverThresholdFen: twoApproverThresholdOf(run.rule),
  });
  if (!verdict.ok) throw new SeparationOfDutiesError(verdict.refusal.code, verdict.refusal.message);
  if (verdict.outcome !== 'rejected') {
    const overlap = await fundingClaimConflict(run.division, run.year, run.id);
    if (overlap) throw new ConflictError(`Funding run ${id} cannot be approved: ${overlap}`);
  }
  if (verdict.outcome === 'needs-another-approval') {
    await recordPartial(decisionId, {
      expectedVersion: decision.version,
      partial: { approver: actor.sub, at: record.at, ...(text ? { comment: text } : {}) },
      actor,
      action: 'funding.run-first-approval',
      extraItems: firstApprovalItems(run, verdict.approvals, verdict.required, actor, text, at),
      now: at,
    });
    return { run: await mustGetRun(id), status: 'partial', remaining: verdict.remaining };
  }
  const approved = verdict.outcome === 'approved';
  await completeDecision(decisionId, {
    expectedVersion: decision.version,
    actor,
    action,
    completion,
    extraItems: () => [
      ...runTransitionItems(
        run,
        ['awaiting-approval'],
        approved ? 'disbursing' : 'rejected',
        { decision: record, ...(approved ? { financeApprovals: [...verdict.approvals] } : {}) },
        actor,
        at,
        approved ? run : undefined,
      ),
      ...(approved ? fundingClaimItems(run.division, run.year, run.id) : []),
    ],
    now: at,
  });
  return { run: await mustGetRun(id), status: 'answered' };
}
