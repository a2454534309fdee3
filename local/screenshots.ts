import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { chromiumMissingMessage, hasChromium, launchBrowser, type Browser } from '../tests/support/browser.ts';
import { demoWorkReady, ok, signIn, type Json } from '../tests/support/console.ts';
import { cleanUpLocalHosts, freePorts, startLocalHost, type LocalHost } from '../tests/support/local-host.ts';
import { ensureConsoleBuilt } from './console-build.ts';
import { demoRewardProgramId } from './demo-reward.ts';
import { demoPairingTermId } from './demo-pairing.ts';

/**
 * `npm run screenshots`: PNGs of the console's main screens into docs/screenshots/, taken in
 * headless Chromium against a throw-away local host (--memory) with the demo data and demo work,
 * at 1366×768 (the office screen) and the sign-off at 390×844 (a phone). Chinese text needs a CJK
 * font on the machine (Debian: apt-get install -y fonts-noto-cjk or fonts-wqy-microhei).
 */

const outDir = resolve(import.meta.dirname, '../docs/screenshots');

/** Waits for the screen's heading and for its spinners to stop, then writes `name`.png. */
async function shot(page: Page, name: string, ready: () => Promise<unknown>): Promise<void> {
  await ready();
  await page.locator('.ant-spin-spinning').first().waitFor({ state: 'detached', timeout: 30_000 });
  // Let animations (menus, charts drawing in) settle: a picture, not a test.
  await page.waitForTimeout(800);
  await page.screenshot({ path: join(outDir, `${name}.png`), fullPage: true });
  console.log(`  docs/screenshots/${name}.png`);
}

async function as(browser: Browser, host: LocalHost, user: string, route: string): Promise<Page> {
  const page = await browser.context.newPage();
  await signIn(page, host, user, route);
  return page;
}

async function main(): Promise<void> {
  if (!hasChromium) throw new Error(chromiumMissingMessage);
  mkdirSync(outDir, { recursive: true });
  // The test support's hosts serve console/dist as it is (SKIP_CONSOLE_BUILD): build it first when stale.
  await ensureConsoleBuilt();
  console.log('Starting a local host in memory with the demo data…');
  const host = await startLocalHost(await freePorts(), ['--memory']);
  const browser = await launchBrowser();
  const phone = await launchBrowser({ viewport: { width: 390, height: 844 }, mobile: true });
  try {
    await demoWorkReady(host);
    const apps = (await ok(host, 'admin', 'GET', `/reward/applications?programId=${demoRewardProgramId}&limit=100`)).items as Json[];
    const paying = apps.find((a) => a.status === 'paying') ?? apps[0];
    const signing = apps.find((a) => a.status === 'awaiting-village-signoff');
    const run = ((await ok(host, 'admin', 'GET', '/funding/runs?limit=100')).items as Json[]).find((r) => r.status === 'awaiting-approval');
    const importId = /import (imp-[\w-]+) rejected/.exec(host.output())?.[1];
    console.log('Writing screenshots:');

    const finance = await as(browser, host, 'finance', '/home');
    await shot(finance, 'home', () => finance.getByRole('heading', { name: '首页' }).waitFor());
    await finance.goto(`${host.api}/console/#/inbox`);
    await shot(finance, 'inbox', () => finance.getByText(/共 \d+ 项/).waitFor());
    if (paying) {
      await finance.goto(`${host.api}/console/#/reward/applications/${String(paying.id)}`);
      await shot(finance, 'decision-timeline', () => finance.locator('.ant-timeline-item').first().waitFor());
    }
    if (run) {
      await finance.goto(`${host.api}/console/#/funding/runs/${String(run.id)}`);
      await shot(finance, 'funding-run', () => finance.locator('canvas').first().waitFor());
    }

    const admin = await as(browser, host, 'admin', '/reward/programs');
    await shot(admin, 'reward-programs', () => admin.locator('.ant-card').first().waitFor());
    if (importId) {
      await admin.goto(`${host.api}/console/#/registries/imports/${importId}`);
      await shot(admin, 'import-errors', () => admin.getByText('错误明细（按行、列）').waitFor());
    }
    await admin.goto(`${host.api}/console/#/ops/executions`);
    await shot(admin, 'operations', () => admin.locator('tbody tr.ant-table-row').first().waitFor());

    // Pairing (结对帮扶): the unit's reports and a returned one to correct, the township's review,
    // the county's acceptance, the completeness view, the ranking with its bottom share.
    const periods = ((await ok(host, 'admin', 'GET', `/pairing/terms/${demoPairingTermId}/periods`)).items as Json[]).sort((a, b) => String(b.due).localeCompare(String(a.due)));
    const lastMonth = periods[1]?.periodId;
    const returned = lastMonth ? ((await ok(host, 'unit', 'GET', `/pairing/reports?termId=${demoPairingTermId}&periodId=${String(lastMonth)}&limit=100`)).items as Json[]).find((r) => r.status === 'returned') : undefined;
    const unit = await as(browser, host, 'unit', '/pairing/reports');
    await shot(unit, 'pairing-reports', () => unit.locator('tbody tr.ant-table-row').first().waitFor());
    if (returned) {
      await unit.goto(`${host.api}/console/#/pairing/reports/${encodeURIComponent(String(returned.id))}`);
      await shot(unit, 'pairing-report-returned', () => unit.getByText(/退回理由：/).waitFor());
    }
    const township = await as(browser, host, 'township', '/pairing/review');
    await shot(township, 'pairing-review', () => township.getByRole('tab', { name: /待审核/ }).waitFor());
    await admin.goto(`${host.api}/console/#/pairing/acceptance`);
    await shot(admin, 'pairing-acceptance', () => admin.getByRole('button', { name: /验收本期已审核报告/ }).waitFor());
    await admin.goto(`${host.api}/console/#/pairing/views`);
    await shot(admin, 'pairing-views', () => admin.locator('tbody tr.ant-table-row').filter({ hasText: '合计' }).first().waitFor());
    await admin.goto(`${host.api}/console/#/pairing/rankings`);
    await shot(admin, 'pairing-ranking', () => admin.getByText('倒排整顿').first().waitFor());
    // Social organisations (村级社会组织): the demo township's register, one organisation, coverage, grading and funding.
    await township.goto(`${host.api}/console/#/social/organisations`);
    await shot(township, 'social-organisations', () => township.locator('tbody tr.ant-table-row').first().waitFor());
    const orgs = (await ok(host, 'township', 'GET', '/social/organisations?status=active&limit=1')).items as Json[];
    if (orgs[0]) {
      await township.goto(`${host.api}/console/#/social/organisations/${String(orgs[0].id)}`);
      await shot(township, 'social-organisation', () => township.getByText('年度报告', { exact: true }).waitFor());
    }
    await township.goto(`${host.api}/console/#/social/coverage`);
    await shot(township, 'social-coverage', () => township.getByText('逐年趋势').waitFor());
    await township.goto(`${host.api}/console/#/social/grading`);
    await shot(township, 'social-grading', () => township.getByText('等级线').waitFor());
    await township.goto(`${host.api}/console/#/social/funding`);
    await shot(township, 'social-funding', () => township.getByText(/年专项经费/).waitFor());

    if (signing) {
      const page = await as(phone, host, 'v-bookkeeper', `/reward/applications/${String(signing.id)}`);
      await shot(page, 'signoff-phone', () => page.getByText('村级三签一审', { exact: true }).waitFor());
    }
  } finally {
    await phone.close();
    await browser.close();
    cleanUpLocalHosts();
  }
}

await main();
