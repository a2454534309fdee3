import type { CsvError } from '../../csv-table.ts';
import { isCalendarDate } from '../../calendar.ts';
import { formatYuan, parseYuan } from '../../money.ts';
import type { BankResult, LineResult } from './batch.ts';

/**
 * Checking a bank's results file against what is recorded, as a pure function: the file is
 * accepted whole or rejected whole, with every problem named by row and column. A line the batch
 * already has the same result for is "unchanged" (importing a file twice changes nothing); a line
 * that contradicts a recorded result, names an instruction the batch does not hold, or has another
 * amount is a conflict. An instruction never gets two results: that is what makes a payout paid at
 * most once whatever files are imported, in whatever order.
 */
export const resultColumns = [
  { key: 'instruction', aliases: ['instruction_id', '指令号', '支付指令号'] },
  { key: 'amount', aliases: ['金额', '金额（元）', '金额(元)'] },
  { key: 'status', aliases: ['结果', '状态'] },
  { key: 'bankReference', aliases: ['bank_reference', '银行流水号', '交易流水号'] },
  { key: 'valueDate', aliases: ['value_date', '入账日期', '交易日期'] },
  { key: 'reason', aliases: ['失败原因', '原因'] },
] as const;
export type ResultColumn = (typeof resultColumns)[number]['key'];

export interface ResultRow {
  /** Line of the file. */
  readonly row: number;
  readonly cells: Readonly<Record<ResultColumn, string>>;
}

/** What the batch records of one of its lines. */
export interface RecordedLine {
  readonly amountFen: number;
  readonly result?: LineResult | undefined;
  /** The payout moved on to another attempt (reissued): this instruction can no longer be paid. */
  readonly superseded?: boolean;
}

export interface ResultChange {
  readonly row: number;
  readonly instructionId: string;
  readonly result: BankResult;
}

export interface ResultCheck {
  readonly problems: CsvError[];
  readonly changes: ResultChange[];
  readonly unchanged: number;
}

const paidWords = new Set(['paid', 'success', '成功', '已支付', '支付成功']);
const failedWords = new Set(['failed', 'failure', 'fail', '失败', '退票', '支付失败']);

function sameResult(a: BankResult, b: BankResult): boolean {
  if (a.status === 'paid' && b.status === 'paid') return a.bankReference === b.bankReference && a.valueDate === b.valueDate;
  if (a.status === 'failed' && b.status === 'failed') return a.reason === b.reason;
  return false;
}

export function checkResults(rows: readonly ResultRow[], lines: ReadonlyMap<string, RecordedLine>): ResultCheck {
  const problems: CsvError[] = [];
  const changes: ResultChange[] = [];
  let unchanged = 0;
  const seen = new Map<string, number>();
  for (const { row, cells } of rows) {
    const problem = (column: ResultColumn | null, message: string) => problems.push({ row, column, message });
    const instructionId = cells.instruction.trim();
    const line = lines.get(instructionId);
    if (!instructionId) {
      problem('instruction', 'is required');
      continue;
    }
    const earlier = seen.get(instructionId);
    if (earlier !== undefined) {
      problem('instruction', `${instructionId} is on row ${earlier} already: one result per instruction`);
      continue;
    }
    seen.set(instructionId, row);
    if (!line) {
      problem('instruction', `${instructionId} is not an instruction of this batch`);
      continue;
    }
    const amount = parseYuan(cells.amount);
    if (!amount.ok) problem('amount', amount.message);
    else if (amount.fen !== line.amountFen) problem('amount', `is ${formatYuan(amount.fen)} yuan; the instruction is for ${formatYuan(line.amountFen)} yuan`);
    const word = cells.status.trim().toLowerCase();
    let result: ResultChange['result'] | undefined;
    if (paidWords.has(word)) {
      const bankReference = cells.bankReference.trim();
      const valueDate = cells.valueDate.trim();
      if (!bankReference) problem('bankReference', 'is required for a paid line');
      if (!isCalendarDate(valueDate)) problem('valueDate', 'must be the value date YYYY-MM-DD of a paid line');
      if (bankReference && isCalendarDate(valueDate)) result = { status: 'paid', bankReference, valueDate };
    } else if (failedWords.has(word)) {
      const reason = cells.reason.trim();
      if (!reason) problem('reason', 'is required for a failed line');
      else result = { status: 'failed', reason };
    } else {
      problem('status', 'must be paid (成功) or failed (失败)');
    }
    if (!result || !amount.ok || amount.fen !== line.amountFen) continue;
    if (line.result) {
      if (sameResult(line.result, result)) unchanged += 1;
      else problem('status', `${instructionId} is settled already as ${line.result.status}${line.result.status === 'paid' ? ` (${line.result.bankReference})` : ''}: a line gets one result`);
      continue;
    }
    if (line.superseded) {
      problem('instruction', `${instructionId} was superseded by a reissued instruction and can no longer be settled`);
      continue;
    }
    changes.push({ row, instructionId, result });
  }
  return { problems, changes: problems.length > 0 ? [] : changes, unchanged };
}
