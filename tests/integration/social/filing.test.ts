import { beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../../functions/api/app.ts';
import type { App } from '../../../functions/platform/http/context.ts';
import { listEntityAudit } from '../../../functions/platform/store/audit.ts';
import { categoryKeys } from '../../../functions/programs/social/domain/organisation.ts';
import { villageCoverage } from '../../../functions/programs/social/store/coverage.ts';
import { call } from '../../support/api.ts';
import {
  decideSocial,
  filedOrganisation,
  filingEnded,
  openSocialDecision,
  organisationInput,
  seedSocialVillages,
  socialActors,
  submitOrganisation,
  untilStatus,
  type SocialActors,
} from '../../support/social/fixtures.ts';
import { useLocalStepFunctions } from '../../support/stepfunctions.ts';

// The filing workflow (备案登记) end to end on the local host: DynamoDB Local, the local Step
// Functions endpoint with the real definition and handlers, the API with real JWTs.
let app: App;
let t: SocialActors;
let villages: string[];

useLocalStepFunctions();

beforeAll(async () => {
  villages = await seedSocialVillages(3);
  app = buildApp();
  t = await socialActors();
});

const counted = async (village: string) => (await villageCoverage(village, { consistent: true })).get(village);

describe('filing', () => {
  it('return with a reason, correction and resubmission, then approval: filed with a number; path from the history', async () => {
    const village = villages[0]!;
    const id = await submitOrganisation(app, t, organisationInput(village, { name: '东关村志愿服务队', category: '志愿服务类' }));
    const first = await openSocialDecision(id, 'township-review');
    const inbox = await call(app, 'GET', '/inbox', { token: t.township });
    expect(inbox.body.items.some((d: { id: string; kind: string }) => d.id === first && d.kind === 'social.township-review')).toBe(true);

    // A return needs its reason.
    expect((await decideSocial(app, t.township, first, 'return')).status).toBe(400);
    expect((await decideSocial(app, t.township, first, 'return', '成员名单不全')).status).toBe(200);
    const returned = await untilStatus(id, 'returned');
    expect(returned.statusReason).toBe('成员名单不全');

    const villageToken = await t.village(village);
    const { village: _v, ...fields } = organisationInput(village, { name: '东关村志愿服务队', category: '志愿服务类', members: 22 });
    const corrected = await call(app, 'PUT', `/social/organisations/${id}`, { token: villageToken, body: { ...fields, version: returned.version } });
    expect(corrected.status, JSON.stringify(corrected.body)).toBe(200);
    expect(corrected.body.members).toBe(22);

    const resubmission = await openSocialDecision(id, 'resubmission');
    expect((await decideSocial(app, villageToken, resubmission, 'resubmit')).status).toBe(200);
    const second = await openSocialDecision(id, 'township-review');
    expect(second).not.toBe(first);
    expect((await decideSocial(app, t.township, second, 'approve')).status).toBe(200);

    const filed = await untilStatus(id, 'filed');
    expect(filed.filingNumber).toMatch(/^120225100-\d{4}-\d{4}$/);
    expect(filed.round).toBe(2);
    const run = await filingEnded(id);
    expect(run.status).toBe('SUCCEEDED');
    expect(run.path).toEqual(['AwaitReview', 'ReviewRoute', 'AwaitResubmission', 'ResubmissionRoute', 'AwaitReview', 'ReviewRoute', 'File', 'Filed']);
    expect((await counted(village))?.categories[categoryKeys['志愿服务类']]).toBe(1);

    const actions = (await listEntityAudit('social-organisation', id, { limit: 50 })).items.map((r) => r.action).reverse();
    expect(actions).toEqual(['social-organisation.submit', 'social-organisation.return', 'social-organisation.correct', 'social-organisation.resubmit', 'social-organisation.approve', 'social-organisation.filed']);
  });

  it('refusal with a reason ends the filing; nothing is counted', async () => {
    const village = villages[1]!;
    const id = await submitOrganisation(app, t, organisationInput(village, { category: '矛盾调解类', name: '调解会' }));
    const decision = await openSocialDecision(id, 'township-review');
    // The village cannot answer the township's decision.
    expect((await decideSocial(app, await t.village(village), decision, 'approve')).status).toBe(403);
    expect((await decideSocial(app, t.township, decision, 'refuse', '与现有组织重复')).status).toBe(200);
    const refused = await untilStatus(id, 'refused');
    expect(refused.statusReason).toBe('与现有组织重复');
    const run = await filingEnded(id);
    expect(run.path).toEqual(['AwaitReview', 'ReviewRoute', 'Closed']);
    expect((await counted(village))?.total ?? 0).toBe(0);
  });

  it('active, suspended with a reason and date, active again, dissolved: each audited, counted only while working', async () => {
    const village = villages[2]!;
    const org = await filedOrganisation(app, t, organisationInput(village, { category: '其他', categoryDescription: '文体活动', name: '广场舞队' }));
    expect((await counted(village))?.categories.other).toBe(1);
    const post = (path: string, body: object, token = t.township) => call(app, 'POST', `/social/organisations/${org.id}/${path}`, { token, body });

    expect((await post('activate', { date: '2025-01-10' })).body.status).toBe('active');
    // The village does not manage status; the reason of a suspension is required.
    expect((await post('suspend', { date: '2025-02-01', reason: '负责人外出' }, await t.village(village))).status).toBe(403);
    expect((await post('suspend', { date: '2025-02-01' })).status).toBe(400);
    const suspended = await post('suspend', { date: '2025-02-01', reason: '负责人外出' });
    expect(suspended.body).toMatchObject({ status: 'suspended', statusReason: '负责人外出', statusDate: '2025-02-01' });
    expect((await counted(village))?.total).toBe(0);
    expect((await post('reactivate', { date: '2025-03-01' })).body.status).toBe('active');
    expect((await counted(village))?.total).toBe(1);
    const dissolved = await post('dissolve', { date: '2025-04-01', reason: '成员解散' });
    expect(dissolved.body.status).toBe('dissolved');
    expect((await post('reactivate', { date: '2025-05-01' })).status).toBe(409);
    const coverage = await counted(village);
    expect(coverage?.total).toBe(0);
    expect(Object.values(coverage?.entered ?? {}).reduce((a, b) => a + b, 0)).toBe(2);
    expect(Object.values(coverage?.left ?? {}).reduce((a, b) => a + b, 0)).toBe(2);
    const actions = (await listEntityAudit('social-organisation', org.id, { limit: 50 })).items.map((r) => r.action);
    expect(actions.slice(0, 4)).toEqual(['social-organisation.dissolve', 'social-organisation.reactivate', 'social-organisation.suspend', 'social-organisation.activate']);
  });
});
