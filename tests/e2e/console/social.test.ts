import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { chromiumMissingMessage, hasChromium, launchBrowser, type Browser } from '../../support/browser.ts';
import { call, demoWorkReady, ok, seriousViolations, signIn, signOut, type Json } from '../../support/console.ts';
import { cleanUpLocalHosts, freePorts, startLocalHost, type LocalHost } from '../../support/local-host.ts';
import { waitUntil } from '../../support/wait.ts';
import { beijingDate } from '../../../functions/platform/calendar.ts';

// Social organisations in the console, in Chromium against the whole local host with its demo data:
// a village files an organisation, the township returns it with a reason from the inbox, the village
// corrects and resubmits it, the township approves and the filing number shows; the coverage grid
// counts it and downloads as XLSX; axe-core finds nothing serious on any social page.

if (!hasChromium) console.warn(chromiumMissingMessage);

let host: LocalHost;
let browser: Browser;
const township = '120225104';
/** The demo village user's village (下营镇), inside the demo social township. */
const village = '120225104201';
const orgName = '控制台测试村志愿服务队';

afterAll(async () => {
  await browser?.close();
  cleanUpLocalHosts();
});

/** The village's row of the coverage grid, through the API. */
async function villageTotal(): Promise<number> {
  const cov = await ok(host, 'township', 'GET', `/social/coverage?division=${township}`);
  return Number((cov.villages as Json[]).find((v) => v.village === village)?.total ?? 0);
}

/** Waits until the decision exists and is open (the filing workflow opens it a moment after the move). */
async function decisionOpen(id: string, role: string): Promise<void> {
  await waitUntil(
    async () => {
      const res = await call(host, role, 'GET', `/decisions/${id}`);
      return { done: res.status === 200 && res.body.status === 'open', seen: `${res.status} ${String(res.body.status ?? res.body.title ?? '')}` };
    },
    { what: `decision ${id} open`, timeoutMs: 60_000, intervalMs: 200 },
  );
}

async function statusIs(id: string, status: string): Promise<Json> {
  let org: Json = {};
  await waitUntil(
    async () => {
      org = await ok(host, 'township', 'GET', `/social/organisations/${id}`);
      return { done: org.status === status, seen: String(org.status) };
    },
    { what: `organisation ${id} ${status}`, timeoutMs: 60_000, intervalMs: 200 },
  );
  return org;
}

/** Answers the open filing review of `name` in the inbox drawer. */
async function review(page: Page, name: string, answer: RegExp, reason?: string): Promise<void> {
  await page.goto(`${host.api}/console/#/inbox?program=social`);
  const row = page.locator('tr.ant-table-row').filter({ hasText: name });
  await row.getByRole('button', { name: '审核备案' }).click();
  const drawer = page.getByRole('dialog');
  await drawer.getByText('办理过程').waitFor();
  if (reason) await drawer.getByRole('textbox', { name: '意见或理由' }).fill(reason);
  await drawer.getByRole('button', { name: answer }).click();
  await page.locator('.ant-message').getByText(/^已/).first().waitFor();
}

