import { afterAll, beforeAll } from 'vitest';
import { DescribeExecutionCommand, GetExecutionHistoryCommand, type DescribeExecutionCommandOutput, type HistoryEvent, type SFNClient } from '@aws-sdk/client-sfn';
import { resetClients, sfn } from '../../functions/shared/clients.ts';
import { resetConfig } from '../../functions/shared/config.ts';
import { startStepFunctionsLocal } from '../../local/stepfunctions/index.ts';
import { loadRegisteredWorkflows } from '../../local/stepfunctions/registry.ts';
import { localFunctionArn, type WorkflowRegistry } from '../../workflows/registry.ts';
import type { TaskHandler } from '../../local/stepfunctions/index.ts';
import type { WaitClock } from '../../local/stepfunctions/clock.ts';
import { waitUntil } from './wait.ts';

/**
 * Registers hooks that run the registered workflows (real definitions and handlers) on the local
 * Step Functions endpoint for the enclosing file or describe block, and point the SDK clients at it.
 * Hooks run in registration order, so environment a file sets in an earlier `beforeAll` (e.g. a
 * fault setting) is in the config the handlers see.
 */
export interface LocalStepFunctionsOptions {
  readonly waitScale?: number;
  /** The workflows and tasks to run (default: every module's). */
  readonly registry?: WorkflowRegistry;
  /** Task handlers to use instead of the real ones, by task id (routing tests). */
  readonly stubs?: Readonly<Record<string, TaskHandler>>;
  /** What Wait states wait by: a ManualClock the test moves (local/stepfunctions/clock.ts). */
  readonly clock?: WaitClock;
}

export function useLocalStepFunctions(options: LocalStepFunctionsOptions = {}): void {
  let stop: (() => Promise<void>) | undefined;
  beforeAll(async () => {
    const region = process.env.AWS_REGION ?? 'cn-north-1';
    const { stateMachines, handlers } = await loadRegisteredWorkflows(region, options.registry);
    for (const [id, stub] of Object.entries(options.stubs ?? {})) {
      const arn = localFunctionArn({ id }, region);
      if (!handlers.has(arn)) throw new Error(`No task ${id} to stub`);
      handlers.set(arn, stub);
    }
    const running = await startStepFunctionsLocal({
      port: 0,
      region,
      stateMachineArnPrefix: process.env.STATE_MACHINE_ARN_PREFIX!,
      stateMachines,
      handlers,
      ...(options.waitScale === undefined ? {} : { waitScale: options.waitScale }),
      ...(options.clock === undefined ? {} : { clock: options.clock }),
    });
    stop = running.stop;
    process.env.SFN_ENDPOINT = running.endpoint;
    resetConfig();
    resetClients();
  });
  afterAll(async () => {
    await stop?.();
  });
}

/** The whole history of an execution, all pages, through the configured SFN client (or `client`). */
export async function history(executionArn: string, client: SFNClient = sfn()): Promise<HistoryEvent[]> {
  const events: HistoryEvent[] = [];
  let nextToken: string | undefined;
  do {
    const h = await client.send(new GetExecutionHistoryCommand({ executionArn, nextToken, maxResults: 1000 }));
    events.push(...(h.events ?? []));
    nextToken = h.nextToken;
  } while (nextToken);
  return events;
}

/** Names of the states entered, in order (repeats kept). */
export const statesEntered = (events: HistoryEvent[]): string[] =>
  events.flatMap((e) => {
    const name = e.stateEnteredEventDetails?.name;
    return name && e.type?.endsWith('StateEntered') ? [name] : [];
  });

/** The name of an execution, the last part of its ARN. */
export const executionName = (executionArn: string): string => executionArn.slice(executionArn.lastIndexOf(':') + 1);

/** "the last states entered: A → B → C", for the message of a wait that timed out. */
export async function lastStatesEntered(executionArn: string, client: SFNClient = sfn(), count = 8): Promise<string> {
  const entered = statesEntered(await history(executionArn, client));
  return `the last states entered: ${entered.length > count ? '… → ' : ''}${entered.slice(-count).join(' → ') || 'none'}`;
}

/**
 * Waits until the execution has ended (any status but RUNNING) and returns what DescribeExecution
 * says then; a timeout names the execution, its status and the last states it entered.
 */
export async function executionEnded(
  executionArn: string,
  options: { readonly timeoutMs?: number; readonly intervalMs?: number; readonly client?: SFNClient } = {},
): Promise<DescribeExecutionCommandOutput> {
  const client = options.client ?? sfn();
  const { described } = await waitUntil(
    async () => {
      const described = await client.send(new DescribeExecutionCommand({ executionArn }));
      return { done: described.status !== 'RUNNING', seen: `execution ${executionName(executionArn)} is ${described.status}`, described };
    },
    {
      what: 'the execution to end',
      timeoutMs: options.timeoutMs,
      intervalMs: options.intervalMs,
      detail: () => lastStatesEntered(executionArn, client),
    },
  );
  return described;
}

/** How an execution ended: its status, the states entered, and its output or error. */
export interface EndedExecution {
  readonly status: string | undefined;
  /** {@link statesEntered}: the names of the states entered, in order, repeats kept. */
  readonly path: string[];
  readonly output: Record<string, unknown> | undefined;
  readonly error: string | undefined;
  readonly cause: string | undefined;
  readonly events: HistoryEvent[];
}

/** Waits for the execution to end (see {@link executionEnded}) and returns how it ended. */
export async function endedExecution(executionArn: string, options: { readonly timeoutMs?: number; readonly client?: SFNClient } = {}): Promise<EndedExecution> {
  const d = await executionEnded(executionArn, options);
  const events = await history(executionArn, options.client);
  return {
    status: d.status,
    path: statesEntered(events),
    output: d.output ? (JSON.parse(d.output) as Record<string, unknown>) : undefined,
    error: d.error,
    cause: d.cause,
    events,
  };
}

/**
 * Waits until the execution has entered `state` `times` times and returns the states entered so far;
 * a timeout names how often it was entered and the last states, and an execution that ended first
 * fails the wait at once.
 */
export async function untilEntered(executionArn: string, state: string, times = 1, options: { readonly timeoutMs?: number; readonly client?: SFNClient } = {}): Promise<string[]> {
  const { path } = await waitUntil(
    async () => {
      const events = await history(executionArn, options.client);
      const path = statesEntered(events);
      const count = path.filter((p) => p === state).length;
      const end = events.find((e) => e.type !== 'ExecutionStarted' && e.type?.startsWith('Execution'));
      if (count < times && end) throw new Error(`execution ${executionName(executionArn)} ended (${end.type}) having entered ${state} ${count} times, not ${times}: ${path.join(' → ')}`);
      return { done: count >= times, seen: `execution ${executionName(executionArn)} entered ${state} ${count} times, the last states ${path.slice(-4).join(' → ') || 'none'}`, path };
    },
    { what: `${state} entered ${times} times`, timeoutMs: options.timeoutMs },
  );
  return path;
}

/** The execution's status now. */
export async function executionStatus(executionArn: string, client: SFNClient = sfn()): Promise<string | undefined> {
  return (await client.send(new DescribeExecutionCommand({ executionArn }))).status;
}
