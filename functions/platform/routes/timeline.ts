import { OpenAPIHono, createRoute, z } from '@hono/zod-openapi';
import { DescribeExecutionCommand, ExecutionDoesNotExist } from '@aws-sdk/client-sfn';
import type { AppEnv } from '../http/context.ts';
import { principalOf, requireAllowed, roleGate } from '../http/context.ts';
import { documented, errorResponses, json } from '../http/schemas.ts';
import { authorize, mayEverDo } from '../authz.ts';
import type { DecisionKindDefinition, WorkflowDefinition } from '../module.ts';
import { sfn } from '../../shared/clients.ts';
import { executionArnFor, executionHistory } from '../../shared/executions.ts';
import { ForbiddenError, NotFoundError } from '../../shared/errors.ts';
import { entityHistory, type AuditRecord } from '../store/audit.ts';
import { decisionIdSchema, getDecision } from '../decisions/store.ts';
import { eventView, maxEvents, workflowOf } from './workflows.ts';

/**
 * Timelines: what happened to a subject, from both of its records merged in time order: the audit
 * trail (who did what, in which role) and the execution history of its workflow (which state it
 * entered, what failed). The console shows one beside a decision or an entity.
 */

const auditEntrySchema = z
  .object({
    type: z.literal('audit'),
    at: z.string(),
    entity: z.string().openapi({ description: '<type>:<id> of the audited entity (the decision itself, or its subject)' }),
    actor: z.string(),
    roles: z.array(z.string()),
    action: z.string(),
    before: z.unknown().optional(),
    after: z.unknown().optional(),
  })
  .openapi('TimelineAuditEntry');

const executionEntrySchema = z
  .object({
    type: z.literal('execution'),
    at: z.string(),
    workflow: z.string(),
    executionArn: z.string(),
    eventId: z.number().int(),
    eventType: z.string().openapi({ description: 'Step Functions history event type, e.g. TaskStateEntered, ExecutionFailed' }),
    state: z.string().optional().openapi({ description: 'The state entered or exited' }),
    error: z.string().optional(),
    cause: z.string().optional(),
  })
  .openapi('TimelineExecutionEntry');

const timelineEntrySchema = z.discriminatedUnion('type', [auditEntrySchema, executionEntrySchema]).openapi('TimelineEntry');
type TimelineEntry = z.infer<typeof timelineEntrySchema>;

const timelineSchema = z
  .object({
    subject: z.string().openapi({ description: '<type>:<id> of the subject' }),
    executions: z.array(z.object({ workflow: z.string(), executionArn: z.string(), status: z.string() })),
    entries: z.array(timelineEntrySchema).openapi({ description: 'Oldest first; entries of the same instant keep their order within their source' }),
    truncated: z.boolean().openapi({ description: 'True when a source held more than a timeline carries (2,000 audit records per entity, 5,000 events per execution)' }),
  })
  .openapi('Timeline');

const maxAuditRecords = 2_000;

function auditEntry(r: AuditRecord): TimelineEntry {
  return { type: 'audit', at: r.at, entity: `${r.entityType}:${r.entityId}`, actor: r.actor, roles: r.roles, action: r.action, ...(r.before !== undefined ? { before: r.before } : {}), ...(r.after !== undefined ? { after: r.after } : {}) };
}

/** Oldest first; Array.prototype.sort is stable, so each source keeps its own order within an instant. */
function merged(entries: TimelineEntry[]): TimelineEntry[] {
  return entries.sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));
}

