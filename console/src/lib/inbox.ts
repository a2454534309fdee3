import { must, type ApiClient, type Schemas } from '../api/client';
import type { paths } from '../api/schema';
import type { BulkRow } from './bulk';
import { decisionKindNames, name, programNames } from './labels';

export type InboxItem = Schemas['InboxItem'];
export type Role = NonNullable<NonNullable<paths['/inbox']['get']['parameters']['query']>['role']>;
const roleList: readonly string[] = ['admin', 'finance', 'township', 'village', 'unit', 'auditor'] satisfies Role[];
export const isRole = (r: string): r is Role => roleList.includes(r);

/** Every open decision for `role`, page by page (100 a page), up to `maxPages`. */
export async function loadInbox(client: ApiClient, role: Role | undefined, maxPages = 20): Promise<{ items: InboxItem[]; toDo: number; more: boolean }> {
  const items: InboxItem[] = [];
  let cursor: string | undefined;
  for (let i = 0; i < maxPages; i++) {
    const page = must(
      await client.GET('/inbox', {
        params: { query: { limit: 100, ...(cursor ? { cursor } : {}), ...(role ? { role } : {}) } },
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

/** The amount a decision is about, from its summary (reward: amountFen; funding run: topUpFen; batch: totalFen). */
export function amountOf(item: Pick<InboxItem, 'summary'>): number | undefined {
  for (const key of ['amountFen', 'topUpFen', 'totalFen']) {
    const v = item.summary[key];
    if (typeof v === 'number' && Number.isSafeInteger(v)) return v;
  }
  return undefined;
}

/** What a decision is about, in words: the enterprise, the run's policy, the batch. */
export function titleOf(item: InboxItem): string {
  const s = item.summary;
  const text = (k: string) => (typeof s[k] === 'string' ? (s[k] as string) : undefined);
  return text('entityName') ?? text('policyName') ?? (text('program') ? `${name(programNames, text('program'))}支付批次 ${text('date') ?? ''}` : undefined) ?? item.subjectId;
}

export const kindName = (kind: string): string => name(decisionKindNames, kind);

export function bulkRowOf(item: InboxItem): BulkRow {
  const amountFen = amountOf(item);
  return { id: item.id, label: `${kindName(item.kind)}：${titleOf(item)}`, ...(amountFen !== undefined ? { amountFen } : {}) };
}
