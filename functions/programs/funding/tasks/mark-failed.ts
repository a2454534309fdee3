import { defineTask } from '../../../shared/task.ts';
import * as z from 'zod';
import { finalRunStatuses, fundingRunIdSchema } from '../domain/run.ts';
import { mustGetRun, transitionRun } from '../store/run.ts';

export const markRunFailedInputSchema = z.object({
  runId: fundingRunIdSchema,
  error: z.object({ Error: z.string().optional(), Cause: z.string().optional() }).optional(),
});

const clip = (s: string, n: number) => (s.length > n ? `${s.slice(0, n)}…` : s);

/** Record why the workflow failed on the run, so `GET /funding/runs/{id}` explains it. */
async function run({ runId, error }: z.infer<typeof markRunFailedInputSchema>): Promise<{ runId: string; status: string }> {
  const run = await mustGetRun(runId);
  if (finalRunStatuses.includes(run.status)) return { runId, status: run.status };
  const failure = { error: clip(error?.Error ?? 'Unknown', 200), cause: clip(error?.Cause ?? '', 2000) };
  const next = await transitionRun(run, ['snapshotting', 'computing', 'awaiting-approval', 'disbursing'], 'failed', { failure });
  return { runId, status: next?.status ?? (await mustGetRun(runId)).status };
}

export const markFailedTask = defineTask({ id: 'funding-run-mark-failed', file: import.meta.url, input: markRunFailedInputSchema, tableAccess: 'readWrite', run });
export const handler = markFailedTask.handler;
