/**
 * Who may decide what on an application, beyond role and jurisdiction (checked by the API):
 * separation of duties. The API answers a refusal here with 403, the workflow never sees it.
 * Identities are compared with {@link sameIdentity} (their NFKC form), never with `===`.
 */
import { sameIdentity } from '../../../platform/principal.ts';

export type DecisionRefusalCode =
  | 'decider-is-submitter'
  | 'decider-signed-in-village'
  | 'decider-is-township-reviewer'
  | 'already-approved-by-this-user';

export interface DecisionRefusal {
  readonly code: DecisionRefusalCode;
  readonly message: string;
}

export interface TownshipDecisionInput {
  readonly deciderId: string;
  readonly submitterId: string;
  /** Users who signed or refused in the village sign-off. */
  readonly villageSignerIds: readonly string[];
}

/**
 * The township reviewer must not review what they submitted or signed themselves (a person can hold
 * a township and a village account in small places).
 */
export function checkTownshipDecision(input: TownshipDecisionInput): DecisionRefusal | undefined {
  if (sameIdentity(input.deciderId, input.submitterId)) {
    return { code: 'decider-is-submitter', message: 'the township reviewer must not be the person who submitted the application' };
  }
  if (input.villageSignerIds.some((id) => sameIdentity(id, input.deciderId))) {
    return { code: 'decider-signed-in-village', message: 'the township reviewer must not be one of the village signatories' };
  }
  return undefined;
}

/** Number of distinct finance approvals an award needs: two at or above the threshold. */
export function requiredFinanceApprovals(rewardFen: number, twoApproverThresholdFen: number): 1 | 2 {
  return rewardFen >= twoApproverThresholdFen ? 2 : 1;
}

export interface FinanceDecisionInput {
  readonly decision: 'approve' | 'reject';
  readonly deciderId: string;
  readonly submitterId: string;
  readonly townshipReviewerId: string;
  /** Finance users who already approved this application, in order. */
  readonly approvals: readonly string[];
  readonly rewardFen: number;
  readonly twoApproverThresholdFen: number;
}

export type FinanceDecisionOutcome =
  | { readonly ok: true; readonly outcome: 'approved'; readonly approvals: readonly string[] }
  | { readonly ok: true; readonly outcome: 'needs-another-approval'; readonly approvals: readonly string[]; readonly remaining: number }
  | { readonly ok: true; readonly outcome: 'rejected'; readonly approvals: readonly string[] }
  | { readonly ok: false; readonly refusal: DecisionRefusal };

/**
 * Four-eyes for finance: the decider is neither the submitter nor the township reviewer, and each
 * approval comes from a different finance user. The independence rule covers rejections too, since
 * a conflicted person should not decide either way; any one independent rejection ends the step.
 */
export function decideFinance(input: FinanceDecisionInput): FinanceDecisionOutcome {
  if (sameIdentity(input.deciderId, input.submitterId)) {
    return { ok: false, refusal: { code: 'decider-is-submitter', message: 'the finance approver must not be the person who submitted the application' } };
  }
  if (sameIdentity(input.deciderId, input.townshipReviewerId)) {
    return { ok: false, refusal: { code: 'decider-is-township-reviewer', message: 'the finance approver must not be the township reviewer of the application' } };
  }
  if (input.approvals.some((id) => sameIdentity(id, input.deciderId))) {
    return { ok: false, refusal: { code: 'already-approved-by-this-user', message: 'this user already approved; a second approval must come from a different finance user' } };
  }
  if (input.decision === 'reject') return { ok: true, outcome: 'rejected', approvals: input.approvals };
  const approvals = [...input.approvals, input.deciderId];
  const remaining = requiredFinanceApprovals(input.rewardFen, input.twoApproverThresholdFen) - approvals.length;
  return remaining > 0 ? { ok: true, outcome: 'needs-another-approval', approvals, remaining } : { ok: true, outcome: 'approved', approvals };
}
