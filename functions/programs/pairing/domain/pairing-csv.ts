import { readCsvTable, shown, type CsvError } from '../../../platform/csv-table.ts';
import { parseYuan } from '../../../platform/money.ts';
import { pairingInputSchema, type PairingInput } from './pairing.ts';

/**
 * The pairing import format: UTF-8 CSV (a BOM is accepted), one header line, one pairing per line,
 * columns in any order, named in English or Chinese. The pledge is given either in fen or in yuan:
 * the file carries exactly one of the two pledge columns.
 *
 * | column               | Chinese header                  | value                                   |
 * | -------------------- | ------------------------------- | --------------------------------------- |
 * | `termId`             | `帮扶周期`                       | a term id (pt-…)                        |
 * | `unitId`             | `帮扶单位` / `单位编号`           | a registered unit id                    |
 * | `village`            | `村代码` / `结对村`               | 12-digit village code                   |
 * | `level`              | `层级`                           | city/district, 市级/区级                 |
 * | `pledgedFenPerYear`  | `年承诺资金(分)`                  | whole fen                               |
 * | `pledgedYuanPerYear` | `年承诺资金(元)`                  | yuan with at most 2 decimals            |
 *
 * Rows get no cadres and empty targets; both are added afterwards through the API.
 */
const common = [
  { key: 'termId', aliases: ['帮扶周期', '周期'] },
  { key: 'unitId', aliases: ['帮扶单位', '单位编号', '单位'] },
  { key: 'village', aliases: ['村代码', '结对村', '村'] },
  { key: 'level', aliases: ['层级', '级别'] },
] as const;
const fenColumn = { key: 'pledgedFenPerYear', aliases: ['年承诺资金(分)', '年承诺资金（分）'] } as const;
const yuanColumn = { key: 'pledgedYuanPerYear', aliases: ['年承诺资金(元)', '年承诺资金（元）', '年承诺资金'] } as const;

export const pairingCsvMaxRows = 2_000;

const levelWords: Readonly<Record<string, PairingInput['level']>> = { city: 'city', district: 'district', 市级: 'city', 市: 'city', 区级: 'district', 区: 'district' };

export interface PairingCsvRow {
  readonly row: number;
  readonly pairing: PairingInput;
}

export interface PairingCsvResult {
  readonly rows: PairingCsvRow[];
  readonly errors: CsvError[];
  readonly rowCount: number;
}

/** Whether the header line names the pledge in yuan (otherwise it must name it in fen). */
function pledgeInYuan(text: string): boolean {
  const header = text.replace(/^\uFEFF/, '').split(/\r?\n/, 1)[0] ?? '';
  return header.split(',').some((cell) => {
    const h = cell.trim().replace(/^"|"$/g, '');
    return h.toLowerCase() === yuanColumn.key.toLowerCase() || (yuanColumn.aliases as readonly string[]).includes(h);
  });
}

/**
 * Read and check every row (pure: the store then checks units, villages, terms and duplicates
 * against the table). Also refuses a pair of unit, village and term named twice in the file.
 */
export function parsePairingCsv(text: string, options: { maxRows?: number } = {}): PairingCsvResult {
  const yuan = pledgeInYuan(text);
  const table = readCsvTable(text, [...common, yuan ? yuanColumn : fenColumn], { maxRows: options.maxRows ?? pairingCsvMaxRows, noun: 'pairings' });
  const errors: CsvError[] = [...table.errors];
  const rows: PairingCsvRow[] = [];
  const seen = new Map<string, number>();
  for (const { row, cells } of table.rows) {
    const before = errors.length;
    const fail = (column: string, message: string) => errors.push({ row, column, message });
    const level = levelWords[cells.level.trim().toLowerCase()] ?? levelWords[cells.level.trim()];
    if (!level) fail('level', `"${shown(cells.level)}" is not a level; expected city or district (市级, 区级)`);
    let pledged: number | undefined;
    if (yuan) {
      const parsed = parseYuan((cells as Record<string, string>).pledgedYuanPerYear ?? '');
      if (parsed.ok) pledged = parsed.fen;
      else fail('pledgedYuanPerYear', parsed.message);
    } else {
      const text = ((cells as Record<string, string>).pledgedFenPerYear ?? '').trim();
      if (/^\d{1,15}$/.test(text)) pledged = Number(text);
      else fail('pledgedFenPerYear', `"${shown(text)}" is not a whole number of fen`);
    }
    const candidate = { termId: cells.termId, unitId: cells.unitId, village: cells.village, level: level ?? 'city', pledgedFenPerYear: pledged ?? 0 };
    const parsed = pairingInputSchema.safeParse(candidate);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) {
        const column = String(issue.path[0] ?? '');
        if (column === 'level' || column === 'pledgedFenPerYear') continue; // reported above
        fail(column, `"${shown(String((candidate as Record<string, unknown>)[column] ?? ''))}" ${issue.message}`);
      }
    }
    if (errors.length > before || !parsed.success) continue;
    const key = `${parsed.data.termId}|${parsed.data.unitId}|${parsed.data.village}`;
    const first = seen.get(key);
    if (first !== undefined) {
      fail('village', `unit ${parsed.data.unitId} is already paired with village ${parsed.data.village} for this term on row ${first}`);
      continue;
    }
    seen.set(key, row);
    rows.push({ row, pairing: parsed.data });
  }
  return { rows, errors, rowCount: table.rowCount };
}
