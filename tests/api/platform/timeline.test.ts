import { beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../../functions/api/app.ts';
import { executionArnFor } from '../../../functions/shared/executions.ts';
import { computeTask } from '../../../functions/programs/reward/tasks/compute.ts';
import { call, tokenFor } from '../../support/api.ts';
import { actors, enterprise, helanPolicy, openDecision, openProgram, seedVillage, submit, type Actors } from '../../support/reward/fixtures.ts';
import { executionEnded, useLocalStepFunctions } from '../../support/stepfunctions.ts';

// Timelines (audit trail merged with execution history) and the operations views of executions
// (failed first, the state path), through app.request() on the local Step Functions endpoint with
// the real reward workflow: one application whose Compute fails (a stub; no Retry matches its
// error), one that goes on to wait for its village sign-off.
class ComputeOutage extends Error {
  override readonly name = 'ComputeOutage';
}
let failNextCompute = false;
useLocalStepFunctions({
  stubs: {
    'reward-compute': async (event) => {
      if (failNextCompute) {
        failNextCompute = false;
        throw new ComputeOutage('compute is out of service');
      }
      return computeTask.handler(event as Parameters<typeof computeTask.handler>[0]);
    },
  },
});

const app = buildApp();
let t: Actors;
let failedId = '';
let waitingId = '';
let decisionId = '';
const accounts = [
  { year: 2024, incomeYuan: 800_000, profitYuan: 50_000 },
  { year: 2025, incomeYuan: 900_000, profitYuan: 90_000 },
];

beforeAll(async () => {
  await seedVillage();
  t = await actors();
  const programId = await openProgram(app, t, helanPolicy());
  failNextCompute = true;
  failedId = await submit(app, t, programId, await enterprise(app, t, accounts));
  expect(await executionEnded(executionArnFor('reward-application', failedId))).toMatchObject({ status: 'FAILED' });
  waitingId = await submit(app, t, programId, await enterprise(app, t, accounts));
  decisionId = await openDecision(waitingId, 'village-signoff');
});

interface Entry {
  readonly type: 'audit' | 'execution';
  readonly at: string;
  readonly action?: string;
  readonly actor?: string;
  readonly eventType?: string;
  readonly state?: string;
}

const inOrder = (entries: readonly Entry[]) => entries.every((e, i) => i === 0 || entries[i - 1]!.at <= e.at);

describe('timelines', () => {
  it("merges a decision's audit trail, its subject's and its execution's history, oldest first", async () => {
    const auditor = await tokenFor('auditor', '120225');
    const res = await call(app, 'GET', `/decisions/${decisionId}/timeline`, { token: auditor });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const entries = res.body.entries as Entry[];
    expect(inOrder(entries)).toBe(true);
    expect(res.body).toMatchObject({ subject: `reward-application:${waitingId}`, executions: [{ workflow: 'reward-application', status: 'RUNNING' }], truncated: false });
    const actions = entries.filter((e) => e.type === 'audit').map((e) => e.action);
    expect(actions).toContain('decision.open');
    const states = entries.filter((e) => e.type === 'execution' && e.eventType?.endsWith('StateEntered')).map((e) => e.state);
    expect(states).toContain('VillageSignOff');
    // The application's creation (audit) comes before the execution starts, the decision's opening after it.
    const created = entries.findIndex((e) => e.type === 'audit');
    const started = entries.findIndex((e) => e.eventType === 'ExecutionStarted');
    const opened = entries.findIndex((e) => e.action === 'decision.open');
    expect(created).toBeLessThan(started);
    expect(started).toBeLessThan(opened);

    // The deciding role reads it too; the village of another township does not.
    expect((await call(app, 'GET', `/decisions/${decisionId}/timeline`, { token: t.signers.handler })).status).toBe(200);
    expect((await call(app, 'GET', `/decisions/${decisionId}/timeline`, { token: await tokenFor('village', '120225104201') })).status).toBe(403);
  });

  it("an entity's timeline for admins and auditors: the application's trail and its execution", async () => {
    const res = await call(app, 'GET', `/timeline?entity=reward-application&id=${failedId}`, { token: t.admin });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const entries = res.body.entries as Entry[];
    expect(inOrder(entries)).toBe(true);
    expect(entries.some((e) => e.type === 'audit')).toBe(true);
    expect(entries.some((e) => e.eventType === 'ExecutionFailed')).toBe(true);
    expect(res.body.executions).toEqual([expect.objectContaining({ status: 'FAILED' })]);
  });

  it('decides authorization before existence: a role that may never read answers 403 for a missing and an existing subject alike', async () => {
    const unit = await tokenFor('unit', '120225', { unitId: 'u-1' });
    const finance = await tokenFor('finance', '120225');
    const missingDecision = decisionId.replace(waitingId, 'ra-00000000-0000-4000-8000-000000000000');
    const pairs: [string, string, string][] = [
      [unit, `/decisions/${decisionId}/timeline`, `/decisions/${missingDecision}/timeline`],
      [finance, `/timeline?entity=reward-application&id=${waitingId}`, '/timeline?entity=reward-application&id=ra-missing'],
      [unit, `/timeline?entity=reward-application&id=${waitingId}`, '/timeline?entity=reward-application&id=ra-missing'],
    ];
    for (const [token, existing, missing] of pairs) {
      const statuses = [(await call(app, 'GET', existing, { token })).status, (await call(app, 'GET', missing, { token })).status];
      expect(statuses, `${existing} / ${missing}`).toEqual([403, 403]);
    }
    // Out of jurisdiction: 403; in it and missing: 404.
    expect((await call(app, 'GET', `/timeline?entity=reward-application&id=${waitingId}`, { token: await tokenFor('admin', '120223') })).status).toBe(403);
    expect((await call(app, 'GET', '/timeline?entity=reward-application&id=ra-missing', { token: t.admin })).status).toBe(404);
    expect((await call(app, 'GET', `/decisions/${missingDecision}/timeline`, { token: t.admin })).status).toBe(404);
    expect((await call(app, 'GET', '/timeline?entity=reward-application&id=a%20b', { token: t.admin })).status).toBe(400);
  });
});

describe('executions for operations', () => {
  it('lists failed executions first with order=failed-first, newest first otherwise', async () => {
    const newest = await call(app, 'GET', '/workflows/executions?workflow=reward-application', { token: t.admin });
    expect(newest.body.items.map((e: { name: string }) => e.name)).toEqual([waitingId, failedId]);
    const failedFirst = await call(app, 'GET', '/workflows/executions?order=failed-first', { token: t.admin });
    expect(failedFirst.status, JSON.stringify(failedFirst.body)).toBe(200);
    expect(failedFirst.body.items.map((e: { name: string; status: string }) => [e.name, e.status])).toEqual([
      [failedId, 'FAILED'],
      [waitingId, 'RUNNING'],
    ]);
    const withCursor = await call(app, 'GET', '/workflows/executions?workflow=reward-application&order=failed-first&cursor=abc', { token: t.admin });
    expect(withCursor.status).toBe(400);
    expect(withCursor.body.errors[0].field).toBe('cursor');
  });

  it("draws an execution's state path, naming the error of the state it failed in", async () => {
    const failed = await call(app, 'GET', `/workflows/executions/reward-application:${failedId}/path`, { token: t.admin });
    expect(failed.status, JSON.stringify(failed.body)).toBe(200);
    expect(failed.body).toMatchObject({ status: 'FAILED', name: failedId });
    const path = failed.body.path as { state: string; error?: string }[];
    expect(path.length).toBeGreaterThan(0);
    expect(path.some((s) => s.error === 'ComputeOutage')).toBe(true);
    const waiting = await call(app, 'GET', `/workflows/executions/reward-application:${waitingId}/path`, { token: await tokenFor('auditor', '120225') });
    expect(waiting.body.path.map((s: { state: string }) => s.state)).toContain('VillageSignOff');
    expect((await call(app, 'GET', `/workflows/executions/reward-application:${waitingId}/path`, { token: await tokenFor('finance', '120225') })).status).toBe(403);
  });
});
