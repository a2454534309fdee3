import { decisionId } from '../decisions/store.ts';

/**
 * The human steps of a payment batch's workflow, as the decision store and the inbox know them.
 * Approval is answered through `/decisions` (or the batch's own routes); export and results are
 * answered by doing them (exporting the file, importing the bank's results), so the inbox shows
 * finance what to do next and the deadline of a batch that was sent but not reconciled.
 */
export const paymentSteps = {
  approval: { kind: 'payments.batch-approval', role: 'finance' },
  export: { kind: 'payments.batch-export', role: 'finance' },
  results: { kind: 'payments.batch-results', role: 'finance' },
} as const;

export const approvalDecisionId = (batchId: string) => decisionId(paymentSteps.approval.kind, batchId, 0);
export const exportDecisionId = (batchId: string) => decisionId(paymentSteps.export.kind, batchId, 0);
/** One results decision per round: each results file applied starts the next wait. */
export const resultsDecisionId = (batchId: string, round: number) => decisionId(paymentSteps.results.kind, batchId, round);

/**
 * How long a sent batch may stay unreconciled before finance is reminded (and again after each
 * period): the Wait of the ResultsDeadline state (workflows/payment-batch.asl.json; a test keeps
 * the two equal).
 */
export const resultsDeadlineSeconds = 7 * 24 * 3600;
