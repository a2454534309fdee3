import { ExecutionAlreadyExists, GetExecutionHistoryCommand, StartExecutionCommand, type HistoryEvent } from '@aws-sdk/client-sfn';
import { sfn } from './clients.ts';
import { stateMachineArn } from './config.ts';
import { currentRequestId } from './request-context.ts';

/**
 * Executions named after the thing they work on (an import, an application, a funding run): the
 * name makes starting idempotent on both hosts, and the ARN computable without asking.
 */

/** `…:execution:<machine>:<name>`, the AWS shape of an execution ARN. */
export function executionArnFor(workflow: string, name: string): string {
  return `${stateMachineArn(workflow).replace(':stateMachine:', ':execution:')}:${name}`;
}

/**
 * Start the execution of `workflow` named `name`, or find it: a repeat (an idempotent replay, or a
 * retry after a crash between starting and recording the start) gets the same execution. AWS
 * answers a repeat with the same input while it runs with the original execution, and with
 * ExecutionAlreadyExists once it has ended; either way the execution is the one named `name`.
 */
export async function startNamedExecution(workflow: string, name: string, input: Record<string, unknown>): Promise<string> {
  return (await startOrFindNamedExecution(workflow, name, input)).executionArn;
}

/**
 * {@link startNamedExecution}, saying whether this call started it (`started: false`: it existed,
 * with another input, or has ended), for a caller that reports what it started (a scheduled run).
 */
export async function startOrFindNamedExecution(workflow: string, name: string, input: Record<string, unknown>): Promise<{ executionArn: string; started: boolean }> {
  // The request that starts it, for the tasks' logs; states read only the fields they name.
  const requestId = currentRequestId();
  const body = requestId === undefined ? input : { ...input, requestId };
  try {
    const out = await sfn().send(new StartExecutionCommand({ stateMachineArn: stateMachineArn(workflow), name, input: JSON.stringify(body) }));
    if (!out.executionArn) throw new Error('StartExecution returned no executionArn');
    return { executionArn: out.executionArn, started: true };
  } catch (err) {
    if (!(err instanceof ExecutionAlreadyExists)) throw err;
    return { executionArn: executionArnFor(workflow, name), started: false };
  }
}

/**
 * An execution's history, oldest first, paging until it ends or at least `maxEvents` are read;
 * `truncated` says whether more events remain.
 */
export async function executionHistory(
  executionArn: string,
  options: { maxEvents?: number; includeExecutionData?: boolean } = {},
): Promise<{ events: HistoryEvent[]; truncated: boolean }> {
  const maxEvents = options.maxEvents ?? Number.POSITIVE_INFINITY;
  const events: HistoryEvent[] = [];
  let nextToken: string | undefined;
  do {
    const page = await sfn().send(
      new GetExecutionHistoryCommand({ executionArn, maxResults: 1000, nextToken, ...(options.includeExecutionData === false ? { includeExecutionData: false } : {}) }),
    );
    events.push(...(page.events ?? []));
    nextToken = page.nextToken;
  } while (nextToken && events.length < maxEvents);
  return { events, truncated: nextToken !== undefined || events.length > maxEvents };
}
