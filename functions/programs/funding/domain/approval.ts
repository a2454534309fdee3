import * as z from 'zod';
import { fenSchema } from '../../../platform/money.ts';
import { decideApproval, requiredApprovals, type ApprovalOutcome } from '../../../platform/approvals.ts';

/**
 * Who may approve a funding run: separation of duties, as for reward payouts. The person who
 * started the run does not approve it, and from a threshold of the run's payable total two
 * different finance users must approve. Identities are compared with `sameIdentity` (their NFKC
 * form), never with `===`. Pure: the caller has checked role and jurisdiction.
 */

export const fundingApprovalSchema = z.object({
  /** From this payable total of a run (inclusive: top-ups minus exclusions) two different finance users must approve. */
  twoApproverThresholdFen: fenSchema,
});
export type FundingApproval = z.infer<typeof fundingApprovalSchema>;

/**
 * The threshold when a policy names none: 10,000,000 yuan (1,000万元). A district of a few dozen
 * villages (the demo's 37, about 1.5 million yuan) is approved by one finance user; a county-wide run
 * such as Tianjin's 3,774 villages × 40,000 yuan (about 151 million) needs two.
 */
export const defaultTwoApproverThresholdFen = 1_000_000_000;

export function twoApproverThresholdOf(policy: { readonly approval?: FundingApproval | undefined }): number {
  return policy.approval?.twoApproverThresholdFen ?? defaultTwoApproverThresholdFen;
}

export type RunApprovalRefusalCode = 'approver-started-the-run';

export interface RunApprovalInput {
  readonly decision: 'approve' | 'reject';
  readonly deciderId: string;
  /** Who started the run. */
  readonly starterId: string;
  /** Finance users who already approved the run, in order. */
  readonly approvals: readonly string[];
  /** The run's payable total: top-ups minus exclusions. */
  readonly payableFen: number;
  readonly twoApproverThresholdFen: number;
}

export type RunApprovalOutcome =
  | { readonly ok: true; readonly outcome: 'approved'; readonly approvals: readonly string[]; readonly required: 1 | 2 }
  | { readonly ok: true; readonly outcome: 'needs-another-approval'; readonly approvals: readonly string[]; readonly required: 1 | 2; readonly remaining: number }
  | { readonly ok: true; readonly outcome: 'rejected'; readonly approvals: readonly string[] }
  | Extract<ApprovalOutcome<RunApprovalRefusalCode>, { ok: false }>;

/**
 * Four-eyes on a run's approval (the platform's rule, functions/platform/approvals.ts). Any one
 * finance user's rejection ends the run (a rejection pays nothing, so the starter or a first
 * approver who changes their mind may reject); an approval must come from someone other than the
 * starter and other than the approvers so far.
 */
export function decideRunApproval(input: RunApprovalInput): RunApprovalOutcome {
  const required = requiredApprovals(input.payableFen, input.twoApproverThresholdFen);
  const verdict = decideApproval<RunApprovalRefusalCode>({
    decision: input.decision,
    deciderId: input.deciderId,
    conflicts: [{ id: input.starterId, code: 'approver-started-the-run', message: `the run was started by ${input.starterId}; it must be approved by another finance user` }],
    approvals: input.approvals,
    required,
    conflictsBarRejection: false,
  });
  if (!verdict.ok || verdict.outcome === 'rejected') return verdict;
  return { ...verdict, required };
}
