import { formatYuan } from '../../../platform/money.ts';
import type { XlsxCell } from '../../../shared/xlsx.ts';
import { mergeCounters, rateBp, type Counters } from './report.ts';

/**
 * The report views (DHIS2's reporting-rate summary and the program's own figures), as rows of
 * counters, and their exports' Chinese columns. Every figure comes from the counters; rates are
 * basis points rounded down, shown as percentages with two decimals.
 */
export const reportViews = ['completeness', 'funds', 'outcomes', 'cadres'] as const;
export type ReportView = (typeof reportViews)[number];
export const viewGroupings = ['township', 'unit', 'period'] as const;
export type ViewGrouping = (typeof viewGroupings)[number];

export interface ViewRow {
  /** The township code, the unit id, or the period id. */
  readonly key: string;
  /** Township or unit name; the period id for periods. */
  readonly name: string;
  readonly counters: Counters;
}

/** Rates of a row: completeness and timeliness over expected, invested over pledged. */
export function ratesOf(c: Counters) {
  return {
    completenessBp: rateBp(c.filed, c.expected),
    timelinessBp: rateBp(c.onTime, c.expected),
    investedOfPledgedBp: rateBp(c.investedFen, c.pledgedFen),
    collectiveIncomeOfTargetBp: rateBp(c.collectiveIncomeFen, c.collectiveIncomeTargetFen),
  };
}

const percent = (bp: number): XlsxCell => ({ decimal: (bp / 100).toFixed(2) });
const yuan = (fen: number): XlsxCell => ({ decimal: formatYuan(fen) });
const int = (n: number): XlsxCell => ({ integer: n });

const keyHeader: Record<ViewGrouping, [string, string]> = { township: ['乡镇代码', '乡镇'], unit: ['帮扶单位编号', '帮扶单位'], period: ['报告期', '报告期'] };

const columns: Record<ReportView, { headers: string[]; cells: (c: Counters) => XlsxCell[] }> = {
  completeness: {
    headers: ['应报数', '实报数', '及时报送数', '逾期报送数', '缺报数', '无进展报告数', '退回修改数', '乡镇审核通过数', '县级验收数', '完整率(%)', '及时率(%)'],
    cells: (c) => {
      const r = ratesOf(c);
      return [int(c.expected), int(c.filed), int(c.onTime), int(c.late), int(c.missing), int(c.nil), int(c.returned), int(c.approved), int(c.accepted), percent(r.completenessBp), percent(r.timelinessBp)];
    },
  },
  funds: {
    headers: ['承诺帮扶资金(元)', '实际投入资金(元)', '投入占承诺(%)'],
    cells: (c) => [yuan(c.pledgedFen), yuan(c.investedFen), percent(ratesOf(c).investedOfPledgedBp)],
  },
  outcomes: {
    headers: ['新开工项目数', '完工项目数', '村集体收入(元)', '村集体收入目标(元)', '完成目标(%)'],
    cells: (c) => [int(c.projectsStarted), int(c.projectsFinished), yuan(c.collectiveIncomeFen), yuan(c.collectiveIncomeTargetFen), percent(ratesOf(c).collectiveIncomeOfTargetBp)],
  },
  cadres: {
    headers: ['在岗驻村干部数', '其中第一书记', '驻村工作天数'],
    cells: (c) => [int(c.cadresInPlace), int(c.firstSecretaries), int(c.cadreDays)],
  },
};

/** The export's header line: what the rows are of, then the view's columns. */
export function viewHeaders(view: ReportView, by: ViewGrouping): string[] {
  const [keyName, name] = keyHeader[by];
  return by === 'period' ? [keyName, ...columns[view].headers] : [keyName, name, ...columns[view].headers];
}

/** The export's lines: one per row, then a total (合计) line (not for periods, whose sum means nothing across types). */
export function viewLines(view: ReportView, by: ViewGrouping, rows: readonly ViewRow[]): XlsxCell[][] {
  const lines = rows.map((row) => [...(by === 'period' ? [{ text: row.key }] : [{ text: row.key }, { text: row.name }]), ...columns[view].cells(row.counters)]);
  if (by !== 'period' && rows.length > 0) lines.push([{ text: '合计' }, { text: '' }, ...columns[view].cells(mergeCounters(...rows.map((r) => r.counters)))]);
  return lines;
}

export const viewTitles: Record<ReportView, string> = { completeness: '报送完整及时情况', funds: '帮扶资金承诺与投入', outcomes: '项目与集体收入', cadres: '驻村干部在岗情况' };
