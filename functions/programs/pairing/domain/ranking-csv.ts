import { readCsvTable, shown, type CsvError } from '../../../platform/csv-table.ts';
import { indicatorValueSchema, type RankingIndicator, type RankingInputRow } from './ranking.ts';

/**
 * A ranking's input as a spreadsheet: a column `village` (村代码) and one column per indicator of
 * the policy, named by its key or its name (`collectiveIncome` or 村集体经营性收入), whole numbers.
 * Problems by line and column, all of them in one pass.
 */
export const rankingCsvMaxRows = 2000;

export function parseRankingCsv(text: string, indicators: readonly Pick<RankingIndicator, 'key' | 'name'>[]): { rows: (RankingInputRow & { line: number })[]; errors: CsvError[] } {
  const columns = [{ key: 'village', aliases: ['村代码'] }, ...indicators.map((i) => ({ key: i.key, aliases: [i.name] }))];
  const table = readCsvTable(text, columns, { maxRows: rankingCsvMaxRows, noun: 'villages' });
  const errors = [...table.errors];
  const rows: (RankingInputRow & { line: number })[] = [];
  for (const { row, cells } of table.rows) {
    const village = cells.village ?? '';
    if (!/^\d{12}$/.test(village)) errors.push({ row, column: 'village', message: `"${shown(village)}" is not a 12-digit village code` });
    const values: Record<string, number> = {};
    for (const indicator of indicators) {
      const cell = cells[indicator.key] ?? '';
      const parsed = /^\d{1,15}$/.test(cell) ? indicatorValueSchema.safeParse(Number(cell)) : undefined;
      if (!parsed?.success) errors.push({ row, column: indicator.key, message: `"${shown(cell)}" is not a whole number of at least 0` });
      else values[indicator.key] = parsed.data;
    }
    rows.push({ line: row, village, values });
  }
  return { rows, errors };
}
