import { beforeAll, describe, expect, it } from 'vitest';
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { beijingDate } from '../../../functions/platform/calendar.ts';
import { ddb, tableName } from '../../../functions/shared/clients.ts';
import { buildApp } from '../../../functions/api/app.ts';
import { policyBody, programBody, raiseBody } from '../../../functions/programs/reward/routes/programs.ts';
import { accountPutBody, enterpriseBody } from '../../../functions/programs/reward/routes/enterprises.ts';
import { signatureBody, submitBody } from '../../../functions/programs/reward/routes/applications.ts';
import { answerBody, bulkBody } from '../../../functions/platform/decisions/routes.ts';
import { call, tokenFor } from '../../support/api.ts';
import { fuzzRoute, type FuzzTarget } from '../../support/fuzz.ts';
import { helanPolicy, seedVillage, village } from '../../support/reward/fixtures.ts';

// The reward routes through app.request() with real JWTs on DynamoDB Local (the workflow itself is
// exercised in tests/integration/reward/workflow.test.ts).
const app = buildApp();
let admin: string;
let township: string;
let programId: string;
let entityId: string;
// A window around today on the Beijing calendar (the date the API judges by), a day either side so a
// run that crosses midnight in Beijing still finds it open.
const day = 86_400_000;
const openWindow = { opensOn: beijingDate(new Date(Date.now() - day)), closesOn: beijingDate(new Date(Date.now() + day)) };
const programInput = () => ({ name: '2025年度以奖代补', jurisdiction: '120225', accountsYear: 2025, window: openWindow, policy: helanPolicy() });

beforeAll(async () => {
  await seedVillage();
  admin = await tokenFor('admin', '120225', { sub: 'admin-api' });
  township = await tokenFor('township', '120225100', { sub: 'township-api' });
  const program = await call(app, 'POST', '/reward/programs', { token: admin, body: programInput() });
  expect(program.status).toBe(201);
  programId = program.body.id;
  const ent = await call(app, 'POST', '/reward/enterprises', { token: township, body: { name: '西井峪旅游合作社', kind: 'cooperative', village } });
  expect(ent.status).toBe(201);
  entityId = ent.body.id;
});

describe('reward programs', () => {
  it('reads the budget figures and the policy; only admins open programs, inside their jurisdiction', async () => {
    const read = await call(app, 'GET', `/reward/programs/${programId}`, { token: await tokenFor('auditor', '120225') });
    expect(read.status).toBe(200);
    expect(read.body).toMatchObject({ policyVersion: 1, policyFrozen: false, budget: { appropriatedFen: 200_000_000, reservedFen: 0, paidFen: 0, availableFen: 200_000_000 } });
    expect(read.body.policy.tiers).toHaveLength(4);
    expect((await call(app, 'POST', '/reward/programs', { token: township, body: programInput() })).status).toBe(403);
    expect((await call(app, 'POST', '/reward/programs', { token: await tokenFor('admin', '120223'), body: programInput() })).status).toBe(403);
    expect((await call(app, 'GET', `/reward/programs/${programId}`, { token: await tokenFor('unit', '120225', { unitId: 'u1' }) })).status).toBe(403);
    expect((await call(app, 'GET', `/reward/programs/${programId}`)).status).toBe(401);
  });

  it('names the year whose accounts are rewarded accountsYear, and documents it', async () => {
    const read = await call(app, 'GET', `/reward/programs/${programId}`, { token: admin });
    expect(read.body.accountsYear).toBe(2025);
    expect(read.body).not.toHaveProperty('year');
    const listed = await call(app, 'GET', '/reward/programs?county=120225', { token: admin });
    expect(listed.body.items.find((p: { id: string }) => p.id === programId)).toMatchObject({ accountsYear: 2025 });
    // The old name is refused, by name, rather than read one way or the other.
    const { accountsYear, ...rest } = programInput();
    const old = await call(app, 'POST', '/reward/programs', { token: admin, body: { ...rest, year: accountsYear } });
    expect(old.status).toBe(400);
    expect(JSON.stringify(old.body.errors)).toMatch(/accountsYear/);
    expect(JSON.stringify(old.body.errors)).toMatch(/year/);
    const doc = (await (await app.request('/openapi.json')).json()) as { components: { schemas: Record<string, { properties: Record<string, { description?: string }> }> } };
    for (const schema of ['RewardProgramInput', 'RewardProgram', 'RewardApplication']) {
      expect(doc.components.schemas[schema]?.properties.accountsYear?.description, schema).toMatch(/year-over-year profit increase is rewarded/);
      expect(doc.components.schemas[schema]?.properties).not.toHaveProperty('year');
    }
  });

  it('reads a program stored before the rename (attribute year) with its accountsYear', async () => {
    const created = await call(app, 'POST', '/reward/programs', { token: admin, body: { ...programInput(), accountsYear: 2024 } });
    const id = created.body.id as string;
    await ddb().send(
      new UpdateCommand({ TableName: tableName(), Key: { pk: `REWARD_PROGRAM#${id}`, sk: 'PROGRAM' }, UpdateExpression: 'REMOVE accountsYear SET #year = :y', ExpressionAttributeNames: { '#year': 'year' }, ExpressionAttributeValues: { ':y': 2024 } }),
    );
    const read = await call(app, 'GET', `/reward/programs/${id}`, { token: admin });
    expect(read.status).toBe(200);
    expect(read.body).toMatchObject({ id, accountsYear: 2024 });
    expect(read.body).not.toHaveProperty('year');
    const listed = await call(app, 'GET', '/reward/programs?county=120225', { token: admin });
    expect(listed.body.items.find((p: { id: string }) => p.id === id)).toMatchObject({ accountsYear: 2024 });
  });

  it('names every bad policy field in a 400', async () => {
    const bad = programInput();
    const res = await call(app, 'POST', '/reward/programs', { token: admin, body: { ...bad, policy: { ...bad.policy, capFen: -1, tiers: [{ fromOperatingIncomeFen: 20_000_000, rateBp: 20_000 }] } } });
    expect(res.status).toBe(400);
    const fields = res.body.errors.map((e: { field: string }) => e.field);
    expect(fields).toEqual(expect.arrayContaining(['policy.capFen', 'policy.tiers.0.rateBp']));
  });

  it('refuses application windows on days that do not exist, naming the field', async () => {
    for (const [opensOn, closesOn, field] of [
      ['2025-02-30', '2025-03-31', 'window.opensOn'],
      ['2025-01-01', '2025-13-01', 'window.closesOn'],
      ['2025-00-10', '2025-03-31', 'window.opensOn'],
      ['2025-04-01', '2025-04-31', 'window.closesOn'],
    ] as const) {
      const res = await call(app, 'POST', '/reward/programs', { token: admin, body: { ...programInput(), window: { opensOn, closesOn } } });
      expect(res.status, `${opensOn} ${closesOn}`).toBe(400);
      expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(field);
    }
  });

  it('an unfrozen policy is replaced in place; version conflicts are 409', async () => {
    const p = await call(app, 'POST', '/reward/programs', { token: admin, body: programInput() });
    const id = p.body.id as string;
    const changed = await call(app, 'PUT', `/reward/programs/${id}/policy`, { token: admin, body: { policy: helanPolicy({ twoApproverThresholdFen: 5_000_000 }), policyVersion: 1 } });
    expect(changed.status).toBe(200);
    expect(changed.body).toMatchObject({ policyVersion: 1, policy: { approval: { twoApproverThresholdFen: 5_000_000 } } });
    expect((await call(app, 'PUT', `/reward/programs/${id}/policy`, { token: admin, body: { policy: helanPolicy(), policyVersion: 2 } })).status).toBe(409);
  });
});

