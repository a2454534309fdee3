import AxeBuilder from '@axe-core/playwright';
import type { Page } from 'playwright-core';
import { beijingDate } from '../../functions/platform/calendar.ts';
import { demoRewardVillage } from '../../local/demo-reward.ts';
import { helanStylePolicy } from '../../local/reward-policy.ts';
import type { LocalHost } from './local-host.ts';
import { waitUntil } from './wait.ts';

/**
 * What the console's browser tests share: the API called with the banner's tokens (data is made
 * through the API, as a user's earlier work would have made it), the local sign-in page, and axe.
 */

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the tests read arbitrary JSON answers
export type Json = Record<string, any>;

export async function call(host: LocalHost, role: string, method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<{ status: number; body: Json }> {
  const res = await fetch(`${host.api}${path}`, {
    method,
    headers: { authorization: `Bearer ${host.token(role)}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : {}) as Json };
}

/** A call that must succeed (no vitest here: the screenshots script seeds with it too); else the answer in the error. */
export async function ok(host: LocalHost, role: string, method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Json> {
  const res = await call(host, role, method, path, body, headers);
  if (res.status >= 300) throw new Error(`${method} ${path} as ${role} answered ${res.status}: ${JSON.stringify(res.body).slice(0, 400)}`);
  return res.body;
}

/** The demo work (local/demo-work.ts) is prepared after the banner; tests wait for it so that inboxes hold still. */
export async function demoWorkReady(host: LocalHost): Promise<void> {
  await waitUntil(
    async () => {
      if (/preparing the demo work failed/.test(host.output())) throw new Error(`the demo work failed:\n${host.output().slice(-4_000)}`);
      const ready = /^Demo work ready /m.test(host.output());
      return { done: ready, seen: ready ? 'the ready line' : 'no ready line yet' };
    },
    { what: 'the demo work to be ready', timeoutMs: 150_000, intervalMs: 200, detail: async () => host.output().slice(-3_000) },
  );
}

/** Opens the console's local sign-in page and signs in as the demo user `user` (admin, finance, v-head …). */
export async function signIn(page: Page, host: LocalHost, user: string, route = '/home'): Promise<void> {
  await page.goto(`${host.api}/console/#${route}`);
  await page.getByRole('button', { name: `以 ${user} 登录` }).click();
  await page.getByRole('button', { name: '退出登录' }).waitFor();
}

/** Signs out, so that the next {@link signIn} on this page is another user. */
export async function signOut(page: Page): Promise<void> {
  await page.getByRole('button', { name: '退出登录' }).click();
  await page.getByRole('button', { name: /^以 .+ 登录$/ }).first().waitFor();
}

/** axe-core on the page as it is now: the serious and critical violations, each with where it was seen. */
export async function seriousViolations(page: Page): Promise<string[]> {
  // Ant Design fades toasts, drawers and menus in and out; axe measuring text in the middle of a
  // fade sees half-transparent colours and reports contrast failures that no user sees once it
  // settles (on a busy machine the fade is still running when axe starts). So wait until no finite
  // animation runs (spinners loop forever and are ignored); if that never happens, check anyway.
  await page
    // A string, evaluated in the page: the tests' own TypeScript has no DOM types.
    .waitForFunction("document.getAnimations().every((a) => a.playState !== 'running' || a.effect?.getTiming().iterations === Infinity)", undefined, { timeout: 10_000 })
    .catch(() => undefined);
  // Ant Design's tables with horizontal scroll keep a zero-height row that measures column widths:
  // aria-hidden with tabindex="-1", so never reached by Tab, but axe's aria-hidden-focus flags it.
  const result = await new AxeBuilder({ page }).exclude('.ant-table-measure-row').analyze();
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.impact} ${v.id}: ${v.help} (${v.nodes.length}× e.g. ${v.nodes[0]?.target.join(' ') ?? '?'})`);
}

const day = 86_400_000;

/**
 * A reward program of the demo district for the 2025 accounts, open today (Beijing), with a budget
 * large enough for every test's awards and the two-approver threshold at 100,000 yuan.
 */
export async function openRewardProgram(host: LocalHost, name: string): Promise<string> {
  const policy = helanStylePolicy(5_000_000_000, { townshipDeadlineDays: 30, financeDeadlineDays: 30, twoApproverThresholdFen: 10_000_000 }, 50_000_000);
  const window = { opensOn: beijingDate(new Date(Date.now() - day)), closesOn: beijingDate(new Date(Date.now() + day)) };
  const program = await ok(host, 'admin', 'POST', '/reward/programs', { name, jurisdiction: '120225', accountsYear: 2025, window, policy });
  return String(program.id);
}

/**
 * An application of a new cooperative of the demo village (常州村) whose 2025 profit rose by
 * `increaseYuan` on an income of 2,000,000 yuan (the 10 % tier): the award is a tenth of the increase.
 */
export async function submitApplication(host: LocalHost, programId: string, label: string, increaseYuan: number): Promise<string> {
  const enterprise = await ok(host, 'township', 'POST', '/reward/enterprises', { name: `${label}专业合作社`, kind: 'cooperative', village: demoRewardVillage });
  const id = String(enterprise.id);
  await ok(host, 'township', 'PUT', `/reward/enterprises/${id}/accounts/2024`, { operatingIncomeFen: 150_000_000, netProfitFen: 10_000_000 });
  await ok(host, 'township', 'PUT', `/reward/enterprises/${id}/accounts/2025`, { operatingIncomeFen: 200_000_000, netProfitFen: 10_000_000 + increaseYuan * 100 });
  const app = await ok(host, 'v-handler', 'POST', '/reward/applications', { programId, entityId: id }, { 'idempotency-key': `console-e2e-${id}` });
  return String(app.id);
}

export const signerPositions = ['v-handler', 'v-bookkeeper', 'v-head', 'v-supervisor'] as const;

/** Waits until every one of `ids` has `status` (read as the admin). */
export async function statusesAre(host: LocalHost, ids: readonly string[], status: string | readonly string[], timeoutMs = 120_000): Promise<void> {
  const wanted = typeof status === 'string' ? [status] : status;
  await waitUntil(
    async () => {
      const seen = await Promise.all(ids.map(async (id) => String((await call(host, 'admin', 'GET', `/reward/applications/${id}`)).body.status)));
      const off = seen.filter((s) => !wanted.includes(s));
      return { done: off.length === 0, seen: `${off.length} of ${ids.length} not ${wanted.join('/')} (${[...new Set(off)].join(', ')})` };
    },
    { what: `${ids.length} applications ${wanted.join('/')}`, timeoutMs, intervalMs: 500 },
  );
}

/** At most `limit` calls at a time: the local host shares two cores with the browser. */
export async function bounded<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array<R>(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        out[i] = await fn(items[i]!);
      }
    }),
  );
  return out;
}

/**
 * Applications brought through the village's 三签一审 and the township's review to the finance
 * approval, all through the API: what finance finds in its inbox.
 */
export async function applicationsAwaitingFinance(host: LocalHost, programId: string, increases: readonly number[], prefix: string): Promise<string[]> {
  const ids = await bounded(increases, 4, (increase) => submitApplication(host, programId, `${prefix}${String(increases.indexOf(increase)).padStart(2, '0')}-${increase}`, increase));
  await statusesAre(host, ids, 'awaiting-village-signoff');
  await bounded(ids, 4, async (id) => {
    for (const position of signerPositions) await ok(host, position, 'POST', `/reward/applications/${id}/signatures`, { decision: 'sign' });
  });
  await statusesAre(host, ids, 'awaiting-township');
  // A review opens a moment after the status changes (the workflow's task token): asked again until it is.
  await bounded(ids, 4, (id) =>
    waitUntil(
      async () => {
        const res = await call(host, 'township', 'POST', `/decisions/reward.township-review.${id}.r1`, { decision: 'approve' });
        return { done: res.status === 200, seen: `the township review of ${id} answers ${res.status}` };
      },
      { what: `the township review of ${id}`, timeoutMs: 60_000, intervalMs: 300 },
    ),
  );
  await statusesAre(host, ids, 'awaiting-finance');
  return ids;
}

/**
 * Picks `option` in the Ant Design select labelled `label`. The select's own role="option" list is
 * for screen readers and stays hidden; the visible list is the dropdown's items, named by title
 * (matched in part: a township shows as 下营镇（120225104）, or as its code until the names load).
 */
export async function pick(page: Page, label: string, option: string): Promise<void> {
  // The select's box, not its input: the chosen value's label lies over the input and takes the click.
  await page.locator('.ant-select').filter({ has: page.getByRole('combobox', { name: label, exact: true }) }).click();
  await page.locator(`.ant-select-dropdown:not(.ant-select-dropdown-hidden) .ant-select-item-option[title*="${option}"]`).first().click();
}
