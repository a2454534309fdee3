import { OpenAPIHono, createRoute, z } from '@hono/zod-openapi';
import {
  DescribeExecutionCommand,
  ExecutionDoesNotExist,
  ExecutionNotRedrivable,
  InvalidArn,
  InvalidToken,
  ListExecutionsCommand,
  RedriveExecutionCommand,
  type ExecutionListItem,
  type HistoryEvent,
} from '@aws-sdk/client-sfn';
import type { AppEnv } from '../http/context.ts';
import { json, problemResponse } from '../http/schemas.ts';
import { principalOf, requireAllowed, roleGate } from '../http/context.ts';
import { sfn } from '../../shared/clients.ts';
import { executionArnFor, executionHistory } from '../../shared/executions.ts';
import { config, stateMachineArn } from '../../shared/config.ts';
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from '../../shared/errors.ts';
import type { WorkflowDefinition } from '../module.ts';
import type { Principal } from '../principal.ts';
import { authorize, type Action } from '../authz.ts';
import { statePath } from '../state-path.ts';

const executionStatuses = ['RUNNING', 'SUCCEEDED', 'FAILED', 'TIMED_OUT', 'ABORTED', 'PENDING_REDRIVE'] as const;
/** What an operator looks at first: executions that ended without succeeding. */
const failedStatuses = ['FAILED', 'TIMED_OUT', 'ABORTED'] as const;

const pathStepSchema = z
  .object({
    state: z.string(),
    enteredAt: z.string().optional(),
    exitedAt: z.string().optional(),
    error: z.string().optional().openapi({ description: 'The last error seen while the state was open' }),
    cause: z.string().optional(),
  })
  .openapi('ExecutionPathStep');

const executionSummarySchema = z
  .object({
    executionArn: z.string(),
    workflow: z.string(),
    name: z.string(),
    status: z.string(),
    startDate: z.string().optional(),
    stopDate: z.string().optional(),
  })
  .openapi('ExecutionSummary');

const historyEventSchema = z.object({
  id: z.number().int(),
  previousEventId: z.number().int().optional(),
  type: z.string(),
  timestamp: z.string().optional(),
  /** The state entered or exited, when the event is about a state. */
  state: z.string().optional(),
  error: z.string().optional(),
  cause: z.string().optional(),
});

const executionDetailSchema = executionSummarySchema
  .extend({
    input: z.unknown().optional(),
    output: z.unknown().optional(),
    error: z.string().optional(),
    cause: z.string().optional(),
    events: z.array(historyEventSchema),
    /** Present when the history was longer than what one response carries. */
    eventsTruncated: z.boolean().optional(),
  })
  .openapi('ExecutionDetail');

const redrivenSchema = executionSummarySchema
  .extend({
    redriveCount: z.number().int(),
    redriveDate: z.string().optional(),
  })
  .openapi('RedrivenExecution');

/** Which registered workflow an execution ARN belongs to (undefined: not one of ours). */
export function workflowOf(workflowNames: readonly string[], executionArn: string): string | undefined {
  const prefix = config().STATE_MACHINE_ARN_PREFIX.replace(':stateMachine:', ':execution:');
  if (!executionArn.startsWith(prefix)) return undefined;
  const rest = executionArn.slice(prefix.length);
  return workflowNames.find((w) => rest.startsWith(`${w}:`));
}

export const iso = (d: Date | undefined) => d?.toISOString();
const parseJson = (text: string | undefined): unknown => {
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
};

function summary(e: ExecutionListItem, workflow: string) {
  return { executionArn: e.executionArn!, workflow, name: e.name!, status: e.status!, startDate: iso(e.startDate), stopDate: iso(e.stopDate) };
}

export function eventView(e: HistoryEvent) {
  const failure =
    e.executionFailedEventDetails ?? e.taskFailedEventDetails ?? e.lambdaFunctionFailedEventDetails ?? e.mapRunFailedEventDetails ?? e.activityFailedEventDetails;
  return {
    id: Number(e.id),
    ...(e.previousEventId ? { previousEventId: Number(e.previousEventId) } : {}),
    type: e.type!,
    timestamp: iso(e.timestamp),
    state: e.stateEnteredEventDetails?.name ?? e.stateExitedEventDetails?.name,
    error: failure?.error,
    cause: failure?.cause,
  };
}

