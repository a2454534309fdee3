import { fromCsvText, toCsv } from '../../csv-export.ts';
import { readCsvTable, shown, type CsvError } from '../../csv-table.ts';
import { villageCategories, villageSchema, type Village } from './village.ts';
import { parentDivision, withinJurisdiction } from './division.ts';

/**
 * The village import format: UTF-8 CSV (a leading BOM, as Excel writes it, is accepted), one header
 * line, then one village per line. Columns may come in any order and may be named in English or in
 * Chinese; every column is required so that an update never silently zeroes a field.
 *
 * | column               | Chinese header          | value                                         |
 * | -------------------- | ----------------------- | --------------------------------------------- |
 * | `code`               | `村代码` / `区划代码`    | 12-digit village division code                |
 * | `name`               | `村名`                  | village name, 1–100 characters                |
 * | `population`         | `人口`                  | whole number of people                        |
 * | `economicallyWeak`   | `经济薄弱村`            | 是/否, true/false, yes/no, 1/0                |
 * | `category`           | `类别`                  | 示范, 创优 or 强基                            |
 * | `operatingFundsYuan` | `运转经费(元)`          | yuan with at most 2 decimals (160000, 1.05)   |
 *
 * Errors name the line of the file (the header is line 1) and the column's canonical name.
 */
export const villageCsvColumns = [
  { key: 'code', aliases: ['村代码', '区划代码', '代码'] },
  { key: 'name', aliases: ['村名', '名称'] },
  { key: 'population', aliases: ['人口'] },
  { key: 'economicallyWeak', aliases: ['经济薄弱村', '经济薄弱'] },
  { key: 'category', aliases: ['类别'] },
  { key: 'operatingFundsYuan', aliases: ['运转经费(元)', '运转经费（元）', '运转经费'] },
] as const;

export type VillageCsvColumn = (typeof villageCsvColumns)[number]['key'];

export interface VillageCsvRow {
  readonly row: number;
  readonly village: Village;
}

export interface VillageCsvResult {
  /** Valid rows in file order; only meaningful when `errors` is empty. */
  readonly rows: VillageCsvRow[];
  readonly errors: CsvError[];
  /** Data rows seen (valid or not). */
  readonly rowCount: number;
}

export interface VillageCsvOptions {
  /** Jurisdiction of the importer: every code must lie inside it. */
  readonly scope?: string;
  /** Townships (9-digit codes) that exist; when given, every village must belong to one of them. */
  readonly knownTownships?: ReadonlySet<string>;
  /** Refuse files with more data rows than this (default 50,000). */
  readonly maxRows?: number;
}

export const defaultMaxRows = 50_000;

const truthy = new Set(['是', 'true', 'yes', 'y', '1']);
const falsy = new Set(['否', 'false', 'no', 'n', '0']);

/** Exact yuan → fen conversion on the decimal text, never through floating point. */
export function parseYuanToFen(text: string): number | undefined {
  const m = /^(\d{1,10})(?:\.(\d{1,2}))?$/.exec(text);
  if (!m) return undefined;
  const [, whole = '0', frac = ''] = m;
  return Number(whole) * 100 + Number(frac.padEnd(2, '0'));
}

/** Fen → yuan text as the CSV writes it (`160000`, `1.05`). */
export function formatFenAsYuan(fen: number): string {
  const whole = Math.floor(fen / 100);
  const rest = fen % 100;
  return rest === 0 ? String(whole) : `${whole}.${String(rest).padStart(2, '0')}`;
}

type Cells = Readonly<Record<VillageCsvColumn, string>>;

