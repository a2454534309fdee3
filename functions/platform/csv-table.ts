import { parse } from 'csv-parse/sync';
import * as z from 'zod';

/**
 * Reading a spreadsheet export into rows of named cells, shared by every CSV the product accepts
 * (villages, current funding, enterprise accounts). UTF-8 with or without a BOM, one header line,
 * columns in any order and named in English or by one of their Chinese aliases. Problems are
 * collected, never thrown, so one pass shows the user everything to fix; each format then checks
 * its own cells.
 */
export const csvErrorSchema = z.object({
  /** Line of the file (header = 1); for a record spanning lines, its last line. */
  row: z.number().int().min(1),
  /** Canonical column name, or null when the whole row (or file) is at fault. */
  column: z.string().nullable(),
  message: z.string(),
});
export type CsvError = z.infer<typeof csvErrorSchema>;

export interface CsvColumn<K extends string> {
  readonly key: K;
  readonly aliases: readonly string[];
}

export interface CsvTableRow<K extends string> {
  /** Line of the file the record ends on. */
  readonly row: number;
  readonly cells: Readonly<Record<K, string>>;
}

export interface CsvTable<K extends string> {
  /** Records with the header's number of fields; meaningful only when `errors` is empty. */
  readonly rows: CsvTableRow<K>[];
  readonly errors: CsvError[];
  /** Data records seen, well-formed or not. */
  readonly rowCount: number;
}

export interface CsvTableOptions {
  /** More data records than this refuse the whole file. */
  readonly maxRows: number;
  /** What one record is, for messages ("villages", "accounts"). */
  readonly noun: string;
}

/** User text quoted back in a message, kept short so a pasted blob cannot bloat the error list. */
export function shown(text: string): string {
  return text.length > 40 ? `${text.slice(0, 40)}…` : text;
}

export function readCsvTable<K extends string>(text: string, columns: readonly CsvColumn<K>[], options: CsvTableOptions): CsvTable<K> {
  let records: { record: string[]; info: { lines: number } }[];
  try {
    // With `info: true` csv-parse returns {record, info} pairs; its typings only describe plain records.
    records = parse(text, { bom: true, info: true, relax_column_count: true, skip_empty_lines: true, trim: true }) as unknown as typeof records;
  } catch (err) {
    const e = err as { message?: string; lines?: number };
    return { rows: [], errors: [{ row: Math.max(1, e.lines ?? 1), column: null, message: `not valid CSV: ${e.message ?? String(err)}` }], rowCount: 0 };
  }
  const [header, ...data] = records;
  if (!header) return { rows: [], errors: [{ row: 1, column: null, message: `the file is empty: expected a header line and at least one line of ${options.noun}` }], rowCount: 0 };

  const errors: CsvError[] = [];
  const keyOf = (raw: string): K | undefined => {
    const h = raw.trim();
    return columns.find((c) => c.key.toLowerCase() === h.toLowerCase() || c.aliases.includes(h))?.key;
  };
  const positions = new Map<K, number>();
  header.record.forEach((raw, index) => {
    const key = keyOf(raw);
    if (!key) errors.push({ row: header.info.lines, column: shown(raw), message: `unknown column "${shown(raw)}"; expected ${columns.map((c) => c.key).join(', ')}` });
    else if (positions.has(key)) errors.push({ row: header.info.lines, column: key, message: `column ${key} appears twice` });
    else positions.set(key, index);
  });
  for (const c of columns) {
    if (!positions.has(c.key)) errors.push({ row: header.info.lines, column: c.key, message: `missing column ${c.key}${c.aliases[0] ? ` (${c.aliases[0]})` : ''}` });
  }
  if (errors.length > 0) return { rows: [], errors, rowCount: data.length };
  if (data.length === 0) return { rows: [], errors: [{ row: 1, column: null, message: `no ${options.noun}: the file has only a header line` }], rowCount: 0 };
  if (data.length > options.maxRows) {
    return { rows: [], errors: [{ row: 1, column: null, message: `too many rows: ${data.length}, at most ${options.maxRows} per file` }], rowCount: data.length };
  }

  const rows: CsvTableRow<K>[] = [];
  for (const { record, info } of data) {
    if (record.length !== header.record.length) {
      errors.push({ row: info.lines, column: null, message: `expected ${header.record.length} fields, found ${record.length}` });
      continue;
    }
    const cells = Object.fromEntries(columns.map((c) => [c.key, record[positions.get(c.key)!] ?? ''])) as Record<K, string>;
    rows.push({ row: info.lines, cells });
  }
  return { rows, errors, rowCount: data.length };
}
