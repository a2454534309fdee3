import * as z from 'zod';
import { ConflictError, NotFoundError } from '../../../shared/errors.ts';
import { runBounded } from '../../../shared/pool.ts';
import { beijingDate } from '../../calendar.ts';
import { fenSchema } from '../../money.ts';
import type { Actor } from '../../principal.ts';
import { auditPut } from '../../store/audit.ts';
import { defineEntity } from '../../store/entity.ts';
import type { Page, PageRequest } from '../../store/pagination.ts';
import { ifAbsent, ifVersion, named, putItem, TransactionConditionFailed, updateItem, writeTransaction, type ItemKey, type TransactItem } from '../../store/transact.ts';
import { accountSnapshotSchema, accountValidOn, type AccountSnapshot } from '../domain/account.ts';
import { instructionIdOf, payoutIdOf, payoutStatusSchema, payoutTotals, type PayoutRef, type PayoutStatus, type PayoutTotals } from '../domain/payout.ts';
import { payeeAccountsOf, type PayeeAccount } from './payee.ts';

/**
 * Payouts and their payment instructions (see domain/payout.ts for the life of one). One item per
 * payout, keyed by what it pays for, created with `attribute_not_exists` in the same transaction as
 * the program's own record of the approval: a repeated step can never create a second payout, and
 * the attempt number in the instruction id keeps a reissue from ever being paid beside the first.
 *
 * Keys: pk `PAYOUT#<program>#<programId>`, sk `<sourceId>`. Open payouts (awaiting an account, or
 * instructed and not yet in a batch) are listed on gsi1 `PAYOUTS#<program>#<status>#<county>` /
 * `<issued date>#<payoutId>`, where a batch collects them; payouts waiting for an account are on
 * gsi2 `PAYEEWAIT#<payeeId>`, where an approved account releases them.
 */
const itemKeySchema = z.object({ pk: z.string(), sk: z.string() });

/**
 * How the program's own record shows that its payout was settled: the payments module sets
 * `payment` on that item (and moves its `status` from `statusFrom` to `statusTo` when paid), without
 * knowing what the item is.
 */
export const settleTargetSchema = itemKeySchema.extend({ statusFrom: z.string().optional(), statusTo: z.string().optional() });
export type SettleTarget = z.infer<typeof settleTargetSchema>;

/**
 * What a program shows of a payout: its status with the bank, the instruction, and the bank's
 * reference and value date or reason. Kept on the program's own record (`payment`) for payouts that
 * name one (`settle`), or read from the payouts (`paymentsOf`) by programs that pay in bulk.
 */
export const subjectPaymentSchema = z.object({
  status: payoutStatusSchema,
  payoutId: z.string(),
  instructionId: z.string(),
  batchId: z.string().optional(),
  bankReference: z.string().optional(),
  valueDate: z.string().optional(),
  reason: z.string().optional(),
  at: z.string().optional(),
});
export type SubjectPayment = z.infer<typeof subjectPaymentSchema>;

const attemptSchema = z.object({ instructionId: z.string(), batchId: z.string().optional(), reason: z.string(), at: z.string() });

export const payoutRecordSchema = z.object({
  payoutId: z.string(),
  program: z.string(),
  programId: z.string(),
  sourceId: z.string(),
  payeeId: z.string(),
  /** The payee's division: jurisdiction for reading and handling the payout. */
  division: z.string(),
  amountFen: fenSchema,
  purpose: z.string(),
  /** What was approved (for links and audit): `{ type: 'reward-application', id }`. */
  subject: z.object({ type: z.string(), id: z.string(), path: z.string().optional() }),
  settle: settleTargetSchema.optional(),
  /** The ledger entry of the approval, so the audit trail ties ledger, payout and instruction together. */
  ledgerKey: itemKeySchema.optional(),
  approvedAt: z.string(),
  /** Beijing date the current instruction was issued: batches collect by it. */
  issuedDate: z.string(),
  status: payoutStatusSchema,
  attempt: z.number().int().min(1),
  instructionId: z.string(),
  /** The account the current instruction pays to, frozen when it was issued. */
  account: accountSnapshotSchema.optional(),
  batchId: z.string().optional(),
  bankReference: z.string().optional(),
  valueDate: z.string().optional(),
  failureReason: z.string().optional(),
  /** Earlier attempts, failed and superseded. */
  attempts: z.array(attemptSchema).default([]),
  version: z.number().int().min(1),
  updatedAt: z.string(),
});
export type PayoutRecord = z.infer<typeof payoutRecordSchema>;