describe('the console in a browser: social organisations', () => {
  beforeAll(async () => {
    if (!hasChromium) return;
    [host, browser] = await Promise.all([startLocalHost(await freePorts(), ['--memory']), launchBrowser()]);
    await demoWorkReady(host);
  });

  it('a village files an organisation, the township returns it, the village corrects and resubmits, the township approves and the filing number shows; the coverage grid counts it and downloads as XLSX', async ({ skip }) => {
    skip(!hasChromium, chromiumMissingMessage);
    const before = await villageTotal();
    const page = await browser.context.newPage();

    await signIn(page, host, 'village', '/social/organisations');
    await page.getByRole('button', { name: '新建备案' }).click();
    const form = page.getByRole('dialog', { name: '新建备案' });
    await form.getByLabel('组织名称').fill(orgName);
    await form.getByLabel('负责人姓名').fill('王建国');
    await form.getByText('党员', { exact: true }).click();
    await form.getByLabel('成员数').fill('9');
    await form.getByLabel('成立日期').fill('2021-04-01');
    await form.getByLabel('成立日期').press('Enter');
    await form.getByLabel('联系方式').fill('13800221999');
    expect(await seriousViolations(page)).toEqual([]);
    await form.getByRole('button', { name: '提交备案' }).click();
    // The form's own errors or the API's, if any, say why it stayed open.
    await page.waitForURL(/#\/social\/organisations\/org-/, { timeout: 30_000 }).catch(async (err: unknown) => {
      throw new Error(`the filing was not sent: ${await form.textContent({ timeout: 5_000 }).catch(() => "(the dialog closed)")}`, { cause: err });
    });
    const id = decodeURIComponent(page.url().split('/').pop() ?? '');
    await page.getByText('待乡镇审核').first().waitFor();
    await decisionOpen(`social.township-review.${id}.r1`, 'township');

    await signOut(page);
    await signIn(page, host, 'township', '/home');
    await review(page, orgName, /^退\s?回$/, '成员名单不全，请补充');
    await statusIs(id, 'returned');
    await decisionOpen(`social.resubmission.${id}.r1`, 'village');

    await signOut(page);
    await signIn(page, host, 'village', `/social/organisations/${id}`);
    await page.getByText('乡镇退回理由：成员名单不全，请补充').waitFor();
    await page.getByRole('button', { name: '修改备案信息' }).click();
    const edit = page.getByRole('dialog', { name: '修改备案信息' });
    await edit.getByLabel('成员数').fill('15');
    await edit.getByRole('button', { name: /^保\s?存$/ }).click();
    await page.getByText('已保存修改').waitFor();
    await page.getByRole('button', { name: '重新提交' }).click();
    await page.getByText('已重新提交，等待乡镇审核').waitFor();
    await statusIs(id, 'applied');
    await decisionOpen(`social.township-review.${id}.r2`, 'township');

    await signOut(page);
    await signIn(page, host, 'township', '/home');
    await review(page, orgName, /^同\s?意$/);
    const filed = await statusIs(id, 'filed');
    expect(filed.members).toBe(15);
    await page.goto(`${host.api}/console/#/social/organisations/${id}`);
    await page.getByText(String(filed.filingNumber)).waitFor();
    expect(String(filed.filingNumber)).toMatch(new RegExp(`^${township}-\\d{4}-\\d+$`));
    // The timeline holds both reviews and the filing workflow's steps.
    await page.getByTestId('timeline').waitFor();
    expect(await page.getByTestId('timeline').locator('.ant-timeline-item').count()).toBeGreaterThanOrEqual(6);
    expect(await seriousViolations(page)).toEqual([]);

    expect(await villageTotal()).toBe(before + 1);
    await page.goto(`${host.api}/console/#/social/coverage`);
    const row = page.locator('tr.ant-table-row').filter({ hasText: `（${village}）` }).first();
    await row.waitFor();
    const cells = await row.locator('td').allTextContents();
    expect(cells[7]?.trim()).toBe(String(before + 1));
    expect(await seriousViolations(page)).toEqual([]);
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: '下载 XLSX' }).click()]);
    expect(download.suggestedFilename()).toMatch(/\.xlsx$/);
    const file = await download.createReadStream();
    const head: Buffer[] = [];
    for await (const chunk of file) head.push(chunk as Buffer);
    expect(Buffer.concat(head).subarray(0, 2).toString('latin1')).toBe('PK');
    await page.close();
  });

  it('the township computes the grade-reward run of its published round, finance excludes one organisation with a reason and approves, and the others are paid', async ({ skip }) => {
    skip(!hasChromium, chromiumMissingMessage);
    // The demo's round of this year is scoring, with the second scorer's scores given: the township
    // scores too, grades and publishes through the API, as its earlier work would have.
    const round = `sgr-${township}-${beijingDate(new Date()).slice(0, 4)}`;
    const orgs = ((await ok(host, 'township', 'GET', `/social/organisations?division=${village}&status=active&limit=100`)).items as Json[]).filter((o) => o.origin === 'import');
    for (const o of orgs) await ok(host, 'township', 'PUT', `/social/grading-rounds/${round}/scores/${String(o.id)}`, { score: 900 });
    await ok(host, 'township', 'POST', `/social/grading-rounds/${round}/grade`);
    await ok(host, 'township', 'POST', `/social/grading-rounds/${round}/publish`);
    const graded = ((await ok(host, 'township', 'GET', `/social/grading-rounds/${round}/results`)).items as Json[]).filter((r) => r.outcome === 'graded');
    expect(graded.length).toBeGreaterThanOrEqual(2);

    const page = await browser.context.newPage();
    await signIn(page, host, 'township', '/social/funding');
    for (const grade of ['5A', '4A', '3A', '2A', '1A']) await page.getByLabel(`${grade} 级奖励（元）`).fill('5000');
    await page.getByRole('button', { name: '计算奖励' }).click();
    await page.locator('.ant-tag', { hasText: '待财政审批' }).waitFor();
    expect(await seriousViolations(page)).toEqual([]);

    await signOut(page);
    await signIn(page, host, 'finance', `/social/funding?township=${township}`);
    const excluded = String(graded[0]!.name);
    await page.getByRole('checkbox', { name: `剔除 ${excluded}` }).check();
    await page.getByRole('textbox', { name: `剔除 ${excluded} 的理由` }).fill('年度报告存疑，暂缓');
    expect(await seriousViolations(page)).toEqual([]);
    await page.getByRole('button', { name: '审批并支付' }).click();
    await page.getByText('剔除：年度报告存疑，暂缓').waitFor();
    await waitUntil(
      async () => {
        const paid = await page.locator('tr.ant-table-row').filter({ hasText: '已支付' }).count();
        return { done: paid === graded.length - 1, seen: `${paid} lines paid` };
      },
      { what: 'every line but the excluded one paid', timeoutMs: 60_000, intervalMs: 250 },
    );
    // The budget bar above is read again after the payment: the spend shows.
    await page.getByText(/已支出 [1-9]/).waitFor();
    await page.close();
  });

  it('the township opens next year’s grading round on the 优秀 / 合格 / 不合格 preset, and the round shows its cut-offs', async ({ skip }) => {
    skip(!hasChromium, chromiumMissingMessage);
    const next = Number(beijingDate(new Date()).slice(0, 4)) + 1;
    const page = await browser.context.newPage();
    await signIn(page, host, 'township', '/social/grading');
    await page.getByRole('heading', { name: '等级评定' }).waitFor();
    await page.getByRole('spinbutton', { name: '年度' }).fill(String(next));
    await page.getByText(`${next} 年尚无评定`).waitFor();
    // Ant Design's select opens from its selector box, which lies over the combobox input.
    await page.locator('.ant-select', { has: page.getByRole('combobox', { name: '评定标准' }) }).click();
    await page.locator('.ant-select-item-option', { hasText: '百分制三级（优秀 / 合格 / 不合格）' }).click();
    await expect.poll(() => page.getByRole('textbox', { name: '第 1 个等级名称' }).inputValue()).toBe('优秀');
    await page.getByRole('textbox', { name: /^评分人/ }).fill('demo-township, scorer-b');
    expect(await seriousViolations(page)).toEqual([]);
    await page.getByRole('button', { name: '创建评定' }).click();
    await page.getByText('优秀 ≥ 90 · 合格 ≥ 60 · 不合格 ≥ 0（满分 100）').waitFor();
    const round = await ok(host, 'township', 'GET', `/social/grading-rounds/sgr-${township}-${next}`);
    expect(round.scale).toEqual({ maxScore: 100, grades: [{ grade: '优秀', minScore: 90 }, { grade: '合格', minScore: 60 }, { grade: '不合格', minScore: 0 }], excellent: ['优秀'] });
    expect(round.validityYears).toBe(1);
    await page.close();
  });

  it('every social page passes axe-core with no serious or critical violation', async ({ skip }) => {
    skip(!hasChromium, chromiumMissingMessage);
    const page = await browser.context.newPage();
    // 经费 is checked in the reward-run test above, as the township and as finance.
    const pages: [string, string, string][] = [
      ['township', '/social/organisations', '组织名录'],
      ['township', '/social/import', '批量导入 · 村级社会组织'],
      ['township', '/social/reports', '年度报告'],
      ['township', '/social/grading', '等级评定'],
      ['village', '/social/reports', '年度报告'],
    ];
    let signedIn: string | undefined;
    for (const [user, route, title] of pages) {
      if (signedIn !== user) {
        if (signedIn) await signOut(page);
        await signIn(page, host, user, route);
        signedIn = user;
      } else await page.goto(`${host.api}/console/#${route}`);
      await page.getByRole('heading', { name: title }).waitFor();
      await page.locator('.ant-spin-spinning').first().waitFor({ state: 'detached' }).catch(() => undefined);
      expect(await seriousViolations(page), `${user} ${route}`).toEqual([]);
    }
    await page.close();
  });
});
