import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { DescribeExecutionCommand, SendTaskFailureCommand, SendTaskSuccessCommand } from '@aws-sdk/client-sfn';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { createHash } from 'node:crypto';
import * as z from 'zod';
import { ddb, sfn, tableName } from '../../shared/clients.ts';
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from '../../shared/errors.ts';
import { logger } from '../../shared/logger.ts';
import { roleSchema, type Actor, type Principal, type Role } from '../principal.ts';
import { auditPut } from '../store/audit.ts';
import { defineEntity } from '../store/entity.ts';
import { whereAll, type Page, type PageRequest } from '../store/pagination.ts';
import { inboxConditions, type InboxFilter } from './filter.ts';
import { decisionKindSchema, type DecisionKind } from './kind.ts';
import { ifAbsent, named, putItem, TransactionConditionFailed, updateItem, writeTransaction, type TransactItem } from '../store/transact.ts';

export { decisionKindSchema, type DecisionKind } from './kind.ts';

/**
 * Human steps of a workflow waiting on a Step Functions task token (`.waitForTaskToken`).
 *
 * The callback step's handler stores the token here with what the API needs to show the step in an
 * inbox; the API records who decided and answers Step Functions with the stored token. The token is
 * an attribute of the item that no exported reader returns, so it never reaches a user.
 *
 * Keys: pk `DECISION#<id>`, sk `DECISION`. While open, gsi1 `INBOX#<role>#<county>` /
 * `<createdAt>#<id>` lists what a role may decide in a county, oldest first, and the optional gsi2
 * `QUEUE#<queue>` / `<createdAt>#<id>` lists a queue of waiters (e.g. the unfunded applications of
 * one program, woken oldest first when the budget is raised). Both index entries are removed in the
 * transaction that answers the decision, so answered items drop out of every listing.
 *
 * Exactly one answer wins: the answer is a conditional update (status open, version as read) in a
 * transaction with the caller's own items; Step Functions is told only after that commit. If the
 * process dies between the commit and the call, `delivered` stays false and a repeat of the same
 * answer (same actor, same outcome) delivers it again instead of being refused; a callback step that
 * is retried (new token) finds the answer and delivers it to its own token.
 */

export const decisionStatuses = ['open', 'answered', 'cancelled'] as const;
export type DecisionStatus = (typeof decisionStatuses)[number];

/** Decision ids appear in URLs (`/decisions/{id}`): letters, digits and `._:-` only. */
export const decisionIdSchema = z.string().min(1).max(300).regex(/^[A-Za-z0-9._:-]+$/, 'must be a decision id');


/** The actor recorded for writes made by workflow steps. */
export const workflowActor: Actor = { sub: 'system:workflow', roles: [] };

export type JsonObject = Record<string, unknown>;
const jsonObjectSchema = z.record(z.string(), z.unknown());

export type Completion = { readonly output: JsonObject } | { readonly failure: { readonly error: string; readonly cause: string } };

const failureSchema = z.object({ error: z.string(), cause: z.string() });

export const escalationSchema = z.object({
  key: z.string(),
  at: z.string(),
  /** Who was notified (e.g. the role above the deciding one). */
  notified: z.string(),
  note: z.string(),
});
export type Escalation = z.infer<typeof escalationSchema>;

export const decisionAnswerSchema = z.object({
  actor: z.string(),
  roles: z.array(z.string()),
  at: z.string(),
  output: jsonObjectSchema.optional(),
  failure: failureSchema.optional(),
  /** Hash of actor and outcome: a repeat of the same answer is recognised (and re-delivered). */
  fingerprint: z.string(),
});
export type DecisionAnswer = z.infer<typeof decisionAnswerSchema>;

