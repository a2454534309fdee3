/**
 * Bulk selection in the inbox, as a pure reducer: either rows picked one by one, or "all N matching
 * this filter", which is a snapshot the server took (its id, count and total), so that answering it
 * acts on exactly what was shown and counted, never on whatever matches the filter later.
 */
export interface BulkRow {
  readonly id: string;
  /** The amount the decision is about, when it has one. */
  readonly amountFen?: number;
  readonly label: string;
}

export interface MatchingSnapshot {
  readonly snapshotId: string;
  readonly count: number;
  readonly totalFen: number;
  /** The filter in words, shown in the confirmation. */
  readonly filterLabel: string;
}

export type BulkSelection =
  | { readonly kind: 'rows'; readonly rows: ReadonlyMap<string, BulkRow> }
  | { readonly kind: 'all-matching'; readonly snapshot: MatchingSnapshot };

export type BulkAction =
  | { readonly type: 'toggle'; readonly row: BulkRow }
  | { readonly type: 'set-rows'; readonly rows: readonly BulkRow[] }
  | { readonly type: 'select-all-matching'; readonly snapshot: MatchingSnapshot }
  | { readonly type: 'retry'; readonly failed: readonly BulkRow[] }
  | { readonly type: 'clear' };

export const emptySelection: BulkSelection = { kind: 'rows', rows: new Map() };

export function bulkReducer(state: BulkSelection, action: BulkAction): BulkSelection {
  switch (action.type) {
    case 'toggle': {
      // Picking a row leaves an all-matching snapshot: the two never mix.
      const rows = new Map(state.kind === 'rows' ? state.rows : []);
      if (rows.has(action.row.id)) rows.delete(action.row.id);
      else rows.set(action.row.id, action.row);
      return { kind: 'rows', rows };
    }
    case 'set-rows':
    case 'retry': {
      const rows = action.type === 'set-rows' ? action.rows : action.failed;
      return { kind: 'rows', rows: new Map(rows.map((r) => [r.id, r])) };
    }
    case 'select-all-matching':
      return { kind: 'all-matching', snapshot: action.snapshot };
    case 'clear':
      return emptySelection;
  }
}

export interface SelectionSummary {
  readonly count: number;
  readonly totalFen: number;
  /** Rows whose decision carries no amount (counted, not added). */
  readonly withoutAmount: number;
}

export function selectionSummary(state: BulkSelection): SelectionSummary {
  if (state.kind === 'all-matching') return { count: state.snapshot.count, totalFen: state.snapshot.totalFen, withoutAmount: 0 };
  let totalFen = 0;
  let withoutAmount = 0;
  for (const row of state.rows.values()) {
    if (row.amountFen === undefined) withoutAmount++;
    else totalFen += row.amountFen;
  }
  return { count: state.rows.size, totalFen, withoutAmount };
}

export function selectedIds(state: BulkSelection): string[] {
  return state.kind === 'rows' ? [...state.rows.keys()] : [];
}

export interface BulkItemResult {
  readonly id: string;
  readonly ok: boolean;
  /** Why it failed, in words, when it did. */
  readonly reason?: string;
}

/** The rows to select again for a retry: the failed ones among those that were sent. */
export function failedRows(sent: readonly BulkRow[], results: readonly BulkItemResult[]): BulkRow[] {
  const failed = new Set(results.filter((r) => !r.ok).map((r) => r.id));
  return sent.filter((row) => failed.has(row.id));
}

/** Splits answers into requests the API takes (POST /decisions/bulk holds at most 500). */
export function chunks<T>(items: readonly T[], size = 500): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
