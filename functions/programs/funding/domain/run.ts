import { createHash } from 'node:crypto';
import * as z from 'zod';

/**
 * A funding run (村级组织运转经费 yearly increase) as a state machine over its status, plus the
 * arithmetic that keeps its Step Functions history bounded. Pure: no I/O.
 */

export const fundingRunStatuses = [
  'snapshotting',
  'computing',
  'dry-run-complete',
  'awaiting-approval',
  'disbursing',
  'paid',
  'rejected',
  'failed',
] as const;
export const fundingRunStatusSchema = z.enum(fundingRunStatuses);
export type FundingRunStatus = z.infer<typeof fundingRunStatusSchema>;

export const finalRunStatuses: readonly FundingRunStatus[] = ['dry-run-complete', 'paid', 'rejected', 'failed'];

export const fundingRunIdSchema = z.string().regex(/^fr-(dry-)?[0-9a-f-]{16,40}$/, 'must be a funding run id (fr-…)');

/**
 * Villages per snapshot page, i.e. per Map iteration. 1,000 keeps a snapshot page near 100 KB (a
 * DynamoDB item may hold 400 KB) and makes 100,000 villages 100 iterations per Map.
 */
export const fundingPageSize = 1_000;

/**
 * The id of a real run: the same policy, jurisdiction and year always give the same id, so a
 * second start finds the first run (and its execution, named after it) instead of making another.
 */
export function realRunId(policyId: string, division: string, year: number): string {
  const digest = createHash('sha256').update(`${policyId}\u0000${division}\u0000${year}`).digest('hex');
  return `fr-${digest.slice(0, 32)}`;
}

/** A dry run is a fresh snapshot every time: compare policies, or one policy before and after edits. */
export function dryRunId(uuid: string): string {
  return `fr-dry-${uuid.toLowerCase()}`;
}

export function pageCountFor(villages: number, pageSize = fundingPageSize): number {
  return Math.ceil(villages / pageSize);
}

/**
 * Upper bound of the history events of one run on Step Functions, from the definition in
 * workflows/funding-run.asl.json: every Task state costs 5 events (entered, scheduled, started,
 * succeeded, exited), a callback task 6 (plus submitted), a Map state 4 plus 7 per iteration
 * (iteration started/succeeded + its Task), execution started/succeeded 2. Retries add events, so
 * this is the bound of a run without retries; the point is the slope: 14 events per page, none per
 * village.
 */
export function historyEventBound(pages: number, kind: 'dry' | 'paid' | 'rejected'): number {
  const task = 5;
  const map = 4 + 7 * pages;
  const choice = 2;
  const succeed = 2;
  const execution = 2;
  const toSummary = execution + task /* Snapshot */ + choice /* IsSettled */ + map /* ComputePages */ + task /* Summarise */ + choice /* IsDryRun */;
  if (kind === 'dry') return toSummary + succeed;
  const approval = task + 1; /* AwaitApproval (callback) */
  if (kind === 'rejected') return toSummary + approval + succeed;
  // MarkPaid ends the execution itself (End: true), so no Succeed state follows it.
  return toSummary + approval + map /* DisbursePages */ + task; /* MarkPaid */
}

/**
 * State transitions (what AWS bills for Standard workflows: every state entered, Map iterations'
 * inner states included) of a run without retries.
 */
export function stateTransitionBound(pages: number, kind: 'dry' | 'paid' | 'rejected'): number {
  const toSummary = 1 /* Snapshot */ + 1 /* IsSettled */ + 1 + pages /* ComputePages + its tasks */ + 1 /* Summarise */ + 1; /* IsDryRun */
  if (kind === 'dry') return toSummary + 1;
  if (kind === 'rejected') return toSummary + 1 + 1;
  return toSummary + 1 /* AwaitApproval */ + 1 + pages /* DisbursePages */ + 1; /* MarkPaid */
}

/** Step Functions' hard limit of history events per execution (Standard workflows). */
export const historyEventLimit = 25_000;

export const exclusionReasonSchema = z.string().trim().min(2, 'must say why (at least 2 characters)').max(500, 'must be at most 500 characters');
