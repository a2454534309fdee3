import { toCsv } from './csv-export.ts';
import { rowXml, xlsxContentType, xlsxWorkbook, type XlsxCell } from '../shared/xlsx.ts';

/** A table people download: Chinese headers over rows of cells, as CSV or as an Excel workbook. */
export interface TableFile {
  /** Without its extension. */
  readonly fileName: string;
  /** The workbook's sheet name (Excel allows 31 characters: longer ones are cut). */
  readonly sheet: string;
  readonly header: readonly string[];
  readonly rows: readonly (readonly XlsxCell[])[];
}

/**
 * The body and headers of a table's download, the one way every export route answers: CSV in UTF-8
 * with a BOM (so Excel reads the Chinese headers) through the formula-neutralising writer, or XLSX.
 */
export function tableDownload(format: 'csv' | 'xlsx', table: TableFile): { body: string | Uint8Array<ArrayBuffer>; headers: Record<string, string> } {
  if (format === 'xlsx') {
    const rows = [rowXml(1, table.header.map((text) => ({ text })), true), ...table.rows.map((cells, i) => rowXml(i + 2, cells))];
    return {
      body: new Uint8Array(xlsxWorkbook(table.sheet.slice(0, 31), rows)),
      headers: { 'content-type': xlsxContentType, 'content-disposition': `attachment; filename="${table.fileName}.xlsx"` },
    };
  }
  return {
    body: toCsv(table.header, table.rows, { bom: true }),
    headers: { 'content-type': 'text/csv; charset=utf-8', 'content-disposition': `attachment; filename="${table.fileName}.csv"` },
  };
}
