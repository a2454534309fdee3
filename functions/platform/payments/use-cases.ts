import { createHash, randomBytes } from 'node:crypto';
import { config } from '../../shared/config.ts';
import { ConflictError, NotFoundError, SeparationOfDutiesError } from '../../shared/errors.ts';
import { startNamedExecution } from '../../shared/executions.ts';
import { beijingDate } from '../calendar.ts';
import { CsvRejected } from '../http/csv-upload.ts';
import { readCsvTable } from '../csv-table.ts';
import { completeDecision, getDecision, recordPartial } from '../decisions/store.ts';
import type { Actor } from '../principal.ts';
import { decideApproval, requiredApprovals } from '../approvals.ts';
import { batchPut } from '../store/batch.ts';
import { writeTransaction } from '../store/transact.ts';
import { checkResults, resultColumns, type RecordedLine } from './domain/results.ts';
import { templatesFrom, type PaymentTemplate } from './domain/templates.ts';
import { allBatchLines, batchCreateItems, batchTransitionItems, getBatch, resultPageItem, type BatchLine, type BatchRecord, type StagedResult } from './store/batch.ts';
import { approvalDecisionId, exportDecisionId, resultsDecisionId } from './steps.ts';

/** The workflow that takes a batch from collection to reconciliation. */
export const paymentBatchWorkflow = 'payment-batch';

export async function mustGetBatch(batchId: string): Promise<BatchRecord> {
  const batch = await getBatch(batchId);
  if (!batch) throw new NotFoundError(`Payment batch ${batchId} does not exist`);
  return batch;
}

/**
 * Finance groups a program's instructions issued up to `date` (Beijing) in its county into a batch:
 * the batch is recorded, then its workflow collects the instructions, totals them and asks for
 * approval. An instruction is in at most one batch (collection moves it conditionally).
 */
export async function createBatch(input: { program: string; division: string; date?: string | undefined }, actor: Actor, now = new Date()): Promise<BatchRecord> {
  const date = input.date ?? beijingDate(now);
  const batchId = `pb-${input.program}-${date.replaceAll('-', '')}-${randomBytes(5).toString('hex')}`;
  const record: BatchRecord = {
    batchId,
    program: input.program,
    date,
    division: input.division,
    status: 'collecting',
    count: 0,
    totalFen: 0,
    approvals: [],
    createdBy: actor.sub,
    createdAt: now.toISOString(),
    paid: { count: 0, amountFen: 0 },
    failed: { count: 0, amountFen: 0 },
    imports: [],
    version: 1,
    updatedAt: now.toISOString(),
  };
  await writeTransaction(batchCreateItems(record, actor, now));
  await startNamedExecution(paymentBatchWorkflow, batchId, { batchId });
  return record;
}

export function twoApproverThresholdFen(): number {
  return config().PAYMENT_TWO_APPROVER_THRESHOLD_FEN;
}

export interface BatchDecisionResult {
  readonly batch: BatchRecord;
  readonly status: 'answered' | 'partial';
  readonly remaining?: number;
}

/**
 * Finance approves or rejects a batch. Whoever formed the batch does not approve it; at or above
 * the threshold a second, different finance user must approve too (the first approval is recorded
 * as a partial answer); one rejection rejects. Used by the batch routes and by `/decisions`.
 */
export async function decideBatch(actor: Actor, batchId: string, outcome: 'approve' | 'reject', reason: string | undefined, now = new Date()): Promise<BatchDecisionResult> {
  const batch = await mustGetBatch(batchId);
  const id = approvalDecisionId(batchId);
  const decision = await getDecision(id);
  if (batch.status !== 'awaiting-approval' || !decision || decision.status !== 'open') {
    throw new ConflictError(`Payment batch ${batchId} is ${batch.status}; it is not waiting for approval${batch.status === 'collecting' ? ' yet' : ''}`);
  }
  const earlier = decision.partials.flatMap((p) => (typeof p.approver === 'string' ? [p.approver] : []));
  const verdict = decideApproval({
    decision: outcome,
    deciderId: actor.sub,
    conflicts: [{ id: batch.createdBy, code: 'decider-formed-the-batch', message: 'you formed this batch: another finance user approves or rejects it' }],
    approvals: earlier,
    // As summarised when the batch was formed: a later change of the threshold leaves it as it is.
    required: batch.requiredApprovals ?? requiredApprovals(batch.totalFen, twoApproverThresholdFen()),
    conflictsBarRejection: true,
  });
  if (!verdict.ok) throw new SeparationOfDutiesError(verdict.refusal.code, verdict.refusal.message);
  if (verdict.outcome === 'rejected') {
    const rejection = { by: actor.sub, at: now.toISOString(), reason: reason ?? 'rejected' };
    await completeDecision(id, {
      actor,
      action: 'payment-batch.reject',
      completion: { failure: { error: 'PaymentBatchRejected', cause: rejection.reason } },
      extraItems: () => batchTransitionItems(batch, ['awaiting-approval'], 'rejected', { rejection }, actor, now),
      now,
    });
    return { batch: await mustGetBatch(batchId), status: 'answered' };
  }
  const approval = { by: actor.sub, at: now.toISOString() };
  if (verdict.outcome === 'needs-another-approval') {
    await recordPartial(id, {
      expectedVersion: decision.version,
      partial: { approver: actor.sub, at: approval.at },
      actor,
      action: 'payment-batch.first-approval',
      extraItems: batchTransitionItems(batch, ['awaiting-approval'], 'awaiting-approval', { approvals: [...batch.approvals, approval] }, actor, now, { approval }),
      now,
    });
    return { batch: await mustGetBatch(batchId), status: 'partial', remaining: verdict.remaining };
  }
  await completeDecision(id, {
    actor,
    action: 'payment-batch.approve',
    completion: { output: { approved: true, by: actor.sub } },
    extraItems: (current) => batchTransitionItems({ ...batch, version: batch.version }, ['awaiting-approval'], 'approved', { approvals: [...batch.approvals, approval] }, actor, now, { approvals: [...current.partials, approval] }),
    now,
  });
  return { batch: await mustGetBatch(batchId), status: 'answered' };
}