/** A pending decision as every exported reader returns it: never with its task token. */
export const pendingDecisionSchema = z.object({
  id: z.string(),
  kind: decisionKindSchema,
  subjectType: z.string(),
  subjectId: z.string(),
  /** Division of the subject (the applying village's code …): jurisdiction of whoever decides. */
  division: z.string(),
  /** The role that decides. */
  role: roleSchema,
  createdAt: z.string(),
  /** ISO time after which the step escalates. */
  deadline: z.string().optional(),
  status: z.enum(decisionStatuses),
  version: z.number().int(),
  /** Partial answers so far (signatures, first approvals), in order. */
  partials: z.array(jsonObjectSchema).default([]),
  /** Display fields for inboxes (names, amounts). */
  summary: jsonObjectSchema.default({}),
  escalations: z.array(escalationSchema).default([]),
  /** Optional waiting queue (gsi2) this decision belongs to while open. */
  queue: z.string().optional(),
  answer: decisionAnswerSchema.optional(),
  /** Whether Step Functions has been told the answer. */
  delivered: z.boolean().optional(),
  /** The execution waiting on it: an answer is refused once that execution no longer runs. */
  executionArn: z.string().optional(),
});
export type PendingDecision = z.infer<typeof pendingDecisionSchema>;

/** What is stored: the decision with the token and the escalations already recorded (by key). */
const storedDecisionSchema = pendingDecisionSchema.extend({
  taskToken: z.string(),
  escalationKeys: z.record(z.string(), z.boolean()).default({}),
});
type StoredDecision = z.infer<typeof storedDecisionSchema>;

// Oldest first in either listing.
const waitingSince = (d: { createdAt: string; id: string }) => `${d.createdAt}#${d.id}`;

const decisions = defineEntity({
  type: 'decision',
  schema: storedDecisionSchema,
  key: (p: { id: string }) => ({ pk: `DECISION#${p.id}`, sk: 'DECISION' }),
  indexes: (pattern) => ({
    /** What a role may decide in a county. */
    inbox: pattern({
      index: 'gsi1',
      partition: (p: { role: string; county: string }) => `INBOX#${p.role}#${p.county}`,
      place: (d) => (d.status === 'open' ? { partition: { role: d.role, county: d.division.slice(0, 6) }, sort: waitingSince(d) } : undefined),
    }),
    /** The waiters of a queue (the unfunded applications of a program …). */
    queue: pattern({
      index: 'gsi2',
      partition: (queue: string) => `QUEUE#${queue}`,
      place: (d) => (d.status === 'open' && d.queue !== undefined ? { partition: d.queue, sort: waitingSince(d) } : undefined),
    }),
  }),
});

export interface OpenDecisionInput {
  readonly id: string;
  readonly kind: DecisionKind;
  readonly subjectType: string;
  readonly subjectId: string;
  readonly division: string;
  readonly role: Role;
  readonly deadline?: string | undefined;
  readonly summary?: JsonObject;
  readonly partials?: JsonObject[];
  readonly queue?: string | undefined;
  readonly taskToken: string;
  /** The execution of the waiting step (from the task's context), so an answer can check it still runs. */
  readonly executionArn?: string | undefined;
  /** Defaults to now. */
  readonly now?: Date;
}

/**
 * Deterministic id of the decision of one step for one subject in one round (a returned
 * application that comes back is a new round): a retried step finds its own decision again.
 */
export function decisionId(kind: DecisionKind, subjectId: string, round: number): string {
  return decisionIdSchema.parse(`${kind}.${subjectId}.r${round}`);
}

function view({ taskToken: _token, escalationKeys: _keys, ...decision }: StoredDecision): PendingDecision {
  return decision;
}

async function readStored(id: string): Promise<StoredDecision | undefined> {
  return decisions.get({ id }, { consistent: true });
}

/** A decision (strongly consistent), without its token. */
export async function getDecision(id: string): Promise<PendingDecision | undefined> {
  const stored = await readStored(id);
  return stored ? view(stored) : undefined;
}

