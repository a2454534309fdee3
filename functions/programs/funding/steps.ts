import type { Role } from '../../platform/principal.ts';
import { decisionId } from '../../platform/decisions/store.ts';

/**
 * The human step of the funding workflow: finance approves or rejects a computed run. One decision
 * per run (a run is approved or rejected once); the approve and reject routes and the generic
 * `/decisions` route answer it through the same use case.
 */
export const fundingSteps = {
  'run-approval': {
    kind: 'funding.run-approval',
    role: 'finance' satisfies Role,
    answers: { approve: 'approved', reject: 'rejected' },
    /** Answers that must say why: in `comment` on /decisions (the reject route requires its `reason`). */
    refusals: ['reject'],
  },
} as const;

/** The pending decision of a run's approval. */
export const runApprovalDecisionId = (runId: string) => decisionId(fundingSteps['run-approval'].kind, runId, 1);
