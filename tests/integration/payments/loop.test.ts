import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../../functions/api/app.ts';
import type { App } from '../../../functions/platform/http/context.ts';
import { resetConfig } from '../../../functions/shared/config.ts';
import { stateMachineArn } from '../../../functions/shared/config.ts';
import { getPayout } from '../../../functions/platform/payments/store/payout.ts';
import { getApplication } from '../../../functions/programs/reward/store/application.ts';
import { listOutbox } from '../../../functions/platform/store/outbox.ts';
import { call, tokenFor } from '../../support/api.ts';
import { actors, decide, enterprise, helanPolicy, openDecision, openProgram, seedVillage, signAll, submit, until, village, type Actors } from '../../support/reward/fixtures.ts';
import { fundingVillages, seedVillages, tianjinRuianRule } from '../../support/funding/fixtures.ts';
import { exportTreasuryCsv, importResultsFile, resultsCsv, seedAccount, waitForBatch, waitForBatchStep } from '../../support/payments/fixtures.ts';
import { executionEnded, history, statesEntered, useLocalStepFunctions } from '../../support/stepfunctions.ts';
import { waitUntil } from '../../support/wait.ts';

// The money path end to end on DynamoDB Local and the local Step Functions endpoint, through the
// API with real tokens: a reward and a funding run are approved, their payouts are batched,
// approved, exported as a bank file and reconciled with the bank's results; a failed line is
// reissued to corrected details and paid once; conflicting and repeated results files change nothing.

let app: App;
let t: Actors;
const villages = fundingVillages(12);
/** A village of the run whose collective has no bank account yet: its payout waits, visibly. */
const noAccount = villages[5]!.code;

useLocalStepFunctions({ waitScale: 0.000001 });

beforeAll(async () => {
  await seedVillage();
  await seedVillages(villages);
  app = buildApp();
  t = await actors();
  await seedAccount(village);
  for (const v of villages) if (v.code !== noAccount) await seedAccount(v.code);
}, 120_000);

afterEach(() => {
  delete process.env.PAYMENT_TWO_APPROVER_THRESHOLD_FEN;
  resetConfig();
});

const batchArn = (batchId: string) => `${stateMachineArn('payment-batch').replace(':stateMachine:', ':execution:')}:${batchId}`;

async function paidReward(): Promise<{ programId: string; id: string }> {
  const programId = await openProgram(app, t, helanPolicy());
  const entityId = await enterprise(app, t, [
    { year: 2024, incomeYuan: 1_000_000, profitYuan: 100_000 },
    { year: 2025, incomeYuan: 1_200_000, profitYuan: 400_000 },
  ]);
  const id = await submit(app, t, programId, entityId);
  await until(id, 'awaiting-village-signoff');
  await signAll(app, t, id);
  expect((await decide(app, t.township, await openDecision(id, 'township-review'), 'approve')).status).toBe(200);
  expect((await decide(app, t.finance1, await openDecision(id, 'finance-approval'), 'approve')).status).toBe(200);
  await until(id, 'paying');
  return { programId, id };
}

describe('payees', () => {
  it('a bank account takes effect only when a second person approves it, audited before and after', async () => {
    const code = villages[0]!.code;
    const bad = await call(app, 'POST', `/payments/payees/${code}/account-changes`, { token: t.finance1, body: { accountName: '某村', bank: '农行', accountNumber: '12ab', validFrom: '2026-01-01' } });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body)).toContain('accountNumber');
    const proposed = await call(app, 'POST', `/payments/payees/${code}/account-changes`, { token: t.township.replace(/.*/, await tokenFor('township', code.slice(0, 9), { sub: 'township-x' })), body: { accountName: `${code}股份经济合作社`, bank: '中国农业银行蓟州支行', accountNumber: '6228 4800 1234 5678 901', validFrom: '2026-01-01' } });
    expect(proposed.status, JSON.stringify(proposed.body)).toBe(201);
    expect(proposed.body).toMatchObject({ status: 'pending', proposed: { accountNumber: '6228480012345678901' } });
    const changeId = proposed.body.changeId as string;
    // Not in force yet: the account seeded earlier still is.
    expect((await call(app, 'GET', `/payments/payees/${code}`, { token: t.finance1 })).body.accountNumber).toBe(`6222${code}`);
    // Only finance approves; the proposer never.
    const selfApprover = await tokenFor('finance', '120225', { sub: 'township-x' });
    expect((await call(app, 'POST', `/payments/payees/${code}/account-changes/${changeId}/approve`, { token: selfApprover })).status).toBe(403);
    expect((await call(app, 'POST', `/payments/payees/${code}/account-changes/${changeId}/approve`, { token: t.admin })).status).toBe(403);
    const approved = await call(app, 'POST', `/payments/payees/${code}/account-changes/${changeId}/approve`, { token: t.finance1 });
    expect(approved.status, JSON.stringify(approved.body)).toBe(200);
    expect(approved.body.account).toMatchObject({ accountNumber: '6228480012345678901', version: 2, approvedBy: 'finance-a', proposedBy: 'township-x' });
    expect((await call(app, 'POST', `/payments/payees/${code}/account-changes/${changeId}/approve`, { token: t.finance2 })).status).toBe(409);
    const audit = await call(app, 'GET', `/audit?entity=payee-account:${code}`, { token: t.admin });
    expect(audit.status, JSON.stringify(audit.body)).toBe(200);
    const changed = audit.body.items.find((r: { action: string }) => r.action === 'payee-account.changed');
    expect(changed).toMatchObject({ before: { accountNumber: `6222${code}` }, after: { accountNumber: '6228480012345678901' } });
  });
});

