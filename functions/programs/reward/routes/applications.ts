import { OpenAPIHono, createRoute, z } from '@hono/zod-openapi';
import { ExecutionDoesNotExist, type HistoryEvent } from '@aws-sdk/client-sfn';
import type { AppEnv } from '../../../platform/http/context.ts';
import { requireAllowed, roleGate } from '../../../platform/http/context.ts';
import { createdBody, idempotentCreate } from '../../../platform/http/idempotency.ts';
import { documented, errorResponses, idempotencyHeaders, json, pageOf, pageQueryShape, writeErrorResponses } from '../../../platform/http/schemas.ts';
import { applicationOr404, checkSubmission, newApplication, rewardWorkflowName, signApplication, startApplicationWorkflow, submissionTarget } from '../use-cases.ts';
import { accountsYearDescription, applicationIdSchema, applicationInputSchema, programIdSchema } from '../domain/entities.ts';
import { applicationStates } from '../domain/state.ts';
import { signOffRefusals } from '../domain/signoff.ts';
import { reasonRequiredMessage, refusedWithoutReason } from '../../../platform/decisions/reason.ts';
import { executionArnFor, executionHistory } from '../../../shared/executions.ts';
import { ValidationError } from '../../../shared/errors.ts';
import { listEntityAudit } from '../../../platform/store/audit.ts';
import { createApplication, listApplications, type ApplicationRecord } from '../store/application.ts';
import { getProgram } from '../store/program.ts';

