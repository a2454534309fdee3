import type { XlsxCell } from '../shared/xlsx.ts';

/**
 * Writing CSV files that people open in a spreadsheet: the one place every CSV the product writes
 * goes through (the funding run's allocations export, the village CSV, the payment files of batches).
 *
 * **Formula injection** (OWASP, "CSV Injection"): a spreadsheet runs a cell that starts with `=`,
 * `+`, `-` or `@` as a formula (and tab or carriage return can hide such a start), so a village named
 * `=HYPERLINK("http://x","y")` would become a live link, or worse, in the county's spreadsheet. A
 * text cell starting with one of those characters is therefore written with a single quote in front
 * (`'=HYPERLINK(…)`), which spreadsheets show as text; the quote is visible in a text editor and is
 * the cost of the protection.
 *
 * Numbers are written as numbers: a cell given as a number (`{ integer }`, or `{ decimal }` such as
 * `-12.50` in a money column) stays a plain number a spreadsheet can add up, never a formula, since
 * it is checked to be only digits with an optional leading minus and decimal point. Only text is
 * neutralised; a value that claims to be a decimal and is not one is treated as text.
 *
 * Quoting (RFC 4180): a cell containing a comma, a double quote, CR or LF, or starting or ending
 * with whitespace, is put in double quotes with its double quotes doubled.
 */

/** A cell: text (a string or `{ text }`), or a number (`{ integer }`, `{ decimal }`, or a number). */
export type CsvValue = string | number | XlsxCell;

/**
 * Characters that make a spreadsheet read a cell as a formula when they come first. Text that
 * already starts with quotes before one of them gets one more, so that {@link fromCsvText} can undo
 * exactly what was added (`'-x` is written `''-x` and reads back as `'-x`).
 */
const formulaStart = /^'*[=+\-@\t\r]/;
const plainNumber = /^-?\d+(\.\d+)?$/;
const needsQuotes = /[",\r\n]|^\s|\s$/;

/** A text cell, neutralised and quoted as needed. */
export function csvText(text: string): string {
  const safe = formulaStart.test(text) ? `'${text}` : text;
  return needsQuotes.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/**
 * The text a neutralised cell stood for: `'=…` read back is `=…`, `''=…` is `'=…`. For readers of
 * files the product wrote (the village CSV is written and imported in the same format), so a round
 * trip keeps a name as it was; a quote before anything else is kept.
 */
export function fromCsvText(text: string): string {
  return /^'+[=+\-@\t\r]/.test(text) ? text.slice(1) : text;
}

/** One cell as it is written in the file. */
export function csvCell(value: CsvValue): string {
  if (typeof value === 'string') return csvText(value);
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new RangeError(`a CSV number cell must be finite, got ${value}`);
    return String(value);
  }
  if ('text' in value) return csvText(value.text);
  if ('integer' in value) return csvCell(value.integer);
  return plainNumber.test(value.decimal) ? value.decimal : csvText(value.decimal);
}

/** One line of cells, without its line ending. */
export function csvLine(cells: readonly CsvValue[]): string {
  return cells.map(csvCell).join(',');
}

/** A whole file: header and rows, each line ended by `eol` (default CRLF, as RFC 4180 has it). */
export function toCsv(header: readonly CsvValue[], rows: Iterable<readonly CsvValue[]>, options: { bom?: boolean; eol?: '\r\n' | '\n' } = {}): string {
  const eol = options.eol ?? '\r\n';
  const lines = [csvLine(header)];
  for (const row of rows) lines.push(csvLine(row));
  return `${options.bom ? '\uFEFF' : ''}${lines.join(eol)}${eol}`;
}
