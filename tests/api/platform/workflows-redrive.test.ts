import { beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../../functions/api/app.ts';
import { executionArnFor } from '../../../functions/shared/executions.ts';
import { computeTask } from '../../../functions/programs/reward/tasks/compute.ts';
import { toVillageCsv } from '../../../functions/platform/registries/domain/village-csv.ts';
import { call, tokenFor } from '../../support/api.ts';
import { seedDivisions, testVillageCode } from '../../support/registries/village-import-fixtures.ts';
import { actors, enterprise, helanPolicy, openProgram, seedVillage, submit, type Actors } from '../../support/reward/fixtures.ts';
import { executionEnded, useLocalStepFunctions } from '../../support/stepfunctions.ts';
import { waitUntil } from '../../support/wait.ts';

// POST /workflows/executions/{id}/redrive through app.request(), on the local Step Functions
// endpoint: a reward application whose Compute step fails once (a stub; the error is one no Retry
// matches, so the execution fails) is redriven by an admin of its jurisdiction.
class ComputeOutage extends Error {
  override readonly name = 'ComputeOutage';
}
/** While set, the next Compute fails (once). */
let failNextCompute = false;
let computeCalls = 0;
useLocalStepFunctions({
  stubs: {
    'reward-compute': async (event) => {
      computeCalls++;
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
let programId: string;
let entityId: string;

beforeAll(async () => {
  await seedVillage();
  t = await actors();
  programId = await openProgram(app, t, helanPolicy());
  entityId = await enterprise(app, t, [
    { year: 2024, incomeYuan: 800_000, profitYuan: 50_000 },
    { year: 2025, incomeYuan: 900_000, profitYuan: 90_000 },
  ]);
});

const redrive = (id: string, token?: string) => call(app, 'POST', `/workflows/executions/${encodeURIComponent(id)}/redrive`, token ? { token } : {});

describe('POST /workflows/executions/{id}/redrive', () => {
  it('runs a failed execution again from its failed step for an admin of its subject; anyone else gets 403, a running one 409', async () => {
    failNextCompute = true;
    const id = await submit(app, t, programId, entityId);
    const executionArn = executionArnFor('reward-application', id);
    expect(await executionEnded(executionArn)).toMatchObject({ status: 'FAILED', error: 'ComputeOutage' });
    const short = `reward-application:${id}`;

    // Roles that may never redrive, then admins outside the subject's jurisdiction; nothing runs.
    for (const [role, division] of [['auditor', '120225'], ['finance', '120225'], ['township', '120225100'], ['village', '120225100201'], ['unit', '120225']] as const) {
      expect((await redrive(short, await tokenFor(role, division, { unitId: 'u1' }))).status, role).toBe(403);
    }
    expect((await redrive(short, await tokenFor('admin', '120223'))).status).toBe(403);
    expect((await redrive(short, await tokenFor('admin', '120225104'))).status).toBe(403);
    expect((await redrive(short)).status).toBe(401);
    expect(computeCalls).toBe(1);

    const answer = await redrive(short, t.admin);
    expect(answer.status, JSON.stringify(answer.body)).toBe(202);
    expect(answer.body).toMatchObject({ executionArn, workflow: 'reward-application', name: id, status: 'RUNNING', redriveCount: 1 });
    expect(Date.parse(answer.body.redriveDate)).not.toBeNaN();
    expect(answer.body.stopDate).toBeUndefined();

    // Compute ran again and the application went on to its village sign-off.
    const { detail } = await waitUntil(
      async () => {
        const detail = await call(app, 'GET', `/workflows/executions/${short}`, { token: t.admin });
        const entered = (detail.body.events as { type: string; state?: string }[]).filter((e) => e.type.endsWith('StateEntered')).map((e) => e.state);
        return { done: entered.includes('VillageSignOff'), seen: `states entered: ${entered.join(' → ')}`, detail };
      },
      { what: 'the redriven execution to reach VillageSignOff', timeoutMs: 20_000 },
    );
    const events = detail.body.events as { type: string; state?: string }[];
    expect(events.filter((e) => e.type.endsWith('StateEntered')).map((e) => e.state)).toEqual(['Compute', 'Compute', 'Eligible', 'VillageSignOff']);
    expect(events.map((e) => e.type)).toContain('ExecutionRedriven');
    expect(computeCalls).toBe(2);

    // Running now: not redrivable, as problem+json.
    const running = await redrive(short, t.admin);
    expect(running.status).toBe(409);
    expect(running.headers.get('content-type')).toContain('application/problem+json');
    expect(running.body.detail).toContain('RUNNING');
    // By ARN as well as by short id.
    expect((await redrive(executionArn, t.admin)).status).toBe(409);
  });

  it('answers 409 for a succeeded execution', async () => {
    await seedDivisions();
    const csv = toVillageCsv([{ code: testVillageCode(901), name: '重跑村', population: 640, economicallyWeak: false, category: '强基', operatingFundsFen: 15_000_000 }]);
    const imported = await call(app, 'POST', '/imports/villages', { token: t.admin, rawBody: csv, headers: { 'content-type': 'text/csv; charset=utf-8' } });
    expect(imported.status, JSON.stringify(imported.body)).toBe(202);
    expect((await executionEnded(imported.body.executionArn)).status).toBe('SUCCEEDED');
    const answer = await redrive(`village-import:${imported.body.id}`, t.admin);
    expect(answer.status).toBe(409);
    expect(answer.body.detail).toContain('SUCCEEDED');
  });

  it('answers 404 for an execution of no known subject and 400 for what is not one of ours', async () => {
    expect((await redrive('reward-application:ra-00000000-0000-4000-8000-000000000000', t.admin)).status).toBe(404);
    expect((await redrive('not-an-arn', t.admin)).status).toBe(400);
    // A role that may never redrive learns nothing either way.
    expect((await redrive('reward-application:ra-00000000-0000-4000-8000-000000000000', await tokenFor('auditor', '120225'))).status).toBe(403);
  });
});