const applicationView = z
  .object({
    id: z.string(),
    programId: z.string(),
    policyVersion: z.number().int(),
    entityId: z.string(),
    entityName: z.string(),
    village: z.string(),
    accountsYear: z.number().int().openapi({ description: `The program's accounts year. ${accountsYearDescription}`, example: 2025 }),
    status: z.enum(applicationStates),
    round: z.number().int(),
    submitter: z.string(),
    amountFen: z.number().int().optional(),
    computation: z.unknown().optional().openapi({ description: 'The latest computation with its snapshot (inputs), or the reasons it is ineligible' }),
    signatures: z.array(z.unknown()),
    financeApprovals: z.array(z.string()),
    decisions: z.array(z.unknown()),
    closedReason: z.string().optional(),
    version: z.number().int(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .passthrough()
  .openapi('RewardApplication');
const timelineEntry = z.object({ at: z.string(), source: z.enum(['audit', 'workflow']), what: z.string(), actor: z.string().optional(), detail: z.unknown().optional() });
const applicationDetail = applicationView.extend({ timeline: z.array(timelineEntry) }).openapi('RewardApplicationDetail');
export const submitBody = documented(applicationInputSchema, 'RewardApplicationInput');
export const signatureBody = z
  .strictObject({ decision: z.enum(['sign', 'refuse']), reason: z.string().trim().min(1).max(2000).optional() })
  .openapi('RewardSignature', { description: 'Your signature in your village position (from your token)' });
const idParams = z.object({ id: documented(applicationIdSchema, { param: { name: 'id', in: 'path' } }) });

/**
 * An application as the API shows it: its accounts year as `accountsYear`, like its program's.
 * The application item keeps the attribute name `year` (stored, part of its claim key, read by the
 * workflow's tasks): renamed here, at the API boundary, rather than in the table, because the
 * steps that read it are shared with work on the payments going on beside this (the disburse step),
 * and nothing but the API shows it to people. Stored idempotent answers (the record as created)
 * pass through here too.
 */
function applicationForApi<T extends { readonly year: number }>({ year, ...rest }: T): Omit<T, 'year'> & { accountsYear: number } {
  return { ...rest, accountsYear: year };
}

async function history(id: string): Promise<HistoryEvent[]> {
  try {
    return (await executionHistory(executionArnFor(rewardWorkflowName, id), { maxEvents: 5000 })).events;
  } catch (err) {
    if (err instanceof ExecutionDoesNotExist) return [];
    throw err;
  }
}

/** The audit trail and the execution history as one timeline, in time order. */
async function timeline(id: string): Promise<z.infer<typeof timelineEntry>[]> {
  const [audit, events] = await Promise.all([listEntityAudit('reward-application', id, { limit: 100 }), history(id)]);
  const entries: z.infer<typeof timelineEntry>[] = audit.items.map((a) => ({ at: a.at, source: 'audit', what: a.action, actor: a.actor, detail: a.after }));
  for (const e of events) {
    const name = e.stateEnteredEventDetails?.name;
    if (name) entries.push({ at: (e.timestamp ?? new Date(0)).toISOString(), source: 'workflow', what: `entered ${name}` });
    else if (e.type === 'ExecutionSucceeded' || e.type === 'ExecutionFailed' || e.type === 'ExecutionStarted') {
      entries.push({ at: (e.timestamp ?? new Date(0)).toISOString(), source: 'workflow', what: e.type });
    }
  }
  return entries.sort((a, b) => a.at.localeCompare(b.at));
}

export const rewardApplicationRoutes = new OpenAPIHono<AppEnv>()
  .openapi(
    createRoute({
      method: 'post',
      middleware: [roleGate('reward-application:create')] as const,
      path: '/applications',
      operationId: 'submitRewardApplication',
      tags: ['reward'],
      summary: 'Submit an application for an enterprise of your village (starts its workflow); use an Idempotency-Key',
      request: { headers: idempotencyHeaders, body: { required: true, content: json(submitBody) } },
      responses: { 201: { description: 'Submitted', content: json(applicationView) }, ...writeErrorResponses },
    }),
    async (c) => {
      const input = c.req.valid('json');
      const { program, enterprise } = await submissionTarget(input);
      const actor = requireAllowed(c, 'reward-application:create', { division: enterprise.village });
      const now = new Date();
      checkSubmission(program, enterprise, now);
      const outcome = await idempotentCreate<ApplicationRecord>(c, input, (extraItems) => createApplication(newApplication(program, enterprise, actor, now), actor, { extraItems }));
      // Also on a replay: the first request may have stopped between its write and the start.
      await startApplicationWorkflow(outcome.body.id);
      return c.json(applicationForApi(createdBody(c, outcome)), 201);
    },
  )

  .openapi(
    createRoute({
      method: 'get',
      middleware: [roleGate('reward-application:read')] as const,
      path: '/applications/{id}',
      operationId: 'getRewardApplication',
      tags: ['reward'],
      summary: 'Read an application with its timeline (audit trail and workflow history merged)',
      request: { params: idParams },
      responses: { 200: { description: 'The application', content: json(applicationDetail) }, ...errorResponses },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      const application = await applicationOr404(id);
      requireAllowed(c, 'reward-application:read', { division: application.village });
      return c.json({ ...applicationForApi(application), timeline: await timeline(id) }, 200);
    },
  )

  .openapi(
    createRoute({
      method: 'get',
      middleware: [roleGate('reward-application:read')] as const,
      path: '/applications',
      operationId: 'listRewardApplications',
      tags: ['reward'],
      summary: "A program's applications in submission order, filtered by status, division (default: your jurisdiction) and enterprise",
      request: {
        query: z.object({
          programId: programIdSchema,
          status: z.enum(applicationStates).optional(),
          division: z.string().regex(/^(\d{6}|\d{9}|\d{12})$/, 'must be a county, township or village code').optional(),
          entityId: z.string().optional(),
          ...pageQueryShape,
        }),
      },
      responses: { 200: { description: 'One page', content: json(pageOf(applicationView, 'RewardApplicationPage')) }, ...errorResponses },
    }),
    async (c) => {
      const { programId, status, division, entityId, limit, cursor } = c.req.valid('query');
      const program = await getProgram(programId);
      if (!program) throw new ValidationError([{ field: 'programId', message: `program ${programId} does not exist`, in: 'query' }]);
      const principal = c.get('principal');
      // Narrow to the caller's jurisdiction when it is below the program's.
      const scope = division ?? (principal.division.length > program.jurisdiction.length ? principal.division : program.jurisdiction);
      requireAllowed(c, 'reward-application:read', { division: scope });
      const page = await listApplications({ programId, status, division: scope, entityId }, { limit, cursor });
      return c.json({ ...page, items: page.items.map(applicationForApi) }, 200);
    },
  )

  .openapi(
    createRoute({
      method: 'post',
      middleware: [roleGate('reward-application:sign')] as const,
      path: '/applications/{id}/signatures',
      operationId: 'signRewardApplication',
      tags: ['reward'],
      summary: '三签一审: sign or refuse in your village position (handler, bookkeeper, head, supervisor)',
      request: { params: idParams, body: { required: true, content: json(signatureBody) } },
      responses: {
        200: { description: 'Recorded', content: json(z.object({ status: z.enum(['pending', 'complete', 'refused']), missing: z.array(z.string()), decisionId: z.string() }).openapi('RewardSignOff')) },
        ...writeErrorResponses,
      },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      const body = c.req.valid('json');
      if (refusedWithoutReason(body.decision, signOffRefusals, body.reason)) throw new ValidationError([{ field: 'reason', message: reasonRequiredMessage, in: 'body' }]);
      const application = await applicationOr404(id);
      const principal = requireAllowed(c, 'reward-application:sign', { division: application.village });
      const result = await signApplication(principal, id, body);
      return c.json({ ...result, status: result.status as 'pending' | 'complete' | 'refused' }, 200);
    },
  );
