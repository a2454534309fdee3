import { beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../../functions/api/app.ts';
import { listEntityAudit, type AuditRecord } from '../../../functions/platform/store/audit.ts';
import { ledgerTotals } from '../../../functions/platform/store/ledger.ts';
import { call, tokenFor } from '../../support/api.ts';
import { useLocalStepFunctions } from '../../support/stepfunctions.ts';
import { seedDivisions } from '../../support/registries/village-import-fixtures.ts';
import { runAwaitingApproval as awaitingApproval, fundingVillages, seedVillages, tianjinRuianRule } from '../../support/funding/fixtures.ts';
import { waitUntil } from '../../support/wait.ts';

// Finance's part of a real run, through the API on DynamoDB Local and the real local Step Functions
// endpoint: undoing an exclusion (counters exact, also under simultaneous requests), separation of
// duties (the starter never approves; two approvers from the policy's threshold), and the audit
// records of the money path. 60 villages, one page.

const app = buildApp();
const villages = fundingVillages(60);
let admin: string;
let finance: string;

useLocalStepFunctions({ waitScale: 0.001 });

beforeAll(async () => {
  admin = await tokenFor('admin', '120225');
  finance = await tokenFor('finance', '120225');
  await seedDivisions();
  await seedVillages(villages);
}, 120_000);

let year = 2030;

/** A real run of a new policy (a year of its own, so no two runs claim the same villages), awaiting finance. */
const runAwaitingApproval = (rule: object = tianjinRuianRule, starter = admin) => awaitingApproval(app, { admin, finance, starter }, { division: '120225', year: year++, name: `policy ${year}`, rule });

const getRun = async (id: string) => (await call(app, 'GET', `/funding/runs/${id}`, { token: finance })).body;
const exclude = (id: string, code: string, token = finance) => call(app, 'POST', `/funding/runs/${id}/exclusions`, { token, body: { code, reason: '村账审计未完成' } });
const undo = (id: string, code: string, body: unknown = { reason: '审计已完成，恢复拨付' }, token = finance) =>
  call(app, 'POST', `/funding/runs/${id}/exclusions/${code}/undo`, { token, body });

/** The run's exclusion counters, and what its allocations say they should be. */
async function exclusionState(id: string) {
  const run = await getRun(id);
  const listed = await call(app, 'GET', `/funding/runs/${id}/allocations?excluded=true&limit=100`, { token: finance });
  const items = listed.body.items as { code: string; excluded: { withheld: { topUpFen: number } } }[];
  return {
    counters: run.exclusions as { villages: number; topUpFen: number },
    actual: { villages: items.length, topUpFen: items.reduce((sum, a) => sum + a.excluded.withheld.topUpFen, 0) },
    payableTopUpFen: run.payableTopUpFen as number,
    computedTopUpFen: run.summary.total.topUpFen as number,
  };
}

async function auditOf(id: string): Promise<AuditRecord[]> {
  return (await listEntityAudit('fundingRun', id, { limit: 100 })).items;
}

describe('undoing an exclusion before approval', () => {
  it('pays the village again, with a reason, audited; the counters move back', async () => {
    const id = await runAwaitingApproval();
    const code = villages[7]!.code;
    const excluded = await exclude(id, code);
    expect(excluded.status).toBe(201);
    const withheld = excluded.body.excluded.withheld.topUpFen as number;
    expect((await exclusionState(id)).counters).toEqual({ villages: 1, topUpFen: withheld });

    // Finance only, with a reason, for a village of the run's jurisdiction.
    expect((await undo(id, code, { reason: '审计已完成' }, admin)).status).toBe(403);
    expect((await undo(id, code, {})).status).toBe(400);
    expect((await undo(id, code, { reason: ' ' })).status).toBe(400);
    expect((await undo(id, '120223100201')).status).toBe(400);

    const undone = await undo(id, code);
    expect(undone.status).toBe(200);
    expect(undone.body).toMatchObject({ code, topUpFen: withheld });
    expect(undone.body.excluded).toBeUndefined();
    const state = await exclusionState(id);
    expect(state.counters).toEqual({ villages: 0, topUpFen: 0 });
    expect(state.payableTopUpFen).toBe(state.computedTopUpFen);

    // Not excluded any more: nothing to undo. A village the run does not have: 404.
    expect((await undo(id, code)).status).toBe(409);
    expect((await undo(id, '120225199299')).status).toBe(404);

    const records = await auditOf(id);
    const record = records.find((r) => r.action === 'fundingRun.undoExclusion');
    expect(record).toMatchObject({ actor: 'finance-120225', after: { code, reason: '审计已完成，恢复拨付', topUpFen: withheld } });
    expect(record?.before).toMatchObject({ code, excluded: { reason: '村账审计未完成' } });
    expect(records.find((r) => r.action === 'fundingRun.exclude')?.after).toMatchObject({ code, topUpFen: withheld, newTotalFen: expect.any(Number), currentFen: expect.any(Number) });
  });

  it('keeps the counters exact under simultaneous undos and exclusions', async () => {
    const id = await runAwaitingApproval();
    const [a, b] = [villages[3]!.code, villages[4]!.code];
    expect((await exclude(id, a)).status).toBe(201);
    const twice = await Promise.all([undo(id, a), undo(id, a)]);
    expect(twice.map((r) => r.status).sort()).toEqual([200, 409]);
    let state = await exclusionState(id);
    expect(state.counters).toEqual({ villages: 0, topUpFen: 0 });

    for (let round = 0; round < 4; round++) {
      const answers = await Promise.all([exclude(id, a), undo(id, a), exclude(id, b), undo(id, b), exclude(id, a), undo(id, b)]);
      for (const answer of answers) expect([200, 201, 409]).toContain(answer.status);
      state = await exclusionState(id);
      expect(state.counters).toEqual(state.actual);
      expect(state.payableTopUpFen).toBe(state.computedTopUpFen - state.actual.topUpFen);
    }
  });

  it('is refused once the run is approved or rejected', async () => {
    const approvedRun = await runAwaitingApproval();
    const code = villages[5]!.code;
    expect((await exclude(approvedRun, code)).status).toBe(201);
    expect((await call(app, 'POST', `/funding/runs/${approvedRun}/approve`, { token: finance, body: {} })).status).toBe(200);
    expect((await undo(approvedRun, code)).status).toBe(409);
    expect((await exclusionState(approvedRun)).counters.villages).toBe(1);

    const rejectedRun = await runAwaitingApproval({ ...tianjinRuianRule, floors: [] });
    expect((await exclude(rejectedRun, code)).status).toBe(201);
    expect((await call(app, 'POST', `/funding/runs/${rejectedRun}/reject`, { token: finance, body: { reason: '增量标准需重新核定' } })).status).toBe(200);
    expect((await undo(rejectedRun, code)).status).toBe(409);
  });
});

/** A policy whose every run needs two finance approvers (any payable total reaches 1 fen). */
const twoApproverRule = { ...tianjinRuianRule, approval: { twoApproverThresholdFen: 1 } };
const approve = (id: string, token: string, comment?: string) => call(app, 'POST', `/funding/runs/${id}/approve`, { token, body: comment ? { comment } : {} });
const answer = (id: string, token: string, decision: 'approve' | 'reject', comment?: string) =>
  call(app, 'POST', `/decisions/funding.run-approval.${id}.r1`, { token, body: { decision, ...(comment ? { comment } : {}) } });

async function waitForStatus(id: string, status: string) {
  await waitUntil(
    async () => {
      const run = await getRun(id);
      if (run.status === 'failed') throw new Error(JSON.stringify(run.failure));
      return { done: run.status === status, seen: `run ${id} is ${run.status}` };
    },
    { what: `run ${id} ${status}`, timeoutMs: 20_000, intervalMs: 50 },
  );
}

describe('separation of duties on a run’s approval', () => {
  it('the person who started the run may not approve it: one token with both roles, another token of the same user, or the same name in another form', async () => {
    const both = await tokenFor(['admin', 'finance'], '120225', { sub: 'zhang.wei' });
    const id = await runAwaitingApproval(tianjinRuianRule, both);
    const sameUserFinanceOnly = await tokenFor('finance', '120225', { sub: 'zhang.wei' });
    const sameUserFullWidth = await tokenFor('finance', '120225', { sub: 'ｚｈａｎｇ.ｗｅｉ' });
    for (const token of [both, sameUserFinanceOnly, sameUserFullWidth]) {
      const refused = await approve(id, token);
      expect(refused.status).toBe(403);
      expect(refused.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(refused.body.detail).toMatch(/^approver-started-the-run: the run was started by zhang\.wei/);
      expect((await answer(id, token, 'approve')).status).toBe(403);
    }
    expect((await getRun(id)).status).toBe('awaiting-approval');
    // Below the threshold (60 villages, far under 10,000,000 yuan) one other finance user approves.
    const approved = await approve(id, finance);
    expect(approved.status).toBe(200);
    expect(approved.body).toMatchObject({ status: 'disbursing', approval: { required: 1, financeApprovals: ['finance-120225'], remaining: 0 } });
    await waitForStatus(id, 'paid');
  });

  it('from the policy’s threshold, two different finance users approve, through the route or /decisions; exclusions are fixed after the first', async () => {
    const id = await runAwaitingApproval(twoApproverRule);
    const code = villages[9]!.code;
    expect((await exclude(id, code)).status).toBe(201);
    const f2 = await tokenFor('finance', '120225', { sub: 'finance-2' });

    const first = await answer(id, finance, 'approve', '初审同意');
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ status: 'partial', remaining: 1, applicationStatus: 'awaiting-approval' });
    const waiting = await getRun(id);
    expect(waiting).toMatchObject({ status: 'awaiting-approval', approval: { required: 2, financeApprovals: ['finance-120225'], remaining: 1 } });
    expect(waiting.decision).toBeUndefined();
    // The decision carries who approved, as reward's first approvals do; it stays in the inbox for the second approver.
    const decision = await call(app, 'GET', `/decisions/funding.run-approval.${id}.r1`, { token: f2 });
    expect(decision.body).toMatchObject({ status: 'open', partials: [{ approver: 'finance-120225', comment: '初审同意' }] });

    // The first approver does not count twice; the exclusions are what they approved.
    const again = await approve(id, finance);
    expect(again.status).toBe(403);
    expect(again.body.detail).toMatch(/^already-approved-by-this-user/);
    expect((await exclude(id, villages[8]!.code)).status).toBe(409);
    const undoRefused = await undo(id, code);
    expect(undoRefused.status).toBe(409);
    expect(undoRefused.body.detail).toContain('finance-120225');
    expect(await ledgerEntries(id)).toBe(0);

    const second = await approve(id, f2, '复核同意');
    expect(second.status).toBe(200);
    expect(second.body).toMatchObject({ status: 'disbursing', approval: { required: 2, financeApprovals: ['finance-120225', 'finance-2'], remaining: 0 }, decision: { outcome: 'approved', by: 'finance-2' } });
    expect((await approve(id, f2, '复核同意')).status).toBe(200); // a repeat of the answer that completed it
    await waitForStatus(id, 'paid');
  });

  it('one finance user’s rejection ends the run, also after a first approval', async () => {
    const id = await runAwaitingApproval(twoApproverRule);
    const f2 = await tokenFor('finance', '120225', { sub: 'finance-2' });
    expect((await approve(id, finance)).status).toBe(200);
    const rejected = await answer(id, f2, 'reject', '增量标准需重新核定');
    expect(rejected.status).toBe(200);
    expect(rejected.body).toMatchObject({ status: 'answered', applicationStatus: 'rejected' });
    await waitForStatus(id, 'rejected');
    expect((await getRun(id)).approval).toEqual({ required: 2, financeApprovals: ['finance-120225'], remaining: 0 });
    expect((await approve(id, f2)).status).toBe(409);
    expect(await ledgerEntries(id)).toBe(0);
  });
});

