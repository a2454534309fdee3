import { z } from '@hono/zod-openapi';
import { fenSchema, formatYuan } from '../../../platform/money.ts';
import { documented } from '../../../platform/http/schemas.ts';
import type { XlsxCell } from '../../../shared/xlsx.ts';
import { allocationRecordSchema, type AllocationRecord } from '../store/run.ts';

/**
 * How a run's allocation is shown (the JSON routes and the CSV / XLSX exports alike). The stored
 * allocation keeps what the policy computed; a village that finance excluded does not get it, so
 * what it is shown to get is its current funding: new total = current, top-up 0, no earmark of a
 * new standard. What the policy had computed for it stays visible under `excluded.withheld` (JSON)
 * and in the exclusion's audit record; the export names the reason.
 */

const withheldSchema = z
  .object({ newTotalFen: fenSchema, topUpFen: fenSchema, earmarkFen: fenSchema })
  .openapi({ description: 'What the policy computed for the village and the run does not pay, because it is excluded' });

export const allocationViewSchema = documented(
  allocationRecordSchema.extend({
    newTotalFen: documented(fenSchema, { description: 'The village’s funding after the run: the computed new total, or the current funding when excluded' }),
    topUpFen: documented(fenSchema, { description: 'What the run pays the village: newTotalFen − currentFen (0 when excluded)' }),
    earmarkFen: documented(fenSchema.nullable(), { description: 'Part of newTotalFen earmarked for serving the masses (服务群众专项经费); null when excluded' }),
    excluded: z.object({ reason: z.string(), by: z.string(), at: z.string(), withheld: withheldSchema }).optional(),
  }),
  'FundingAllocation',
);
export type AllocationView = z.infer<typeof allocationViewSchema>;

export function allocationView(a: AllocationRecord): AllocationView {
  const { excluded, ...line } = a;
  if (!excluded) return line;
  return {
    ...line,
    newTotalFen: a.currentFen,
    topUpFen: 0,
    earmarkFen: null,
    excluded: { ...excluded, withheld: { newTotalFen: a.newTotalFen, topUpFen: a.topUpFen, earmarkFen: a.earmarkFen } },
  };
}

/**
 * The export's columns. The earmark is part of the new total (not of the top-up), so it stands
 * right after the new total and says so; an excluded village shows its current funding as its new
 * total, a top-up of 0.00, no earmark, and the reason.
 */
export const exportHeaders = [
  '村代码',
  '村名',
  '人口',
  '经济薄弱村',
  '人口档次',
  '资金来源',
  '现有运转经费(元)',
  '新运转经费总额(元)',
  '新运转经费总额中：服务群众专项经费(元)',
  '增量补助(元)',
  '适用保底线(元)',
  '触及保底',
  '触及上限',
  '剔除原因',
];

export function exportCells(record: AllocationRecord): XlsxCell[] {
  const a = allocationView(record);
  return [
    { text: a.code },
    { text: a.name },
    { integer: a.population },
    { text: a.economicallyWeak ? '是' : '否' },
    { text: a.tier ?? '' },
    { text: a.source === 'recorded' ? '乡镇填报' : '村庄名录' },
    { decimal: formatYuan(a.currentFen) },
    { decimal: formatYuan(a.newTotalFen) },
    a.earmarkFen === null ? { text: '' } : { decimal: formatYuan(a.earmarkFen) },
    { decimal: formatYuan(a.topUpFen) },
    a.floorFen === null ? { text: '' } : { decimal: formatYuan(a.floorFen) },
    { text: a.floorApplied ? '是' : '否' },
    { text: a.capApplied ? '是' : '否' },
    { text: a.excluded?.reason ?? '' },
  ];
}