function decisionAudit(decision: Pick<PendingDecision, 'id' | 'division'>, action: string, actor: Actor, after: unknown, now: Date, before?: unknown) {
  return auditPut({ entityType: 'decision', entityId: decision.id, division: decision.division, action, actor, before, after, at: now });
}

/**
 * Called by a callback step's handler with its task token. Creates the decision (open, in the inbox)
 * with an audit record; when it exists already (the step was retried or replayed) the token is
 * replaced while it is still open, and an answer given meanwhile is delivered to the new token.
 */
export async function openDecisionPut(input: OpenDecisionInput): Promise<{ created: boolean; decision: PendingDecision }> {
  const now = input.now ?? new Date();
  const createdAt = now.toISOString();
  const stored: StoredDecision = {
    id: input.id,
    kind: input.kind,
    subjectType: input.subjectType,
    subjectId: input.subjectId,
    division: input.division,
    role: input.role,
    createdAt,
    status: 'open',
    version: 1,
    partials: input.partials ?? [],
    summary: input.summary ?? {},
    escalations: [],
    escalationKeys: {},
    taskToken: input.taskToken,
    ...(input.deadline !== undefined ? { deadline: input.deadline } : {}),
    ...(input.queue !== undefined ? { queue: input.queue } : {}),
    ...(input.executionArn !== undefined ? { executionArn: input.executionArn } : {}),
  };
  const decision = view(stored);
  try {
    await writeTransaction([
      named('decision', putItem(decisions.item(stored), ifAbsent)),
      decisionAudit(decision, 'decision.open', workflowActor, { kind: input.kind, role: input.role, deadline: input.deadline, summary: input.summary }, now),
    ]);
    return { created: true, decision };
  } catch (err) {
    if (!(err instanceof TransactionConditionFailed && err.failed.includes('decision'))) throw err;
  }
  // It exists: store the new token (a token is not a state change of the decision, so no audit).
  const updated = await ddb().send(
    new UpdateCommand({
      TableName: tableName(),
      Key: decisions.keyOf({ id: input.id }),
      UpdateExpression: 'SET taskToken = :t, tokenAt = :now',
      ConditionExpression: '#status <> :cancelled AND (attribute_not_exists(delivered) OR delivered = :false)',
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: { ':t': input.taskToken, ':now': createdAt, ':cancelled': 'cancelled', ':false': false },
      ReturnValues: 'ALL_NEW',
    }),
  ).catch((e: unknown) => {
    if (e instanceof ConditionalCheckFailedException) return undefined;
    throw e;
  });
  const renewed = updated?.Attributes ? decisions.parse(updated.Attributes) : undefined;
  const current = renewed ? view(renewed) : await getDecision(input.id);
  if (!current) throw new Error(`Decision ${input.id} vanished`);
  if (current.status === 'answered' && !current.delivered && renewed) await deliver(renewed);
  return { created: false, decision: (await getDecision(input.id)) ?? current };
}

export interface InboxOptions {
  /** Which of the caller's roles to list for (default: the first). */
  readonly role?: Role | undefined;
  /** County to list when the caller's jurisdiction is above county level. */
  readonly county?: string | undefined;
  /** Program, kind, township and deadline filters (functions/platform/decisions/filter.ts). */
  readonly filter?: Omit<InboxFilter, 'role' | 'county'> | undefined;
  /** The instant "overdue" is judged at (default: now). */
  readonly now?: Date | undefined;
  /** Where the caller gave the filter, for the 400 naming a field (default: the query string). */
  readonly filterIn?: 'query' | 'body';
}

/**
 * Every open decision `principal` may decide, by role and jurisdiction, oldest first. The inbox is
 * partitioned by county; a caller below county level gets their subtree (division prefix), a caller
 * above it names a county inside their jurisdiction. The filters are a DynamoDB filter on the same
 * Query, so a page may hold fewer than `limit` items.
 */