export function paymentTemplates(): PaymentTemplate[] {
  return templatesFrom(config().PAYMENT_FILE_TEMPLATES);
}

export function templateById(id: string): PaymentTemplate {
  const template = paymentTemplates().find((t) => t.id === id);
  if (!template) throw new NotFoundError(`There is no payment file template ${id}; GET /payments/templates lists them`);
  return template;
}

/**
 * Export an approved batch's payment file: the first export sends the batch (it becomes "sending"
 * while its workflow marks every instruction sent, then "sent"); later exports give the same lines
 * again in any template, changing nothing.
 */
export async function exportBatch(actor: Actor, batchId: string, templateId: string, now = new Date()): Promise<{ batch: BatchRecord; template: PaymentTemplate; lines: BatchLine[] }> {
  const template = templateById(templateId);
  let batch = await mustGetBatch(batchId);
  if (batch.status === 'approved') {
    const id = exportDecisionId(batchId);
    const decision = await getDecision(id);
    if (!decision) throw new ConflictError(`Payment batch ${batchId} was approved a moment ago and its workflow is not ready for the export yet; try again`);
    await completeDecision(id, {
      actor,
      action: 'payment-batch.export',
      completion: { output: { template: template.id, by: actor.sub } },
      extraItems: () => batchTransitionItems(batch, ['approved'], 'sending', { template: template.id, sentBy: actor.sub, sentAt: now.toISOString() }, actor, now),
      now,
    });
    batch = await mustGetBatch(batchId);
  } else if (!['sending', 'sent', 'reconciled'].includes(batch.status)) {
    throw new ConflictError(`Payment batch ${batchId} is ${batch.status}: only an approved batch is exported`);
  }
  const lines: BatchLine[] = [];
  for await (const line of allBatchLines(batchId)) lines.push(line);
  return { batch, template, lines };
}

export interface ResultsOutcome {
  readonly importId: string;
  /** Lines this file settles now. */
  readonly applied: number;
  /** Lines whose result was recorded already, identically. */
  readonly unchanged: number;
  readonly batch: BatchRecord;
}

const resultsPageSize = 500;

/**
 * Import the bank's results for a sent batch. The file is checked whole against what is recorded
 * (checkResults): any problem rejects it with every problem by row, and nothing is written. A file
 * whose lines are all recorded already changes nothing. Otherwise the new results are staged in
 * pages under an id derived from them (so the same file staged twice is the same import) and the
 * batch's workflow is woken to apply them; one file is applied at a time.
 */
export async function importResults(actor: Actor, batchId: string, text: string, now = new Date()): Promise<ResultsOutcome> {
  const batch = await mustGetBatch(batchId);
  if (!['sending', 'sent', 'reconciled'].includes(batch.status)) throw new ConflictError(`Payment batch ${batchId} is ${batch.status}: results are imported for a batch that was sent`);
  const table = readCsvTable(text, resultColumns, { maxRows: 100_000, noun: 'result lines' });
  if (table.errors.length > 0) throw new CsvRejected(table.errors);
  const lines = new Map<string, RecordedLine>();
  for await (const line of allBatchLines(batchId)) lines.set(line.instructionId, { amountFen: line.amountFen, result: line.result });
  const checked = checkResults(table.rows, lines);
  if (checked.problems.length > 0) throw new CsvRejected(checked.problems);
  const importId = `ri-${createHash('sha256').update(JSON.stringify(checked.changes.map((c) => [c.instructionId, c.result]))).digest('hex').slice(0, 16)}`;
  if (checked.changes.length === 0) return { importId, applied: 0, unchanged: checked.unchanged, batch };
  if (batch.status !== 'sent') throw new ConflictError(`Payment batch ${batchId} is ${batch.status}: ${batch.status === 'sending' ? 'its instructions are still being marked sent; try again in a moment' : 'every line is settled'}`);
  if (batch.reconciling) throw new ConflictError(`Payment batch ${batchId} is applying results file ${batch.reconciling}; import again when it is done`);
  const results: StagedResult[] = checked.changes.map((c) => ({ instructionId: c.instructionId, result: { ...c.result, importId } }));
  const pages: number[] = [];
  const items: Record<string, unknown>[] = [];
  for (let start = 0, page = 0; start < results.length; start += resultsPageSize, page += 1) {
    pages.push(page);
    items.push(resultPageItem(batchId, importId, page, results.slice(start, start + resultsPageSize), now));
  }
  await batchPut(items);
  const round = batch.imports.length;
  const decision = await getDecision(resultsDecisionId(batchId, round));
  if (!decision || decision.status !== 'open') throw new ConflictError(`Payment batch ${batchId} is not waiting for results right now; try again in a moment`);
  await completeDecision(decision.id, {
    actor,
    action: 'payment-batch.results',
    completion: { output: { importId, pages } },
    extraItems: () =>
      batchTransitionItems(batch, ['sent'], 'sent', { reconciling: importId, imports: [...batch.imports, { importId, by: actor.sub, at: now.toISOString(), lines: results.length, pages: pages.length }] }, actor, now, {
        importId,
        lines: results.length,
      }),
    now,
  });
  return { importId, applied: results.length, unchanged: checked.unchanged, batch: await mustGetBatch(batchId) };
}
