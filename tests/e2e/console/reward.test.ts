import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumMissingMessage, hasChromium, launchBrowser, type Browser } from '../../support/browser.ts';
import { applicationsAwaitingFinance, call, demoWorkReady, ok, openRewardProgram, pick, seriousViolations, signIn, signOut, signerPositions, statusesAre, submitApplication, type Json } from '../../support/console.ts';
import { cleanUpLocalHosts, freePorts, startLocalHost, type LocalHost } from '../../support/local-host.ts';
import { waitUntil } from '../../support/wait.ts';
import { approvalDecisionId } from '../../../functions/platform/payments/steps.ts';
import { signToken } from '../../../local/jwt.ts';

// The console in Chromium against the whole local host (npm start as a child process, demo data):
// finance bulk-approves 50 reward decisions with two approvers where the amount asks for it and
// sees them paid, an item answered meanwhile fails and says why, the village's four positions sign
// off on a phone, and an auditor reads an application's timeline. Data is made through the API,
// as the users' earlier work would have made it; what the tests look at is the browser.

// Without Chromium each test skips itself, loudly, naming the install command (and so does the summary line).
if (!hasChromium) console.warn(chromiumMissingMessage);

let host: LocalHost;
let browser: Browser;
let programId: string;
/** 51 applications at the finance approval: even ones below the 100,000-yuan two-approver threshold, odd ones above. */
let awaitingFinance: string[];
const township = '120225104';

afterAll(async () => {
  await browser?.close();
  cleanUpLocalHosts();
});

describe('the console in a browser: reward', () => {
  beforeAll(async () => {
    if (!hasChromium) return;
    host = await startLocalHost(await freePorts(), ['--memory']);
    await demoWorkReady(host);
    programId = await openRewardProgram(host, '2025年度以奖代补（控制台测试）');
    const increases = Array.from({ length: 51 }, (_, i) => (i % 2 === 0 ? 300_000 + i * 1_000 : 1_500_000 + i * 1_000));
    [awaitingFinance, browser] = await Promise.all([applicationsAwaitingFinance(host, programId, increases, '批量'), launchBrowser()]);
  });

  it('finance filters the inbox, bulk-approves 50 decisions (two approvers above the threshold), an item answered meanwhile fails with its reason, and all 50 are paid', async ({ skip }) => {
    skip(!hasChromium, chromiumMissingMessage);
    const page = await browser.context.newPage();
    await signIn(page, host, 'finance', '/inbox');
    await pick(page, '事项类型', '以奖代补·财政审批');
    await pick(page, '乡镇', township);
    // What the filter must show: every finance approval of the township open to this user (the demo's too).
    const open = ((await ok(host, 'finance', 'GET', '/inbox?limit=100')).items as Json[]).filter((i) => i.kind === 'reward.finance-approval' && String(i.division).startsWith(township) && i.actionable);
    expect(open.length).toBeGreaterThanOrEqual(51);
    await page.getByText(`共 ${open.length} 项（可处理 ${open.length} 项）`).waitFor();
    expect(await seriousViolations(page)).toEqual([]);

    await page.getByRole('button', { name: `选择本页全部可批量处理的 ${open.length} 项` }).click();
    await page.getByText(`已选择 ${open.length} 项`).waitFor();
    // Between selecting and confirming, the other finance user rejects one of them: that item must fail, and say why.
    const taken = awaitingFinance[0]!;
    await ok(host, 'finance2', 'POST', `/decisions/reward.finance-approval.${taken}.r1`, { decision: 'reject', comment: '材料不全' });
    await page.getByRole('button', { name: '批量同意' }).click();
    const confirm = page.getByRole('dialog', { name: '确认批量同意' });
    await confirm.getByText(`共 ${open.length} 项`).waitFor();
    await confirm.getByRole('button', { name: `同意 ${open.length} 项` }).click();
    const results = page.getByRole('dialog').filter({ hasText: '批量处理结果' });
    await results.getByText(`成功 ${open.length - 1} 项，失败 1 项。`).waitFor({ timeout: 120_000 });
    // Failures come first: the rejected application's row, with the API's reason.
    const failed = results.locator('tbody tr').filter({ hasText: '失败' });
    expect(await failed.count()).toBe(1);
    const failedText = (await failed.textContent()) ?? '';
    expect(failedText).toContain('批量00-300000');
    // The reason is the API's: the decision was answered already.
    expect(failedText).toMatch(/already answered|已/);
    expect(await seriousViolations(page)).toEqual([]);
    await results.getByRole('button', { name: '关闭' }).click();

    // Above the threshold the first approval is not enough: finance sees who it waits for, not an approve button.
    const above = awaitingFinance.filter((_, i) => i % 2 === 1);
    await page.getByText('等待第二位审批人').first().waitFor();
    expect(await page.getByText('等待第二位审批人').count()).toBeGreaterThanOrEqual(Math.min(above.length, 50));

    await signOut(page);
    await signIn(page, host, 'finance2', '/inbox');
    await pick(page, '事项类型', '以奖代补·财政审批');
    await pick(page, '乡镇', township);
    const second = ((await ok(host, 'finance2', 'GET', '/inbox?limit=100')).items as Json[]).filter((i) => i.kind === 'reward.finance-approval' && String(i.division).startsWith(township) && i.actionable);
    expect(second.map((i) => String(i.subjectId))).toEqual(expect.arrayContaining(above));
    await page.getByRole('button', { name: `选择本页全部可批量处理的 ${second.length} 项` }).click();
    await page.getByRole('button', { name: '批量同意' }).click();
    await page.getByRole('dialog', { name: '确认批量同意' }).getByRole('button', { name: `同意 ${second.length} 项` }).click();
    await page.getByRole('dialog').filter({ hasText: '批量处理结果' }).getByText(`成功 ${second.length} 项，失败 0 项。`).waitFor();

    const approved = awaitingFinance.slice(1);
    expect(approved).toHaveLength(50);
    await statusesAre(host, approved, 'paying');
    await payEverythingDue(host);
    await statusesAre(host, approved, 'paid');

    await page.goto(`${host.api}/console/#/reward/applications?programId=${programId}`);
    await pick(page, '状态', '已支付');
    await waitUntil(
      async () => {
        const rows = await page.locator('tbody tr.ant-table-row').count();
        return { done: rows === 50, seen: `${rows} rows shown as paid` };
      },
      { what: '50 paid applications on the screen', timeoutMs: 30_000, intervalMs: 250 },
    );
    await page.close();
  });

  it('the village signs off in its four positions on a phone (390×844)', async ({ skip }) => {
    skip(!hasChromium, chromiumMissingMessage);
    const app = await submitApplication(host, programId, '手机签署', 200_000);
    await statusesAre(host, [app], 'awaiting-village-signoff');
    const phone = await launchBrowser({ viewport: { width: 390, height: 844 }, mobile: true });
    try {
      for (const position of signerPositions) {
        // A page per person: the local session lives in the tab's sessionStorage.
        const page = await phone.context.newPage();
        await signIn(page, host, position, `/reward/applications/${app}`);
        await page.getByRole('button', { name: '签署同意' }).click();
        await page.getByText('您已签署').waitFor();
        // One column: nothing wider than the phone's screen.
        expect(Number(await page.evaluate('document.documentElement.scrollWidth'))).toBeLessThanOrEqual(390);
        if (position === 'v-supervisor') expect(await seriousViolations(page)).toEqual([]);
        await page.close();
      }
    } finally {
      await phone.close();
    }
    await statusesAre(host, [app], ['awaiting-township']);
  });

  it('an auditor opens an application and reads its timeline', async ({ skip }) => {
    skip(!hasChromium, chromiumMissingMessage);
    const page = await browser.context.newPage();
    const paidOne = awaitingFinance[1]!;
    await signIn(page, host, 'auditor', '/reward/applications');
    await pick(page, '项目', '2025年度以奖代补（控制台测试）');
    await page.getByRole('link', { name: /^批量01-/ }).click();
    await page.waitForURL(new RegExp(`#/reward/applications/${paidOne}$`));
    const timeline = page.locator('.ant-card').filter({ hasText: '办理过程' }).locator('.ant-timeline-item');
    await timeline.first().waitFor();
    // Submission, four signatures, the township, two finance approvals and the payment at least.
    expect(await timeline.count()).toBeGreaterThanOrEqual(8);
    expect(await seriousViolations(page)).toEqual([]);
    await page.close();
  });
});

