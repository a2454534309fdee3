import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { beijingDate } from '../../../functions/platform/calendar.ts';
import { buildApp } from '../../../functions/api/app.ts';
import type { Role } from '../../../functions/platform/principal.ts';
import { createApplication, type ApplicationRecord } from '../../../functions/programs/reward/store/application.ts';
import { rewardDecisionId, type RewardStep } from '../../../functions/programs/reward/steps.ts';
import { openDecisionPut } from '../../../functions/platform/decisions/store.ts';
import { rewardSteps } from '../../../functions/programs/reward/steps.ts';
import { getProgram } from '../../../functions/programs/reward/store/program.ts';
import { resetClients } from '../../../functions/shared/clients.ts';
import { resetConfig } from '../../../functions/shared/config.ts';
import { startStepFunctionsLocal, type RunningStepFunctionsLocal } from '../../../local/stepfunctions/index.ts';
import { loadRegisteredWorkflows } from '../../../local/stepfunctions/registry.ts';
import { call, tokenFor, type Answer } from '../../support/api.ts';
import { helanPolicy, seedVillage, village } from '../../support/reward/fixtures.ts';

// The authorization matrix of every reward route over HTTP (app.request() with real JWTs on
// DynamoDB Local): every route × role × inside / outside the jurisdiction of the subject. A cell is
// `ok` when the caller got past authorization (any 2xx, or a 4xx other than 401/403 that comes from
// the request itself, e.g. 409 for a decision in the wrong state), `403` when refused. Read the
// table against functions/platform/authz.ts (the policy) and functions/platform/decisions/routes.ts (a
// decision is answered only by its own role).
//
// The subjects: program `P` of county 120225, enterprise `E` and application `A` of village
// 120225100201 (township 120225100), and one open decision of `A` per deciding role.
// Inside: admin, finance, unit and auditor of 120225; township 120225100; village 120225100201 as
// handler. Outside: the same roles of county 120223; township 120225101 and village 120225100202
// (same county, other township / village).
const app = buildApp();
// A window around today on the Beijing calendar (the date the API judges by), a day either side so a
// run that crosses midnight in Beijing still finds it open.
const day = 86_400_000;
const openWindow = { opensOn: beijingDate(new Date(Date.now() - day)), closesOn: beijingDate(new Date(Date.now() + day)) };

type Cell = 'ok' | '403';
type Row = Record<Role, Cell>;
const roles: Role[] = ['admin', 'finance', 'township', 'village', 'unit', 'auditor'];
const row = (admin: Cell, finance: Cell, township: Cell, villageCell: Cell, unit: Cell, auditor: Cell): Row => ({ admin, finance, township, village: villageCell, unit, auditor });
const none = row('403', '403', '403', '403', '403', '403');
/** Everyone who reads reward data: admin, finance, township, village, auditor (not unit). */
const readers = row('ok', 'ok', 'ok', 'ok', '403', 'ok');

interface Route {
  readonly name: string;
  readonly inside: Row;
  readonly outside: Row;
  readonly send: (token: string) => Promise<Answer>;
  /** For bulk answers: the status of the one item (the request itself is 200 for finance). */
  readonly itemStatus?: boolean;
}

let programId: string;
let closedProgramId: string;
let entityId: string;
let application: ApplicationRecord;
const decisions: Partial<Record<RewardStep, string>> = {};
// The application's timeline reads its (absent) execution history: a real local endpoint answers.
let sf: RunningStepFunctionsLocal;

