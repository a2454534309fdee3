import { beforeAll, describe, expect, it } from 'vitest';
import { inflateRawSync } from 'node:zlib';
import { StartExecutionCommand, type HistoryEvent } from '@aws-sdk/client-sfn';
import { sfn } from '../../../functions/shared/clients.ts';
import { stateMachineArn } from '../../../functions/shared/config.ts';
import { buildApp } from '../../../functions/api/app.ts';
import { historyEventBound, historyEventLimit, stateTransitionBound } from '../../../functions/programs/funding/domain/run.ts';
import { ledgerTotals } from '../../../functions/platform/store/ledger.ts';
import { handler as disbursePage } from '../../../functions/programs/funding/tasks/disburse-page.ts';
import { handler as computePage } from '../../../functions/programs/funding/tasks/compute-page.ts';
import { call, tokenFor } from '../../support/api.ts';
import { executionEnded, history, statesEntered, useLocalStepFunctions } from '../../support/stepfunctions.ts';
import { seedDivisions, testVillageCode } from '../../support/registries/village-import-fixtures.ts';
import { fundingVillages, seedVillages, tianjinRuianRule } from '../../support/funding/fixtures.ts';
import { waitUntil } from '../../support/wait.ts';

// A district of 2,300 villages (three snapshot pages) run through the API on DynamoDB Local and the
// real local Step Functions endpoint, with real tokens: dry run, real run with an exclusion, a
// second start, approval, paged disbursement, exports; and a rejected run.

const app = buildApp();
const villageCount = 2_300;
const villages = fundingVillages(villageCount);
let admin: string;
let finance: string;
let township: string;

// Documented cases, placed among the villages: Tianjin's average village (160,000 yuan, +40,000
// with 50,000 earmarked) and Rui'an's weak village of 1,600 people brought to 100,000.
const tianjin = { ...villages[1]!, population: 1_000, economicallyWeak: false, operatingFundsFen: 16_000_000 };
const ruian = { ...villages[2]!, population: 1_600, economicallyWeak: true, operatingFundsFen: 3_000_000 };
villages[1] = tianjin;
villages[2] = ruian;

const path = (events: HistoryEvent[]) => [...new Set(statesEntered(events))];

/**
 * Starts another execution for a run by hand, under another name (a start that finds no running
 * execution of the run), and returns how it ended and the states it entered.
 */
async function strayExecution(id: string, suffix: string): Promise<{ status: string | undefined; path: string[] }> {
  const { executionArn } = await sfn().send(new StartExecutionCommand({ stateMachineArn: stateMachineArn('funding-run'), name: `${id}-${suffix}`, input: JSON.stringify({ runId: id }) }));
  const ended = await executionEnded(executionArn!, runWait);
  return { status: ended.status, path: statesEntered(await history(executionArn!)) };
}

/** Waits of a run over 2,300 villages: under the 60-s test timeout, with room for a loaded machine. */
const runWait = { timeoutMs: 45_000, intervalMs: 100 };

async function waitForStatus(id: string, statuses: readonly string[]) {
  const { run } = await waitUntil(
    async () => {
      const run = await call(app, 'GET', `/funding/runs/${id}`, { token: admin });
      expect(run.status).toBe(200);
      if (!statuses.includes(run.body.status) && run.body.status === 'failed') throw new Error(`run failed: ${JSON.stringify(run.body.failure)}`);
      return { done: statuses.includes(run.body.status), seen: `run ${id} is ${run.body.status}`, run: run.body };
    },
    { what: statuses.join(' or '), ...runWait },
  );
  return run;
}

async function waitForInbox(runId: string) {
  const { item } = await waitUntil(
    async () => {
      const inbox = await call(app, 'GET', '/inbox?role=finance', { token: finance });
      expect(inbox.status).toBe(200);
      const items = inbox.body.items as { kind: string; subjectId: string }[];
      const item = items.find((d) => d.subjectId === runId);
      return item ? { done: true, seen: `run ${runId} is in finance's inbox`, item } : { done: false, seen: `finance's inbox has ${items.length} items, none for run ${runId}` };
    },
    { what: `run ${runId} in finance's inbox`, ...runWait },
  );
  return item;
}