const programPartition = (p: { program: string; programId: string }) => `PAYOUT#${p.program}#${p.programId}`;
const openListed: readonly PayoutStatus[] = ['awaiting-account', 'instructed'];

export const payouts = defineEntity({
  type: 'payout',
  schema: payoutRecordSchema,
  key: (p: PayoutRef) => ({ pk: programPartition(p), sk: p.sourceId }),
  indexes: (pattern) => ({
    /** Every payout of one program instance (a reward program, a funding run), in source order. */
    ofProgram: pattern({ index: 'table', partition: programPartition }),
    /** Open payouts of a program in a county, by status, oldest issued first. */
    open: pattern({
      index: 'gsi1',
      partition: (p: { program: string; status: PayoutStatus; county: string }) => `PAYOUTS#${p.program}#${p.status}#${p.county}`,
      place: (r) => (openListed.includes(r.status) ? { partition: { program: r.program, status: r.status, county: r.division.slice(0, 6) }, sort: `${r.issuedDate}#${r.payoutId}` } : undefined),
    }),
    /** Payouts waiting for their payee's account. */
    waitingFor: pattern({
      index: 'gsi2',
      partition: (payeeId: string) => `PAYEEWAIT#${payeeId}`,
      place: (r) => (r.status === 'awaiting-account' ? { partition: r.payeeId, sort: r.payoutId } : undefined),
    }),
  }),
});

/** What a program hands over when it approves a payment. */
export interface PayoutInput extends PayoutRef {
  readonly payeeId: string;
  readonly division: string;
  readonly amountFen: number;
  readonly purpose: string;
  readonly subject: PayoutRecord['subject'];
  readonly settle?: SettleTarget;
  readonly ledgerKey?: ItemKey;
  /** When the payout was approved (the decision's time): the account valid on that Beijing day is used. */
  readonly approvedAt: Date;
}

function snapshot(account: PayeeAccount): AccountSnapshot {
  return { accountName: account.accountName, bank: account.bank, accountNumber: account.accountNumber };
}

/** The payout as first issued: to the payee's account valid on the day of approval, or waiting for one. */
function newPayout(input: PayoutInput, account: PayeeAccount | undefined, now: Date): PayoutRecord {
  if (!Number.isSafeInteger(input.amountFen) || input.amountFen <= 0) throw new RangeError(`a payout must be a positive whole number of fen, got ${input.amountFen}`);
  const payoutId = payoutIdOf(input);
  const approvedDay = beijingDate(input.approvedAt);
  const valid = accountValidOn(account, approvedDay) && account !== undefined;
  return {
    payoutId,
    program: input.program,
    programId: input.programId,
    sourceId: input.sourceId,
    payeeId: input.payeeId,
    division: input.division,
    amountFen: input.amountFen,
    purpose: input.purpose,
    subject: input.subject,
    ...(input.settle ? { settle: input.settle } : {}),
    ...(input.ledgerKey ? { ledgerKey: { pk: input.ledgerKey.pk, sk: input.ledgerKey.sk } } : {}),
    approvedAt: input.approvedAt.toISOString(),
    issuedDate: approvedDay,
    status: valid ? 'instructed' : 'awaiting-account',
    attempt: 1,
    instructionId: instructionIdOf(payoutId, 1),
    ...(valid ? { account: snapshot(account) } : {}),
    attempts: [],
    version: 1,
    updatedAt: now.toISOString(),
  };
}

/** The payouts for `inputs`, each to its payee's account as it stands (read once for all). */
export async function preparePayouts(inputs: readonly PayoutInput[], now = new Date()): Promise<PayoutRecord[]> {
  const accounts = await payeeAccountsOf(inputs.map((i) => i.payeeId));
  return inputs.map((input) => newPayout(input, accounts.get(input.payeeId), now));
}

/** The audit record of a payout's approval: amount, ledger entry and instruction, as an auditor traces them. */
function payoutIssuedAudit(record: PayoutRecord, actor: Actor, now: Date): TransactItem {
  return auditPut({
    entityType: 'payout',
    entityId: record.payoutId,
    division: record.division,
    action: 'payout.issued',
    actor,
    after: { amountFen: record.amountFen, ledgerKey: record.ledgerKey, instructionId: record.instructionId, status: record.status, payeeId: record.payeeId, subject: record.subject },
    at: now,
  });
}

/**
 * TransactWriteItems elements that create the payout (only if it does not exist) and its audit
 * record: for a program's own transaction, next to its ledger entry and status change.
 */
