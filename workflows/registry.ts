import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { modules as allModules } from '../functions/modules.ts';
import type { ProgramModule, WorkflowDefinition } from '../functions/platform/module.ts';
import { executionContextKey, type TaskDefinition } from '../functions/shared/task.ts';

/**
 * The map from workflows to the code their Task states run, read by both hosts, aggregated from the
 * modules (functions/modules.ts): the CDK stack builds one Lambda function per task and substitutes
 * its ARN into the definition; the local Step Functions endpoint substitutes a local ARN and calls the
 * same handler in-process. The ASL files stay here, flat, and name no module.
 */
export type Workflow = WorkflowDefinition;
export type TaskFunction = TaskDefinition;

/** What the stack and the local host deploy: replaceable so tests can pass a fixture module. */
export interface WorkflowRegistry {
  readonly workflows: readonly Workflow[];
  readonly taskFunctions: readonly TaskFunction[];
  /** The ASL text with `${…}` substitution variables still in place: exactly what CDK deploys. */
  readonly definitionText: (workflow: Workflow) => string;
}

/**
 * The one Retry policy of every Lambda task, put in front of whatever a state adds for its own
 * errors (a state lists only those). First the Lambda service errors AWS recommends retrying; then
 * the transient errors of this codebase: a fault injected by a test, a write that lost a race
 * (ConflictError, a cancelled or conflicting transaction, a condition that failed because another
 * writer moved first) and throttling. Every step is idempotent, so a repeat re-reads and converges.
 */
export const standardRetry = [
  {
    ErrorEquals: ['Lambda.ServiceException', 'Lambda.AWSLambdaException', 'Lambda.SdkClientException', 'Lambda.TooManyRequestsException'],
    IntervalSeconds: 1,
    MaxAttempts: 3,
    BackoffRate: 2,
  },
  {
    ErrorEquals: [
      'InjectedFault',
      'ConflictError',
      'TransactionConditionFailed',
      'TransactionCanceledException',
      'TransactionConflictException',
      'ProvisionedThroughputExceededException',
      'ThrottlingException',
    ],
    IntervalSeconds: 1,
    MaxAttempts: 12,
    BackoffRate: 1.5,
  },
] as const;

const here = dirname(fileURLToPath(import.meta.url));

type Json = Record<string, unknown>;

/** Lambda tasks (`arn:aws:states:::lambda:invoke`, with or without `.waitForTaskToken`). */
export function isLambdaTaskState(state: Json): boolean {
  return state.Type === 'Task' && typeof state.Resource === 'string' && state.Resource.startsWith('arn:aws:states:::lambda:invoke');
}

function eachState(states: Json, visit: (state: Json) => void): void {
  for (const state of Object.values(states) as Json[]) {
    visit(state);
    for (const branch of (state.Branches as Json[] | undefined) ?? []) eachState(branch.States as Json, visit);
    const processor = (state.ItemProcessor ?? state.Iterator) as Json | undefined;
    if (processor) eachState(processor.States as Json, visit);
  }
}

/**
 * The platform's conventions, applied to an ASL file as it is read: every Lambda task gets the
 * standard Retry in front of its own, and its payload gets `execution` (the execution's ARN, name
 * and input) so the task logs with the execution's name and the API request that started it
 * (functions/shared/task.ts).
 */
export function withConventions(definition: string): string {
  const machine = JSON.parse(definition) as Json;
  eachState(machine.States as Json, (state) => {
    if (!isLambdaTaskState(state)) return;
    state.Retry = [...standardRetry, ...((state.Retry as Json[] | undefined) ?? [])];
    const parameters = state.Parameters as Json | undefined;
    const payload = parameters?.Payload as Json | undefined;
    // Named fields, not the whole `$$.Execution`: its StartTime differs on every run of the local
    // interpreter, and the local host keys a replayed step by its payload.
    if (payload && typeof payload === 'object') payload[executionContextKey] = { 'Id.$': '$$.Execution.Id', 'Name.$': '$$.Execution.Name', 'Input.$': '$$.Execution.Input' };
  });
  return JSON.stringify(machine, null, 2);
}

/** The raw ASL file as it is in this folder. */
export function definitionFileText(workflow: Workflow): string {
  return readFileSync(join(here, workflow.definitionFile), 'utf8');
}

/** The registry of the given modules (default: every module of functions/modules.ts). */
export function registryOf(modules: readonly ProgramModule[] = allModules): WorkflowRegistry {
  return {
    workflows: modules.flatMap((m) => m.workflows),
    taskFunctions: modules.flatMap((m) => m.tasks),
    definitionText: (workflow) => withConventions(definitionFileText(workflow)),
  };
}

const defaultRegistry = registryOf();
export const workflows = defaultRegistry.workflows;
export const taskFunctions = defaultRegistry.taskFunctions;
export const definitionText = defaultRegistry.definitionText;

/** Replace `${Name}` variables as Step Functions' definitionSubstitutions does; unknown names are an error. */
export function substitute(definition: string, values: Readonly<Record<string, string>>): string {
  return definition.replace(/\$\{([A-Za-z0-9_]+)\}/g, (_, name: string) => {
    const value = values[name];
    if (value === undefined) throw new Error(`No substitution for \${${name}}`);
    return value;
  });
}

/** Local (non-AWS) Lambda ARN for a task function; the local endpoint maps it back to the handler. */
export function localFunctionArn(fn: Pick<TaskFunction, 'id'>, region = 'cn-north-1'): string {
  return `arn:aws:lambda:${region}:000000000000:function:village-flow-${fn.id}`;
}