const idPattern = /^[A-Za-z0-9._:#-]{1,300}$/;

export function timelineRoutes(kinds: ReadonlyMap<string, DecisionKindDefinition>, registered: readonly WorkflowDefinition[]) {
  const workflowNames = registered.map((w) => w.name);

  /** The execution's history as timeline entries, or undefined when it does not exist. */
  const executionEntries = async (executionArn: string) => {
    const workflow = workflowOf(workflowNames, executionArn);
    if (!workflow) return undefined;
    let status: string;
    try {
      status = (await sfn().send(new DescribeExecutionCommand({ executionArn }))).status ?? 'UNKNOWN';
    } catch (err) {
      if (err instanceof ExecutionDoesNotExist) return undefined;
      throw err;
    }
    const { events, truncated } = await executionHistory(executionArn, { maxEvents });
    const entries = events.slice(0, maxEvents).map((e): TimelineEntry => {
      const v = eventView(e);
      return {
        type: 'execution', at: v.timestamp ?? '', workflow, executionArn, eventId: v.id, eventType: v.type,
        ...(v.state !== undefined ? { state: v.state } : {}), ...(v.error !== undefined ? { error: v.error } : {}), ...(v.cause !== undefined ? { cause: v.cause } : {}),
      };
    });
    return { execution: { workflow, executionArn, status }, entries, truncated };
  };

  type Timeline = z.infer<typeof timelineSchema>;
  const assemble = async (subject: string, audits: { records: AuditRecord[]; truncated: boolean }[], executionArns: readonly string[]): Promise<Timeline> => {
    const executions = (await Promise.all(executionArns.map(executionEntries))).filter((e) => e !== undefined);
    return {
      subject,
      executions: executions.map((e) => e.execution),
      entries: merged([...audits.flatMap((a) => a.records.map(auditEntry)), ...executions.flatMap((e) => e.entries)]),
      truncated: audits.some((a) => a.truncated) || executions.some((e) => e.truncated),
    };
  };

  /** The decision kind an id names (ids are `<kind>.<subject>.r<round>`), the longest that fits. */
  const kindOfId = (id: string) => [...kinds.values()].filter((k) => id.startsWith(`${k.kind}.`)).sort((a, b) => b.kind.length - a.kind.length)[0];

  return new OpenAPIHono<AppEnv>()
    .openapi(
      createRoute({
        method: 'get',
        path: '/decisions/{decisionId}/timeline',
        operationId: 'getDecisionTimeline',
        tags: ['decisions'],
        summary: "A decision's timeline: its audit trail and its subject's, merged with the workflow execution's history, oldest first",
        description: 'Readable by whoever may read the decision (its kind\'s read permission in the subject\'s jurisdiction: auditors, admins, the deciding roles). A role that may never read such decisions gets 403 before anything is read.',
        request: { params: z.object({ decisionId: documented(decisionIdSchema, { param: { name: 'decisionId', in: 'path' } }) }) },
        responses: { 200: { description: 'The timeline', content: json(timelineSchema) }, ...errorResponses },
      }),
      async (c) => {
        const { decisionId } = c.req.valid('param');
        const principal = principalOf(c);
        const definition = kindOfId(decisionId);
        // An id of no declared kind names no decision that could exist.
        if (!definition) throw new NotFoundError(`Decision ${decisionId} does not exist`);
        if (!mayEverDo(principal, definition.readAction)) throw new ForbiddenError(`${definition.readAction} is not allowed for role ${principal.roles.join(', ')}`);
        const decision = await getDecision(decisionId);
        if (!decision) throw new NotFoundError(`Decision ${decisionId} does not exist`);
        requireAllowed(c, definition.readAction, { division: decision.division });
        const [own, subject] = await Promise.all([
          entityHistory('decision', decision.id, maxAuditRecords),
          entityHistory(definition.subjectAuditType ?? decision.subjectType, decision.subjectId, maxAuditRecords),
        ]);
        // The execution that waited on it; an older decision without one: its subject's, found by name.
        const executionArns = decision.executionArn ? [decision.executionArn] : workflowNames.map((w) => executionArnFor(w, decision.subjectId));
        return c.json(await assemble(`${decision.subjectType}:${decision.subjectId}`, [own, subject], executionArns), 200);
      },
    )

    .openapi(
      createRoute({
        method: 'get',
        middleware: [roleGate('audit:read')] as const,
        path: '/timeline',
        operationId: 'getEntityTimeline',
        tags: ['audit'],
        summary: "An entity's timeline (admin, auditor): its audit trail merged with the history of the workflow execution named after it, oldest first",
        description: 'The entity as `GET /audit?entity=` names it, split in two: `entity=reward-application&id=ra-…`, `entity=fundingRun&id=fr-…`, `entity=villageImport&id=imp-…`. 403 when any of it lies outside your jurisdiction, 404 when there is nothing about it.',
        request: {
          query: z.object({
            entity: z.string().regex(/^[a-zA-Z][a-zA-Z-]{0,39}$/, 'must be an entity type such as reward-application, fundingRun or village').openapi({ description: 'The audit trail\'s entity type' }),
            id: z.string().regex(idPattern, 'must be an entity id').openapi({ description: 'The entity id (a village code, an application id …)' }),
          }),
        },
        responses: { 200: { description: 'The timeline', content: json(timelineSchema) }, ...errorResponses },
      }),
      async (c) => {
        const { entity, id } = c.req.valid('query');
        const principal = principalOf(c);
        const audit = await entityHistory(entity, id, maxAuditRecords);
        if (audit.records.some((r) => !authorize(principal, 'audit:read', { division: r.division }).allowed)) throw new ForbiddenError(`The history of ${entity}:${id} lies outside your jurisdiction`);
        // Executions are named after their subject: every workflow whose subject of that id exists.
        const divisions = await Promise.all(registered.map(async (w) => ({ workflow: w.name, division: await w.subjectDivision(id) })));
        const subjects = divisions.filter((d): d is { workflow: string; division: string } => d.division !== undefined);
        if (subjects.some((s) => !authorize(principal, 'workflow:read', { division: s.division }).allowed)) throw new ForbiddenError(`${entity}:${id} lies outside your jurisdiction`);
        const timeline = await assemble(`${entity}:${id}`, [audit], subjects.map((s) => executionArnFor(s.workflow, id)));
        if (timeline.entries.length === 0) throw new NotFoundError(`Nothing is recorded about ${entity}:${id}`);
        return c.json(timeline, 200);
      },
    );
}
