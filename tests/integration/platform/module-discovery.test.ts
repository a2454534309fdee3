import { beforeAll, describe, expect, it } from 'vitest';
import { StartExecutionCommand, StopExecutionCommand } from '@aws-sdk/client-sfn';
import { buildApp } from '../../../functions/api/app.ts';
import type { App } from '../../../functions/platform/http/context.ts';
import { modules } from '../../../functions/modules.ts';
import { sfn } from '../../../functions/shared/clients.ts';
import { stateMachineArn } from '../../../functions/shared/config.ts';
import { registryOf } from '../../../workflows/registry.ts';
import { call, tokenFor } from '../../support/api.ts';
import { executionEnded, history, statesEntered, useLocalStepFunctions } from '../../support/stepfunctions.ts';
import { waitUntil } from '../../support/wait.ts';
import { fixtureModule } from '../../fixtures/program/module.ts';
import { fixtureDecisionId } from '../../fixtures/program/tasks/await.ts';

// Adding a program is its folder plus one line in the modules list. Here the fixture program
// (tests/fixtures/program: a module, two tasks, an ASL file) is added to the list the composition
// roots read, and nothing else: the API serves and documents its routes, its workflow runs on the
// local Step Functions endpoint with its own handlers (what `npm start` loads), its decision shows in
// the inbox with its subject's path, and /decisions hands the answer to its module. The CDK stack
// side is tests/infra/platform/generic.test.ts, which deploys the same module.
const withFixture = [...modules, fixtureModule];
let app: App;
let township: string;

useLocalStepFunctions({ registry: registryOf(withFixture) });

beforeAll(async () => {
  app = buildApp({ modules: withFixture });
  township = await tokenFor('township', '120225100');
});

describe('a program added to the modules list and nowhere else', () => {
  it('gets its routes served under its base path, behind authentication, and in the OpenAPI document', async () => {
    expect(await call(app, 'GET', '/fixture/things/t-1', { token: township })).toMatchObject({ status: 200, body: { id: 't-1', seenBy: 'township-120225100' } });
    expect((await call(app, 'GET', '/fixture/things/t-1')).status).toBe(401);
    const doc = await call(app, 'GET', '/openapi.json');
    expect(Object.keys(doc.body.paths as object)).toContain('/fixture/things/{id}');
    // Without it in the list, nothing of it is served.
    expect((await call(buildApp(), 'GET', '/fixture/things/t-1', { token: township })).status).toBe(404);
  });

  it('runs its workflow, lists its decision in the inbox, and /decisions dispatches the answer to its module', async () => {
    const thingId = `t-${Date.now()}`;
    const { executionArn } = await sfn().send(
      new StartExecutionCommand({ stateMachineArn: stateMachineArn('fixture-review'), name: thingId, input: JSON.stringify({ thingId, division: '120225100' }) }),
    );
    const decisionId = fixtureDecisionId(thingId);
    const { item } = await waitUntil(
      async () => {
        const inbox = await call(app, 'GET', '/inbox', { token: township });
        const item = (inbox.body.items as { id: string }[]).find((i) => i.id === decisionId);
        return { done: item !== undefined, item, seen: `an inbox of ${inbox.body.items.length} items without ${decisionId}` };
      },
      { what: 'the fixture decision in the township inbox' },
    );
    expect(item).toMatchObject({ kind: 'fixture.review', subjectType: 'fixture-thing', subject: `/fixture/things/${thingId}`, role: 'township' });
    expect((await call(app, 'GET', `/decisions/${decisionId}`, { token: township })).body).toMatchObject({ id: decisionId, status: 'open' });

    const wrong = await call(app, 'POST', `/decisions/${decisionId}`, { token: township, body: { decision: 'close' } });
    expect(wrong.status).toBe(400);
    expect(JSON.stringify(wrong.body)).toContain('must be one of approve, reject for fixture.review');

    const answered = await call(app, 'POST', `/decisions/${decisionId}`, { token: township, body: { decision: 'approve' } });
    expect(answered).toMatchObject({ status: 200, body: { decisionId, status: 'answered', applicationStatus: 'approved', delivered: true } });
    const done = await executionEnded(executionArn!);
    expect(done.status).toBe('SUCCEEDED');
    expect(JSON.parse(done.output ?? 'null')).toEqual({ decision: 'approve' });
    expect(statesEntered(await history(executionArn!))).toEqual(['Load', 'AwaitDecision']);
  });

  it('refuses with 409, writing nothing, an answer to a decision whose execution no longer runs', async () => {
    const thingId = `t-stopped-${Date.now()}`;
    const { executionArn } = await sfn().send(
      new StartExecutionCommand({ stateMachineArn: stateMachineArn('fixture-review'), name: thingId, input: JSON.stringify({ thingId, division: '120225100' }) }),
    );
    const decisionId = fixtureDecisionId(thingId);
    await waitUntil(
      async () => {
        const d = await call(app, 'GET', `/decisions/${decisionId}`, { token: township });
        return { done: d.status === 200, seen: `GET /decisions/${decisionId} answers ${d.status}` };
      },
      { what: 'the decision to open' },
    );
    await sfn().send(new StopExecutionCommand({ executionArn, error: 'Probe', cause: 'stranded on purpose' }));
    const answered = await call(app, 'POST', `/decisions/${decisionId}`, { token: township, body: { decision: 'approve' } });
    expect(answered.status).toBe(409);
    expect(answered.body.detail).toContain('ABORTED, not running');
    expect((await call(app, 'GET', `/decisions/${decisionId}`, { token: township })).body).toMatchObject({ status: 'open', version: 1 });
  });
});
