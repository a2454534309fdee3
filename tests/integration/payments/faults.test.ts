import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../../functions/api/app.ts';
import { resetConfig } from '../../../functions/shared/config.ts';
import { programPayoutTotals } from '../../../functions/platform/payments/store/payout.ts';
import { allBatchLines } from '../../../functions/platform/payments/store/batch.ts';
import { listEntityAudit } from '../../../functions/platform/store/audit.ts';
import { ledgerTotals } from '../../../functions/platform/store/ledger.ts';
import { call, tokenFor } from '../../support/api.ts';
import { seedDivisions } from '../../support/registries/village-import-fixtures.ts';
import { disbursedRun, fundingVillages, seedVillages } from '../../support/funding/fixtures.ts';
import { exportTreasuryCsv, importResultsFile, resultsCsv, seedAccount, waitForBatch, waitForBatchStep } from '../../support/payments/fixtures.ts';
import { useLocalStepFunctions } from '../../support/stepfunctions.ts';

// Every step that creates or settles payment instructions fails 30 % of the time AFTER its write
// has committed (the hardest case: the write happened, the workflow retries as if it had not):
// the disbursement page that creates the payouts, the batch's collection, the marking as sent, the
// settlement of a results page and its counters. Every payout must still be paid exactly once, and
// every sum must be exact. The draws are seeded, so the run is the same every time.
const faults = 'seed=20261201,funding-disburse-page:0.3,payments-collect:0.3,payments-mark-sent:0.3,payments-settle:0.3,payments-settle-marker:0.3';
const app = buildApp();
const villages = fundingVillages(120);
let admin: string;
let finance: string;
let finance2: string;
let finance3: string;

useLocalStepFunctions({ waitScale: 0.000001 });

beforeAll(async () => {
  process.env.FAULT_INJECTION = faults;
  resetConfig();
  admin = await tokenFor('admin', '120225', { sub: 'admin-f' });
  finance = await tokenFor('finance', '120225', { sub: 'finance-f1' });
  finance2 = await tokenFor('finance', '120225', { sub: 'finance-f2' });
  finance3 = await tokenFor('finance', '120225', { sub: 'finance-f3' });
  await seedDivisions();
  await seedVillages(villages);
  for (const v of villages) await seedAccount(v.code);
}, 120_000);

afterAll(() => {
  delete process.env.FAULT_INJECTION;
  resetConfig();
});


async function throughBatch(linesResult: (instruction: string, index: number) => 'paid' | 'failed'): Promise<string> {
  const batchId = (await call(app, 'POST', '/payments/batches', { token: finance, body: { program: 'funding' } })).body.batchId as string;
  await waitForBatch(app, finance, batchId, ['awaiting-approval']);
  await waitForBatchStep(batchId, 'approval');
  const approval = await call(app, 'POST', `/payments/batches/${batchId}/approve`, { token: finance2, body: {} });
  expect(approval.status, JSON.stringify(approval.body)).toBe(200);
  // Above the two-approver threshold (1,000,000 yuan by default) a third finance user completes it.
  if (approval.body.status === 'partial') expect((await call(app, 'POST', `/payments/batches/${batchId}/approve`, { token: finance3, body: {} })).body.status).toBe('answered');
  await waitForBatchStep(batchId, 'export');
  const lines = await exportTreasuryCsv(app, finance, batchId);
  await waitForBatchStep(batchId, 'results');
  const file = resultsCsv(
    lines.map((l, i) =>
      linesResult(l.instruction, i) === 'paid'
        ? { instruction: l.instruction, amount: l.amount, status: 'paid', bankReference: `F${i}-${batchId.slice(-6)}`, valueDate: '2026-12-01' }
        : { instruction: l.instruction, amount: l.amount, status: 'failed', reason: '户名不符' },
    ),
  );
  const imported = await importResultsFile(app, finance, batchId, file);
  expect(imported.status, JSON.stringify(imported.body)).toBe(202);
  await waitForBatch(app, finance, batchId, ['reconciled']);
  return batchId;
}

describe('payments under injected faults', () => {
  it('pays every payout exactly once and keeps every sum exact', async () => {
    const runId = await disbursedRun(app, { admin, finance }, { division: '120225', year: 2026, name: '故障注入' });

    const ledger = await ledgerTotals('funding', runId);
    expect(ledger.count).toBeGreaterThan(100);
    const issued = await programPayoutTotals('funding', runId);
    expect(issued.approved).toEqual({ count: ledger.count, amountFen: ledger.totalFen });
    expect(issued.instructed).toEqual(issued.approved);

    // First batch: every seventh line fails at the bank; then those are reissued and paid.
    const failedEvery = 7;
    const first = await throughBatch((_, i) => (i % failedEvery === 3 ? 'failed' : 'paid'));
    const failedCount = Math.floor((ledger.count - 4) / failedEvery) + 1;
    const afterFirst = await programPayoutTotals('funding', runId);
    expect(afterFirst.failed.count).toBe(failedCount);
    expect(afterFirst.paid.count).toBe(ledger.count - failedCount);
    const failed = [];
    for await (const line of allBatchLines(first)) if (line.result?.status === 'failed') failed.push(line.payoutId);
    for (const payoutId of failed) expect((await call(app, 'POST', `/payments/payouts/${encodeURIComponent(payoutId)}/reissue`, { token: finance })).status).toBe(200);
    const second = await throughBatch(() => 'paid');

    const totals = await programPayoutTotals('funding', runId);
    expect(totals.paid).toEqual({ count: ledger.count, amountFen: ledger.totalFen });
    expect(totals.failed.count + totals.sent.count + totals.batched.count + totals.instructed.count).toBe(0);

    // Exactly once, payout by payout: one paid line over both batches, one "paid" audit record.
    const paidLines = new Map<string, number>();
    const batchSums = { paidFen: 0 };
    for (const batchId of [first, second]) {
      const batch = (await call(app, 'GET', `/payments/batches/${batchId}`, { token: finance })).body;
      batchSums.paidFen += batch.paid.amountFen as number;
      for await (const line of allBatchLines(batchId)) if (line.result?.status === 'paid') paidLines.set(line.payoutId, (paidLines.get(line.payoutId) ?? 0) + 1);
    }
    expect(paidLines.size).toBe(ledger.count);
    expect([...paidLines.values()].every((n) => n === 1)).toBe(true);
    expect(batchSums.paidFen).toBe(ledger.totalFen);
    for (const payoutId of failed.slice(0, 5)) {
      const audit = await listEntityAudit('payout', payoutId, { limit: 50 });
      expect(audit.items.filter((r) => r.action === 'payout.paid')).toHaveLength(1);
      expect(audit.items.filter((r) => r.action === 'payout.failed')).toHaveLength(1);
    }
    const totalsRoute = await call(app, 'GET', `/payments/programs/funding/${runId}/totals`, { token: finance });
    expect(totalsRoute.body.consistent).toBe(true);
  }, 300_000);
});