beforeAll(async () => {
  const { stateMachines, handlers } = await loadRegisteredWorkflows(process.env.AWS_REGION!);
  sf = await startStepFunctionsLocal({ port: 0, region: process.env.AWS_REGION!, stateMachineArnPrefix: process.env.STATE_MACHINE_ARN_PREFIX!, stateMachines, handlers });
  process.env.SFN_ENDPOINT = sf.endpoint;
  resetConfig();
  resetClients();
  await seedVillage();
  await seedVillage('120225100202');
  await seedVillage('120225101201');
  const admin = await tokenFor('admin', '120225', { sub: 'authz-admin' });
  const township = await tokenFor('township', '120225100', { sub: 'authz-township' });
  const open = await call(app, 'POST', '/reward/programs', { token: admin, body: { name: '矩阵', jurisdiction: '120225', accountsYear: 2025, window: openWindow, policy: helanPolicy() } });
  expect(open.status).toBe(201);
  programId = open.body.id;
  // Applications are taken in a window; this one has closed, so an authorized submit ends in 400 and starts nothing.
  const closed = await call(app, 'POST', '/reward/programs', { token: admin, body: { name: '已截止', jurisdiction: '120225', accountsYear: 2025, window: { opensOn: '2020-01-01', closesOn: '2020-01-31' }, policy: helanPolicy() } });
  expect(closed.status).toBe(201);
  closedProgramId = closed.body.id;
  const ent = await call(app, 'POST', '/reward/enterprises', { token: township, body: { name: '矩阵合作社', kind: 'cooperative', village } });
  expect(ent.status).toBe(201);
  entityId = ent.body.id;
  expect((await call(app, 'PUT', `/reward/enterprises/${entityId}/accounts/2023`, { token: township, body: { operatingIncomeFen: 50_000_000, netProfitFen: 5_000_000 } })).status).toBe(200);
  const program = (await getProgram(programId))!;
  // The application is written through the store (no workflow here): it stays `computing`, so an
  // authorized answer to one of its decisions is refused by the state table (409), never delivered.
  application = await createApplication(
    { id: 'ra-authz-matrix', programId, policyVersion: program.policyVersion, jurisdiction: '120225', entityId, entityName: '矩阵合作社', village, year: 2025, submitter: 'v-submitter-authz', amountFen: 3_000_000, createdAt: new Date().toISOString() },
    { sub: 'v-submitter-authz', roles: ['village'] },
  );
  for (const step of ['township-review', 'finance-approval', 'resubmission', 'unfunded'] as const) {
    const id = rewardDecisionId(application, step);
    const role: Role = step === 'township-review' ? 'township' : step === 'finance-approval' ? 'finance' : step === 'resubmission' ? 'village' : 'admin';
    await openDecisionPut({ id, kind: rewardSteps[step].kind, subjectType: 'reward-application', subjectId: application.id, division: village, role, taskToken: `authz-token-${step}`, summary: {} });
    decisions[step] = id;
  }
});

afterAll(async () => {
  await sf.stop();
});

const answer = (step: RewardStep, decision: string) => (token: string) => call(app, 'POST', `/decisions/${decisions[step]}`, { token, body: { decision } });