describe('a reward from approval to bank file to reconciliation to paid', () => {
  it('is paying until the bank reports it paid; the batch needs another finance user; a repeated file changes nothing', async () => {
    const { programId, id } = await paidReward();
    const payoutRef = { program: 'reward', programId, sourceId: id };
    expect(await getPayout(payoutRef)).toMatchObject({ status: 'instructed', amountFen: 3_000_000, instructionId: `reward:${programId}:${id}:1`, account: { accountNumber: `6222${village}` } });

    const created = await call(app, 'POST', '/payments/batches', { token: t.finance1, body: { program: 'reward' } });
    expect(created.status, JSON.stringify(created.body)).toBe(202);
    const batchId = created.body.batchId as string;
    const waiting = await waitForBatch(app, t.finance1, batchId, ['awaiting-approval']);
    expect(waiting).toMatchObject({ count: 1, totalFen: 3_000_000, requiredApprovals: 1 });
    await waitForBatchStep(batchId, 'approval');
    // Whoever formed the batch does not approve it.
    expect((await call(app, 'POST', `/payments/batches/${batchId}/approve`, { token: t.finance1, body: {} })).status).toBe(403);
    const inbox = await call(app, 'GET', '/inbox?role=finance', { token: t.finance2 });
    const item = inbox.body.items.find((d: { subjectId: string }) => d.subjectId === batchId);
    expect(item).toMatchObject({ kind: 'payments.batch-approval', subject: `/payments/batches/${batchId}` });
    expect((await decide(app, t.finance2, item.id, 'approve')).status).toBe(200);
    await waitForBatch(app, t.finance1, batchId, ['approved']);
    await waitForBatchStep(batchId, 'export');

    const lines = await exportTreasuryCsv(app, t.finance1, batchId);
    expect(lines).toEqual([{ instruction: `reward:${programId}:${id}:1`, amount: '30000.00', accountNumber: `6222${village}`, accountName: `${village}股份经济合作社` }]);
    await waitForBatch(app, t.finance1, batchId, ['sent']);
    expect(await getApplication(id)).toMatchObject({ status: 'paying', payment: { status: 'sent', batchId } });
    await waitForBatchStep(batchId, 'results');

    const file = resultsCsv([{ instruction: lines[0]!.instruction, amount: '30000.00', status: '成功', bankReference: 'ABC20261201001', valueDate: '2026-12-01' }]);
    const imported = await importResultsFile(app, t.finance1, batchId, file);
    expect(imported.status, JSON.stringify(imported.body)).toBe(202);
    expect(imported.body).toMatchObject({ applied: 1, unchanged: 0 });
    const reconciled = await waitForBatch(app, t.finance1, batchId, ['reconciled']);
    expect(reconciled).toMatchObject({ paid: { count: 1, amountFen: 3_000_000 }, failed: { count: 0, amountFen: 0 } });
    expect(await getApplication(id)).toMatchObject({ status: 'paid', payment: { status: 'paid', bankReference: 'ABC20261201001', valueDate: '2026-12-01' } });

    const ended = await executionEnded(batchArn(batchId));
    expect(ended.status).toBe('SUCCEEDED');
    expect(statesEntered(await history(batchArn(batchId)))).toEqual([
      'Collect', 'Summarise', 'IsEmpty', 'AwaitApproval', 'AwaitExport', 'MarkSent', 'StartWaiting', 'AwaitResults', 'SettlePages', 'SettlePage', 'FinishImport', 'IsReconciled', 'Reconciled',
    ]);

    // The same file again: nothing changes.
    const again = await importResultsFile(app, t.finance1, batchId, file);
    expect(again.status, JSON.stringify(again.body)).toBe(200);
    expect(again.body).toMatchObject({ applied: 0, unchanged: 1 });
    expect(await getPayout(payoutRef)).toMatchObject({ status: 'paid', version: 4 });

    const totals = await call(app, 'GET', `/payments/programs/reward/${programId}/totals`, { token: t.finance1 });
    expect(totals.body).toMatchObject({ ledger: { count: 1, amountFen: 3_000_000 }, payouts: { approved: { count: 1, amountFen: 3_000_000 }, paid: { count: 1, amountFen: 3_000_000 }, sent: { count: 0 } }, consistent: true });
    const audit = await call(app, 'GET', `/audit?entity=${encodeURIComponent(`payout:reward:${programId}:${id}`)}`, { token: t.admin });
    expect(audit.body.items.map((r: { action: string }) => r.action)).toEqual(['payout.paid', 'payout.issued']);
    expect(audit.body.items[0].after).toMatchObject({ amountFen: 3_000_000, instructionId: lines[0]!.instruction, ledgerKey: { pk: `LEDGER#reward#${programId}`, sk: `ENTRY#${id}` } });
  });
});