async function waitForExecutionEnd(id: string) {
  const { run, events } = await waitUntil(
    async () => {
      const run = await call(app, 'GET', `/funding/runs/${id}`, { token: admin });
      const status = String(run.body.status);
      if (run.body.stateTransitions === undefined || !['paid', 'rejected', 'dry-run-complete'].includes(status)) {
        return { done: false, seen: `run ${id} is ${status}${run.body.stateTransitions === undefined ? ', its execution not yet counted' : ''}` };
      }
      const events = await history(run.body.executionArn);
      const ended = events.some((e) => e.type === 'ExecutionSucceeded' || e.type === 'ExecutionFailed');
      return ended ? { done: true, seen: `run ${id} is ${status}`, run: run.body, events } : { done: false, seen: `run ${id} is ${status}, its execution still running in ${statesEntered(events).at(-1)}` };
    },
    { what: `the execution of run ${id} to end`, ...runWait },
  );
  return { run, events };
}

async function createPolicy(name: string, rule: object = tianjinRuianRule): Promise<string> {
  const created = await call(app, 'POST', '/funding/policies', { token: admin, body: { division: '120225', year: 2026, name, rule } });
  expect(created.status).toBe(201);
  return created.body.id as string;
}

useLocalStepFunctions();

beforeAll(async () => {
  admin = await tokenFor('admin', '120225');
  finance = await tokenFor('finance', '120225');
  township = await tokenFor('township', testVillageCode(0).slice(0, 9));
  await seedDivisions();
  await seedVillages(villages);
}, 120_000);

describe('current funding and policies', () => {
  it('records a village’s current funding (township) and takes the registry’s figure when none is recorded', async () => {
    const code = villages[0]!.code;
    expect((await call(app, 'GET', `/funding/current/${code}/2026`, { token: township })).body).toMatchObject({ amountFen: villages[0]!.operatingFundsFen, source: 'registry' });
    const put = await call(app, 'PUT', `/funding/current/${code}/2026`, { token: township, body: { amountFen: 2_500_000 } });
    expect(put.status).toBe(200);
    expect((await call(app, 'GET', `/funding/current/${code}/2026`, { token: township })).body).toMatchObject({ amountFen: 2_500_000, source: 'recorded', version: 1 });
    // Outside the township's jurisdiction, and for a role that may not write.
    expect((await call(app, 'PUT', `/funding/current/${villages[1]!.code}/2026`, { token: township, body: { amountFen: 1 } })).status).toBe(403);
    expect((await call(app, 'PUT', `/funding/current/${code}/2026`, { token: finance, body: { amountFen: 1 } })).status).toBe(403);
  });

  it('imports current funding by CSV, all rows checked before any is written', async () => {
    const bad = await call(app, 'POST', '/funding/current/2026', { token: admin, rawBody: '村代码,运转经费(元)\n120225100201,12.345\n12,100\n', headers: { 'content-type': 'text/csv' } });
    expect(bad.status).toBe(422);
    expect(bad.body.errors.map((e: { field: string }) => e.field)).toEqual(['row 2: currentFundsYuan', 'row 3: code']);
    const csv = `村代码,运转经费(元)\n${villages[3]!.code},150000.50\n${villages[4]!.code},90000\n`;
    const ok = await call(app, 'POST', '/funding/current/2026', { token: admin, rawBody: csv, headers: { 'content-type': 'text/csv' } });
    expect(ok.body).toEqual({ rowCount: 2, created: 2, updated: 0, unchanged: 0 });
    expect((await call(app, 'POST', '/funding/current/2026', { token: admin, rawBody: csv, headers: { 'content-type': 'text/csv' } })).body).toMatchObject({ unchanged: 2 });
    expect((await call(app, 'GET', `/funding/current/${villages[3]!.code}/2026`, { token: admin })).body.amountFen).toBe(15_000_050);
  });

  it('validates a policy as data without saving it, naming every problem', async () => {
    const answer = await call(app, 'POST', '/funding/policies/validate', {
      token: admin,
      body: { division: '120225', year: 2026, name: 'x', rule: { ...tianjinRuianRule, capFen: 6_000_000, floors: [{ minPopulation: 10, floorFen: 5_000_000 }, { minPopulation: 5, floorFen: 10_000_000 }] } },
    });
    expect(answer.status).toBe(200);
    expect(answer.body.valid).toBe(false);
    expect(answer.body.problems.map((p: { field: string }) => p.field)).toEqual(expect.arrayContaining(['rule.floors.1.minPopulation', 'rule.capFen']));
    expect((await call(app, 'POST', '/funding/policies/validate', { token: admin, body: { division: '120225', year: 2026, name: 'ok', rule: tianjinRuianRule } })).body).toEqual({ valid: true, problems: [] });
    expect((await call(app, 'POST', '/funding/policies', { token: finance, body: { division: '120225', year: 2026, name: 'no', rule: tianjinRuianRule } })).status).toBe(403);
  });
});