export function payoutCreateItems(record: PayoutRecord, actor: Actor, now = new Date()): TransactItem[] {
  return [named('payout', putItem(payouts.item(record), ifAbsent)), payoutIssuedAudit(record, actor, now)];
}

/**
 * Create many payouts (a funding run's page), each with its audit record, each at most once:
 * one that exists already (a repeated step) is left as it is, whatever it became meanwhile.
 */
export async function issuePayouts(inputs: readonly PayoutInput[], actor: Actor, now = new Date()): Promise<{ created: number; existing: number }> {
  const records = await preparePayouts(inputs, now);
  let created = 0;
  await runBounded(records, 8, async (record) => {
    try {
      await writeTransaction(payoutCreateItems(record, actor, now));
      created += 1;
    } catch (err) {
      if (!(err instanceof TransactionConditionFailed && err.failed.includes('payout'))) throw err;
    }
  });
  return { created, existing: records.length - created };
}

export async function getPayout(ref: PayoutRef, options: { consistent?: boolean } = { consistent: true }): Promise<PayoutRecord | undefined> {
  return payouts.get(ref, options);
}

export async function getPayouts(refs: readonly PayoutRef[]): Promise<PayoutRecord[]> {
  return refs.length === 0 ? [] : payouts.getMany(refs);
}

export async function listProgramPayouts(program: string, programId: string, page: PageRequest): Promise<Page<PayoutRecord>> {
  return payouts.query.ofProgram.page({ program, programId }, page);
}

/** Totals of one program instance by status; they add up to the approved total (see payoutTotals). */
export async function programPayoutTotals(program: string, programId: string): Promise<PayoutTotals> {
  const rows: { status: PayoutStatus; amountFen: number }[] = [];
  for await (const p of payouts.query.ofProgram.select({ program, programId }, z.object({ status: payoutStatusSchema, amountFen: fenSchema }), { consistent: true })) rows.push(p);
  return payoutTotals(rows);
}

/** The payout's next state, written only if nobody changed it since it was read. */
export function payoutReplace(before: PayoutRecord, after: Omit<PayoutRecord, 'version' | 'updatedAt'>, now: Date): TransactItem {
  return named('payout', putItem(payouts.item({ ...after, version: before.version + 1, updatedAt: now.toISOString() }), ifVersion(before.version)));
}

/**
 * TransactWriteItems element: show `payment` on the program's record of the payout (and, when paid,
 * move its status as the program asked: a reward application paying → paid). Nothing for a payout
 * whose program keeps no such record.
 */
export function subjectPaymentItems(payout: PayoutRecord, payment: Omit<SubjectPayment, 'payoutId' | 'instructionId' | 'at'>, now: Date): TransactItem[] {
  if (!payout.settle) return [];
  const value: SubjectPayment = { ...payment, payoutId: payout.payoutId, instructionId: payout.instructionId, at: now.toISOString() };
  const moves = payment.status === 'paid' && payout.settle.statusTo !== undefined;
  const names: Record<string, string> = { '#payment': 'payment' };
  const values: Record<string, unknown> = { ':p': value };
  let condition = 'attribute_exists(pk)';
  if (moves) {
    names['#status'] = 'status';
    values[':to'] = payout.settle.statusTo;
    values[':now'] = now.toISOString();
    values[':one'] = 1;
    if (payout.settle.statusFrom !== undefined) {
      // Or already moved: a repeat of the step that moved it writes the same state again.
      values[':from'] = payout.settle.statusFrom;
      condition += ' AND #status IN (:from, :to)';
    }
  }
  return [
    updateItem(
      { pk: payout.settle.pk, sk: payout.settle.sk },
      {
        UpdateExpression: moves ? 'SET #payment = :p, #status = :to, updatedAt = :now ADD version :one' : 'SET #payment = :p',
        ConditionExpression: condition,
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
      },
    ),
  ];
}

/** A payout as its program shows it. */
export function paymentView(p: PayoutRecord): SubjectPayment {
  return {
    status: p.status,
    payoutId: p.payoutId,
    instructionId: p.instructionId,
    ...(p.batchId ? { batchId: p.batchId } : {}),
    ...(p.bankReference ? { bankReference: p.bankReference } : {}),
    ...(p.valueDate ? { valueDate: p.valueDate } : {}),
    ...(p.failureReason && p.status === 'failed' ? { reason: p.failureReason } : {}),
    at: p.updatedAt,
  };
}

