import { readCsvTable, shown, type CsvError } from '../../../platform/csv-table.ts';
import { organisationInputSchema, type OrganisationInput } from './organisation.ts';

/**
 * The import format of organisations that exist already on paper (a county starting with the
 * system): UTF-8 CSV (a BOM is accepted), one header line, one organisation per line, columns in
 * any order, named in English or Chinese. Each is registered as filed (已备案) or active (活动中)
 * and gets the next filing number of its township.
 *
 * | column                | Chinese header | value                                           |
 * | --------------------- | -------------- | ----------------------------------------------- |
 * | `village`             | `村代码`        | 12-digit village code                           |
 * | `name`                | `组织名称`      | a name                                          |
 * | `category`            | `类别`          | 乡贤参事类 … 行业协会类, 其他                     |
 * | `categoryDescription` | `类别说明`      | required for 其他, empty otherwise              |
 * | `leaderName`          | `负责人`        | a name                                          |
 * | `partyMember`         | `党员`          | 是/否 (yes/no, true/false, 1/0)                  |
 * | `returnedTalent`      | `乡贤`          | 是/否                                            |
 * | `fiveElders`          | `五老`          | 是/否                                            |
 * | `members`             | `成员数`        | whole number ≥ 1                                |
 * | `foundedOn`           | `成立日期`      | YYYY-MM-DD, not after today (Beijing)           |
 * | `contact`             | `联系方式`      | text                                            |
 * | `status`              | `状态`          | filed/active, 已备案/活动中                       |
 */
const columns = [
  { key: 'village', aliases: ['村代码', '村'] },
  { key: 'name', aliases: ['组织名称', '名称'] },
  { key: 'category', aliases: ['类别'] },
  { key: 'categoryDescription', aliases: ['类别说明'] },
  { key: 'leaderName', aliases: ['负责人'] },
  { key: 'partyMember', aliases: ['党员'] },
  { key: 'returnedTalent', aliases: ['乡贤'] },
  { key: 'fiveElders', aliases: ['五老'] },
  { key: 'members', aliases: ['成员数'] },
  { key: 'foundedOn', aliases: ['成立日期'] },
  { key: 'contact', aliases: ['联系方式'] },
  { key: 'status', aliases: ['状态'] },
] as const;

export const organisationCsvMaxRows = 2_000;

const yes = new Set(['是', 'yes', 'true', '1', 'y']);
const no = new Set(['否', 'no', 'false', '0', 'n']);
const statusWords: Readonly<Record<string, 'filed' | 'active'>> = { filed: 'filed', active: 'active', 已备案: 'filed', 活动中: 'active' };

export interface OrganisationCsvRow {
  readonly row: number;
  readonly organisation: OrganisationInput;
  readonly status: 'filed' | 'active';
}

export interface OrganisationCsvResult {
  readonly rows: OrganisationCsvRow[];
  readonly errors: CsvError[];
  readonly rowCount: number;
}

/** Read and check every row (pure: villages and jurisdiction are checked against the table afterwards). */
export function parseOrganisationCsv(text: string, beijingToday: string, options: { maxRows?: number } = {}): OrganisationCsvResult {
  const table = readCsvTable(text, columns, { maxRows: options.maxRows ?? organisationCsvMaxRows, noun: 'organisations' });
  const errors: CsvError[] = [...table.errors];
  const rows: OrganisationCsvRow[] = [];
  for (const { row, cells } of table.rows) {
    const before = errors.length;
    const fail = (column: string, message: string) => errors.push({ row, column, message });
    const flag = (column: 'partyMember' | 'returnedTalent' | 'fiveElders'): boolean => {
      const v = cells[column].trim().toLowerCase();
      if (yes.has(v)) return true;
      if (!no.has(v)) fail(column, `"${shown(cells[column])}" is not 是 or 否`);
      return false;
    };
    const leader = { name: cells.leaderName, partyMember: flag('partyMember'), returnedTalent: flag('returnedTalent'), fiveElders: flag('fiveElders') };
    const status = statusWords[cells.status.trim().toLowerCase()] ?? statusWords[cells.status.trim()];
    if (!status) fail('status', `"${shown(cells.status)}" is not a status; expected filed or active (已备案, 活动中)`);
    const members = /^\d{1,6}$/.test(cells.members.trim()) ? Number(cells.members.trim()) : Number.NaN;
    const candidate = {
      village: cells.village,
      name: cells.name,
      category: cells.category,
      ...(cells.categoryDescription.trim() !== '' ? { categoryDescription: cells.categoryDescription } : {}),
      leader,
      members,
      foundedOn: cells.foundedOn,
      contact: cells.contact,
    };
    const parsed = organisationInputSchema.safeParse(candidate);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) {
        const path = issue.path.map(String);
        const column = path[0] === 'leader' ? (path[1] === 'name' ? 'leaderName' : (path[1] ?? 'leaderName')) : (path[0] ?? 'categoryDescription');
        if (['partyMember', 'returnedTalent', 'fiveElders'].includes(column)) continue; // reported above
        if (column === 'members' && Number.isNaN(members)) {
          fail('members', `"${shown(cells.members)}" is not a whole number of members`);
          continue;
        }
        fail(column, `${issue.message}`);
      }
    } else if (parsed.data.foundedOn > beijingToday) fail('foundedOn', `${parsed.data.foundedOn} is after today (${beijingToday}, Beijing time)`);
    if (errors.length > before || !parsed.success || !status) continue;
    rows.push({ row, organisation: parsed.data, status });
  }
  return { rows, errors, rowCount: table.rowCount };
}