export async function listInbox(principal: Pick<Principal, 'roles' | 'division'>, page: PageRequest, options: InboxOptions = {}): Promise<Page<PendingDecision>> {
  const role = options.role ?? principal.roles[0];
  if (!role || !principal.roles.includes(role)) throw new ValidationError([{ field: 'role', message: 'must be one of your roles', in: 'query' }]);
  let scope = principal.division;
  if (scope.length < 6) {
    if (!options.county || options.county.length !== 6 || !options.county.startsWith(scope)) {
      throw new ValidationError([{ field: 'county', message: 'name a county (6 digits) inside your jurisdiction: inboxes are kept per county', in: 'query' }]);
    }
    scope = options.county;
  }
  const conditions = inboxConditions(options.filter ?? {}, scope, options.now ?? new Date());
  if ('field' in conditions) {
    if (conditions.forbidden) throw new ForbiddenError(`${conditions.field}: ${conditions.message}`);
    throw new ValidationError([{ field: conditions.field, message: conditions.message, in: options.filterIn ?? 'query' }]);
  }
  const listed = await decisions.query.inbox.page({ role, county: scope.slice(0, 6) }, page, {
    filter: whereAll({
      division: conditions.division.length > 6 ? { beginsWith: conditions.division } : undefined,
      kind: conditions.kind,
      deadline: conditions.deadlineBefore !== undefined ? { before: conditions.deadlineBefore } : undefined,
    }),
  });
  return { ...listed, items: listed.items.map(view) };
}

/** Open decisions by id (strongly consistent), without their tokens; missing ones are absent. */
export async function getDecisions(ids: readonly string[]): Promise<PendingDecision[]> {
  return (await decisions.getMany(ids.map((id) => ({ id })))).map(view);
}

/** Open decisions of a waiting queue (gsi2), oldest first. */
export async function listQueue(queue: string, page: PageRequest): Promise<Page<PendingDecision>> {
  const listed = await decisions.query.queue.page(queue, page);
  return { ...listed, items: listed.items.map(view) };
}

export interface PartialInput {
  readonly expectedVersion: number;
  readonly partial: JsonObject;
  readonly actor: Actor;
  /** Audit action of the partial (e.g. `reward.signature`). */
  readonly action: string;
  readonly extraItems?: TransactItem[];
  readonly now?: Date;
}

/**
 * Append a partial answer (a signature, a first approval), conditional on the version the caller
 * read and on the decision being open: 409 when another answer got in first.
 */
/**
 * An answer that completes a decision is recorded only while the execution waiting on it runs: once
 * it has failed, timed out or been stopped, nothing would act on the answer, and a "200 answered"
 * would strand the subject in its waiting status. Partial answers (a signature of four) wake nothing
 * and are not checked: the answer that completes them is. The workflow's own answers (a step
 * returning its application) come from inside the running execution and are not checked either (the
 * task functions may not describe executions).
 */
async function requireRunningExecution(decision: PendingDecision, actor: Actor): Promise<void> {
  if (!decision.executionArn || actor.sub === workflowActor.sub) return;
  const { status } = await sfn().send(new DescribeExecutionCommand({ executionArn: decision.executionArn }));
  if (status !== 'RUNNING') {
    throw new ConflictError(
      `The workflow behind decision ${decision.id} is ${status ?? 'unknown'}, not running: the answer would reach nothing. An admin can look at it under /workflows/executions and resume it.`,
    );
  }
}