/** The payouts of some sources of a program instance, as the program shows them, by source id. */
export async function paymentsOf(program: string, programId: string, sourceIds: readonly string[]): Promise<Map<string, SubjectPayment>> {
  const found = await getPayouts(sourceIds.map((sourceId) => ({ program, programId, sourceId })));
  return new Map(found.map((p) => [p.sourceId, paymentView(p)]));
}

/** Open payouts of a program in a county with a given status, oldest first, one DynamoDB page at a time. */
export function openPayouts(program: string, status: 'awaiting-account' | 'instructed', county: string): AsyncGenerator<PayoutRecord> {
  return payouts.query.open.all({ program, status, county });
}

/**
 * Give payouts that wait for an account the payee's account, now valid: each becomes an instruction
 * to that account, audited. Called when an account change is approved and when a batch collects.
 */
export async function releaseWaitingPayouts(records: readonly PayoutRecord[], actor: Actor, now = new Date()): Promise<number> {
  const accounts = await payeeAccountsOf(records.map((r) => r.payeeId));
  const today = beijingDate(now);
  let released = 0;
  await runBounded(records, 8, async (before) => {
    const account = accounts.get(before.payeeId);
    if (before.status !== 'awaiting-account' || !account || !accountValidOn(account, today)) return;
    const after = { ...before, status: 'instructed' as const, account: snapshot(account), issuedDate: today };
    try {
      await writeTransaction([
        payoutReplace(before, after, now),
        auditPut({ entityType: 'payout', entityId: before.payoutId, division: before.division, action: 'payout.account-assigned', actor, before: { status: before.status }, after: { status: after.status, instructionId: after.instructionId, accountNumber: account.accountNumber }, at: now }),
      ]);
      released += 1;
    } catch (err) {
      if (!(err instanceof TransactionConditionFailed)) throw err;
    }
  });
  return released;
}

export async function releasePayoutsOfPayee(payeeId: string, actor: Actor, now = new Date()): Promise<number> {
  const waiting: PayoutRecord[] = [];
  for await (const p of payouts.query.waitingFor.all(payeeId)) waiting.push(p);
  const current = await getPayouts(waiting);
  return releaseWaitingPayouts(current, actor, now);
}

/**
 * A failed payout gets a new instruction (the next attempt) to the payee's account as it stands now
 * (corrected through a four-eyes change), or waits for one. The failed instruction stays failed:
 * a bank result for it can never settle the payout again.
 */
export async function reissuePayout(ref: PayoutRef, actor: Actor, now = new Date()): Promise<PayoutRecord> {
  const before = await getPayout(ref);
  if (!before) throw new NotFoundError(`Payout ${payoutIdOf(ref)} does not exist`);
  if (before.status !== 'failed') throw new ConflictError(`Payout ${before.payoutId} is ${before.status}; only a failed payout is reissued`);
  const accounts = await payeeAccountsOf([before.payeeId]);
  const account = accounts.get(before.payeeId);
  const valid = account !== undefined && accountValidOn(account, beijingDate(now));
  const attempt = before.attempt + 1;
  const { account: _old, batchId: _batch, failureReason: _reason, bankReference: _ref, valueDate: _date, ...rest } = before;
  const after: Omit<PayoutRecord, 'version' | 'updatedAt'> = {
    ...rest,
    status: valid ? 'instructed' : 'awaiting-account',
    attempt,
    instructionId: instructionIdOf(before.payoutId, attempt),
    issuedDate: beijingDate(now),
    ...(valid ? { account: snapshot(account) } : {}),
    attempts: [...before.attempts, { instructionId: before.instructionId, ...(before.batchId ? { batchId: before.batchId } : {}), reason: before.failureReason ?? 'failed', at: now.toISOString() }],
  };
  try {
    await writeTransaction([
      payoutReplace(before, after, now),
      ...subjectPaymentItems({ ...before, instructionId: after.instructionId }, { status: 'instructed' }, now),
      auditPut({
        entityType: 'payout',
        entityId: before.payoutId,
        division: before.division,
        action: 'payout.reissued',
        actor,
        before: { status: before.status, instructionId: before.instructionId, account: before.account, failureReason: before.failureReason },
        after: { status: after.status, instructionId: after.instructionId, account: after.account, amountFen: before.amountFen, ledgerKey: before.ledgerKey },
        at: now,
      }),
    ]);
  } catch (err) {
    if (err instanceof TransactionConditionFailed) throw new ConflictError(`Payout ${before.payoutId} changed concurrently; read it again`);
    throw err;
  }
  return { ...after, version: before.version + 1, updatedAt: now.toISOString() };
}
