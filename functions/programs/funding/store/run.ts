import * as z from 'zod';
import { subjectPaymentSchema } from '../../../platform/payments/store/payout.ts';
import { fenSchema } from '../../../platform/money.ts';
import { roleSchema, type Actor } from '../../../platform/principal.ts';
import { fundingPolicySchema, fundingVillageSchema } from '../domain/policy.ts';
import type { Allocation } from '../domain/allocate.ts';
import { fundingSummarySchema, type FundingSummary } from '../domain/summary.ts';
import { fundingRunIdSchema, fundingRunStatusSchema, type FundingRunStatus } from '../domain/run.ts';
import { ConflictError, NotFoundError } from '../../../shared/errors.ts';
import { auditPut } from '../../../platform/store/audit.ts';
import { ledgerEntries } from '../../../platform/store/ledger.ts';
import { batchPut } from '../../../platform/store/batch.ts';
import { defineEntity, defineSequence, setOnce } from '../../../platform/store/entity.ts';
import { whereAll, type Page, type PageRequest } from '../../../platform/store/pagination.ts';
import {
  ifAbsent,
  named,
  putItem,
  TransactionConditionFailed,
  transitionUpdate,
  updateItem,
  writeTransaction,
  type TransactItem,
} from '../../../platform/store/transact.ts';

/**
 * A funding run and everything it stages, under one partition `FUNDRUN#<id>`:
 *
 * | sk              | what                                                                         |
 * | --------------- | ---------------------------------------------------------------------------- |
 * | `RUN`           | the run: status, copied policy, counters, summary (gsi1 lists a county's)    |
 * | `SNAP#<n>`      | snapshot page n: up to 1,000 villages' inputs, as read when the run started |
 * | `SUM#<n>`       | summary of page n's allocations (merged into the run by the Summarise step)  |
 * | `ALLOC#<code>`  | one village's allocation (code order, so a township is a key prefix)         |
 * | `PAID#<n>`      | marker: page n disbursed, with its counts (written once, with the counters)  |
 *
 * Page markers are what make counters exact: a page's ledger entries are idempotent puts, and its
 * counters move in the same transaction as its marker, whose condition fails on a repeat.
 */
export const snapshotVillageSchema = fundingVillageSchema.extend({
  name: z.string(),
  /** Where `currentFen` came from: recorded for the year, or the registry's operating funds. */
  source: z.enum(['recorded', 'registry']),
});
export type SnapshotVillage = z.infer<typeof snapshotVillageSchema>;

export const runActorSchema = z.object({ sub: z.string().min(1), roles: z.array(roleSchema), division: z.string() });
export type RunActor = z.infer<typeof runActorSchema>;

export const runDecisionSchema = z.object({ outcome: z.enum(['approved', 'rejected']), by: z.string(), at: z.string(), comment: z.string().optional() });