export async function recordPartial(id: string, input: PartialInput): Promise<PendingDecision> {
  const now = input.now ?? new Date();
  const before = await getDecision(id);
  if (!before) throw new NotFoundError(`Decision ${id} does not exist`);
  if (before.status !== 'open') throw new ConflictError(`Decision ${id} is already ${before.status}`);
  if (before.version !== input.expectedVersion) throw new ConflictError(`Decision ${id} is at version ${before.version}, not ${input.expectedVersion}`);
  try {
    await writeTransaction([
      named(
        'decision',
        updateItem(decisions.keyOf({ id }), {
          UpdateExpression: 'SET partials = list_append(partials, :p), version = version + :one',
          ConditionExpression: '#status = :open AND version = :v',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':p': [input.partial], ':one': 1, ':open': 'open', ':v': input.expectedVersion },
        }),
      ),
      decisionAudit(before, input.action, input.actor, input.partial, now),
      ...(input.extraItems ?? []),
    ]);
  } catch (err) {
    if (err instanceof TransactionConditionFailed) throw new ConflictError(`Decision ${id} changed concurrently; read it again`);
    throw err;
  }
  return { ...before, version: before.version + 1, partials: [...before.partials, input.partial] };
}

export interface CompleteInput {
  /** When given, the decision must still be at this version (it is always checked against the version read). */
  readonly expectedVersion?: number | undefined;
  readonly actor: Actor;
  readonly completion: Completion;
  /** Audit action (default `decision.answer`). */
  readonly action?: string;
  /** The caller's own items, committed with the answer (the subject's status change and its audit). */
  readonly extraItems?: (decision: PendingDecision) => TransactItem[];
  readonly now?: Date;
}

export interface CompleteResult {
  readonly decision: PendingDecision;
  /** Whether Step Functions accepted the answer (false: it will be delivered when the step is retried, or on a repeat). */
  readonly delivered: boolean;
  /** True when this call repeated an answer already recorded (only its delivery was retried). */
  readonly replayed: boolean;
}

function fingerprint(actor: Actor, completion: Completion): string {
  return createHash('sha256').update(JSON.stringify([actor.sub, completion])).digest('base64url');
}

/**
 * Answer a decision: one transaction (open → answered, conditional on the version read, plus the
 * caller's items), then SendTaskSuccess / SendTaskFailure with the stored token, then `delivered`.
 * Of many simultaneous answers exactly one commits; the others get 409. A repeat of the committed
 * answer re-delivers it if the earlier delivery did not get through.
 */
export async function completeDecision(id: string, input: CompleteInput): Promise<CompleteResult> {
  const now = input.now ?? new Date();
  const fp = fingerprint(input.actor, input.completion);
  const stored = await readStored(id);
  if (!stored) throw new NotFoundError(`Decision ${id} does not exist`);
  const before = view(stored);
  if (before.status !== 'open') return repeatOrRefuse(stored, fp);
  if (input.expectedVersion !== undefined && input.expectedVersion !== before.version) {
    throw new ConflictError(`Decision ${id} is at version ${before.version}, not ${input.expectedVersion}`);
  }
  await requireRunningExecution(before, input.actor);
  const answer: DecisionAnswer = {
    actor: input.actor.sub,
    roles: [...input.actor.roles],
    at: now.toISOString(),
    ...('output' in input.completion ? { output: input.completion.output } : { failure: input.completion.failure }),
    fingerprint: fp,
  };
  const extra = input.extraItems?.(before) ?? [];
  try {
    await writeTransaction([
      named(
        'decision',
        updateItem(decisions.keyOf({ id }), {
          // Out of the inbox and the queue: an answered decision is in no listing.
          UpdateExpression: 'SET #status = :answered, answer = :a, version = version + :one, delivered = :false REMOVE gsi1pk, gsi1sk, gsi2pk, gsi2sk',
          ConditionExpression: '#status = :open AND version = :v',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':answered': 'answered', ':a': answer, ':one': 1, ':false': false, ':open': 'open', ':v': before.version },
        }),
      ),
      decisionAudit(before, input.action ?? 'decision.answer', input.actor, { answer: answer.output ?? answer.failure }, now, { status: 'open', version: before.version }),
      ...extra,
    ]);
  } catch (err) {
    if (err instanceof TransactionConditionFailed) {
      if (err.failed.includes('decision')) {
        const current = await readStored(id);
        if (current && current.status !== 'open') return repeatOrRefuse(current, fp);
        throw new ConflictError(`Decision ${id} changed concurrently; read it again`);
      }
      throw new ConflictError(`The subject of decision ${id} changed concurrently; read it again`);
    }
    throw err;
  }
  const answered: StoredDecision = { ...stored, status: 'answered', answer, version: before.version + 1, delivered: false };
  const delivered = await deliver(answered);
  return { decision: { ...view(answered), delivered }, delivered, replayed: false };
}