/**
 * The payments part (docs/payments.md) through the API: a batch of every reward instruction due,
 * approved by the finance user who did not create it, exported, and the bank's results saying paid.
 */
async function payEverythingDue(host: LocalHost): Promise<void> {
  // Above 1,000,000 yuan a batch needs two finance approvers besides the one who formed it: a third
  // finance user of the demo district forms it, with a token signed by the host's secret (the banner prints it).
  const secret = /--secret (\S+?)\)?:?$/m.exec(host.output())?.[1];
  if (!secret) throw new Error('no --secret in the banner');
  const former = await signToken({ sub: 'e2e-finance-3', roles: ['finance'], division: '120225' }, secret);
  const formed = await fetch(`${host.api}/payments/batches`, { method: 'POST', headers: { authorization: `Bearer ${former}`, 'content-type': 'application/json' }, body: JSON.stringify({ program: 'reward' }) });
  const batch = (await formed.json()) as Json;
  expect(formed.status, JSON.stringify(batch)).toBe(202);
  const batchId = String(batch.batchId);
  for (const approver of ['finance', 'finance2']) {
    await waitUntil(
      async () => {
        const res = await call(host, approver, 'POST', `/decisions/${approvalDecisionId(batchId)}`, { decision: 'approve' });
        return { done: res.status === 200, seen: `the batch approval answers ${res.status} to ${approver}` };
      },
      { what: `the batch approved by ${approver}`, timeoutMs: 60_000, intervalMs: 300 },
    );
  }
  const file = await waitUntil(
    async () => {
      const res = await fetch(`${host.api}/payments/batches/${batchId}/export?template=bank-generic&format=csv`, { method: 'POST', headers: { authorization: `Bearer ${host.token('finance')}` } });
      const text = await res.text();
      return { done: res.status === 200, seen: `export answers ${res.status}: ${text.slice(0, 300)}`, text };
    },
    { what: 'the payment file', timeoutMs: 60_000, intervalMs: 300 },
  );
  // bank-generic: 账号,户名,开户行,金额,摘要,业务参考号
  const lines = file.text.replace(/^\uFEFF/, '').trim().split(/\r?\n/).slice(1).map((l) => l.split(','));
  const results = ['指令号,金额,结果,银行流水号,入账日期,失败原因', ...lines.map((cols, i) => `${cols[5]},${cols[3]},成功,CE2E${String(i).padStart(4, '0')},2026-12-01,`)].join('\n');
  await waitUntil(
    async () => {
      const res = await fetch(`${host.api}/payments/batches/${batchId}/results`, { method: 'POST', headers: { authorization: `Bearer ${host.token('finance')}`, 'content-type': 'text/csv' }, body: `${results}\n` });
      return { done: res.status === 202, seen: `results answer ${res.status}: ${(await res.text()).slice(0, 200)}` };
    },
    { what: 'the results accepted', timeoutMs: 60_000, intervalMs: 300 },
  );
}
