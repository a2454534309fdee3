import { beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../../functions/api/app.ts';
import { listEntityAudit, type AuditRecord } from '../../../functions/platform/store/audit.ts';
import { call, tokenFor } from '../../support/api.ts';
import { useLocalStepFunctions } from '../../support/stepfunctions.ts';
import { seedDivisions } from '../../support/registries/village-import-fixtures.ts';
import { fundingVillages, seedVillages, tianjinRuianRule } from '../../support/funding/fixtures.ts';
import { waitUntil } from '../../support/wait.ts';

// Finance's part of a real run, through the API on DynamoDB Local and the real local Step Functions
// endpoint: undoing an exclusion (counters exact, also under simultaneous requests), and the audit
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
async function runAwaitingApproval(rule: object = tianjinRuianRule, starter = admin): Promise<string> {
  const policy = await call(app, 'POST', '/funding/policies', { token: admin, body: { division: '120225', year: year++, name: `policy ${year}`, rule } });
  expect(policy.status).toBe(201);
  const started = await call(app, 'POST', '/funding/runs', { token: starter, body: { policyId: policy.body.id } });
  expect(started.status).toBe(201);
  const id = started.body.id as string;
  await waitUntil(
    async () => {
      const run = await call(app, 'GET', `/funding/runs/${id}`, { token: admin });
      if (run.body.status === 'failed') throw new Error(JSON.stringify(run.body.failure));
      if (run.body.status !== 'awaiting-approval') return { done: false, seen: `run ${id} is ${run.body.status}` };
      const inbox = await call(app, 'GET', '/inbox?role=finance', { token: finance });
      const listed = (inbox.body.items as { subjectId: string }[]).some((d) => d.subjectId === id);
      return { done: listed, seen: `run ${id} is awaiting-approval, ${listed ? '' : 'not yet '}in finance's inbox` };
    },
    { what: 'awaiting-approval in finance’s inbox', timeoutMs: 20_000, intervalMs: 50 },
  );
  return id;
}

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