describe('the audit records of the money path carry the amounts', () => {
  it('first approval, approval and payment: payable total, approvers, and the ledger partition with its total', async () => {
    const id = await runAwaitingApproval(twoApproverRule);
    const code = villages[12]!.code;
    const withheld = (await exclude(id, code)).body.excluded.withheld.topUpFen as number;
    const f2 = await tokenFor('finance', '120225', { sub: 'finance-2' });
    expect((await approve(id, finance, '初审同意')).status).toBe(200);
    expect((await approve(id, f2)).status).toBe(200);
    await waitForStatus(id, 'paid');
    const run = await getRun(id);
    const payable = run.payableTopUpFen as number;
    expect(payable).toBe(run.summary.total.topUpFen - withheld);

    const records = await auditOf(id);
    const firstApproval = records.find((r) => r.action === 'fundingRun.firstApproval');
    expect(firstApproval?.after).toMatchObject({ payableTopUpFen: payable, excludedTopUpFen: withheld, excludedVillages: 1, financeApprovals: ['finance-120225'], required: 2, remaining: 1, comment: '初审同意' });
    const approval = records.find((r) => r.action === 'fundingRun.disbursing');
    expect(approval).toMatchObject({ actor: 'finance-2' });
    expect(approval?.after).toMatchObject({ payableTopUpFen: payable, topUpFen: run.summary.total.topUpFen, financeApprovals: ['finance-120225', 'finance-2'], decision: { outcome: 'approved' } });
    const paid = records.find((r) => r.action === 'fundingRun.paid');
    expect(paid?.after).toMatchObject({
      status: 'paid',
      payableTopUpFen: payable,
      paidFen: payable,
      ledger: { partition: `LEDGER#funding#${id}`, entries: run.progress.paidVillages, totalFen: payable },
    });
    expect(await ledgerTotals('funding', id)).toEqual({ count: run.progress.paidVillages, totalFen: payable });
  });
});

async function ledgerEntries(id: string): Promise<number> {
  return (await ledgerTotals('funding', id)).count;
}
