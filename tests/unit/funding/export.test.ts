import { describe, expect, it } from 'vitest';
import { allocationView, allocationViewSchema, exportCells, exportHeaders } from '../../../functions/programs/funding/routes/allocation-view.ts';
import type { AllocationRecord } from '../../../functions/programs/funding/store/run.ts';
import type { XlsxCell } from '../../../functions/shared/xlsx.ts';

// Tianjin's average village: 160,000 → 200,000 yuan, top-up 40,000, of the new total 50,000 earmarked.
const line: AllocationRecord = {
  code: '120225100201',
  name: '西井峪村',
  page: 0,
  population: 1260,
  economicallyWeak: false,
  source: 'registry',
  currentFen: 16_000_000,
  newTotalFen: 20_000_000,
  topUpFen: 4_000_000,
  earmarkFen: 5_000_000,
  floorFen: null,
  floorApplied: false,
  capApplied: false,
  tier: '1500人及以下',
};
const excluded: AllocationRecord = { ...line, excluded: { reason: '村账审计未完成，暂缓拨付', by: 'f1', at: '2026-03-01T00:00:00.000Z' } };

const cellText = (cell: XlsxCell) => ('text' in cell ? cell.text : 'decimal' in cell ? cell.decimal : String(cell.integer));
const row = (a: AllocationRecord) => Object.fromEntries(exportCells(a).map((cell, i) => [exportHeaders[i]!, cellText(cell)]));

describe('a run’s allocations as exported', () => {
  it('puts the earmark right after the new total and names it as part of it, before the top-up', () => {
    const total = exportHeaders.indexOf('新运转经费总额(元)');
    expect(exportHeaders[total + 1]).toBe('新运转经费总额中：服务群众专项经费(元)');
    expect(exportHeaders[total + 2]).toBe('增量补助(元)');
    expect(exportHeaders).not.toContain('其中服务群众专项经费(元)');
    expect(row(line)).toMatchObject({ '现有运转经费(元)': '160000.00', '新运转经费总额(元)': '200000.00', '新运转经费总额中：服务群众专项经费(元)': '50000.00', '增量补助(元)': '40000.00', '剔除原因': '' });
  });

  it('shows an excluded village at its current funding: no top-up, no earmark of the new standard, and the reason', () => {
    expect(row(excluded)).toMatchObject({
      '现有运转经费(元)': '160000.00',
      '新运转经费总额(元)': '160000.00',
      '新运转经费总额中：服务群众专项经费(元)': '',
      '增量补助(元)': '0.00',
      '剔除原因': '村账审计未完成，暂缓拨付',
    });
  });
});

describe('a run’s allocations as the JSON routes show them', () => {
  it('leaves a paid line as computed', () => {
    expect(allocationView(line)).toEqual(line);
    expect(allocationViewSchema.parse(allocationView(line))).toEqual(line);
  });

  it('shows an excluded line at its current funding, with what was withheld beside the reason', () => {
    const view = allocationView(excluded);
    expect(view).toMatchObject({
      currentFen: 16_000_000,
      newTotalFen: 16_000_000,
      topUpFen: 0,
      earmarkFen: null,
      excluded: { reason: '村账审计未完成，暂缓拨付', by: 'f1', withheld: { newTotalFen: 20_000_000, topUpFen: 4_000_000, earmarkFen: 5_000_000 } },
    });
    expect(allocationViewSchema.parse(view)).toEqual(view);
  });
});