const routes: Route[] = [
  {
    name: 'POST /reward/programs',
    inside: row('ok', '403', '403', '403', '403', '403'),
    outside: none,
    send: (token) => call(app, 'POST', '/reward/programs', { token, body: { name: '矩阵新', jurisdiction: '120225', accountsYear: 2025, window: openWindow, policy: helanPolicy() } }),
  },
  // A county's program covers every township and village of the county: the township and village
  // "outside" (another township or village of 120225) read it too; other counties do not.
  { name: 'GET /reward/programs/{id}', inside: readers, outside: row('403', '403', 'ok', 'ok', '403', '403'), send: (token) => call(app, 'GET', `/reward/programs/${programId}`, { token }) },
  { name: 'GET /reward/programs?county=', inside: readers, outside: row('403', '403', 'ok', 'ok', '403', '403'), send: (token) => call(app, 'GET', '/reward/programs?county=120225', { token }) },
  {
    name: 'PUT /reward/programs/{id}/policy',
    inside: row('ok', '403', '403', '403', '403', '403'),
    outside: none,
    // A stale policyVersion: an authorized caller gets 409 and nothing changes.
    send: (token) => call(app, 'PUT', `/reward/programs/${programId}/policy`, { token, body: { policy: helanPolicy(), policyVersion: 99 } }),
  },
  {
    name: 'POST /reward/programs/{id}/budget',
    inside: row('403', 'ok', '403', '403', '403', '403'),
    outside: none,
    // Not a raise: an authorized caller gets 400 naming appropriatedFen.
    send: (token) => call(app, 'POST', `/reward/programs/${programId}/budget`, { token, body: { appropriatedFen: 1 } }),
  },
  {
    name: 'POST /reward/enterprises',
    inside: row('ok', '403', 'ok', '403', '403', '403'),
    outside: none,
    send: (token) => call(app, 'POST', '/reward/enterprises', { token, body: { name: '矩阵新社', kind: 'company', village } }),
  },
  { name: 'GET /reward/enterprises/{id}', inside: readers, outside: none, send: (token) => call(app, 'GET', `/reward/enterprises/${entityId}`, { token }) },
  { name: 'GET /reward/enterprises?division=', inside: readers, outside: none, send: (token) => call(app, 'GET', `/reward/enterprises?division=${village}`, { token }) },
  { name: 'GET /reward/enterprises/{id}/accounts/{year}', inside: readers, outside: none, send: (token) => call(app, 'GET', `/reward/enterprises/${entityId}/accounts/2023`, { token }) },
  {
    name: 'PUT /reward/enterprises/{id}/accounts/{year}',
    inside: row('403', '403', 'ok', '403', '403', '403'),
    outside: none,
    send: (token) => call(app, 'PUT', `/reward/enterprises/${entityId}/accounts/2023`, { token, body: { operatingIncomeFen: 50_000_000, netProfitFen: 5_000_000 } }),
  },
  {
    name: 'POST /reward/accounts (CSV)',
    inside: row('403', '403', 'ok', '403', '403', '403'),
    outside: none,
    send: (token) => call(app, 'POST', '/reward/accounts', { token, rawBody: `entityId,year,operatingIncomeYuan,netProfitYuan\n${entityId},2023,500000,50000\n`, headers: { 'content-type': 'text/csv' } }),
  },
  {
    name: 'POST /reward/applications',
    inside: row('403', '403', '403', 'ok', '403', '403'),
    outside: none,
    send: (token) => call(app, 'POST', '/reward/applications', { token, body: { programId: closedProgramId, entityId } }),
  },
  { name: 'GET /reward/applications/{id}', inside: readers, outside: none, send: (token) => call(app, 'GET', `/reward/applications/${application.id}`, { token }) },
  { name: 'GET /reward/applications?programId=&division=', inside: readers, outside: none, send: (token) => call(app, 'GET', `/reward/applications?programId=${programId}&division=${village}`, { token }) },
  {
    name: 'POST /reward/applications/{id}/signatures',
    inside: row('403', '403', '403', 'ok', '403', '403'),
    outside: none,
    // The application is not awaiting the sign-off: an authorized signer gets 409.
    send: (token) => call(app, 'POST', `/reward/applications/${application.id}/signatures`, { token, body: { decision: 'sign' } }),
  },
  { name: 'GET /decisions/{id}', inside: readers, outside: none, send: (token) => call(app, 'GET', `/decisions/${decisions['township-review']}`, { token }) },
  { name: 'POST /decisions/{id} (township review)', inside: row('403', '403', 'ok', '403', '403', '403'), outside: none, send: answer('township-review', 'approve') },
  { name: 'POST /decisions/{id} (finance approval)', inside: row('403', 'ok', '403', '403', '403', '403'), outside: none, send: answer('finance-approval', 'reject') },
  { name: 'POST /decisions/{id} (resubmission)', inside: row('403', '403', '403', 'ok', '403', '403'), outside: none, send: answer('resubmission', 'withdraw') },
  { name: 'POST /decisions/{id} (unfunded)', inside: row('ok', '403', '403', '403', '403', '403'), outside: none, send: answer('unfunded', 'close') },
  {
    name: 'POST /decisions/bulk (the item’s status)',
    inside: row('403', 'ok', '403', '403', '403', '403'),
    outside: none,
    itemStatus: true,
    send: (token) => call(app, 'POST', '/decisions/bulk', { token, body: { items: [{ decisionId: decisions['finance-approval']!, decision: 'reject' }] } }),
  },
  // Everyone has an inbox; what it shows is bounded by role and jurisdiction (checked below).
  { name: 'GET /inbox', inside: row('ok', 'ok', 'ok', 'ok', 'ok', 'ok'), outside: row('ok', 'ok', 'ok', 'ok', 'ok', 'ok'), send: (token) => call(app, 'GET', '/inbox', { token }) },
];

