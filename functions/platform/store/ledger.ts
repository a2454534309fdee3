import * as z from 'zod';
import { fenSchema, sumFen } from '../money.ts';
import { defineEntity } from './entity.ts';
import { ifAbsent, putItem, type TransactItem } from './transact.ts';

/**
 * The ledger of money a program approved for payment. Each entry goes with one payout of the
 * payments module (functions/platform/payments), which carries the payment instruction to the bank
 * and its result; the two are created in the same transaction (or page) and compared by
 * `GET /payments/programs/{program}/{programId}/totals`.
 *
 * Why an entry is written exactly once: it is keyed only by what is being paid for
 * (`program`, `programId`, `sourceId` — an application id, a funding-run line), never by time or a
 * random id, and is written with `attribute_not_exists(pk)` inside the same TransactWriteItems as
 * the status change that records the approval. A step that runs twice (a Step Functions retry, a
 * Lambda redelivery, a crash after the commit) either commits the whole transaction once, or finds
 * the entry already there and is cancelled as a whole, so there is never a second entry, a second
 * payout, or a budget moved twice. The ledger sums (`ledgerTotals`) are therefore sums of
 * distinct payouts, which is what the audit of a program compares with its budget.
 *
 * Keys: pk `LEDGER#<program>#<programId>`, sk `ENTRY#<sourceId>`.
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

export const ledgerEntrySchema = z.object({
  program: z.string(),
  programId: z.string(),
  sourceId: z.string(),
  division: z.string(),
  amountFen: fenSchema,
  purpose: z.string(),
  at: z.string(),
});
export type LedgerEntry = z.infer<typeof ledgerEntrySchema>;

type ProgramParts = { program: LedgerProgram; programId: string };

const ledgerPartition = (p: ProgramParts) => `LEDGER#${p.program}#${p.programId}`;

const entryPrefix = 'ENTRY#';

export const ledgerEntries = defineEntity({
  type: 'ledger-entry',
  schema: ledgerEntrySchema,
  key: (p: ProgramParts & { sourceId: string }) => ({ pk: ledgerPartition(p), sk: entryPrefix + p.sourceId }),
  indexes: (pattern) => ({
    /** Every entry of a program. */
    ofProgram: pattern({ index: 'table', partition: ledgerPartition, sortPrefix: entryPrefix }),
  }),
});

function checkAmount(amountFen: number): void {
  if (!Number.isSafeInteger(amountFen) || amountFen <= 0) throw new RangeError(`a payout must be a positive whole number of fen, got ${amountFen}`);
}

/** The plain ledger item (for BatchWriteItem pages, where an identical re-put is harmless). */
export function ledgerEntryItem(entry: LedgerEntryInput): Record<string, unknown> {
  checkAmount(entry.amountFen);
  return ledgerEntries.item({
    program: entry.program,
    programId: entry.programId,
    sourceId: entry.sourceId,
    division: entry.division,
    amountFen: entry.amountFen,
    purpose: entry.purpose,
    at: (entry.at ?? new Date()).toISOString(),
  });
}

/** TransactWriteItems element: the ledger entry, only if none exists for this source (see module doc). */
export function ledgerEntryPut(entry: LedgerEntryInput): TransactItem {
  return putItem(ledgerEntryItem(entry), ifAbsent);
}

export interface LedgerTotals {
  readonly count: number;
  readonly totalFen: number;
}

const amountOnly = z.object({ amountFen: fenSchema });

async function totals(amounts: AsyncIterable<{ amountFen: number }>): Promise<LedgerTotals> {
  const all: number[] = [];
  for await (const { amountFen } of amounts) all.push(amountFen);
  return { count: all.length, totalFen: sumFen(all) };
}

/** Number and sum of a program's ledger entries (pages through the whole partition, consistently). */
export async function ledgerTotals(program: LedgerProgram, programId: string): Promise<LedgerTotals> {
  return totals(ledgerEntries.query.ofProgram.select({ program, programId }, amountOnly, { consistent: true }));
}