describe('enterprises and accounts', () => {
  it('records accounts one by one (township only, in jurisdiction) and reads them back', async () => {
    const put = await call(app, 'PUT', `/reward/enterprises/${entityId}/accounts/2024`, { token: township, body: { operatingIncomeFen: 100_000_000, netProfitFen: -5_000 } });
    expect(put.status).toBe(200);
    expect(put.body).toMatchObject({ version: 1, netProfitFen: -5_000, recordedBy: 'township-api' });
    expect((await call(app, 'PUT', `/reward/enterprises/${entityId}/accounts/2024`, { token: await tokenFor('township', '120225101'), body: { operatingIncomeFen: 1, netProfitFen: 1 } })).status).toBe(403);
    expect((await call(app, 'PUT', `/reward/enterprises/${entityId}/accounts/2024`, { token: admin, body: { operatingIncomeFen: 1, netProfitFen: 1 } })).status).toBe(403);
    expect((await call(app, 'PUT', `/reward/enterprises/${entityId}/accounts/2024`, { token: township, body: { operatingIncomeFen: 1, netProfitFen: 1, version: 7 } })).status).toBe(409);
    const read = await call(app, 'GET', `/reward/enterprises/${entityId}/accounts/2024`, { token: await tokenFor('village', village) });
    expect(read.body.operatingIncomeFen).toBe(100_000_000);
  });

  it('records a CSV all or nothing, naming rows and columns', async () => {
    const csv = `entityId,year,operatingIncomeYuan,netProfitYuan\n${entityId},2023,900000.50,-1200\n${entityId},2025,1000000,20x\n`;
    const bad = await call(app, 'POST', '/reward/accounts', { token: township, rawBody: csv, headers: { 'content-type': 'text/csv' } });
    expect(bad.status).toBe(422);
    expect(bad.body.errors).toEqual([expect.objectContaining({ field: 'row 3: netProfitYuan' })]);
    expect((await call(app, 'GET', `/reward/enterprises/${entityId}/accounts/2023`, { token: township })).status).toBe(404);
    const good = await call(app, 'POST', '/reward/accounts', { token: township, rawBody: csv.replace('20x', '200000'), headers: { 'content-type': 'text/csv' } });
    expect(good.status).toBe(200);
    expect(good.body).toMatchObject({ rowCount: 2, changed: 2, unchanged: 0 });
    const again = await call(app, 'POST', '/reward/accounts', { token: township, rawBody: csv.replace('20x', '200000'), headers: { 'content-type': 'text/csv' } });
    expect(again.body).toMatchObject({ changed: 0, unchanged: 2 });
    expect((await call(app, 'GET', `/reward/enterprises/${entityId}/accounts/2023`, { token: township })).body.operatingIncomeFen).toBe(90_000_050);
    const unknown = await call(app, 'POST', '/reward/accounts', { token: township, rawBody: 'entityId,year,operatingIncomeYuan,netProfitYuan\nent-nope,2025,1,1\n', headers: { 'content-type': 'text/csv' } });
    expect(unknown.status).toBe(422);
    const huge = `entityId,year,operatingIncomeYuan,netProfitYuan\n${`${entityId},2025,1,1\n`.repeat(20_000)}`;
    expect((await call(app, 'POST', '/reward/accounts', { token: township, rawBody: huge, headers: { 'content-type': 'text/csv' } })).status).toBe(413);
    expect((await call(app, 'POST', '/reward/accounts', { token: township, rawBody: '', headers: { 'content-type': 'text/csv' } })).status).toBe(400);
  });

  it('an enterprise of an unregistered village is a 400 naming the field', async () => {
    const res = await call(app, 'POST', '/reward/enterprises', { token: township, body: { name: '无村合作社', kind: 'company', village: '120225100299' } });
    expect(res.status).toBe(400);
    expect(res.body.errors[0].field).toBe('village');
  });
});

