import { defineTask, type TaskContext } from '../../../shared/task.ts';
import * as z from 'zod';
import { fundingRunIdSchema } from '../domain/run.ts';
import { openDecisionPut } from '../../../platform/decisions/store.ts';
import { fundingSteps, runApprovalDecisionId } from '../steps.ts';
import { mustGetRun } from '../store/run.ts';

export const requestApprovalInputSchema = z.object({ runId: fundingRunIdSchema, taskToken: z.string().min(1) });

/**
 * Callback step (`.waitForTaskToken`): put the run's approval in finance's inbox with the task
 * token; the approve / reject routes answer it. A retried step replaces the token (and gets an
 * answer given meanwhile delivered).
 */
async function run({ runId, taskToken }: z.infer<typeof requestApprovalInputSchema>, { executionArn }: TaskContext): Promise<{ decisionId: string }> {
  const run = await mustGetRun(runId);
  const id = runApprovalDecisionId(runId);
  await openDecisionPut({
    id,
    kind: fundingSteps['run-approval'].kind,
    subjectType: 'funding-run',
    subjectId: runId,
    division: run.division,
    role: fundingSteps['run-approval'].role,
    summary: {
      policyName: run.policyName,
      year: run.year,
      villages: run.villageCount ?? 0,
      topUpFen: run.summary?.total.topUpFen ?? 0,
      earmarkFen: run.summary?.total.earmarkFen ?? 0,
      link: `/funding/runs/${runId}`,
    },
    taskToken,
    executionArn,
  });
  return { decisionId: id };
}

export const requestApprovalTask = defineTask({ id: 'funding-run-request-approval', file: import.meta.url, input: requestApprovalInputSchema, tableAccess: 'readWrite', usesStepFunctions: true, run });
export const handler = requestApprovalTask.handler;
