import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { bulkReducer, chunks, emptySelection, failedRows, selectedIds, selectionSummary, type BulkRow, type BulkSelection } from '../../../console/src/lib/bulk';

const row = (id: string, amountFen?: number): BulkRow => ({ id, label: id, ...(amountFen !== undefined ? { amountFen } : {}) });
const snapshot = { snapshotId: 'snap-1', count: 480, totalFen: 1_234_500_00, filterLabel: '下营镇 · 以奖代补·财政审批' };

describe('bulk selection in the inbox', () => {
  it('counts and totals the rows picked, toggling one off again', () => {
    let s: BulkSelection = emptySelection;
    s = bulkReducer(s, { type: 'toggle', row: row('a', 3_000_000) });
    s = bulkReducer(s, { type: 'toggle', row: row('b', 14_400_000) });
    s = bulkReducer(s, { type: 'toggle', row: row('c') });
    expect(selectionSummary(s)).toEqual({ count: 3, totalFen: 17_400_000, withoutAmount: 1 });
    s = bulkReducer(s, { type: 'toggle', row: row('a', 3_000_000) });
    expect(selectionSummary(s)).toEqual({ count: 2, totalFen: 14_400_000, withoutAmount: 1 });
    expect(selectedIds(s)).toEqual(['b', 'c']);
  });

  it('takes the count and total of an all-matching snapshot from the server, never from the rows shown', () => {
    let s = bulkReducer(emptySelection, { type: 'set-rows', rows: [row('a', 1), row('b', 2)] });
    s = bulkReducer(s, { type: 'select-all-matching', snapshot });
    expect(selectionSummary(s)).toEqual({ count: 480, totalFen: 1_234_500_00, withoutAmount: 0 });
    // Rows and a snapshot never mix: picking a row leaves the snapshot for rows only.
    expect(selectedIds(s)).toEqual([]);
    s = bulkReducer(s, { type: 'toggle', row: row('z', 5) });
    expect(s.kind).toBe('rows');
    expect(selectionSummary(s)).toEqual({ count: 1, totalFen: 5, withoutAmount: 0 });
  });

  it('selects exactly the failed ones again for a retry', () => {
    const sent = [row('a', 1), row('b', 2), row('c', 3)];
    const results = [
      { id: 'a', ok: true },
      { id: 'b', ok: false, reason: 'Conflict：already answered' },
      { id: 'c', ok: false, reason: 'Forbidden' },
    ];
    const s = bulkReducer(emptySelection, { type: 'retry', failed: failedRows(sent, results) });
    expect(selectedIds(s)).toEqual(['b', 'c']);
    expect(selectionSummary(s).totalFen).toBe(5);
    expect(bulkReducer(s, { type: 'clear' })).toEqual(emptySelection);
  });

  it('the total is the sum of the distinct rows selected, whatever the order of toggles (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.integer({ min: 0, max: 20 }), fc.integer({ min: 0, max: 10 ** 9 })), { maxLength: 60 }), (toggles) => {
        // Each id has one amount (the first one drawn for it), as a decision does.
        const amount = new Map<string, number>();
        let s: BulkSelection = emptySelection;
        const on = new Set<string>();
        for (const [n, fen] of toggles) {
          const id = `d${n}`;
          if (!amount.has(id)) amount.set(id, fen);
          s = bulkReducer(s, { type: 'toggle', row: row(id, amount.get(id)) });
          if (on.has(id)) on.delete(id);
          else on.add(id);
        }
        const expected = [...on].reduce((sum, id) => sum + (amount.get(id) ?? 0), 0);
        expect(selectionSummary(s)).toEqual({ count: on.size, totalFen: expected, withoutAmount: 0 });
      }),
    );
  });

  it('splits answers into requests of at most 500', () => {
    expect(chunks(Array.from({ length: 1001 }, (_, i) => i)).map((c) => c.length)).toEqual([500, 500, 1]);
    expect(chunks([])).toEqual([]);
  });
});
