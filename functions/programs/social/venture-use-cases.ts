import { decideApproval } from '../../platform/approvals.ts';
import { completeDecision, getDecision } from '../../platform/decisions/store.ts';
import type { Actor } from '../../platform/principal.ts';
import { ConflictError, SeparationOfDutiesError } from '../../shared/errors.ts';
import { startNamedExecution } from '../../shared/executions.ts';
import { acceptedItems, getProposal, roundChangeItems, setVentureExecutionArn, type VentureRound } from './store/venture.ts';
import { ventureAcceptanceDecisionId, ventureApprovalDecisionId } from './steps.ts';

/** The venture round workflow's name; an execution is named after its round. */
export const ventureWorkflow = 'social-venture-round';

/** Start (or find) the round's execution once it is awarded, and record it on the round. */
export async function startVentureRound(round: Pick<VentureRound, 'id' | 'executionArn'>): Promise<string> {
  if (round.executionArn) return round.executionArn;
  const executionArn = await startNamedExecution(ventureWorkflow, round.id, { roundId: round.id });
  await setVentureExecutionArn(round.id, executionArn);
  return executionArn;
}

/**
 * Finance's decision on the award list (role and jurisdiction checked by the caller): the opener of
 * the round never approves it (platform/approvals.ts). The answer, the round's move (awarded →
 * approved, or → rejected with the reason) and their audit records are one transaction; the
 * workflow, woken after it commits, gets the awarded organisations to pay. A repeat of the same
 * answer re-delivers it.
 */
export async function decideVentureAwards(actor: Actor, round: VentureRound, answer: { decision: 'approve' } | { decision: 'reject'; reason: string }): Promise<{ delivered: boolean }> {
  const id = ventureApprovalDecisionId(round.id);
  const decision = await getDecision(id);
  if (!decision) throw new ConflictError(`Venture round ${round.id} is ${round.status}; its awards are not waiting for finance${round.status === 'open' ? ' (not awarded yet)' : ''}`);
  const verdict = decideApproval({
    decision: answer.decision,
    deciderId: actor.sub,
    conflicts: [{ id: round.createdBy, code: 'opener-approves', message: 'the person who opened the round may not approve its awards' }],
    approvals: [],
    required: 1,
    conflictsBarRejection: false,
  });
  if (!verdict.ok) throw new SeparationOfDutiesError(verdict.refusal.code, verdict.refusal.message);
  const at = new Date();
  const completion =
    answer.decision === 'approve' ? { output: { approved: true, by: actor.sub, awards: round.awards.map((a) => a.organisationId) } } : { failure: { error: 'SocialVentureRejected', cause: answer.reason } };
  const changes: Partial<VentureRound> = answer.decision === 'approve' ? { status: 'approved', approvedBy: actor.sub } : { status: 'rejected', rejection: { by: actor.sub, at: at.toISOString(), reason: answer.reason } };
  const result = await completeDecision(id, {
    actor,
    completion,
    action: `social-venture-round.${answer.decision}`,
    extraItems: () => (decision.status === 'open' ? roundChangeItems(round, changes, actor, `social-venture-round.${changes.status}`, at).items : []),
    now: at,
  });
  return { delivered: result.delivered };
}

/**
 * The township accepts an award's finished project (验收): the proposal's acceptance and its audit
 * in the decision's transaction; the workflow then pays the second instalment. Only once the first
 * instalment is paid is the acceptance open (before, a 409).
 */
export async function acceptVentureAward(actor: Actor, round: VentureRound, organisationId: string): Promise<{ delivered: boolean }> {
  const id = ventureAcceptanceDecisionId(round.id, organisationId);
  const decision = await getDecision(id);
  if (!decision) throw new ConflictError(`The award of ${organisationId} in round ${round.id} is not waiting for acceptance (its first instalment is not paid yet)`);
  const proposal = await getProposal(round.id, organisationId);
  if (!proposal) throw new ConflictError(`Organisation ${organisationId} has no proposal in round ${round.id}`);
  const result = await completeDecision(id, {
    actor,
    completion: { output: { accepted: true, by: actor.sub } },
    action: 'social-venture.accept',
    extraItems: () => (decision.status === 'open' ? acceptedItems(proposal, actor) : []),
  });
  return { delivered: result.delivered };
}