async function principalToken(role: Role, inside: boolean): Promise<string> {
  const division = { admin: '120225', finance: '120225', township: '120225100', village, unit: '120225', auditor: '120225' }[role];
  const outside = { admin: '120223', finance: '120223', township: '120225101', village: '120225100202', unit: '120223', auditor: '120223' }[role];
  return tokenFor(role, inside ? division : outside, {
    sub: `authz-${role}-${inside ? 'in' : 'out'}`,
    ...(role === 'village' ? { position: 'handler' as const } : {}),
    ...(role === 'unit' ? { unitId: 'authz-unit' } : {}),
  });
}

function cellOf(res: Answer, itemStatus: boolean | undefined): Cell | string {
  const status = itemStatus && res.status === 200 ? Number(res.body.items[0].status) : res.status;
  if (status === 403) return '403';
  if (status >= 200 && status < 500 && status !== 401) return 'ok';
  return `unexpected ${status}: ${JSON.stringify(res.body)}`;
}

describe('reward authorization matrix (route × role × jurisdiction)', () => {
  for (const route of routes) {
    for (const inside of [true, false]) {
      it(`${route.name} — ${inside ? 'inside' : 'outside'} the jurisdiction`, async () => {
        const observed: Record<string, Cell | string> = {};
        for (const role of roles) observed[role] = cellOf(await route.send(await principalToken(role, inside)), route.itemStatus);
        expect(observed).toEqual(inside ? route.inside : route.outside);
      });
    }
  }

  it('the inbox shows a decision to its role inside the jurisdiction only', async () => {
    const ids = async (role: Role, inside: boolean) => ((await call(app, 'GET', '/inbox', { token: await principalToken(role, inside) })).body.items as { id: string }[]).map((d) => d.id);
    expect(await ids('township', true)).toContain(decisions['township-review']);
    expect(await ids('township', false)).not.toContain(decisions['township-review']);
    expect(await ids('finance', true)).toContain(decisions['finance-approval']);
    expect(await ids('finance', false)).not.toContain(decisions['finance-approval']);
    expect(await ids('admin', true)).toContain(decisions.unfunded);
    expect(await ids('admin', false)).not.toContain(decisions.unfunded);
    for (const role of ['unit', 'auditor'] as const) expect(await ids(role, true)).toEqual([]);
  });

  it('a village user sees a sign-off only while it waits for their position', async () => {
    const id = rewardDecisionId(application, 'village-signoff');
    await openDecisionPut({
      id, kind: rewardSteps['village-signoff'].kind, subjectType: 'reward-application', subjectId: application.id, division: village, role: 'village', taskToken: 'authz-token-signoff', summary: {},
      partials: [{ userId: 'authz-signer-handler', position: 'handler', decision: 'sign' }],
    });
    const ids = async (extra: { sub: string; position?: 'handler' | 'bookkeeper' }) =>
      ((await call(app, 'GET', '/inbox', { token: await tokenFor('village', village, extra) })).body.items as { id: string }[]).map((d) => d.id);
    expect(await ids({ sub: 'authz-signer-handler', position: 'handler' })).not.toContain(id);
    expect(await ids({ sub: 'another-handler', position: 'handler' })).not.toContain(id);
    expect(await ids({ sub: 'authz-signer-bookkeeper', position: 'bookkeeper' })).toContain(id);
    expect(await ids({ sub: 'authz-village-no-position' })).not.toContain(id);
    // Other village decisions are not affected by the position.
    expect(await ids({ sub: 'authz-village-no-position' })).toContain(decisions.resubmission);
  });
});