function parseCells(cells: Cells, row: number, errors: CsvError[]): Village | undefined {
  const before = errors.length;
  const fail = (column: VillageCsvColumn, message: string) => errors.push({ row, column, message });

  const populationText = cells.population;
  const population = /^\d{1,9}$/.test(populationText) ? Number(populationText) : undefined;
  if (population === undefined) fail('population', `must be a whole number of people, got "${shown(populationText)}"`);

  const weakText = cells.economicallyWeak.toLowerCase();
  const economicallyWeak = truthy.has(weakText) ? true : falsy.has(weakText) ? false : undefined;
  if (economicallyWeak === undefined) fail('economicallyWeak', `must be 是 or 否 (or true/false), got "${shown(cells.economicallyWeak)}"`);

  const operatingFundsFen = parseYuanToFen(cells.operatingFundsYuan);
  if (operatingFundsFen === undefined) {
    fail('operatingFundsYuan', `must be an amount in yuan with at most 2 decimals, got "${shown(cells.operatingFundsYuan)}"`);
  }

  if (!(villageCategories as readonly string[]).includes(cells.category)) {
    fail('category', `must be one of ${villageCategories.join(', ')}, got "${shown(cells.category)}"`);
  }

  // The shared schema is the authority on ranges and formats; its messages name the field.
  // A name the CSV writer neutralised (`'=…`) reads back as it was.
  const candidate = { code: cells.code, name: fromCsvText(cells.name), population, economicallyWeak, category: cells.category, operatingFundsFen };
  const parsed = villageSchema.safeParse(candidate);
  if (!parsed.success) {
    const already = new Set(errors.slice(before).map((e) => e.column));
    for (const issue of parsed.error.issues) {
      const field = String(issue.path[0] ?? '');
      const column: VillageCsvColumn = field === 'operatingFundsFen' ? 'operatingFundsYuan' : (field as VillageCsvColumn);
      if (already.has(column)) continue;
      already.add(column);
      fail(column, issue.message);
    }
  }
  return errors.length === before && parsed.success ? parsed.data : undefined;
}

/**
 * Parse and validate a whole village CSV. Never throws on bad input: every problem found is
 * returned, by line and column, so the importer can fix the file in one go.
 */
export function parseVillageCsv(text: string, options: VillageCsvOptions = {}): VillageCsvResult {
  const table = readCsvTable(text, villageCsvColumns, { maxRows: options.maxRows ?? defaultMaxRows, noun: 'villages' });
  const errors: CsvError[] = [...table.errors];
  if (table.rows.length === 0) return { rows: [], errors, rowCount: table.rowCount };

  const rows: VillageCsvRow[] = [];
  const firstRowOfCode = new Map<string, number>();
  for (const { row, cells } of table.rows) {
    const before = errors.length;
    const village = parseCells(cells, row, errors);
    // Where the code itself is well-formed, its registry checks are reported even when other cells
    // are bad, so one pass over the file shows everything to fix.
    const code = cells.code;
    if (/^\d{12}$/.test(code)) {
      const earlier = firstRowOfCode.get(code);
      if (earlier !== undefined) errors.push({ row, column: 'code', message: `village ${code} already appears on row ${earlier}` });
      else firstRowOfCode.set(code, row);
      if (options.scope && !withinJurisdiction(options.scope, code)) {
        errors.push({ row, column: 'code', message: `village ${code} is outside your jurisdiction ${options.scope}` });
      } else if (options.knownTownships && !options.knownTownships.has(parentDivision(code) ?? '')) {
        errors.push({ row, column: 'code', message: `township ${parentDivision(code) ?? '?'} of village ${code} is not in the division registry` });
      }
    }
    if (!village || errors.length > before) continue;
    rows.push({ row, village });
  }
  return { rows, errors, rowCount: table.rowCount };
}

/**
 * Write villages in the import format (English headers), e.g. for exports, demo files and tests.
 * Through the platform's CSV writer, so a name starting with `=`, `+`, `-` or `@` is written with a
 * leading quote (see functions/platform/csv-export.ts).
 */
export function toVillageCsv(villages: readonly Village[], options: { bom?: boolean } = {}): string {
  const rows = villages.map((v) => [v.code, v.name, { integer: v.population }, v.economicallyWeak ? '是' : '否', v.category, { decimal: formatFenAsYuan(v.operatingFundsFen) }]);
  return toCsv(
    villageCsvColumns.map((c) => c.key),
    rows,
    { eol: '\n', ...(options.bom ? { bom: true } : {}) },
  );
}

/** Split items into consecutive pages of at most `size`. */
export function pages<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
