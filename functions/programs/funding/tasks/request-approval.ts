import * as z from 'zod';
import { fundingRunIdSchema } from '../domain/run.ts';
import { decisionId, openDecisionPut } from '../../../platform/decisions/store.ts';
import { mustGetRun } from '../store/run.ts';

export const requestApprovalInputSchema = z.object({ runId: fundingRunIdSchema, taskToken: z.string().min(1) });

/** The pending decision of a run's approval: one per run (a run is approved or rejected once). */
export const runApprovalDecisionId = (runId: string) => decisionId('funding.run-approval', runId, 1);

/**
 * Callback step (`.waitForTaskToken`): put the run's approval in finance's inbox with the task
 * token; the approve / reject routes answer it. A retried step replaces the token (and gets an
 * answer given meanwhile delivered).
 */
export async function handler(event: unknown): Promise<{ decisionId: string }> {
  const { runId, taskToken } = requestApprovalInputSchema.parse(event);
  const run = await mustGetRun(runId);
  const id = runApprovalDecisionId(runId);
  await openDecisionPut({
    id,
    kind: 'funding.run-approval',
    subjectType: 'funding-run',
    subjectId: runId,
    division: run.division,
    role: 'finance',
    summary: {
      policyName: run.policyName,
      year: run.year,
      villages: run.villageCount ?? 0,
      topUpFen: run.summary?.total.topUpFen ?? 0,
      earmarkFen: run.summary?.total.earmarkFen ?? 0,
      link: `/funding/runs/${runId}`,
    },
    taskToken,
  });
  return { decisionId: id };
}
