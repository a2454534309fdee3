import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumMissingMessage, hasChromium, launchBrowser, type Browser } from '../../support/browser.ts';
import { demoWorkReady, ok, seriousViolations, signIn, signOut, type Json } from '../../support/console.ts';
import { cleanUpLocalHosts, freePorts, startLocalHost, type LocalHost } from '../../support/local-host.ts';
import { demoPairingTermId } from '../../../local/demo-pairing.ts';

// The pairing screens in Chromium against the whole local host with its demo data: the demo unit
// (天津港) files this month's report for 120225104203; 下营镇 returns it with a reason; the unit
// reads the reason and resubmits; the township approves it and 天津农村商业银行's report of
// 120225104205; the county admin accepts the period holding back one of them with a reason; the
// completeness view counts it all and downloads its XLSX; the evaluation's self-assessment and
// county evaluation are answered from the inbox; axe-core passes every pairing page.

if (!hasChromium) console.warn(chromiumMissingMessage);

let host: LocalHost;
let browser: Browser;
let periodId = '';
const filed = '120225104203';
const other = '120225104205';

afterAll(async () => {
  await browser?.close();
  cleanUpLocalHosts();
});

describe('the pairing screens in a browser: file, return, resubmit, approve, accept, views', () => {
  beforeAll(async () => {
    if (!hasChromium) return;
    [host, browser] = await Promise.all([startLocalHost(await freePorts(), ['--memory']), launchBrowser()]);
    await demoWorkReady(host);
    const periods = (await ok(host, 'admin', 'GET', `/pairing/terms/${demoPairingTermId}/periods`)).items as Json[];
    periodId = String([...periods].sort((a, b) => String(b.due).localeCompare(String(a.due)))[0]?.periodId);
  });

  it('walks a report from filing through return and resubmission to the county’s acceptance, and the view counts it', async ({ skip }) => {
    skip(!hasChromium, chromiumMissingMessage);
    const page = await browser.context.newPage();
    const reportRow = (village: string) => page.locator('tbody tr.ant-table-row').filter({ hasText: village });

    // The unit files this month's report.
    await signIn(page, host, 'unit', '/pairing/reports');
    await reportRow(filed).getByRole('button', { name: /^填报/ }).click();
    await page.getByLabel('本期投入资金（元）').fill('12,345.67');
    await page.getByLabel('干部驻村天数').fill('22');
    await page.getByLabel('本期开工项目数').fill('1');
    await page.getByLabel('本期完工项目数').fill('0');
    await page.getByLabel('村集体收入累计（元）').fill('300000');
    await page.getByLabel('进展情况').fill('食用菌大棚开工，第一书记驻村22天。');
    await page.getByRole('button', { name: '提交报告' }).click();
    await page.getByText('已报送待审核').first().waitFor();
    const id = `${decodeURIComponent(page.url().split('#/pairing/reports/')[1] ?? '')}`;
    expect((await ok(host, 'admin', 'GET', `/pairing/reports/${encodeURIComponent(id)}`)).current).toMatchObject({ investedFen: 1_234_567, collectiveIncomeToDateFen: 30_000_000 });
    await signOut(page);

    // The township returns it: the form refuses an empty reason first.
    await signIn(page, host, 'township', '/pairing/review');
    await reportRow(filed).getByRole('button', { name: /^退回/ }).click();
    const dialog = page.getByRole('dialog').filter({ hasText: '退回理由' });
    await dialog.getByRole('button', { name: '退回' }).click();
    await dialog.getByText('请填写退回理由').waitFor();
    await dialog.getByLabel(/退回理由/).fill('请补充资金投入明细');
    await dialog.getByRole('button', { name: '退回' }).click();
    await dialog.waitFor({ state: 'hidden' });
    await signOut(page);

    // The unit reads the reason and resubmits; both versions are kept.
    await signIn(page, host, 'unit', `/pairing/reports/${encodeURIComponent(id)}`);
    await page.getByText('退回理由：请补充资金投入明细').waitFor();
    await page.getByLabel('本期投入资金（元）').fill('12345.68');
    await page.getByRole('button', { name: '重新报送' }).click();
    await page.locator('.ant-card').filter({ hasText: '历次报送版本' }).locator('tbody tr.ant-table-row').nth(1).waitFor();
    await signOut(page);

    // The township approves both reports waiting in 下营镇.
    await signIn(page, host, 'township', '/pairing/review');
    for (const village of [filed, other]) {
      await reportRow(village).getByRole('button', { name: /^审核通过/ }).click();
      await reportRow(village).waitFor({ state: 'detached' });
    }
    await signOut(page);

    // The county accepts the period, holding back the bank's report with a reason.
    await signIn(page, host, 'admin', '/pairing/acceptance');
    const otherRow = reportRow(other);
    await otherRow.getByRole('checkbox').check();
    await page.getByRole('button', { name: /验收本期已审核报告/ }).click();
    await otherRow.getByText('请填写例外理由').waitFor();
    await otherRow.getByRole('textbox').fill('资金台账待核实');
    await page.getByRole('button', { name: /验收本期已审核报告/ }).click();
    const summary = page.getByTestId('acceptance-summary');
    await summary.getByText('资金台账待核实').waitFor();
    expect(await summary.getByText(/本次验收/).locator('..').textContent()).toContain('1 份');
    expect((await ok(host, 'admin', 'GET', `/pairing/reports/${encodeURIComponent(id)}`)).status).toBe('accepted');

    // The completeness view by township counts what the counters hold, and downloads as XLSX.
    const view = await ok(host, 'admin', 'GET', `/pairing/terms/${demoPairingTermId}/views?by=township&periodId=${periodId}`);
    await page.goto(`${host.api}/console/#/pairing/views`);
    const total = page.locator('tbody tr.ant-table-row').filter({ hasText: '合计' }).first();
    await total.waitFor();
    const cells = await total.locator('td').allTextContents();
    expect(cells.slice(1, 6).map(Number)).toEqual([view.total.counters.expected, view.total.counters.filed, view.total.counters.onTime, view.total.counters.late, view.total.counters.missing]);
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: '导出 Excel' }).click()]);
    expect(download.suggestedFilename()).toMatch(/\.xlsx$/);
    expect(readFileSync((await download.path())!).subarray(0, 2).toString()).toBe('PK');
    await page.close();
  });

  it('answers the evaluation steps from the inbox with their forms: the unit’s self-assessment, the county’s score and its grade', async ({ skip }) => {
    skip(!hasChromium, chromiumMissingMessage);
    const page = await browser.context.newPage();
    const row = (kind: string) => page.locator('tbody tr.ant-table-row').filter({ hasText: kind });
    const waiting = async (status: string) => ((await ok(host, 'admin', 'GET', `/pairing/evaluations?status=${status}&limit=100`)).items as Json[]).map((e) => String(e.id));
    const selfAssessing = await waiting('awaiting-self-assessment');
    const county = await waiting('awaiting-county');
    expect(selfAssessing.length).toBeGreaterThan(0);
    expect(county.length).toBeGreaterThan(0);

    await signIn(page, host, 'unit', '/inbox');
    await row('结对帮扶·单位自评').first().getByRole('button', { name: '填写自评', exact: true }).click();
    const self = page.getByRole('dialog').filter({ hasText: '单位自评' });
    await self.getByLabel('自评内容').fill('四年投入资金一百二十万元，食用菌产业成形。');
    await self.getByRole('checkbox', { name: '一村一业' }).check();
    await self.getByLabel('村集体收入（元）').fill('150000');
    expect(await seriousViolations(page)).toEqual([]);
    await self.getByRole('button', { name: '提交' }).click();
    await self.waitFor({ state: 'hidden' });
    // The inbox's first row is one of those waiting: the one that moved on.
    const moved = await Promise.all(selfAssessing.map(async (id) => (await ok(host, 'admin', 'GET', `/pairing/evaluations/${id}`)) as Json));
    const assessed = moved.find((e) => e.status === 'awaiting-township');
    if (!assessed) throw new Error('no self-assessment was recorded');
    expect(assessed.selfAssessments.at(-1).outcomes).toEqual({ advanced: false, oneVillageOneIndustry: true, oneVillageOneCooperative: false, collectiveIncomeFen: 15_000_000 });
    await signOut(page);

    await signIn(page, host, 'admin', '/inbox');
    await row('结对帮扶·县级考核').first().getByRole('button', { name: '县级考核', exact: true }).click();
    const evaluation = page.getByRole('dialog').filter({ hasText: '县级考核评价' });
    await evaluation.getByLabel('考核得分（0—100）').fill('88');
    await evaluation.getByText('等次：良好').waitFor();
    await evaluation.getByRole('checkbox', { name: '跨入先进行列' }).check();
    await evaluation.getByRole('button', { name: '提交' }).click();
    await evaluation.waitFor({ state: 'hidden' });
    const evaluated = (await Promise.all(county.map(async (id) => (await ok(host, 'admin', 'GET', `/pairing/evaluations/${id}`)) as Json))).find((e) => e.status === 'evaluated');
    expect(evaluated).toMatchObject({ status: 'evaluated', county: { score: 88, grade: '良好', outcomes: { advanced: true } } });
    await page.close();
  });

  it('axe-core finds no serious or critical violation on any pairing page', async ({ skip }) => {
    skip(!hasChromium, chromiumMissingMessage);
    const page = await browser.context.newPage();
    const pairing = ((await ok(host, 'admin', 'GET', `/pairing/pairings?termId=${demoPairingTermId}&limit=1`)).items as Json[])[0];
    const reports = (await ok(host, 'admin', 'GET', `/pairing/reports?termId=${demoPairingTermId}&periodId=${periodId}&limit=1`)).items as Json[];
    const cases = (await ok(host, 'admin', 'GET', '/pairing/cases?limit=1')).items as Json[];
    const screens = {
      admin: ['/pairing/terms', `/pairing/terms/${demoPairingTermId}`, `/pairing/pairings/${String(pairing?.id)}`, '/pairing/reports', `/pairing/reports/${encodeURIComponent(String(reports[0]?.id))}`, '/pairing/acceptance', '/pairing/views', '/pairing/outcomes', '/pairing/rankings', '/pairing/cases', ...(cases[0] ? [`/pairing/cases/${String(cases[0].id)}`] : [])],
      township: ['/pairing/review'],
      unit: ['/pairing/reports'],
    };
    const found: string[] = [];
    for (const [user, routes] of Object.entries(screens)) {
      await signIn(page, host, user);
      for (const screen of routes) {
        await page.goto(`${host.api}/console/#${screen}`);
        await page.locator('main h3').first().waitFor();
        await page.locator('.ant-spin-spinning').first().waitFor({ state: 'detached', timeout: 30_000 }).catch(() => undefined);
        // The pointer stays where the sign-in button was; a button under it is measured in its
        // hover colour, not the one the page shows at rest.
        await page.mouse.move(0, 0);
        found.push(...(await seriousViolations(page)).map((v) => `${user} ${screen}: ${v}`));
      }
      await signOut(page);
    }
    expect(found).toEqual([]);
    await page.close();
  });
});