async function repeatOrRefuse(stored: StoredDecision, fp: string): Promise<CompleteResult> {
  const current = view(stored);
  if (current.status === 'answered' && current.answer?.fingerprint === fp) {
    const delivered = current.delivered === true || (await deliver(stored));
    return { decision: { ...current, delivered }, delivered, replayed: true };
  }
  throw new ConflictError(`Decision ${current.id} is already ${current.status}${current.answer ? ` (by ${current.answer.actor})` : ''}`);
}

/** Names of Step Functions errors meaning "this token will never accept an answer". */
const deadTokenErrors = new Set(['TaskTimedOut', 'TaskDoesNotExist', 'InvalidToken']);

/** Tell Step Functions the stored answer with the stored token, then mark it delivered. */
async function deliver({ answer, taskToken, id }: StoredDecision): Promise<boolean> {
  if (!answer) return false;
  try {
    if (answer.failure) {
      await sfn().send(new SendTaskFailureCommand({ taskToken, error: answer.failure.error, cause: answer.failure.cause }));
    } else {
      await sfn().send(new SendTaskSuccessCommand({ taskToken, output: JSON.stringify(answer.output ?? {}) }));
    }
  } catch (err) {
    const name = err instanceof Error ? err.name : 'Error';
    // A dead token is not fatal: the step will be retried with a new token, and openDecisionPut delivers then.
    logger.warn('decision not delivered', { decisionId: id, error: name });
    if (!deadTokenErrors.has(name)) throw err;
    return false;
  }
  await ddb().send(
    new UpdateCommand({
      TableName: tableName(),
      Key: decisions.keyOf({ id }),
      UpdateExpression: 'SET delivered = :true, deliveredAt = :now',
      ExpressionAttributeValues: { ':true': true, ':now': new Date().toISOString() },
    }),
  );
  return true;
}

export interface EscalationInput {
  /** Unique per missed deadline (e.g. `township-deadline-1`): a retried escalation step records it once. */
  readonly key: string;
  readonly notified: string;
  readonly note: string;
  readonly actor?: Actor;
  readonly extraItems?: TransactItem[];
  readonly now?: Date;
}

/**
 * Record that a deadline was missed (with an audit record and the caller's notification items) while
 * the decision stays open. Returns false when it was answered meanwhile or this escalation is recorded.
 */
export async function markEscalated(id: string, input: EscalationInput): Promise<boolean> {
  const now = input.now ?? new Date();
  const before = await getDecision(id);
  if (!before || before.status !== 'open') return false;
  const escalation: Escalation = { key: input.key, at: now.toISOString(), notified: input.notified, note: input.note };
  try {
    await writeTransaction([
      named(
        'decision',
        updateItem(decisions.keyOf({ id }), {
          UpdateExpression: 'SET escalations = list_append(escalations, :e), escalationKeys.#k = :true, version = version + :one',
          ConditionExpression: '#status = :open AND attribute_not_exists(escalationKeys.#k)',
          ExpressionAttributeNames: { '#status': 'status', '#k': input.key },
          ExpressionAttributeValues: { ':e': [escalation], ':true': true, ':one': 1, ':open': 'open' },
        }),
      ),
      decisionAudit(before, 'decision.escalate', input.actor ?? workflowActor, escalation, now),
      ...(input.extraItems ?? []),
    ]);
  } catch (err) {
    if (err instanceof TransactionConditionFailed && err.failed.includes('decision')) return false;
    throw err;
  }
  return true;
}
