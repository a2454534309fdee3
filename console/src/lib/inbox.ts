import { must, type ApiClient, type Schemas } from '../api/client';
import type { paths } from '../api/schema';
import type { BulkRow } from './bulk';
import { beijingDay } from './dates';
import { decisionKindNames, name, programNames } from './labels';

export type InboxItem = Schemas['InboxItem'];
export type Role = NonNullable<NonNullable<paths['/inbox']['get']['parameters']['query']>['role']>;
const roleList: readonly string[] = ['admin', 'finance', 'township', 'village', 'unit', 'auditor'] satisfies Role[];
export const isRole = (r: string): r is Role => roleList.includes(r);

/** What the inbox can be narrowed to; the server filters (GET /inbox), the browser does not. */
export interface InboxFilter {
  readonly program?: string;
  readonly kind?: string;
  /** A 9-digit township code. */
  readonly township?: string;
  readonly deadline?: 'past' | 'near' | 'past-or-near';
}

export type InboxQuery = NonNullable<paths['/inbox']['get']['parameters']['query']>;
export type SelectionRequest = Schemas['DecisionSelectionRequest'];

/** "Near" is within three days: the Beijing day three days from now is the last day due. */
const nearDays = 3;

/**
 * The filter as the server's parameters: `past` is `overdue=true`; `near` and `past-or-near` are
 * `dueBy` the Beijing day three days on (which takes in the overdue ones too: {@link isShown}
 * drops those for `near`, the one part the server has no parameter for).
 */
export function inboxQuery(filter: InboxFilter, now: Date): Omit<InboxQuery, 'role' | 'limit' | 'cursor' | 'county'> {
  return {
    ...(filter.program ? { program: filter.program } : {}),
    ...(filter.kind ? { kind: filter.kind } : {}),
    ...(filter.township ? { township: filter.township } : {}),
    ...(filter.deadline === 'past' ? { overdue: 'true' as const } : {}),
    ...(filter.deadline === 'near' || filter.deadline === 'past-or-near' ? { dueBy: beijingDay(new Date(now.getTime() + nearDays * 86_400_000)) } : {}),
  };
}

/** The same filter for a server snapshot (POST /decisions/selections takes `overdue` as a boolean). */
export function selectionRequest(filter: InboxFilter, role: Role | undefined, now: Date): SelectionRequest {
  const { overdue, ...rest } = inboxQuery(filter, now);
  return { ...rest, ...(overdue ? { overdue: true } : {}), ...(role ? { role } : {}) };
}

/** Every open decision for `role` matching `filter` (filtered by the server), page by page (100 a page), up to `maxPages`. */
export async function loadInbox(
  client: ApiClient,
  role: Role | undefined,
  { filter = {}, now = new Date(), maxPages = 20 }: { readonly filter?: InboxFilter; readonly now?: Date; readonly maxPages?: number } = {},
): Promise<{ items: InboxItem[]; toDo: number; more: boolean }> {
  const items: InboxItem[] = [];
  let cursor: string | undefined;
  for (let i = 0; i < maxPages; i++) {
    const page = must(
      await client.GET('/inbox', {
        params: { query: { limit: 100, ...inboxQuery(filter, now), ...(cursor ? { cursor } : {}), ...(role ? { role } : {}) } },
      }),
    );
    items.push(...page.items);
    cursor = page.nextCursor;
    if (!cursor) break;
  }
  return { items, toDo: items.filter((i) => i.actionable).length, more: cursor !== undefined };
}

/** The program a decision belongs to: the first part of its kind (reward.…, funding.…). */
export const programOf = (item: Pick<InboxItem, 'kind'>): string => item.kind.split('.')[0] ?? item.kind;

/**
 * `near` without the overdue ones: the server's `dueBy` takes in both, so the few it returns that
 * are past are left out here (every other criterion was applied by the server).
 */
export function isShown(item: Pick<InboxItem, 'deadline'>, filter: InboxFilter, now: Date): boolean {
  return filter.deadline !== 'near' || item.deadline === undefined || Date.parse(item.deadline) >= now.getTime();
}

/** The amount a decision is about: the server's `amountFen`, else from its summary (reward: amountFen; funding run: topUpFen; batch: totalFen). */
export function amountOf(item: Pick<InboxItem, 'summary' | 'amountFen'>): number | undefined {
  if (item.amountFen !== undefined && Number.isSafeInteger(item.amountFen)) return item.amountFen;
  for (const key of ['amountFen', 'topUpFen', 'totalFen']) {
    const v = item.summary[key];
    if (typeof v === 'number' && Number.isSafeInteger(v)) return v;
  }
  return undefined;
}

/** What a decision is about, in words: the enterprise, the run's policy, the batch, the social organisation. */
export function titleOf(item: InboxItem): string {
  const s = item.summary;
  const text = (k: string) => (typeof s[k] === 'string' ? (s[k] as string) : undefined);
  return text('entityName') ?? text('policyName') ?? text('name') ?? (text('program') ? `${name(programNames, text('program'))}支付批次 ${text('date') ?? ''}` : undefined) ?? (text('village') ? `结对村 ${text('village')}` : undefined) ?? item.subjectId;
}

export const kindName = (kind: string): string => name(decisionKindNames, kind);

export function bulkRowOf(item: InboxItem): BulkRow {
  const amountFen = amountOf(item);
  return { id: item.id, label: `${kindName(item.kind)}：${titleOf(item)}`, ...(amountFen !== undefined ? { amountFen } : {}) };
}
