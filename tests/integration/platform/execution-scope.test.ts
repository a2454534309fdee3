import { beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../../functions/api/app.ts';
import type { App } from '../../../functions/platform/http/context.ts';
import { call, tokenFor } from '../../support/api.ts';
import { actors, helanPolicy, openProgram, seedApplications, seedVillage } from '../../support/reward/fixtures.ts';
import { useLocalStepFunctions } from '../../support/stepfunctions.ts';

// Executions carry their subject's data in their input, output and history: they are scoped through
// the subject's jurisdiction (each workflow's subjectDivision), for every workflow, not only imports.
let app: App;
const id = 'ra-scope-000001';

useLocalStepFunctions({ waitScale: 0.000001 });

beforeAll(async () => {
  await seedVillage();
  app = buildApp();
  const programId = await openProgram(app, await actors(), helanPolicy());
  await seedApplications(programId, [id], () => '范围合作社');
});

describe('/workflows/executions scoped through the subject', () => {
  it('shows a reward application’s execution inside its jurisdiction only', async () => {
    const inside = await tokenFor('admin', '120225');
    const auditor = await tokenFor('auditor', '120225');
    const outside = await tokenFor('admin', '110101');
    const province = await tokenFor('admin', '11');

    const listed = (token: string) => call(app, 'GET', '/workflows/executions?workflow=reward-application&limit=100', { token });
    expect((await listed(inside)).body.items.map((e: { name: string }) => e.name)).toContain(id);
    expect((await listed(auditor)).body.items.map((e: { name: string }) => e.name)).toContain(id);
    expect((await listed(outside)).body.items.map((e: { name: string }) => e.name)).not.toContain(id);
    expect((await listed(province)).body.items.map((e: { name: string }) => e.name)).not.toContain(id);
    const all = await call(app, 'GET', '/workflows/executions?limit=100', { token: outside });
    expect(all.body.items.map((e: { name: string }) => e.name)).not.toContain(id);

    expect((await call(app, 'GET', `/workflows/executions/reward-application:${id}`, { token: inside })).body).toMatchObject({ name: id, input: { applicationId: id } });
    const refused = await call(app, 'GET', `/workflows/executions/reward-application:${id}`, { token: outside });
    expect(refused.status).toBe(403);
    expect(JSON.stringify(refused.body)).not.toContain('applicationId');
    // An execution named after no subject: nothing to show.
    expect((await call(app, 'GET', '/workflows/executions/reward-application:ra-scope-missing', { token: inside })).status).toBe(404);
  });
});