/** Events returned at most; the Step Functions quota is 25,000 per execution. */
export const maxEvents = 5_000;

/** `/workflows/executions`: the executions of the registered workflows (the composition root names them). */
export function workflowRoutes(registered: readonly WorkflowDefinition[]) {
  const workflowNames = registered.map((w) => w.name) as [string, ...string[]];
  const byName = new Map(registered.map((w) => [w.name, w]));
  /**
   * Whether the caller may read an execution: through its subject's jurisdiction, as they may read
   * the subject. `missing`: the subject does not exist (executions are named after their subject, so
   * there is nothing to show either way).
   */
  const access = async (principal: Principal, workflow: string, executionName: string, action: Action = 'workflow:read'): Promise<'allowed' | 'denied' | 'missing'> => {
    const division = await byName.get(workflow)?.subjectDivision(executionName);
    if (division === undefined) return 'missing';
    return authorize(principal, action, { division }).allowed ? 'allowed' : 'denied';
  };

  /**
   * The execution an `{id}` names, once the caller may do `action` on it: decided on the subject named
   * in the id, before anything is read of the execution, so whether an execution exists is not told
   * to a caller who may not act on it.
   */
  const executionFor = async (principal: Principal, id: string, action: Action): Promise<{ executionArn: string; workflow: string; name: string }> => {
    const short = /^([a-z0-9-]+):([A-Za-z0-9_-]{1,80})$/.exec(id);
    const executionArn = short && workflowNames.includes(short[1]!) ? executionArnFor(short[1]!, short[2]!) : id;
    const workflow = workflowOf(workflowNames, executionArn);
    if (!workflow) throw new ValidationError([{ field: 'id', message: 'is not an execution of a village-flow workflow', in: 'path' }]);
    const name = executionArn.split(':').at(-1) ?? '';
    const allowed = await access(principal, workflow, name, action);
    if (allowed === 'missing') throw new NotFoundError(`Execution ${executionArn} does not exist`);
    if (allowed === 'denied') throw new ForbiddenError(`execution ${name} is outside your jurisdiction`);
    return { executionArn, workflow, name };
  };

  /** DescribeExecution, with its errors as problems. */
  const describe = async (executionArn: string) => {
    try {
      return await sfn().send(new DescribeExecutionCommand({ executionArn }));
    } catch (err) {
      if (err instanceof ExecutionDoesNotExist) throw new NotFoundError(`Execution ${executionArn} does not exist`);
      if (err instanceof InvalidArn) throw new ValidationError([{ field: 'id', message: 'is not a valid execution ARN', in: 'path' }]);
      throw err;
    }
  };

  const listRoute = createRoute({
    method: 'get',
    path: '/workflows/executions',
    operationId: 'listExecutions',
    tags: ['workflows'],
    summary: 'Executions of the workflows, newest first (admin, auditor)',
    description: 'With `workflow`, pages with `cursor`; without, the newest `limit` of each workflow, merged.',
    request: {
      query: z.object({
        workflow: z.enum(workflowNames).optional(),
        status: z.enum(executionStatuses).optional(),
        order: z.enum(['newest', 'failed-first']).default('newest').openapi({ description: '`failed-first`: FAILED, TIMED_OUT and ABORTED executions first (newest first among them), then the others; one page, no cursor' }),
        limit: z.coerce.number().int().min(1).max(100).default(50),
        cursor: z.string().min(1).max(4096).optional(),
      }),
    },
    responses: {
      200: { description: 'Executions', content: json(z.object({ items: z.array(executionSummarySchema), nextCursor: z.string().optional() })) },
      400: problemResponse('Bad filter'),
      403: problemResponse('Not allowed'),
    },
  });

  const pathRoute = createRoute({
    method: 'get',
    path: '/workflows/executions/{id}/path',
    operationId: 'getExecutionPath',
    tags: ['workflows'],
    summary: 'The states an execution entered, in order, with the error of the state it failed in (admin, auditor)',
    description: '`id` as for GET /workflows/executions/{id}. A state entered again (a loop, a Map iteration) is a step again.',
    request: { params: z.object({ id: z.string().min(3).max(2048) }) },
    responses: {
      200: {
        description: 'The path',
        content: json(
          executionSummarySchema
            .extend({ path: z.array(pathStepSchema), eventsTruncated: z.boolean().optional() })
            .openapi('ExecutionPath'),
        ),
      },
      400: problemResponse('Not an execution id'),
      403: problemResponse('Not allowed'),
      404: problemResponse('No such execution'),
    },
  });

  const getRoute = createRoute({
    method: 'get',
    path: '/workflows/executions/{id}',
    operationId: 'getExecution',
    tags: ['workflows'],
    summary: 'One execution with its history (admin, auditor)',
    description: '`id` is the execution ARN (URL-encoded) or `<workflow>:<execution name>`, e.g. `village-import:imp-…`.',
    request: { params: z.object({ id: z.string().min(3).max(2048) }) },
    responses: {
      200: { description: 'The execution and its events', content: json(executionDetailSchema) },
      400: problemResponse('Not an execution id'),
      403: problemResponse('Not allowed'),
      404: problemResponse('No such execution'),
    },
  });

  const redriveRoute = createRoute({
    method: 'post',
    path: '/workflows/executions/{id}/redrive',
    operationId: 'redriveExecution',
    tags: ['workflows'],
    summary: 'Run a failed, timed-out or stopped execution again from its failed step (admin)',
    description:
      'Step Functions RedriveExecution: the execution keeps its ARN and history, the steps it completed are not run again, ' +
      'the failed step is. `id` as for GET. No body. 409 when the execution is running or succeeded.',
    middleware: [roleGate('workflow:redrive')] as const,
    request: { params: z.object({ id: z.string().min(3).max(2048) }) },
    responses: {
      202: { description: 'Redriven: the execution runs again', content: json(redrivenSchema) },
      400: problemResponse('Not an execution id'),
      403: problemResponse('Not allowed'),
      404: problemResponse('No such execution'),
      409: problemResponse('The execution is running or succeeded: nothing to redrive'),
    },
  });

  return new OpenAPIHono<AppEnv>()
    .openapi(listRoute, async (c) => {
      const principal = requireAllowed(c, 'workflow:read', { division: principalOf(c).division });
      const { workflow, status, order, limit, cursor } = c.req.valid('query');
      if (cursor && !workflow) throw new ValidationError([{ field: 'cursor', message: 'needs workflow: cursors page one workflow', in: 'query' }]);
      if (cursor && order === 'failed-first') throw new ValidationError([{ field: 'cursor', message: 'order=failed-first is one page: it takes no cursor', in: 'query' }]);
      const names = workflow ? [workflow] : workflowNames;
      const list = async (name: string, statusFilter: (typeof executionStatuses)[number] | undefined, nextToken?: string) => {
        try {
          const out = await sfn().send(new ListExecutionsCommand({ stateMachineArn: stateMachineArn(name), statusFilter, maxResults: limit, nextToken }));
          return { items: (out.executions ?? []).map((e) => summary(e, name)), nextToken: out.nextToken };
        } catch (err) {
          if (err instanceof InvalidToken) throw new ValidationError([{ field: 'cursor', message: 'is not a cursor of this listing', in: 'query' }]);
          throw err;
        }
      };
      const newestFirst = (items: z.infer<typeof executionSummarySchema>[]) => items.sort((a, b) => (b.startDate ?? '').localeCompare(a.startDate ?? ''));
      let items: z.infer<typeof executionSummarySchema>[] = [];
      let nextCursor: string | undefined;
      if (order === 'failed-first' && status === undefined) {
        // The failed ones of every workflow by status (ListExecutions filters one status at a time),
        // then the newest of the rest to fill the page.
        const failed = newestFirst((await Promise.all(names.flatMap((name) => failedStatuses.map((s) => list(name, s))))).flatMap((p) => p.items));
        const failedArns = new Set(failed.map((e) => e.executionArn));
        const rest = failed.length >= limit ? [] : newestFirst((await Promise.all(names.map((name) => list(name, undefined)))).flatMap((p) => p.items).filter((e) => !failedArns.has(e.executionArn)));
        items = [...failed, ...rest];
      } else {
        for (const name of names) {
          const page = await list(name, status, cursor);
          items.push(...page.items);
          if (workflow) nextCursor = page.nextToken;
        }
        newestFirst(items);
      }
      // Every execution is scoped through its subject: others' are left out (a page may then be
      // shorter than the limit, as the cursor contract allows).
      const visible = await Promise.all(items.slice(0, limit).map(async (e) => (await access(principal, e.workflow, e.name)) === 'allowed'));
      return c.json({ items: items.slice(0, limit).filter((_, i) => visible[i]), ...(nextCursor ? { nextCursor } : {}) }, 200);
    })

    .openapi(pathRoute, async (c) => {
      const principal = requireAllowed(c, 'workflow:read', { division: principalOf(c).division });
      const { executionArn, workflow } = await executionFor(principal, c.req.valid('param').id, 'workflow:read');
      const described = await describe(executionArn);
      const { events, truncated } = await executionHistory(executionArn, { maxEvents, includeExecutionData: false });
      return c.json(
        {
          executionArn,
          workflow,
          name: described.name ?? executionArn.split(':').at(-1) ?? '',
          status: described.status ?? 'UNKNOWN',
          startDate: iso(described.startDate),
          stopDate: iso(described.stopDate),
          path: statePath(events.slice(0, maxEvents).map(eventView)),
          ...(truncated ? { eventsTruncated: true } : {}),
        },
        200,
      );
    })

    .openapi(getRoute, async (c) => {
      const principal = requireAllowed(c, 'workflow:read', { division: principalOf(c).division });
      const { executionArn, workflow } = await executionFor(principal, c.req.valid('param').id, 'workflow:read');
      const described = await describe(executionArn);
      const input = parseJson(described.input);
      const { events, truncated } = await executionHistory(executionArn, { maxEvents });

      return c.json(
        executionDetailSchema.parse({
          executionArn,
          workflow,
          name: described.name ?? executionArn.split(':').at(-1),
          status: described.status,
          startDate: iso(described.startDate),
          stopDate: iso(described.stopDate),
          input,
          output: parseJson(described.output),
          error: described.error,
          cause: described.cause,
          events: events.slice(0, maxEvents).map(eventView),
          ...(truncated ? { eventsTruncated: true } : {}),
        }),
        200,
      );
    })

    .openapi(redriveRoute, async (c) => {
      const { executionArn, workflow, name } = await executionFor(principalOf(c), c.req.valid('param').id, 'workflow:redrive');
      try {
        await sfn().send(new RedriveExecutionCommand({ executionArn }));
      } catch (err) {
        if (err instanceof ExecutionNotRedrivable) {
          const status = (await describe(executionArn)).status;
          throw new ConflictError(`Execution ${name} is ${status ?? 'not redrivable'}: only a failed, timed-out or aborted execution can be redriven`);
        }
        if (err instanceof ExecutionDoesNotExist) throw new NotFoundError(`Execution ${executionArn} does not exist`);
        if (err instanceof InvalidArn) throw new ValidationError([{ field: 'id', message: 'is not a valid execution ARN', in: 'path' }]);
        throw err;
      }
      const d = await describe(executionArn);
      return c.json(
        redrivenSchema.parse({
          executionArn, workflow, name, status: d.status, startDate: iso(d.startDate), stopDate: iso(d.stopDate),
          redriveCount: d.redriveCount ?? 0, redriveDate: iso(d.redriveDate),
        }),
        202,
      );
    });
}
