import { QueryCommand, type QueryCommandOutput } from '@aws-sdk/lib-dynamodb';
import { ddb, tableName } from '../../shared/clients.ts';
import { sumFen } from '../money.ts';
import type { TransactItem } from './transact.ts';

/**
 * The ledger of money paid out by a program, and the payment instructions sent to the treasury.
 *
 * Why a payout happens exactly once: both items are keyed only by what is being paid for
 * (`program`, `programId`, `sourceId` — an application id, a funding-run line), never by time or a
 * random id, and are written with `attribute_not_exists(pk)` inside the same TransactWriteItems as
 * the status change that records the payout. A step that runs twice (a Step Functions retry, a
 * Lambda redelivery, a crash after the commit) either commits the whole transaction once, or finds
 * the entry already there and is cancelled as a whole, so there is never a second entry, a second
 * instruction, or a budget moved twice. The ledger sums (`ledgerTotals`) are therefore sums of
 * distinct payouts, which is what the audit of a program compares with its budget.
 *
 * Keys: ledger entry pk `LEDGER#<program>#<programId>`, sk `ENTRY#<sourceId>`;
 * payment instruction pk `PAYMENT#<program>#<programId>`, sk `INSTRUCTION#<sourceId>`.
 */
/** The program's module name (`reward`, `funding` …): the ledger is shared and knows no program. */
export type LedgerProgram = string;

export interface LedgerEntryInput {
  readonly program: LedgerProgram;
  readonly programId: string;
  /** What is paid for: the application id, the funding run line id … Unique within the program. */
  readonly sourceId: string;
  /** The payee's division (village code for a village's entity). */
  readonly division: string;
  readonly amountFen: number;
  /** Human-readable purpose, kept on the entry and the instruction. */
  readonly purpose: string;
  /** Defaults to now. Not part of the key, so a repeat at another time is still the same entry. */
  readonly at?: Date;
}

export interface LedgerEntryItem {
  pk: string;
  sk: string;
  type: 'ledger-entry';
  program: LedgerProgram;
  programId: string;
  sourceId: string;
  division: string;
  amountFen: number;
  purpose: string;
  at: string;
}

export interface PaymentInstructionInput extends LedgerEntryInput {
  /** The payee's name as the treasury prints it (village or entity name). */
  readonly payeeName?: string;
}

export interface PaymentInstructionItem {
  pk: string;
  sk: string;
  type: 'payment-instruction';
  program: LedgerProgram;
  programId: string;
  /** The reference the treasury quotes back: the source id, so a payment is traceable to its cause. */
  reference: string;
  payeeDivision: string;
  payeeName?: string;
  amountFen: number;
  purpose: string;
  status: 'issued';
  at: string;
}

export const ledgerKey = (program: LedgerProgram, programId: string, sourceId: string) => ({ pk: `LEDGER#${program}#${programId}`, sk: `ENTRY#${sourceId}` });
export const paymentInstructionKey = (program: LedgerProgram, programId: string, sourceId: string) => ({
  pk: `PAYMENT#${program}#${programId}`,
  sk: `INSTRUCTION#${sourceId}`,
});

function checkAmount(amountFen: number): void {
  if (!Number.isSafeInteger(amountFen) || amountFen <= 0) throw new RangeError(`a payout must be a positive whole number of fen, got ${amountFen}`);
}

/** The plain ledger item (for BatchWriteItem pages, where an identical re-put is harmless). */
export function ledgerEntryItem(entry: LedgerEntryInput): LedgerEntryItem {
  checkAmount(entry.amountFen);
  return {
    ...ledgerKey(entry.program, entry.programId, entry.sourceId),
    type: 'ledger-entry',
    program: entry.program,
    programId: entry.programId,
    sourceId: entry.sourceId,
    division: entry.division,
    amountFen: entry.amountFen,
    purpose: entry.purpose,
    at: (entry.at ?? new Date()).toISOString(),
  };
}

/** TransactWriteItems element: the ledger entry, only if none exists for this source (see module doc). */
export function ledgerEntryPut(entry: LedgerEntryInput): TransactItem {
  return { Put: { TableName: tableName(), Item: ledgerEntryItem(entry), ConditionExpression: 'attribute_not_exists(pk)' } };
}

/** The plain payment instruction item (reference = sourceId). */
export function paymentInstructionItem(instruction: PaymentInstructionInput): PaymentInstructionItem {
  checkAmount(instruction.amountFen);
  const item: PaymentInstructionItem = {
    ...paymentInstructionKey(instruction.program, instruction.programId, instruction.sourceId),
    type: 'payment-instruction',
    program: instruction.program,
    programId: instruction.programId,
    reference: instruction.sourceId,
    payeeDivision: instruction.division,
    amountFen: instruction.amountFen,
    purpose: instruction.purpose,
    status: 'issued',
    at: (instruction.at ?? new Date()).toISOString(),
  };
  if (instruction.payeeName !== undefined) item.payeeName = instruction.payeeName;
  return item;
}

/** TransactWriteItems element: the payment instruction, only if none exists for this source. */
export function paymentInstructionPut(instruction: PaymentInstructionInput): TransactItem {
  return { Put: { TableName: tableName(), Item: paymentInstructionItem(instruction), ConditionExpression: 'attribute_not_exists(pk)' } };
}

export interface LedgerTotals {
  readonly count: number;
  readonly totalFen: number;
}

async function sumPartition(pk: string, skPrefix: string): Promise<LedgerTotals> {
  let count = 0;
  const amounts: number[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const out: QueryCommandOutput = await ddb().send(
      new QueryCommand({
        TableName: tableName(),
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :sk)',
        ExpressionAttributeValues: { ':pk': pk, ':sk': skPrefix },
        ProjectionExpression: 'amountFen',
        ConsistentRead: true,
        ExclusiveStartKey: start,
      }),
    );
    for (const item of out.Items ?? []) {
      count++;
      amounts.push(Number(item.amountFen));
    }
    start = out.LastEvaluatedKey;
  } while (start);
  return { count, totalFen: sumFen(amounts) };
}

/** Number and sum of a program's ledger entries (pages through the whole partition, consistently). */
export async function ledgerTotals(program: LedgerProgram, programId: string): Promise<LedgerTotals> {
  return sumPartition(`LEDGER#${program}#${programId}`, 'ENTRY#');
}

/** Number and sum of a program's payment instructions; equal to `ledgerTotals` when all is well. */
export async function paymentInstructionTotals(program: LedgerProgram, programId: string): Promise<LedgerTotals> {
  return sumPartition(`PAYMENT#${program}#${programId}`, 'INSTRUCTION#');
}
