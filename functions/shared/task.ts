import * as z from 'zod';
import { fileURLToPath } from 'node:url';
import { dirname, join, relative, sep } from 'node:path';
import { logger } from './logger.ts';

/**
 * A workflow step's Lambda function, described once: the registry (and so the CDK stack and the
 * local host) is built from these objects, and the function's `handler` parses its input, so a
 * Task state that passes the wrong payload fails at once with the field named.
 *
 * Every Task state of a registered workflow also receives `execution` (`$$.Execution`'s name and
 * input; the registry adds it, see workflows/registry.ts): the handler logs with the execution's name and the
 * API's request id that started it, so one grep follows a request from the API into the workflow.
 */
export interface TaskSpec<S extends z.ZodObject, O> {
  /** Stable id: Lambda construct id on AWS, function name suffix on both hosts. */
  readonly id: string;
  /** `import.meta.url` of the file that defines the task: it exports `handler`, the Lambda entry point. */
  readonly file: string;
  /** The Task state's Payload, parsed before `run` sees it. */
  readonly input: S;
  /** Least privilege: what the function does with the table. */
  readonly tableAccess: 'read' | 'readWrite';
  /** Whether it calls Step Functions (to answer task tokens or start executions). */
  readonly usesStepFunctions?: boolean;
  /** Lambda timeout in seconds (default 30). */
  readonly timeoutSeconds?: number;
  /** Lambda memory in MB (default 512). */
  readonly memoryMb?: number;
  /** Also invoked on a schedule (EventBridge Scheduler on AWS), not only by workflows. */
  readonly schedule?: TaskSchedule;
  readonly run: (input: z.infer<S>, context: TaskContext) => Promise<O>;
}

/**
 * When the scheduler invokes a task, with an empty payload (`{}`). The local host has no scheduler:
 * a program offers a route that runs the same use case (so demo data and tests stay deterministic).
 */
export interface TaskSchedule {
  /** An EventBridge Scheduler expression: `cron(5 0 * * ? *)` is 00:05 every day. */
  readonly expression: string;
  /** IANA zone the expression is read in (`Asia/Shanghai`: calendar dates are Beijing's). */
  readonly timezone: string;
  readonly description: string;
}

/** What a step knows of the execution that runs it. */
export interface TaskContext {
  /** The execution's ARN (absent when the handler is called outside a workflow, e.g. by a test). */
  readonly executionArn?: string | undefined;
}

export interface TaskDefinition<O = unknown> {
  readonly id: string;
  /** Source file relative to the repository root, exporting `handler`. */
  readonly entry: string;
  /** Variable in the ASL definitions (`${RewardComputeFunctionArn}`) replaced by the function's ARN. */
  readonly substitution: string;
  readonly input: z.ZodObject;
  readonly tableAccess: 'read' | 'readWrite';
  readonly usesStepFunctions?: boolean;
  readonly timeoutSeconds?: number;
  readonly memoryMb?: number;
  readonly schedule?: TaskSchedule;
  readonly handler: (event: unknown) => Promise<O>;
}

/** What the registry adds to every Task payload: the execution's context object, for correlation. */
export const executionContextKey = 'execution';

const executionContextSchema = z
  .object({ Id: z.string().optional(), Name: z.string().optional(), Input: z.object({ requestId: z.string().optional() }).loose().optional() })
  .loose()
  .optional();

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** `reward-compute` → `RewardComputeFunctionArn`. */
export function substitutionOf(id: string): string {
  return `${id.replace(/(^|-)([a-z0-9])/g, (_, __, c: string) => c.toUpperCase())}FunctionArn`;
}

function entryOf(file: string): string {
  // In a Lambda bundle the URL is the bundle's own: only the hosts (CDK, local) read the entry.
  if (!file.startsWith('file:')) return file;
  return relative(repoRoot, fileURLToPath(file)).split(sep).join('/');
}

/** The id of the thing a step works on, for the logs: the first `…Id` field of the input. */
function subjectOf(input: Record<string, unknown>): string | undefined {
  const key = Object.keys(input).find((k) => k.endsWith('Id') && typeof input[k] === 'string');
  return key ? (input[key] as string) : undefined;
}

export function defineTask<S extends z.ZodObject, O>(spec: TaskSpec<S, O>): TaskDefinition<O> {
  const handler = async (event: unknown): Promise<O> => {
    const { [executionContextKey]: rawExecution, ...payload } = (event && typeof event === 'object' ? event : {}) as Record<string, unknown>;
    const execution = executionContextSchema.safeParse(rawExecution).data;
    const input = spec.input.parse(event && typeof event === 'object' ? payload : event);
    const correlation = {
      task: spec.id,
      subjectId: subjectOf(input as Record<string, unknown>),
      executionName: execution?.Name,
      requestId: execution?.Input?.requestId,
    };
    const started = performance.now();
    try {
      const output = await spec.run(input, { executionArn: execution?.Id });
      logger.debug('task done', { ...correlation, durationMs: Math.round(performance.now() - started) });
      return output;
    } catch (err) {
      // Step Functions retries or routes on the error's name; the log says which step and subject.
      logger.warn('task failed', { ...correlation, error: err as Error });
      throw err;
    }
  };
  return {
    id: spec.id,
    entry: entryOf(spec.file),
    substitution: substitutionOf(spec.id),
    input: spec.input,
    tableAccess: spec.tableAccess,
    ...(spec.usesStepFunctions !== undefined ? { usesStepFunctions: spec.usesStepFunctions } : {}),
    ...(spec.timeoutSeconds !== undefined ? { timeoutSeconds: spec.timeoutSeconds } : {}),
    ...(spec.memoryMb !== undefined ? { memoryMb: spec.memoryMb } : {}),
    ...(spec.schedule !== undefined ? { schedule: spec.schedule } : {}),
    handler,
  };
}