export const fundingRunSchema = z.object({
  id: fundingRunIdSchema,
  policyId: z.string(),
  policyName: z.string(),
  division: z.string(),
  year: z.number().int(),
  dryRun: z.boolean(),
  rule: fundingPolicySchema,
  status: fundingRunStatusSchema,
  actor: runActorSchema,
  pageSize: z.number().int().min(1),
  pageCount: z.number().int().min(0).optional(),
  villageCount: z.number().int().min(0).optional(),
  summary: fundingSummarySchema.optional(),
  computedPages: z.number().int().min(0).default(0),
  excludedVillages: z.number().int().min(0).default(0),
  excludedTopUpFen: fenSchema.default(0),
  paidPages: z.number().int().min(0).default(0),
  paidVillages: z.number().int().min(0).default(0),
  paidFen: fenSchema.default(0),
  /** Finance users who approved so far, in order (a run at or above its two-approver threshold needs two). */
  financeApprovals: z.array(z.string()).default([]),
  decision: runDecisionSchema.optional(),
  executionArn: z.string().optional(),
  failure: z.object({ error: z.string(), cause: z.string() }).optional(),
  historyEvents: z.number().int().optional(),
  stateTransitions: z.number().int().optional(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type FundingRun = z.infer<typeof fundingRunSchema>;

export const allocationRecordSchema = z.object({
  code: z.string(),
  name: z.string(),
  page: z.number().int().min(0),
  population: z.number().int(),
  economicallyWeak: z.boolean(),
  source: z.enum(['recorded', 'registry']),
  currentFen: fenSchema,
  newTotalFen: fenSchema,
  topUpFen: fenSchema,
  earmarkFen: fenSchema,
  floorFen: fenSchema.nullable(),
  floorApplied: z.boolean(),
  capApplied: z.boolean(),
  tier: z.string().nullable(),
  excluded: z.object({ reason: z.string(), by: z.string(), at: z.string() }).optional(),
  /** Where the village's top-up stands with the bank (kept by the payments module). */
  payment: subjectPaymentSchema.optional(),
});
export type AllocationRecord = z.infer<typeof allocationRecordSchema>;

export const paidPageSchema = z.object({ villages: z.number().int().min(0), amountFen: fenSchema, skipped: z.number().int().min(0) });
export type PaidPage = z.infer<typeof paidPageSchema>;

const runPartition = (runId: string) => `FUNDRUN#${runId}`;

const runs = defineEntity({
  type: 'fundingRun',
  schema: fundingRunSchema,
  key: (p: { id: string }) => ({ pk: runPartition(p.id), sk: 'RUN' }),
  indexes: (pattern) => ({
    /** The runs of a county, in time order. */
    byCounty: pattern({ index: 'gsi1', partition: (county: string) => `FUNDRUNS#${county}`, place: (r) => ({ partition: r.division.slice(0, 6), sort: `${r.createdAt}#${r.id}` }) }),
  }),
});

// What a run stages per page, under the run's partition (parent: the run id, n: the page).
const snapshotPages = defineSequence({ type: 'fundingRunSnapshot', schema: z.object({ villages: z.array(snapshotVillageSchema) }), partition: runPartition, prefix: 'SNAP#' });
const summaryPages = defineSequence({ type: 'fundingRunPageSummary', schema: z.object({ summary: fundingSummarySchema }), partition: runPartition, prefix: 'SUM#' });
const paidPages = defineSequence({ type: 'fundingRunPaidPage', schema: z.object({ counts: paidPageSchema }), partition: runPartition, prefix: 'PAID#' });

const allocationPrefix = 'ALLOC#';

/** One village's allocation, in code order under the run (so a township is a sort-key prefix). */
export const allocations = defineEntity({
  type: 'fundingAllocation',
  schema: allocationRecordSchema,
  key: (p: { runId: string; code: string }) => ({ pk: runPartition(p.runId), sk: allocationPrefix + p.code }),
  indexes: (pattern) => ({ ofRun: pattern({ index: 'table', partition: runPartition, sortPrefix: allocationPrefix }) }),
});


/** What the run pays once approved: the computed top-ups minus the exclusions. */
export function payableTopUpFen(run: Pick<FundingRun, 'summary' | 'excludedTopUpFen'>): number | undefined {
  return run.summary ? run.summary.total.topUpFen - run.excludedTopUpFen : undefined;
}

/**
 * What a run's audit records keep of it: status, counts and the money (computed, excluded, payable,
 * paid), who approved, and once it is paid, where its ledger entries are.
 */
const auditView = (run: Partial<FundingRun> & Pick<FundingRun, 'id'>) => ({
  status: run.status,
  villageCount: run.villageCount,
  topUpFen: run.summary?.total.topUpFen,
  earmarkFen: run.summary?.total.earmarkFen,
  excludedVillages: run.excludedVillages,
  excludedTopUpFen: run.excludedTopUpFen,
  payableTopUpFen: run.summary && run.excludedTopUpFen !== undefined ? payableTopUpFen({ summary: run.summary, excludedTopUpFen: run.excludedTopUpFen }) : undefined,
  financeApprovals: run.financeApprovals,
  paidVillages: run.paidVillages,
  paidFen: run.paidFen,
  ...(run.status === 'paid' ? { ledger: { partition: ledgerEntries.query.ofProgram.partition({ program: 'funding', programId: run.id }), entries: run.paidVillages, totalFen: run.paidFen } } : {}),
  decision: run.decision,
  failure: run.failure,
});

function runAudit(run: FundingRun, action: string, actor: Actor, before: unknown, after: unknown) {
  return auditPut({ entityType: 'fundingRun', entityId: run.id, division: run.division, action, actor, before, after });
}

/** The actor of workflow steps in audit records. */
export const runWorkflowActor: Actor = { sub: 'system:workflow', roles: [] };

/**
 * Store a new run (with its audit record). Returns `{ created: false, run }` with the stored run
 * when one with this id exists: starting the same real run twice gives the same run.
 */
export async function createRun(run: FundingRun, extraItems: readonly TransactItem[] = []): Promise<{ created: boolean; run: FundingRun }> {
  try {
    await writeTransaction([
      named('run', putItem(runs.item(run), ifAbsent)),
      runAudit(run, 'fundingRun.start', run.actor, undefined, { ...auditView(run), policyId: run.policyId, dryRun: run.dryRun }),
      ...extraItems,
    ]);
    return { created: true, run };
  } catch (err) {
    if (!(err instanceof TransactionConditionFailed && err.failed.includes('run'))) throw err;
    const existing = await getRun(run.id);
    if (!existing) throw err;
    return { created: false, run: existing };
  }
}

export async function getRun(id: string): Promise<FundingRun | undefined> {
  return runs.get({ id }, { consistent: true });
}

export async function mustGetRun(id: string): Promise<FundingRun> {
  const run = await getRun(id);
  if (!run) throw new NotFoundError(`Funding run ${id} does not exist`);
  return run;
}

/** Runs of a county, newest first. */
export async function listRuns(county: string, page: PageRequest): Promise<Page<FundingRun>> {
  return runs.query.byCounty.page(county, page, { newestFirst: true });
}

type RunChanges = Partial<Pick<FundingRun, 'pageCount' | 'villageCount' | 'summary' | 'decision' | 'financeApprovals' | 'failure' | 'historyEvents' | 'stateTransitions'>>;

/** The exclusions a decision was taken on: the move is refused (409) if they changed meanwhile. */
export type ExclusionsAsRead = Pick<FundingRun, 'excludedVillages' | 'excludedTopUpFen'>;

function guardExclusions(item: TransactItem, read: ExclusionsAsRead): TransactItem {
  const update = item.Update;
  if (!update) throw new Error('not an update');
  return {
    ...item,
    Update: {
      ...update,
      ConditionExpression: `(${update.ConditionExpression}) AND excludedVillages = :readExcludedVillages AND excludedTopUpFen = :readExcludedTopUpFen`,
      ExpressionAttributeValues: { ...update.ExpressionAttributeValues, ':readExcludedVillages': read.excludedVillages, ':readExcludedTopUpFen': read.excludedTopUpFen },
    },
  };
}

/**
 * The transaction items that move a run from one of `from` to `to` with its audit record; the
 * update (named `run`) fails its condition when the run is in another status, or (given
 * `exclusionsAsRead`) when its exclusions changed since they were read.
 */
export function runTransitionItems(
  run: FundingRun,
  from: readonly FundingRunStatus[],
  to: FundingRunStatus,
  changes: RunChanges,
  actor: Actor,
  now = new Date(),
  exclusionsAsRead?: ExclusionsAsRead,
): TransactItem[] {
  const update = transitionUpdate(runs.keyOf({ id: run.id }), { from, to, changes, at: now.toISOString() });
  return [
    named('run', exclusionsAsRead ? guardExclusions(update, exclusionsAsRead) : update),
    runAudit(run, `fundingRun.${to}`, actor, auditView(run), auditView({ ...run, ...changes, status: to })),
  ];
}

/**
 * The items that record a first approval of a run that needs two: the run's approvers (condition:
 * still awaiting approval, exclusions as read) and the audit record with the amounts approved.
 */
export function firstApprovalItems(run: FundingRun, approvals: readonly string[], required: number, actor: Actor, comment: string | undefined, now = new Date()): TransactItem[] {
  const at = now.toISOString();
  return [
    named(
      'run',
      updateItem(runs.keyOf({ id: run.id }), {
        UpdateExpression: 'SET financeApprovals = :approvals, updatedAt = :at',
        ConditionExpression: '#status = :awaiting AND excludedVillages = :ev AND excludedTopUpFen = :ef',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':approvals': [...approvals], ':at': at, ':awaiting': 'awaiting-approval', ':ev': run.excludedVillages, ':ef': run.excludedTopUpFen },
      }),
    ),
    runAudit(run, 'fundingRun.firstApproval', actor, auditView(run), { ...auditView({ ...run, financeApprovals: [...approvals] }), required, remaining: required - approvals.length, ...(comment ? { comment } : {}) }),
  ];
}

/** Move the run; returns the run as stored afterwards, or undefined when it was not in `from` (a repeated step). */
export async function transitionRun(run: FundingRun, from: readonly FundingRunStatus[], to: FundingRunStatus, changes: RunChanges = {}, actor: Actor = runWorkflowActor): Promise<FundingRun | undefined> {
  try {
    await writeTransaction(runTransitionItems(run, from, to, changes, actor));
  } catch (err) {
    if (err instanceof TransactionConditionFailed && err.failed.includes('run')) return undefined;
    throw err;
  }
  return getRun(run.id);
}

/** Record the execution that runs the run (set once). */
export async function setRunExecutionArn(id: string, executionArn: string): Promise<void> {
  if (!(await setOnce(runs.keyOf({ id }), 'executionArn', executionArn))) throw new ConflictError(`Funding run ${id} already runs as another execution`);
}

/** Store how many history events / state transitions the run's execution took (once it ended). */
export async function setRunTransitions(id: string, historyEvents: number, stateTransitions: number): Promise<void> {
  await writeTransaction([
    updateItem(runs.keyOf({ id }), { UpdateExpression: 'SET historyEvents = :h, stateTransitions = :s', ExpressionAttributeValues: { ':h': historyEvents, ':s': stateTransitions } }),
  ]);
}

// ---- Snapshot pages ----

export async function putSnapshotPage(id: string, page: number, villages: readonly SnapshotVillage[]): Promise<void> {
  await batchPut([snapshotPages.item({ villages: [...villages] }, { parent: id, n: page })]);
}

export async function getSnapshotPage(id: string, page: number): Promise<SnapshotVillage[]> {
  const stored = await snapshotPages.get({ parent: id, n: page }, { consistent: true });
  if (!stored) throw new Error(`Funding run ${id} has no snapshot page ${page}`);
  return stored.villages;
}

// ---- Allocations ----

export function allocationRecord(allocation: Allocation, village: SnapshotVillage, page: number): AllocationRecord {
  return {
    code: allocation.code,
    name: village.name,
    page,
    population: village.population,
    economicallyWeak: village.economicallyWeak,
    source: village.source,
    currentFen: allocation.currentFen,
    newTotalFen: allocation.newTotalFen,
    topUpFen: allocation.topUpFen,
    earmarkFen: allocation.earmarkFen,
    floorFen: allocation.floorFen,
    floorApplied: allocation.floorApplied,
    capApplied: allocation.capApplied,
    tier: allocation.tier,
  };
}

/**
 * The transaction that records page n as computed: its summary (condition: not yet recorded) and
 * the run's counter. Returns false when the page was recorded before (a repeated step).
 */
export async function recordComputedPage(id: string, page: number, summary: FundingSummary): Promise<boolean> {
  try {
    await writeTransaction([
      named('summary', putItem(summaryPages.item({ summary }, { parent: id, n: page }), ifAbsent)),
      updateItem(runs.keyOf({ id }), { UpdateExpression: 'ADD computedPages :one', ExpressionAttributeValues: { ':one': 1 } }),
    ]);
    return true;
  } catch (err) {
    if (err instanceof TransactionConditionFailed && err.failed.includes('summary')) return false;
    throw err;
  }
}

/** Page summaries in page order, read a DynamoDB page at a time. */
export async function* pageSummaries(id: string): AsyncGenerator<FundingSummary> {
  for await (const { summary } of summaryPages.query.ofParent.all(id, { consistent: true })) yield summary;
}

/** Allocations with codes from `first` to `last` (one snapshot page), in code order. */
export async function allocationsBetween(id: string, first: string, last: string): Promise<AllocationRecord[]> {
  const found: AllocationRecord[] = [];
  for await (const allocation of allocations.query.ofRun.all(id, { sort: { between: [first, last] }, consistent: true })) found.push(allocation);
  return found;
}

/** Every allocation of a run in code order, a DynamoDB page at a time (for exports). */
export function allAllocations(id: string): AsyncGenerator<AllocationRecord> {
  return allocations.query.ofRun.all(id, { consistent: true });
}

export interface AllocationFilter {
  /** A township (9 digits) or village (12 digits) code prefix. */
  readonly division?: string | undefined;
  readonly floorApplied?: boolean | undefined;
  readonly capApplied?: boolean | undefined;
  readonly excluded?: boolean | undefined;
  readonly tier?: string | undefined;
}

export async function listAllocations(id: string, filter: AllocationFilter, page: PageRequest): Promise<Page<AllocationRecord>> {
  return allocations.query.ofRun.page(id, page, {
    sortPrefix: filter.division,
    filter: whereAll({
      floorApplied: filter.floorApplied,
      capApplied: filter.capApplied,
      tier: filter.tier,
      excluded: filter.excluded === undefined ? undefined : { exists: filter.excluded },
    }),
  });
}

export async function getAllocation(id: string, code: string): Promise<AllocationRecord | undefined> {
  return allocations.get({ runId: id, code }, { consistent: true });
}

/**
 * Exclusions change what is paid, so they are fixed once a first approval is recorded: the approvers
 * approved the run with these exclusions (the run item's condition in an exclusion or undo).
 */
const noApprovalYet = '(attribute_not_exists(financeApprovals) OR size(financeApprovals) = :none)';

/**
 * Exclude one village from the run's disbursement (finance, before approving): the allocation is
 * marked with the reason, the run's exclusion counters move, and the audit record is written, in
 * one transaction conditional on the run still awaiting approval. 409 when it is not, or when the
 * village is excluded already; 404 when the run has no such village.
 */
export async function excludeVillage(run: FundingRun, code: string, reason: string, actor: Actor, now = new Date()): Promise<AllocationRecord> {
  const allocation = await getAllocation(run.id, code);
  if (!allocation) throw new NotFoundError(`Funding run ${run.id} has no allocation for village ${code}`);
  const excluded = { reason, by: actor.sub, at: now.toISOString() };
  try {
    await writeTransaction([
      named(
        'allocation',
        updateItem(allocations.keyOf({ runId: run.id, code }), {
          UpdateExpression: 'SET excluded = :e',
          ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(excluded)',
          ExpressionAttributeValues: { ':e': excluded },
        }),
      ),
      named(
        'run',
        updateItem(runs.keyOf({ id: run.id }), {
          UpdateExpression: 'ADD excludedVillages :one, excludedTopUpFen :fen SET updatedAt = :at',
          ConditionExpression: `#status = :awaiting AND ${noApprovalYet}`,
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':one': 1, ':fen': allocation.topUpFen, ':at': excluded.at, ':awaiting': 'awaiting-approval', ':none': 0 },
        }),
      ),
      auditPut({
        entityType: 'fundingRun',
        entityId: run.id,
        division: code,
        action: 'fundingRun.exclude',
        actor,
        after: { code, reason, currentFen: allocation.currentFen, newTotalFen: allocation.newTotalFen, topUpFen: allocation.topUpFen, earmarkFen: allocation.earmarkFen },
        at: now,
      }),
    ]);
  } catch (err) {
    if (err instanceof TransactionConditionFailed) {
      if (err.failed.includes('allocation')) throw new ConflictError(`Village ${code} is already excluded from run ${run.id}`);
      throw new ConflictError(`Funding run ${run.id} is no longer awaiting approval, or has a first approval; villages can only be excluded before anyone approved it`);
    }
    throw err;
  }
  return { ...allocation, excluded };
}

/**
 * Undo an exclusion (finance, before approving), with a reason: the allocation is paid again, the
 * run's exclusion counters move back, and the audit record (with the exclusion undone and the
 * amount) is written, in one transaction conditional on the run still awaiting approval and on the
 * exclusion being the one read. 409 when the run is no longer awaiting approval, or the village is
 * not excluded (any more: of two simultaneous undos, one wins); 404 when the run has no such village.
 */
export async function undoExclusion(run: FundingRun, code: string, reason: string, actor: Actor, now = new Date()): Promise<AllocationRecord> {
  const allocation = await getAllocation(run.id, code);
  if (!allocation) throw new NotFoundError(`Funding run ${run.id} has no allocation for village ${code}`);
  const { excluded, ...restored } = allocation;
  if (!excluded) throw new ConflictError(`Village ${code} is not excluded from run ${run.id}`);
  const at = now.toISOString();
  try {
    await writeTransaction([
      named(
        'allocation',
        updateItem(allocations.keyOf({ runId: run.id, code }), {
          UpdateExpression: 'REMOVE excluded',
          ConditionExpression: 'excluded.#at = :excludedAt',
          ExpressionAttributeNames: { '#at': 'at' },
          ExpressionAttributeValues: { ':excludedAt': excluded.at },
        }),
      ),
      named(
        'run',
        updateItem(runs.keyOf({ id: run.id }), {
          UpdateExpression: 'ADD excludedVillages :minusOne, excludedTopUpFen :minusFen SET updatedAt = :at',
          ConditionExpression: `#status = :awaiting AND ${noApprovalYet}`,
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':minusOne': -1, ':minusFen': -allocation.topUpFen, ':at': at, ':awaiting': 'awaiting-approval', ':none': 0 },
        }),
      ),
      auditPut({
        entityType: 'fundingRun',
        entityId: run.id,
        division: code,
        action: 'fundingRun.undoExclusion',
        actor,
        before: { code, excluded },
        after: { code, reason, currentFen: allocation.currentFen, newTotalFen: allocation.newTotalFen, topUpFen: allocation.topUpFen, earmarkFen: allocation.earmarkFen },
        at: now,
      }),
    ]);
  } catch (err) {
    if (err instanceof TransactionConditionFailed) {
      if (err.failed.includes('allocation')) throw new ConflictError(`Village ${code} is no longer excluded from run ${run.id} as read (its exclusion was undone or changed meanwhile)`);
      throw new ConflictError(`Funding run ${run.id} is no longer awaiting approval, or has a first approval; exclusions can only be undone before anyone approved it`);
    }
    throw err;
  }
  return restored;
}

// ---- Disbursement ----

export async function getPaidPage(id: string, page: number): Promise<PaidPage | undefined> {
  return (await paidPages.get({ parent: id, n: page }, { consistent: true }))?.counts;
}

/**
 * Record page n as disbursed: its marker (condition: not yet) and the run's progress counters, in
 * one transaction. Returns the counts recorded, the earlier ones when the page was done before.
 */
export async function recordPaidPage(id: string, page: number, counts: PaidPage): Promise<PaidPage> {
  try {
    await writeTransaction([
      named('paid', putItem(paidPages.item({ counts }, { parent: id, n: page }), ifAbsent)),
      updateItem(runs.keyOf({ id }), {
        UpdateExpression: 'ADD paidPages :one, paidVillages :v, paidFen :fen',
        ExpressionAttributeValues: { ':one': 1, ':v': counts.villages, ':fen': counts.amountFen },
      }),
    ]);
    return counts;
  } catch (err) {
    if (err instanceof TransactionConditionFailed && err.failed.includes('paid')) return (await getPaidPage(id, page)) ?? counts;
    throw err;
  }
}
