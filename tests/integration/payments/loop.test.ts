import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { resultsDeadlineSeconds } from '../../../functions/platform/payments/steps.ts';
import { buildApp } from '../../../functions/api/app.ts';
import type { App } from '../../../functions/platform/http/context.ts';
import { resetConfig } from '../../../functions/shared/config.ts';
import { stateMachineArn } from '../../../functions/shared/config.ts';
import { getPayout } from '../../../functions/platform/payments/store/payout.ts';
import { getApplication } from '../../../functions/programs/reward/store/application.ts';
import { listOutbox } from '../../../functions/platform/store/outbox.ts';
import { call, tokenFor } from '../../support/api.ts';
import { actors, decide, enterprise, helanPolicy, openDecision, openProgram, seedVillage, signAll, submit, until, village, type Actors } from '../../support/reward/fixtures.ts';
import { disbursedRun, fundingVillages, seedVillages } from '../../support/funding/fixtures.ts';
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
    // The weekly deadline beside the wait (0.6 s at this wait scale) is asserted in the next test.
    const deadline = new Set(['ResultsDeadline', 'Escalate', 'EscalateAgain']);
    expect(statesEntered(await history(batchArn(batchId))).filter((s) => !deadline.has(s))).toEqual([
      'Collect', 'Summarise', 'IsEmpty', 'AwaitApproval', 'AwaitExport', 'MarkSent', 'StartWaiting',
      'AwaitResults', 'RequestResults', 'ResultsIn', 'ReadImport', 'SettlePages', 'SettlePage', 'FinishImport', 'IsReconciled', 'Reconciled',
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

describe('a batch sent but not reconciled', () => {
  it('escalates to the finance bureau after each week without results, and still takes them afterwards', async () => {
    const { id } = await paidReward();
    const batchId = (await call(app, 'POST', '/payments/batches', { token: t.finance1, body: { program: 'reward' } })).body.batchId as string;
    await waitForBatchStep(batchId, 'approval');
    expect((await call(app, 'POST', `/payments/batches/${batchId}/approve`, { token: t.finance2, body: {} })).status).toBe(200);
    await waitForBatchStep(batchId, 'export');
    const [line] = await exportTreasuryCsv(app, t.finance1, batchId);
    // Two periods of a week (0.6 s each at this wait scale) without results: two notifications.
    await waitUntil(
      async () => {
        const mine = (await listOutbox('role:finance@120225', { limit: 100 })).items.filter((m) => m.topic === 'payments.unreconciled' && m.body.batchId === batchId);
        return { done: mine.length >= 2, seen: `${mine.length} escalation(s) of ${batchId}` };
      },
      { what: 'two escalations', timeoutMs: 45_000, intervalMs: 100 },
    );
    const decision = await call(app, 'GET', `/decisions/payments.batch-results.${batchId}.r0`, { token: t.finance1 });
    expect(decision.body.escalations.length).toBeGreaterThanOrEqual(2);
    expect((await importResultsFile(app, t.finance1, batchId, resultsCsv([{ instruction: line!.instruction, amount: line!.amount, status: 'paid', bankReference: 'LATE-1', valueDate: '2026-12-09' }]))).status).toBe(202);
    await waitForBatch(app, t.finance1, batchId, ['reconciled']);
    expect(await getApplication(id)).toMatchObject({ status: 'paid' });
    expect((await executionEnded(batchArn(batchId))).status).toBe('SUCCEEDED');
    const path = statesEntered(await history(batchArn(batchId)));
    const waiting = path.slice(path.indexOf('StartWaiting') + 1, path.indexOf('ReadImport'));
    expect(waiting.filter((s) => s === 'Escalate').length).toBeGreaterThanOrEqual(2);
    expect(waiting.filter((s) => s !== 'ResultsDeadline' && s !== 'Escalate' && s !== 'EscalateAgain')).toEqual(['AwaitResults', 'RequestResults', 'ResultsIn']);
    // The deadline is the one the decision shows.
    const asl = JSON.parse(readFileSync(new URL('../../../workflows/payment-batch.asl.json', import.meta.url), 'utf8'));
    expect(asl.States.AwaitResults.Branches[1].States.ResultsDeadline.Seconds).toBe(resultsDeadlineSeconds);
  });
});

describe('a funding run from approval to bank file to reconciliation to paid', () => {
  it('pays every line once: two approvers above the threshold, a failed line reissued to corrected details, a waiting payee released, conflicting files refused', async () => {
    const runId = await disbursedRun(app, { admin: t.admin, finance: t.finance1 }, { division: '120225', year: 2026, name: '支付测试' });

    // Every line of the run with a top-up is one payout; the payee without an account waits, visibly.
    const all = await call(app, 'GET', `/payments/programs/funding/${runId}/payouts?limit=100`, { token: t.finance1 });
    const payouts = all.body.items as { payoutId: string; sourceId: string; status: string; amountFen: number }[];
    const ours = payouts.filter((p) => villages.some((v) => v.code === p.sourceId) || p.sourceId === village);
    expect(ours.find((p) => p.sourceId === noAccount)).toMatchObject({ status: 'awaiting-account' });
    const before = await call(app, 'GET', `/payments/programs/funding/${runId}/totals`, { token: t.finance1 });
    expect(before.body.consistent).toBe(true);
    expect(before.body.payouts['awaiting-account'].count).toBe(1);
    const approvedCount = before.body.payouts.approved.count as number;
    const approvedFen = before.body.payouts.approved.amountFen as number;

    // A threshold this batch reaches: two different finance users approve it.
    process.env.PAYMENT_TWO_APPROVER_THRESHOLD_FEN = '1';
    resetConfig();
    const batch1 = (await call(app, 'POST', '/payments/batches', { token: t.finance1, body: { program: 'funding' } })).body.batchId as string;
    const waiting = await waitForBatch(app, t.finance1, batch1, ['awaiting-approval']);
    expect(waiting).toMatchObject({ count: approvedCount - 1, totalFen: approvedFen - payouts.find((p) => p.sourceId === noAccount)!.amountFen, requiredApprovals: 2 });
    await waitForBatchStep(batch1, 'approval');
    const first = await call(app, 'POST', `/payments/batches/${batch1}/approve`, { token: t.finance2, body: {} });
    expect(first.body).toMatchObject({ status: 'partial', remaining: 1 });
    expect((await call(app, 'POST', `/payments/batches/${batch1}/approve`, { token: t.finance2, body: {} })).status).toBe(403);
    // In the first approver's inbox it waits for the second approver, not as work to do.
    const firstApproversInbox = await call(app, 'GET', '/inbox?role=finance', { token: t.finance2 });
    expect(firstApproversInbox.body.items.find((d: { subjectId: string }) => d.subjectId === batch1)).toMatchObject({ actionable: false, waitingFor: 'second-approver', youApproved: true });
    const finance3 = await tokenFor('finance', '120225', { sub: 'finance-c' });
    expect((await call(app, 'POST', `/payments/batches/${batch1}/approve`, { token: finance3, body: {} })).body).toMatchObject({ status: 'answered' });
    await waitForBatchStep(batch1, 'export');
    const lines = await exportTreasuryCsv(app, t.finance1, batch1);
    expect(lines).toHaveLength(approvedCount - 1);
    await waitForBatchStep(batch1, 'results');

    const failing = lines.find((l) => l.instruction.endsWith(`:${villages[3]!.code}:1`))!;
    const results = lines.map((l) => (l === failing ? { instruction: l.instruction, amount: l.amount, status: '失败', reason: '账户已销户' } : { instruction: l.instruction, amount: l.amount, status: 'paid', bankReference: `R${l.instruction.slice(-14)}`, valueDate: '2026-12-01' }));

    // A file that contradicts the batch is refused whole, every problem by row; nothing is written.
    const others = results.filter((r) => r.instruction !== failing.instruction);
    const conflicting = resultsCsv([
      { ...others[0]!, instruction: 'funding:nope:120225100201:1' },
      { ...others[1]!, amount: '1.00' },
      { instruction: failing.instruction, amount: failing.amount, status: 'failed' },
      ...others.slice(2),
    ]);
    const refused = await importResultsFile(app, t.finance1, batch1, conflicting);
    expect(refused.status, JSON.stringify(refused.body)).toBe(422);
    expect(refused.body.errors.map((e: { field: string }) => e.field)).toEqual(['row 2: instruction', 'row 3: amount', 'row 4: reason']);
    expect((await call(app, 'GET', `/payments/batches/${batch1}`, { token: t.finance1 })).body).toMatchObject({ status: 'sent', paid: { count: 0 }, imports: [] });

    expect((await importResultsFile(app, t.finance1, batch1, resultsCsv(results))).status).toBe(202);
    const reconciled = await waitForBatch(app, t.finance1, batch1, ['reconciled']);
    expect(reconciled.failed).toEqual({ count: 1, amountFen: Number(failing.amount.replace('.', '')) });
    const failedRef = { program: 'funding', programId: runId, sourceId: villages[3]!.code };
    expect(await getPayout(failedRef)).toMatchObject({ status: 'failed', failureReason: '账户已销户' });
    const allocation = async (code: string) => (await call(app, 'GET', `/funding/runs/${runId}/allocations?division=${code}`, { token: t.finance1 })).body.items[0];
    expect(await allocation(villages[3]!.code)).toMatchObject({ payment: { status: 'failed', reason: '账户已销户' } });
    expect(await allocation(villages[4]!.code)).toMatchObject({ payment: { status: 'paid', valueDate: '2026-12-01' } });
    expect((await listOutbox('role:finance@120225', { limit: 50 })).items.some((m) => m.topic === 'payments.failed' && m.body.batchId === batch1)).toBe(true);

    // Finance corrects the account (four-eyes) and reissues: a new instruction, the failed one can never be paid.
    const code = villages[3]!.code;
    const proposal = await call(app, 'POST', `/payments/payees/${code}/account-changes`, { token: t.finance1, body: { accountName: `${code}股份经济合作社`, bank: '天津农商银行', accountNumber: '6230000000000000001', validFrom: '2026-01-01' } });
    expect((await call(app, 'POST', `/payments/payees/${code}/account-changes/${proposal.body.changeId}/approve`, { token: t.finance2 })).status).toBe(200);
    const reissued = await call(app, 'POST', `/payments/payouts/${encodeURIComponent(`funding:${runId}:${code}`)}/reissue`, { token: t.finance1 });
    expect(reissued.status, JSON.stringify(reissued.body)).toBe(200);
    expect(reissued.body).toMatchObject({ status: 'instructed', attempt: 2, instructionId: `funding:${runId}:${code}:2`, account: { accountNumber: '6230000000000000001' }, attempts: [{ instructionId: failing.instruction, reason: '账户已销户' }] });
    expect((await call(app, 'POST', `/payments/payouts/${encodeURIComponent(`funding:${runId}:${code}`)}/reissue`, { token: t.finance1 })).status).toBe(409);
    // The bank "changing its mind" about the failed line is refused: a line gets one result.
    const flip = await importResultsFile(app, t.finance1, batch1, resultsCsv([{ instruction: failing.instruction, amount: failing.amount, status: 'paid', bankReference: 'LATE1', valueDate: '2026-12-02' }]));
    expect(flip.status).toBe(422);

    // The waiting payee gets an account: its payout is instructed.
    const waitingProposal = await call(app, 'POST', `/payments/payees/${noAccount}/account-changes`, { token: t.finance2, body: { accountName: `${noAccount}股份经济合作社`, bank: '中国邮政储蓄银行', accountNumber: '6210000000000000002', validFrom: '2026-01-01' } });
    const released = await call(app, 'POST', `/payments/payees/${noAccount}/account-changes/${waitingProposal.body.changeId}/approve`, { token: t.finance1 });
    expect(released.body.releasedPayouts).toBe(1);

    delete process.env.PAYMENT_TWO_APPROVER_THRESHOLD_FEN;
    resetConfig();
    const batch2 = (await call(app, 'POST', '/payments/batches', { token: t.finance1, body: { program: 'funding' } })).body.batchId as string;
    expect(await waitForBatch(app, t.finance1, batch2, ['awaiting-approval'])).toMatchObject({ count: 2, requiredApprovals: 1 });
    await waitForBatchStep(batch2, 'approval');
    expect((await call(app, 'POST', `/payments/batches/${batch2}/approve`, { token: t.finance2, body: {} })).body).toMatchObject({ status: 'answered' });
    await waitForBatchStep(batch2, 'export');
    const lines2 = await exportTreasuryCsv(app, t.finance1, batch2);
    expect(lines2.map((l) => l.instruction).sort()).toEqual([`funding:${runId}:${code}:2`, `funding:${runId}:${noAccount}:1`].sort());
    await waitForBatchStep(batch2, 'results');
    expect((await importResultsFile(app, t.finance1, batch2, resultsCsv(lines2.map((l) => ({ instruction: l.instruction, amount: l.amount, status: 'paid', bankReference: `B2-${l.instruction.slice(-14)}`, valueDate: '2026-12-02' }))))).status).toBe(202);
    await waitForBatch(app, t.finance1, batch2, ['reconciled']);

    expect(await getPayout(failedRef)).toMatchObject({ status: 'paid', attempt: 2, bankReference: `B2-${`funding:${runId}:${code}:2`.slice(-14)}` });
    const after = await call(app, 'GET', `/payments/programs/funding/${runId}/totals`, { token: t.finance1 });
    expect(after.body).toMatchObject({ consistent: true, payouts: { approved: { count: approvedCount, amountFen: approvedFen }, paid: { count: approvedCount, amountFen: approvedFen }, failed: { count: 0 }, sent: { count: 0 } } });
    expect(after.body.ledger).toEqual({ count: approvedCount, amountFen: approvedFen });
  });
});
