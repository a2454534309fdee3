import { sameIdentity } from './principal.ts';

/**
 * Separation of duties on a payout's approval, the one rule every program applies (a reward award,
 * a funding run, a payment batch): nobody with a conflict of interest decides (the program names
 * who: the submitter, the township reviewer, whoever started or formed the thing), every approval
 * comes from a different user, and from a threshold of the amount two approvals are needed. Any
 * one allowed rejection ends it. Identities are compared with {@link sameIdentity} (NFKC), never `===`.
 * Pure: the caller has checked role and jurisdiction, and answers a refusal with a 403.
 */

/** Approvals an amount needs: two at or above the threshold. */
export function requiredApprovals(amountFen: number, twoApproverThresholdFen: number): 1 | 2 {
  return amountFen >= twoApproverThresholdFen ? 2 : 1;
}

/** Someone who may not decide, and how the refusal names it. */
export interface ConflictOfInterest<C extends string> {
  readonly id: string;
  readonly code: C;
  readonly message: string;
}

export interface ApprovalInput<C extends string> {
  readonly decision: 'approve' | 'reject';
  readonly deciderId: string;
  readonly conflicts: readonly ConflictOfInterest<C>[];
  /** Users who already approved, in order. */
  readonly approvals: readonly string[];
  /** Approvals needed in all (see {@link requiredApprovals}). */
  readonly required: 1 | 2;
  /**
   * Whether the conflicts (and having approved already) also bar a rejection. A reward says yes (a
   * conflicted person decides neither way); a funding run says no (a rejection pays nothing, so the
   * starter, or a first approver who changed their mind, may stop it).
   */
  readonly conflictsBarRejection: boolean;
}

export type ApprovalRefusalCode<C extends string> = C | 'already-approved-by-this-user';

export type ApprovalOutcome<C extends string> =
  | { readonly ok: true; readonly outcome: 'approved'; readonly approvals: readonly string[] }
  | { readonly ok: true; readonly outcome: 'needs-another-approval'; readonly approvals: readonly string[]; readonly remaining: number }
  | { readonly ok: true; readonly outcome: 'rejected'; readonly approvals: readonly string[] }
  | { readonly ok: false; readonly refusal: { readonly code: ApprovalRefusalCode<C>; readonly message: string } };

export function decideApproval<C extends string>(input: ApprovalInput<C>): ApprovalOutcome<C> {
  if (input.decision === 'reject' && !input.conflictsBarRejection) return { ok: true, outcome: 'rejected', approvals: input.approvals };
  const conflict = input.conflicts.find((c) => sameIdentity(c.id, input.deciderId));
  if (conflict) return { ok: false, refusal: { code: conflict.code, message: conflict.message } };
  if (input.approvals.some((id) => sameIdentity(id, input.deciderId))) {
    return { ok: false, refusal: { code: 'already-approved-by-this-user', message: 'this user already approved; a second approval must come from a different user' } };
  }
  if (input.decision === 'reject') return { ok: true, outcome: 'rejected', approvals: input.approvals };
  const approvals = [...input.approvals, input.deciderId];
  const remaining = input.required - approvals.length;
  return remaining > 0 ? { ok: true, outcome: 'needs-another-approval', approvals, remaining } : { ok: true, outcome: 'approved', approvals };
}
