import { parseYuan } from '../../../platform/money.ts';
import { withinJurisdiction } from '../../../platform/registries/domain/division.ts';
import { readCsvTable, shown, type CsvError } from '../../../platform/csv-table.ts';

/**
 * Current funding per village for one year, as CSV: UTF-8 (BOM accepted), a header line, then
 * `code,currentFundsYuan` (or `村代码,运转经费(元)`) per village, columns in any order. Same error
 * shape as the village import: every problem by line and column, nothing written if any.
 */
export const currentFundingCsvColumns = [
  { key: 'code', aliases: ['村代码', '区划代码', '代码'] },
  { key: 'currentFundsYuan', aliases: ['运转经费(元)', '运转经费（元）', '现有运转经费(元)', '运转经费'] },
] as const;

export interface CurrentFundingRow {
  readonly row: number;
  readonly code: string;
  readonly amountFen: number;
}

export interface CurrentFundingCsvResult {
  readonly rows: CurrentFundingRow[];
  readonly errors: CsvError[];
  readonly rowCount: number;
}

/** Rows accepted per request: written synchronously, so a moderate file (a county, not a province). */
export const maxCurrentFundingRows = 10_000;

/** Parse and validate a whole file; never throws on bad input. */
export function parseCurrentFundingCsv(text: string, options: { scope?: string; maxRows?: number } = {}): CurrentFundingCsvResult {
  const table = readCsvTable(text, currentFundingCsvColumns, { maxRows: options.maxRows ?? maxCurrentFundingRows, noun: 'villages' });
  const errors: CsvError[] = [...table.errors];
  const rows: CurrentFundingRow[] = [];
  const seen = new Map<string, number>();
  for (const { row, cells } of table.rows) {
    const code = cells.code;
    const amountText = cells.currentFundsYuan;
    const before = errors.length;
    if (!/^\d{12}$/.test(code)) errors.push({ row, column: 'code', message: `must be a 12-digit village division code, got "${shown(code)}"` });
    else if (options.scope && !withinJurisdiction(options.scope, code)) errors.push({ row, column: 'code', message: `village ${code} is outside your jurisdiction ${options.scope}` });
    else if (seen.has(code)) errors.push({ row, column: 'code', message: `village ${code} already appears on row ${seen.get(code)}` });
    else seen.set(code, row);
    const amount = parseYuan(amountText);
    if (!amount.ok) errors.push({ row, column: 'currentFundsYuan', message: amount.message });
    else if (amount.fen > 10 ** 15) errors.push({ row, column: 'currentFundsYuan', message: 'is too large' });
    if (errors.length === before && amount.ok) rows.push({ row, code, amountFen: amount.fen });
  }
  return { rows, errors, rowCount: table.rowCount };
}
