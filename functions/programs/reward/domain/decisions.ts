/**
 * Who may decide what on an application, beyond role and jurisdiction (checked by the API):
 * separation of duties. The API answers a refusal here with 403, the workflow never sees it.
 * Identities are compared with {@link sameIdentity} (their NFKC form), never with `===`.
 */
import { sameIdentity } from '../../../platform/principal.ts';
import { decideApproval, requiredApprovals, type ApprovalOutcome } from '../../../platform/approvals.ts';

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

/**
 * Four-eyes for finance: the decider is neither the submitter nor the township reviewer, and each
 * approval comes from a different finance user (the platform's rule, functions/platform/approvals.ts).
 * The independence rule covers rejections too, since a conflicted person should not decide either
 * way; any one independent rejection ends the step.
 */
export function decideFinance(input: FinanceDecisionInput): ApprovalOutcome<DecisionRefusalCode> {
  return decideApproval<DecisionRefusalCode>({
    decision: input.decision,
    deciderId: input.deciderId,
    conflicts: [
      { id: input.submitterId, code: 'decider-is-submitter', message: 'the finance approver must not be the person who submitted the application' },
      { id: input.townshipReviewerId, code: 'decider-is-township-reviewer', message: 'the finance approver must not be the township reviewer of the application' },
    ],
    approvals: input.approvals,
    required: requiredApprovals(input.rewardFen, input.twoApproverThresholdFen),
    conflictsBarRejection: true,
  });
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