describe('decisions and inbox', () => {
  it('a decision that does not exist is 404; the inbox of a city-level caller needs a county', async () => {
    expect((await call(app, 'POST', '/decisions/reward.township-review.ra-nope.r1', { token: township, body: { decision: 'approve' } })).status).toBe(404);
    expect((await call(app, 'GET', '/inbox', { token: township })).body).toEqual({ items: [], toDo: 0 });
    const city = await call(app, 'GET', '/inbox', { token: await tokenFor('admin', '1202') });
    expect(city.status).toBe(400);
    expect(city.body.errors[0].field).toBe('county');
    expect((await call(app, 'POST', '/decisions/bulk', { token: township, body: { items: [{ decisionId: 'x', decision: 'approve' }] } })).status).toBe(403);
    const bulk = await call(app, 'POST', '/decisions/bulk', { token: await tokenFor('finance', '120225'), body: { items: [{ decisionId: 'reward.finance-approval.ra-nope.r1', decision: 'approve' }] } });
    expect(bulk.status).toBe(200);
    expect(bulk.body).toMatchObject({ succeeded: 0, failed: 1, items: [{ status: 404 }] });
  });
});

describe('fuzzing the reward routes with invalid bodies', () => {
  const targets = (): FuzzTarget[] => [
    { app, token: admin, method: 'POST', path: '/reward/programs', schema: programBody, valid: programInput() },
    { app, token: admin, method: 'PUT', path: `/reward/programs/${programId}/policy`, schema: policyBody, valid: { policy: helanPolicy(), policyVersion: 1 } },
    { app, token: admin, method: 'POST', path: `/reward/programs/${programId}/budget`, schema: raiseBody, valid: { appropriatedFen: 300_000_000 } },
    { app, token: township, method: 'POST', path: '/reward/enterprises', schema: enterpriseBody, valid: { name: '合作社', kind: 'company', village } },
    { app, token: township, method: 'PUT', path: `/reward/enterprises/${entityId}/accounts/2026`, schema: accountPutBody, valid: { operatingIncomeFen: 1, netProfitFen: 1 } },
    { app, token: township, method: 'POST', path: '/reward/applications', schema: submitBody, valid: { programId, entityId } },
    { app, token: township, method: 'POST', path: '/reward/applications/ra-x/signatures', schema: signatureBody, valid: { decision: 'sign' } },
    { app, token: township, method: 'POST', path: '/decisions/reward.township-review.ra-x.r1', schema: answerBody, valid: { decision: 'approve' } },
    { app, token: township, method: 'POST', path: '/decisions/bulk', schema: bulkBody, valid: { items: [{ decisionId: 'd', decision: 'approve' }] } },
  ];

  it('starts from bodies the routes accept', () => {
    for (const t of targets()) expect(t.schema.safeParse(t.valid).success, `${t.method} ${t.path}`).toBe(true);
  });

  it.each([0, 1, 2, 3, 4, 5, 6, 7, 8])('route #%i: 200+ invalid bodies give only 4xx problems and leave the table unchanged', async (i) => {
    const seen = await fuzzRoute({ ...targets()[i]!, runs: 200 });
    expect([...seen.values()].reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(200);
    expect([...seen.keys()].every((s) => s >= 400 && s < 500)).toBe(true);
  });
});
