import { parse } from 'csv-parse/sync';
import { parseYuan } from '../money.ts';
import { withinJurisdiction } from '../division.ts';
import type { CsvError } from '../village-csv.ts';

/**
 * Current funding per village for one year, as CSV: UTF-8 (BOM accepted), a header line, then
 * `code,currentFundsYuan` (or `村代码,运转经费(元)`) per village, columns in any order. Same error
 * shape as the village import: every problem by line and column, nothing written if any.
 */
export const currentFundingCsvColumns = [
  { key: 'code', aliases: ['村代码', '区划代码', '代码'] },
  { key: 'currentFundsYuan', aliases: ['运转经费(元)', '运转经费（元）', '现有运转经费(元)', '运转经费'] },
] as const;
type Column = (typeof currentFundingCsvColumns)[number]['key'];

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

const shown = (text: string) => (text.length > 40 ? `${text.slice(0, 40)}…` : text);

function headerKey(raw: string): Column | undefined {
  const h = raw.trim();
  return currentFundingCsvColumns.find((c) => c.key.toLowerCase() === h.toLowerCase() || (c.aliases as readonly string[]).includes(h))?.key;
}

/** Parse and validate a whole file; never throws on bad input. */
export function parseCurrentFundingCsv(text: string, options: { scope?: string; maxRows?: number } = {}): CurrentFundingCsvResult {
  const maxRows = options.maxRows ?? maxCurrentFundingRows;
  let records: { record: string[]; info: { lines: number } }[];
  try {
    records = parse(text, { bom: true, info: true, relax_column_count: true, skip_empty_lines: true, trim: true }) as unknown as typeof records;
  } catch (err) {
    const e = err as { message?: string; lines?: number };
    return { rows: [], errors: [{ row: Math.max(1, e.lines ?? 1), column: null, message: `not valid CSV: ${e.message ?? String(err)}` }], rowCount: 0 };
  }
  const [header, ...data] = records;
  if (!header) return { rows: [], errors: [{ row: 1, column: null, message: 'the file is empty: expected a header line and at least one village' }], rowCount: 0 };
  const errors: CsvError[] = [];
  const positions = new Map<Column, number>();
  header.record.forEach((raw, index) => {
    const key = headerKey(raw);
    if (!key) errors.push({ row: 1, column: shown(raw), message: `unknown column "${shown(raw)}"; expected code, currentFundsYuan` });
    else if (positions.has(key)) errors.push({ row: 1, column: key, message: `column ${key} appears twice` });
    else positions.set(key, index);
  });
  for (const c of currentFundingCsvColumns) if (!positions.has(c.key)) errors.push({ row: 1, column: c.key, message: `missing column ${c.key} (${c.aliases[0]})` });
  if (errors.length > 0) return { rows: [], errors, rowCount: data.length };
  if (data.length === 0) return { rows: [], errors: [{ row: 1, column: null, message: 'no villages: the file has only a header line' }], rowCount: 0 };
  if (data.length > maxRows) return { rows: [], errors: [{ row: 1, column: null, message: `too many rows: ${data.length}, at most ${maxRows} per request` }], rowCount: data.length };

  const rows: CurrentFundingRow[] = [];
  const seen = new Map<string, number>();
  for (const { record, info } of data) {
    const row = info.lines;
    if (record.length !== header.record.length) {
      errors.push({ row, column: null, message: `expected ${header.record.length} fields, found ${record.length}` });
      continue;
    }
    const code = record[positions.get('code')!] ?? '';
    const amountText = record[positions.get('currentFundsYuan')!] ?? '';
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
  return { rows, errors, rowCount: data.length };
}