describe('a funding run over the district on the local Step Functions endpoint', () => {
  let policyId: string;
  beforeAll(async () => {
    policyId = await createPolicy('2026年村级组织运转经费增量（天津+瑞安）');
  });

  it('a dry run computes and summarises, and is never approved or paid', async () => {
    const started = await call(app, 'POST', '/funding/runs', { token: admin, body: { policyId, dryRun: true } });
    expect(started.status).toBe(201);
    const { run, events } = await waitForExecutionEnd(started.body.id);
    expect(run).toMatchObject({ status: 'dry-run-complete', villageCount, pageCount: 3, summary: { total: { villages: villageCount } } });
    expect(path(events)).toEqual(['Snapshot', 'IsSettled', 'ComputePages', 'ComputePage', 'Summarise', 'IsDryRun', 'DryRunComplete']);
    expect(run.historyEvents).toBeLessThanOrEqual(historyEventBound(3, 'dry'));
    expect(run.stateTransitions).toBe(stateTransitionBound(3, 'dry'));
    expect((await call(app, 'POST', `/funding/runs/${run.id}/approve`, { token: finance, body: {} })).status).toBe(409);
    expect(await ledgerTotals('funding', run.id)).toEqual({ count: 0, totalFen: 0 });
  });

  it('a real run: same run on a second start, exclusion, approval from the inbox, one ledger entry per village, paid', async () => {
    const first = await call(app, 'POST', '/funding/runs', { token: admin, body: { policyId } });
    expect(first.status).toBe(201);
    const again = await call(app, 'POST', '/funding/runs', { token: admin, body: { policyId } });
    expect(again.status).toBe(200);
    expect(again.body.id).toBe(first.body.id);
    expect(again.body.executionArn).toBe(first.body.executionArn);
    const id = first.body.id as string;

    const waiting = await waitForStatus(id, ['awaiting-approval']);
    const inboxItem = await waitForInbox(id);
    expect(inboxItem).toMatchObject({ kind: 'funding.run-approval', subject: `/funding/runs/${id}` });

    // Later edits do not change the run: it works on its snapshot.
    await call(app, 'PUT', `/funding/current/${tianjin.code}/2026`, { token: admin, body: { amountFen: 1 } });

    // The documented cases, as the run computed them.
    const lineOf = async (code: string) => (await call(app, 'GET', `/funding/runs/${id}/allocations?division=${code}`, { token: finance })).body.items[0];
    expect(await lineOf(tianjin.code)).toMatchObject({ currentFen: 16_000_000, newTotalFen: 20_000_000, topUpFen: 4_000_000, earmarkFen: 5_000_000, floorApplied: false });
    expect(await lineOf(ruian.code)).toMatchObject({ currentFen: 3_000_000, newTotalFen: 10_000_000, topUpFen: 7_000_000, floorApplied: true, tier: '1500人以上' });

    // Filters and pagination: every floor hit, page by page, is a weak village.
    let cursor: string | undefined;
    let floorHits = 0;
    do {
      const page = await call(app, 'GET', `/funding/runs/${id}/allocations?floorApplied=true&limit=100${cursor ? `&cursor=${cursor}` : ''}`, { token: finance });
      expect(page.status).toBe(200);
      for (const a of page.body.items) expect(a.economicallyWeak).toBe(true);
      floorHits += page.body.items.length;
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(floorHits).toBe(waiting.summary.total.floorApplied);

    // Exclusion: finance only, in jurisdiction, with a reason; once.
    const excludedCode = villages[10]!.code;
    expect((await call(app, 'POST', `/funding/runs/${id}/exclusions`, { token: admin, body: { code: excludedCode, reason: '村账审计未完成' } })).status).toBe(403);
    expect((await call(app, 'POST', `/funding/runs/${id}/exclusions`, { token: finance, body: { code: excludedCode, reason: '' } })).status).toBe(400);
    const excluded = await call(app, 'POST', `/funding/runs/${id}/exclusions`, { token: finance, body: { code: excludedCode, reason: '村账审计未完成' } });
    expect(excluded.status).toBe(201);
    expect((await call(app, 'POST', `/funding/runs/${id}/exclusions`, { token: finance, body: { code: excludedCode, reason: '再次' } })).status).toBe(409);
    // The excluded village is shown at its current funding; what the policy computed is withheld.
    expect(excluded.body).toMatchObject({ topUpFen: 0, earmarkFen: null, newTotalFen: excluded.body.currentFen, excluded: { reason: '村账审计未完成' } });
    const excludedTopUp = excluded.body.excluded.withheld.topUpFen as number;
    expect(excludedTopUp).toBeGreaterThan(0);

    // Only finance of the jurisdiction approves.
    expect((await call(app, 'POST', `/funding/runs/${id}/approve`, { token: admin, body: {} })).status).toBe(403);
    expect((await call(app, 'POST', `/funding/runs/${id}/approve`, { token: await tokenFor('finance', '120223'), body: {} })).status).toBe(403);
    // 2,300 villages, about 92 million yuan: from the default threshold (10 million) two finance users approve.
    const firstApproval = await call(app, 'POST', `/funding/runs/${id}/approve`, { token: finance, body: { comment: '同意' } });
    expect(firstApproval.status).toBe(200);
    expect(firstApproval.body).toMatchObject({ status: 'awaiting-approval', approval: { required: 2, financeApprovals: ['finance-120225'], remaining: 1 } });
    const approved = await call(app, 'POST', `/funding/runs/${id}/approve`, { token: await tokenFor('finance', '120225', { sub: 'finance-2' }), body: { comment: '复核同意' } });
    expect(approved.status).toBe(200);
    expect(approved.body).toMatchObject({ status: 'disbursing', approval: { financeApprovals: ['finance-120225', 'finance-2'], remaining: 0 } });
    expect((await call(app, 'POST', `/funding/runs/${id}/exclusions`, { token: finance, body: { code: villages[11]!.code, reason: '太晚了' } })).status).toBe(409);

    const { run, events } = await waitForExecutionEnd(id);
    expect(run.status).toBe('paid');
    expect(path(events)).toEqual(['Snapshot', 'IsSettled', 'ComputePages', 'ComputePage', 'Summarise', 'IsDryRun', 'AwaitApproval', 'DisbursePages', 'DisbursePage', 'MarkPaid']);
    const payable = run.summary.total.topUpFen - excludedTopUp;
    expect(run.payableTopUpFen).toBe(payable);
    // One ledger entry per paid village: every village with a top-up except the excluded one.
    const allocations: { topUpFen: number }[] = [];
    cursor = undefined;
    do {
      const page = await call(app, 'GET', `/funding/runs/${id}/allocations?excluded=false&limit=100${cursor ? `&cursor=${cursor}` : ''}`, { token: finance });
      allocations.push(...page.body.items);
      cursor = page.body.nextCursor;
    } while (cursor);
    const paidLines = allocations.filter((a) => a.topUpFen > 0).length;
    expect(await ledgerTotals('funding', id)).toEqual({ count: paidLines, totalFen: payable });
    expect(run.progress).toMatchObject({ paidPages: 3, paidVillages: paidLines, paidFen: payable });
    expect(run.historyEvents).toBeLessThanOrEqual(historyEventBound(3, 'paid'));
    expect(run.stateTransitions).toBe(stateTransitionBound(3, 'paid'));

    // A step that runs again (a retry, a redelivery, a replay), even twice at once, pays nothing more.
    const again2 = await Promise.all([disbursePage({ runId: id, page: 1 }), disbursePage({ runId: id, page: 1 }), computePage({ runId: id, page: 1 })]);
    expect(again2[0]).toEqual(again2[1]);
    expect(await ledgerTotals('funding', id)).toEqual({ count: paidLines, totalFen: payable });
    expect((await call(app, 'GET', `/funding/runs/${id}`, { token: finance })).body.progress).toEqual(run.progress);

    // Starting it again after it was paid still gives the same run, and pays nothing more.
    const late = await call(app, 'POST', '/funding/runs', { token: admin, body: { policyId } });
    expect(late.status).toBe(200);
    expect(late.body).toMatchObject({ id, status: 'paid' });
    expect((await ledgerTotals('funding', id)).count).toBe(paidLines);

    // Another execution started for the paid run (by hand, under another name) ends at once instead
    // of asking for an approval that was given long ago, and changes nothing.
    expect(await strayExecution(id, 'again')).toEqual({ status: 'SUCCEEDED', path: ['Snapshot', 'IsSettled', 'AlreadySettled'] });
    expect(await ledgerTotals('funding', id)).toEqual({ count: paidLines, totalFen: payable });
    expect((await call(app, 'GET', `/funding/runs/${id}`, { token: finance })).body).toMatchObject({ status: 'paid', progress: run.progress });

    // Exports: Chinese headers, yuan with two decimals from fen.
    const csv = await app.request(`/funding/runs/${id}/allocations.csv`, { headers: { authorization: `Bearer ${finance}` } });
    expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
    const bytes = new Uint8Array(await csv.arrayBuffer());
    // A byte-order mark first, so that Excel opens the UTF-8 file with the right encoding.
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const lines = new TextDecoder().decode(bytes).split('\r\n').filter(Boolean);
    expect(lines).toHaveLength(villageCount + 1);
    expect(lines[0]).toBe('村代码,村名,人口,经济薄弱村,人口档次,资金来源,现有运转经费(元),新运转经费总额(元),新运转经费总额中：服务群众专项经费(元),增量补助(元),适用保底线(元),触及保底,触及上限,剔除原因');
    expect(lines.find((l) => l.startsWith(ruian.code))).toBe(`${ruian.code},${ruian.name},1600,是,1500人以上,村庄名录,30000.00,100000.00,50000.00,70000.00,100000.00,是,否,`);
    // Excluded: the new total is the current funding, no earmark, no top-up, and the reason.
    expect(lines.find((l) => l.startsWith(excludedCode))).toMatch(/,(\d+\.\d\d),\1,,0\.00,.*村账审计未完成$/);
    const xlsx = await app.request(`/funding/runs/${id}/allocations.xlsx`, { headers: { authorization: `Bearer ${finance}` } });
    expect(xlsx.headers.get('content-type')).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    const sheet = sheetXml(Buffer.from(await xlsx.arrayBuffer()));
    expect(sheet).toContain('<t xml:space="preserve">增量补助(元)</t>');
    expect(sheet).toContain('<t xml:space="preserve">新运转经费总额中：服务群众专项经费(元)</t>');
    expect(sheet.match(/<row /g)).toHaveLength(villageCount + 1);
    expect(sheet).toContain('<v>70000.00</v>');
  });

  it('a rejected run ends without paying anything', async () => {
    const otherPolicy = await createPolicy('备选：仅增量', { ...tianjinRuianRule, floors: [] });
    const started = await call(app, 'POST', '/funding/runs', { token: admin, body: { policyId: otherPolicy } });
    const id = started.body.id as string;
    await waitForStatus(id, ['awaiting-approval']);
    await waitForInbox(id);
    expect((await call(app, 'POST', `/funding/runs/${id}/reject`, { token: finance, body: {} })).status).toBe(400);
    const rejected = await call(app, 'POST', `/funding/runs/${id}/reject`, { token: finance, body: { reason: '增量标准需重新核定' } });
    expect(rejected.status).toBe(200);
    const { run, events } = await waitForExecutionEnd(id);
    expect(run).toMatchObject({ status: 'rejected', decision: { outcome: 'rejected', comment: '增量标准需重新核定' } });
    expect(path(events)).toEqual(['Snapshot', 'IsSettled', 'ComputePages', 'ComputePage', 'Summarise', 'IsDryRun', 'AwaitApproval', 'Rejected']);
    expect(await ledgerTotals('funding', id)).toEqual({ count: 0, totalFen: 0 });
    expect((await call(app, 'POST', `/funding/runs/${id}/approve`, { token: finance, body: {} })).status).toBe(409);
    // So does another execution of the rejected run.
    expect(await strayExecution(id, 'again')).toEqual({ status: 'SUCCEEDED', path: ['Snapshot', 'IsSettled', 'AlreadySettled'] });
    expect((await call(app, 'GET', `/funding/runs/${id}`, { token: finance })).body.status).toBe('rejected');
    expect(historyEventBound(100, 'paid')).toBeLessThan(historyEventLimit / 10);
  });
});

/** The sheet part of an XLSX, read from the zip's central directory. */
function sheetXml(zip: Buffer): string {
  const end = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  let offset = zip.readUInt32LE(end + 16);
  const count = zip.readUInt16LE(end + 10);
  for (let i = 0; i < count; i++) {
    const compressedSize = zip.readUInt32LE(offset + 20);
    const nameLength = zip.readUInt16LE(offset + 28);
    const extra = zip.readUInt16LE(offset + 30) + zip.readUInt16LE(offset + 32);
    const local = zip.readUInt32LE(offset + 42);
    const name = zip.subarray(offset + 46, offset + 46 + nameLength).toString('utf8');
    if (name === 'xl/worksheets/sheet1.xml') {
      const start = local + 30 + zip.readUInt16LE(local + 26) + zip.readUInt16LE(local + 28);
      return inflateRawSync(zip.subarray(start, start + compressedSize)).toString('utf8');
    }
    offset += 46 + nameLength + extra;
  }
  throw new Error('no sheet in the workbook');
}
