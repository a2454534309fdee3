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
  /** The server's selection (POST /decisions/selections): answered by this id, never by the filter again. */
  readonly selectionId: string;
  readonly count: number;
  readonly totalFen: number;
  /** The filter in words, shown in the confirmation. */
  readonly filterLabel: string;
  /** When the server took it. */
  readonly takenAt?: string;
  /** After this the server has forgotten it (404); a new snapshot must be taken. */
  readonly expiresAt?: string;
}

export type BulkSelection =
  | { readonly kind: 'rows'; readonly rows: ReadonlyMap<string, BulkRow> }
  | { readonly kind: 'all-matching'; readonly snapshot: MatchingSnapshot };

export type BulkAction =
  | { readonly type: 'toggle'; readonly row: BulkRow }
  | { readonly type: 'set-rows'; readonly rows: readonly BulkRow[] }
  | { readonly type: 'select-all-matching'; readonly snapshot: MatchingSnapshot }
  | { readonly type: 'retry'; readonly failed: readonly BulkRow[] }
  /** The filter changed: a snapshot of the old filter no longer describes what is shown, so it goes; picked rows stay (they are named ids). */
  | { readonly type: 'filter-changed' }
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
    case 'filter-changed':
      return state.kind === 'all-matching' ? emptySelection : state;
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

/** One answer of POST /decisions/bulk as the API reports it (the fields the console reads). */
export interface BulkApiItem {
  readonly decisionId: string;
  readonly status: number;
  readonly reason?: string;
  readonly problem?: { readonly title: string; readonly detail?: string };
  readonly outcome?: { readonly status: 'answered' | 'partial' };
}

/** The API's failure reasons in words; an unknown one is shown as it came. */
export const bulkReasonNames: Readonly<Record<string, string>> = {
  'already-answered': '选定后已被处理',
  'changed-since-selection': '选定后已发生变化（如他人已审批或已升级）',
  'separation-of-duties': '不能审批本人经办的事项',
  forbidden: '无权处理',
  'not-found': '事项不存在',
  conflict: '状态冲突',
  validation: '请求不合法',
};

/** One answer in words: failed with its named reason, or done (the first of two approvals says so). */
export function itemResultOf(item: BulkApiItem): BulkItemResult {
  if (item.status >= 300) {
    const named = item.reason !== undefined ? (bulkReasonNames[item.reason] ?? item.reason) : undefined;
    const problem = [item.problem?.title, item.problem?.detail].filter(Boolean).join('：');
    return { id: item.decisionId, ok: false, reason: [named, problem].filter(Boolean).join('；') || `HTTP ${item.status}` };
  }
  // The first of two approvals is recorded; the decision now waits for another finance user.
  return { id: item.decisionId, ok: true, ...(item.outcome?.status === 'partial' ? { reason: '已同意，等待第二位审批人' } : {}) };
}

/**
 * Answering a snapshot page by page: how far it has got (`done` of `total`), every item's result so
 * far, and where the next request starts (`nextFrom`), absent once the server says it is finished.
 */
export interface BulkRun {
  readonly total: number;
  readonly done: number;
  readonly items: readonly BulkItemResult[];
  readonly nextFrom?: number;
  readonly finished: boolean;
}

export const startRun = (total: number): BulkRun => ({ total, done: 0, items: [], finished: total === 0 });

/** Adds one page of results. A page without `nextFrom` ends the run, whatever the count said. */
export function addPage(run: BulkRun, page: { readonly items: readonly BulkApiItem[]; readonly nextFrom?: number }): BulkRun {
  const items = [...run.items, ...page.items.map(itemResultOf)];
  const done = items.length;
  return { total: Math.max(run.total, done), done, items, ...(page.nextFrom !== undefined ? { nextFrom: page.nextFrom } : {}), finished: page.nextFrom === undefined };
}

/** Whole percent done, rounded down, so 100 is shown only once everything is answered. */
export function runPercent(run: BulkRun): number {
  if (run.finished || run.total === 0) return 100;
  return Math.min(99, Math.floor((run.done * 100) / run.total));
}

/**
 * The rows for a retry of `failedIds` (answered again with `items`): a row known from the inbox
 * keeps its label and amount; one that never was on screen (a snapshot holds more than a page) is
 * named by its id.
 */
export function retryRowsOf(failedIds: readonly string[], known: ReadonlyMap<string, BulkRow>): BulkRow[] {
  return failedIds.map((id) => known.get(id) ?? { id, label: id });
}

/** The results after a retry: each retried decision's new result replaces its old one, in place. */
export function mergeRetry(previous: readonly BulkItemResult[], retried: readonly BulkItemResult[]): BulkItemResult[] {
  const again = new Map(retried.map((r) => [r.id, r]));
  return previous.map((r) => again.get(r.id) ?? r);
}
