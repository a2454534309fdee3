import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumMissingMessage, hasChromium, launchBrowser, type Browser } from '../../support/browser.ts';
import { demoWorkReady, ok, seriousViolations, signIn, type Json } from '../../support/console.ts';
import { cleanUpLocalHosts, freePorts, startLocalHost, type LocalHost } from '../../support/local-host.ts';
import { waitUntil } from '../../support/wait.ts';

// The console in Chromium against the whole local host with its demo work: an admin imports a CSV
// with errors (shown by row and column) and then a good one (the progress bar reaches its end),
// finance excludes a village from the demo's funding run, approves it and downloads the XLSX, and
// axe-core finds no serious or critical violation on any main page.

// Without Chromium each test skips itself, loudly, naming the install command (and so does the summary line).
if (!hasChromium) console.warn(chromiumMissingMessage);

const root = resolve(import.meta.dirname, '../../..');
let host: LocalHost;
let browser: Browser;
let runId: string;

afterAll(async () => {
  await browser?.close();
  cleanUpLocalHosts();
});

describe('the console in a browser: imports, funding runs, accessibility', () => {
  beforeAll(async () => {
    if (!hasChromium) return;
    [host, browser] = await Promise.all([startLocalHost(await freePorts(), ['--memory']), launchBrowser()]);
    await demoWorkReady(host);
    const runs = (await ok(host, 'admin', 'GET', '/funding/runs?limit=100')).items as Json[];
    const waiting = runs.find((r) => r.status === 'awaiting-approval');
    if (!waiting) throw new Error(`the demo work has no funding run awaiting approval: ${JSON.stringify(runs).slice(0, 400)}`);
    runId = String(waiting.id);
  });

  it('an admin uploads a CSV with errors, reads them by row and column, then uploads a good one and the progress bar reaches its end', async ({ skip }) => {
    skip(!hasChromium, chromiumMissingMessage);
    const page = await browser.context.newPage();
    await signIn(page, host, 'admin', '/registries/imports');
    const upload = async (name: string, csv: string) => {
      await page.goto(`${host.api}/console/#/registries/imports`);
      await page.locator('input[type=file]').setInputFiles({ name, mimeType: 'text/csv', buffer: Buffer.from(csv) });
      await page.waitForURL(/#\/registries\/imports\/imp-/);
    };
    await upload('villages-with-errors.csv', readFileSync(resolve(root, 'local/demo/villages-with-errors.csv'), 'utf8'));
    const bar = page.getByRole('progressbar');
    await page.getByText('校验未通过').first().waitFor();
    const errors = page.locator('.ant-table-tbody tr.ant-table-row');
    await errors.first().waitFor();
    // The table of a spreadsheet import tool: 行, 列, 问题; the population of line 2 is "很多".
    const rows = await errors.evaluateAll((trs) => trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent ?? '')));
    expect(rows.length).toBeGreaterThanOrEqual(4);
    expect(rows).toContainEqual(['2', 'population', expect.stringContaining('很多')]);
    expect(await seriousViolations(page)).toEqual([]);

    await upload('villages.csv', readFileSync(resolve(root, 'local/demo/villages.csv'), 'utf8'));
    await page.getByText('导入成功').first().waitFor();
    await waitUntil(
      async () => {
        const now = await bar.getAttribute('aria-valuenow');
        return { done: now === '100', seen: `the progress bar at ${now ?? 'nothing'}` };
      },
      { what: 'the progress bar at 100', timeoutMs: 30_000, intervalMs: 100 },
    );
    await page.close();
  });

  it('finance excludes a village from the funding run with a reason, approves the run and downloads its XLSX', async ({ skip }) => {
    skip(!hasChromium, chromiumMissingMessage);
    const page = await browser.context.newPage();
    await signIn(page, host, 'finance', `/funding/runs/${runId}`);
    await page.getByText('待审批').first().waitFor();
    // A village not excluded yet (the demo work may have excluded one): its row, found again by its name.
    const rows = page.locator('.ant-card').filter({ hasText: '分配明细' }).locator('tbody tr.ant-table-row');
    const village = ((await rows.filter({ has: page.getByRole('button', { name: '排除', exact: true }) }).first().locator('td').first().textContent()) ?? '').trim();
    const firstRow = rows.filter({ hasText: village });
    await firstRow.getByRole('button', { name: '排除', exact: true }).click();
    const dialog = page.getByRole('dialog').filter({ hasText: '排除' });
    await dialog.getByRole('textbox', { name: '理由' }).fill('已由乡镇统筹安排');
    await dialog.getByRole('button', { name: '确认' }).click();
    await firstRow.getByText('已排除').waitFor();
    await firstRow.getByText('已由乡镇统筹安排').waitFor();
    expect(await seriousViolations(page)).toEqual([]);

    await page.getByRole('button', { name: '审批同意' }).click();
    await page.getByRole('dialog').filter({ hasText: '审批同意' }).getByRole('button', { name: '确认' }).click();
    await page.getByText(/拨付中|已拨付/).first().waitFor();

    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: '导出 Excel' }).click()]);
    expect(download.suggestedFilename()).toMatch(/\.xlsx$/);
    const file = readFileSync((await download.path())!);
    expect(file.subarray(0, 2).toString()).toBe('PK'); // an XLSX is a zip
    const run = await ok(host, 'finance', 'GET', `/funding/runs/${runId}`);
    expect(['approved', 'disbursing', 'paid']).toContain(run.status);
    const code = /（(\d{12})）/.exec(village)?.[1];
    const excluded = await ok(host, 'finance', 'GET', `/funding/runs/${runId}/allocations?excluded=true&limit=100`);
    expect((excluded.items as Json[]).map((a) => a.code)).toContain(code);
    await page.close();
  });

  it('axe-core finds no serious or critical violation on any main page', async ({ skip }) => {
    skip(!hasChromium, chromiumMissingMessage);
    const page = await browser.context.newPage();
    await signIn(page, host, 'admin');
    const screens = ['/home', '/inbox', '/reward/programs', '/reward/enterprises', '/reward/applications', '/funding/runs', `/funding/runs/${runId}`, '/registries/divisions', '/registries/villages', '/registries/units', '/registries/imports', '/ops/executions', '/ops/audit'];
    const found: string[] = [];
    for (const screen of screens) {
      await page.goto(`${host.api}/console/#${screen}`);
      await page.locator('main h3, main h4').first().waitFor();
      await page.locator('.ant-spin-spinning').first().waitFor({ state: 'detached', timeout: 30_000 }).catch(() => undefined);
      found.push(...(await seriousViolations(page)).map((v) => `${screen}: ${v}`));
    }
    expect(found).toEqual([]);
    await page.close();
  });
});
