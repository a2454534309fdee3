import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  addPage,
  bulkReducer,
  chunks,
  emptySelection,
  failedRows,
  itemResultOf,
  mergeRetry,
  retryRowsOf,
  runPercent,
  selectedIds,
  selectionSummary,
  startRun,
  type BulkApiItem,
  type BulkRow,
  type BulkSelection,
} from '../../../console/src/lib/bulk';

const row = (id: string, amountFen?: number): BulkRow => ({ id, label: id, ...(amountFen !== undefined ? { amountFen } : {}) });
const snapshot = { selectionId: 'sel-1', count: 480, totalFen: 1_234_500_00, filterLabel: '下营镇 · 以奖代补·财政审批' };

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

  it('drops a snapshot when the filter changes, but keeps rows picked by id', () => {
    const snap = bulkReducer(emptySelection, { type: 'select-all-matching', snapshot });
    expect(bulkReducer(snap, { type: 'filter-changed' })).toEqual(emptySelection);
    const rows = bulkReducer(emptySelection, { type: 'set-rows', rows: [row('a', 1)] });
    expect(bulkReducer(rows, { type: 'filter-changed' })).toBe(rows);
  });

  it('names each failure by its reason and problem, and says when a second approver is awaited', () => {
    expect(itemResultOf({ decisionId: 'a', status: 200, outcome: { status: 'answered' } })).toEqual({ id: 'a', ok: true });
    expect(itemResultOf({ decisionId: 'b', status: 200, outcome: { status: 'partial' } })).toEqual({ id: 'b', ok: true, reason: '已同意，等待第二位审批人' });
    expect(itemResultOf({ decisionId: 'c', status: 409, reason: 'already-answered', problem: { title: 'Conflict' } })).toEqual({ id: 'c', ok: false, reason: '选定后已被处理；Conflict' });
    expect(itemResultOf({ decisionId: 'd', status: 409, reason: 'changed-since-selection' }).reason).toContain('选定后已发生变化');
    expect(itemResultOf({ decisionId: 'e', status: 403, reason: 'something-new', problem: { title: 'Forbidden', detail: 'not yours' } })).toEqual({ id: 'e', ok: false, reason: 'something-new；Forbidden：not yours' });
    expect(itemResultOf({ decisionId: 'f', status: 500 })).toEqual({ id: 'f', ok: false, reason: 'HTTP 500' });
  });

  it('answers a snapshot page by page, following nextFrom until the server stops giving one', () => {
    const page = (from: number, n: number, nextFrom?: number) => ({
      items: Array.from({ length: n }, (_, i): BulkApiItem => ({ decisionId: `d${from + i}`, status: (from + i) % 100 === 7 ? 409 : 200, reason: 'already-answered' })),
      ...(nextFrom !== undefined ? { nextFrom } : {}),
    });
    let run = startRun(1_200);
    expect(runPercent(run)).toBe(0);
    run = addPage(run, page(0, 500, 500));
    expect(run).toMatchObject({ done: 500, nextFrom: 500, finished: false });
    expect(runPercent(run)).toBe(41);
    run = addPage(run, page(500, 500, 1_000));
    run = addPage(run, page(1_000, 200));
    expect(run.finished).toBe(true);
    expect(run.nextFrom).toBeUndefined();
    expect(runPercent(run)).toBe(100);
    expect(run.items).toHaveLength(1_200);
    expect(run.items.filter((r) => !r.ok).map((r) => r.id)).toEqual(Array.from({ length: 12 }, (_, i) => `d${i * 100 + 7}`));
  });

  it('never shows 100 % before the run is finished, and never more (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 500 }), { minLength: 1, maxLength: 8 }), fc.integer({ min: 0, max: 4_000 }), (sizes, counted) => {
        let run = startRun(counted);
        let at = 0;
        for (const [i, n] of sizes.entries()) {
          const last = i === sizes.length - 1;
          run = addPage(run, { items: Array.from({ length: n }, (_, k): BulkApiItem => ({ decisionId: `d${at + k}`, status: 200 })), ...(last ? {} : { nextFrom: at + n }) });
          at += n;
          const p = runPercent(run);
          expect(p).toBeGreaterThanOrEqual(0);
          expect(p).toBeLessThanOrEqual(100);
          if (!last && counted > 0) expect(p).toBeLessThan(100);
        }
        expect(run.finished).toBe(true);
        expect(runPercent(run)).toBe(100);
        expect(run.done).toBe(at);
      }),
    );
  });

  it('retries failed ids with their known rows, naming unknown ones by id, and merges the new results in place', () => {
    const known = new Map([['a', row('a', 100)]]);
    expect(retryRowsOf(['a', 'zz'], known)).toEqual([row('a', 100), { id: 'zz', label: 'zz' }]);
    const before = [
      { id: 'a', ok: false, reason: 'x' },
      { id: 'b', ok: true },
      { id: 'zz', ok: false, reason: 'y' },
    ];
    expect(mergeRetry(before, [{ id: 'a', ok: true }])).toEqual([{ id: 'a', ok: true }, { id: 'b', ok: true }, { id: 'zz', ok: false, reason: 'y' }]);
  });
});
