import { beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { buildApp } from '../../../functions/api/app.ts';
import { pairingTermBodySchema } from '../../../functions/programs/pairing/routes/terms.ts';
import {
  pairingBodySchema,
  pairingCadreBodySchema,
  pairingCadreUpdateSchema,
  pairingInvestmentBodySchema,
  pairingProjectBodySchema,
  pairingProjectUpdateSchema,
  pairingUpdateSchema,
} from '../../../functions/programs/pairing/routes/pairings.ts';
import { call, tokenFor } from '../../support/api.ts';
import { fuzzRoute, tableSnapshot, type FuzzTarget } from '../../support/fuzz.ts';

const app = buildApp();
let admin: string;
const villages = {
  a: { code: '120225100201', name: '东关村', population: 1200, economicallyWeak: true, category: '强基', operatingFundsFen: 16_000_000 },
  b: { code: '120225100202', name: '西关村', population: 800, economicallyWeak: true, category: '强基', operatingFundsFen: 16_000_000 },
  c: { code: '120225101201', name: '南关村', population: 900, economicallyWeak: false, category: '创优', operatingFundsFen: 16_000_000 },
};
const unitBody = (name: string) => ({ name, level: 'city', kind: 'enterprise', division: '120225' });
let unitA = '';
let unitB = '';
let termId = '';

/** Tianjin's 双五百 term: monthly reports due the 28th, half-yearly and yearly 5 days after the period. */
export const tianjinTerm = {
  name: '双五百结对帮扶（2013—2016）',
  division: '120225',
  firstYear: 2013,
  lastYear: 2016,
  schedule: [
    { periodType: 'monthly', due: { kind: 'day-in-period', day: 28 } },
    { periodType: 'half-yearly', due: { kind: 'days-after-end', days: 5 } },
    { periodType: 'yearly', due: { kind: 'days-after-end', days: 5 } },
  ],
  targets: { advancedVillages: 261, oneVillageOneIndustry: 220, oneVillageOneCooperative: 417, collectiveIncomeFen: 44_000_000_000 },
};

const targets = {
  becomesAdvanced: true,
  oneVillageOneIndustry: { baseline: false, target: true },
  oneVillageOneCooperative: { baseline: true, target: true },
  collectiveIncomeFen: { baseline: 2_000_000, target: 5_000_000 },
};

async function pair(unitId: string, village: string, extra: Record<string, unknown> = {}) {
  return call(app, 'POST', '/pairing/pairings', { token: admin, body: { termId, unitId, village, level: 'city', pledgedFenPerYear: 50_000_000, ...extra } });
}

beforeAll(async () => {
  admin = await tokenFor('admin', '120225');
  for (const d of [{ code: '120225', name: '蓟州区' }, { code: '120225100', name: '渔阳镇' }, { code: '120225101', name: '洇溜镇' }]) {
    expect((await call(app, 'POST', '/divisions', { token: admin, body: d })).status).toBe(201);
  }
  for (const v of Object.values(villages)) expect((await call(app, 'POST', '/villages', { token: admin, body: v })).status).toBe(201);
  unitA = (await call(app, 'POST', '/units', { token: admin, body: unitBody('天津港（集团）有限公司') })).body.id;
  unitB = (await call(app, 'POST', '/units', { token: admin, body: unitBody('天津市农业农村委员会') })).body.id;
  const term = await call(app, 'POST', '/pairing/terms', { token: admin, body: tianjinTerm });
  expect(term.status).toBe(201);
  termId = term.body.id;
});

describe('pairing terms', () => {
  it('creates a term with its schedule as data and reads it back, to everyone in or under its jurisdiction', async () => {
    const read = await call(app, 'GET', `/pairing/terms/${termId}`, { token: admin });
    expect(read.status).toBe(200);
    expect(read.body).toMatchObject({ ...tianjinTerm, id: termId, version: 1 });
    for (const token of [await tokenFor('township', '120225100'), await tokenFor('village', '120225100201'), await tokenFor('unit', '120225', { unitId: unitA }), await tokenFor('finance', '120225')]) {
      expect((await call(app, 'GET', `/pairing/terms/${termId}`, { token })).status).toBe(200);
      const list = await call(app, 'GET', '/pairing/terms', { token });
      expect(list.status).toBe(200);
      expect(list.body.items.map((t: { id: string }) => t.id)).toContain(termId);
    }
    expect((await call(app, 'GET', `/pairing/terms/${termId}`, { token: await tokenFor('admin', '120223') })).status).toBe(403);
    expect((await call(app, 'GET', '/pairing/terms/pt-00000000-0000-4000-8000-000000000000', { token: admin })).status).toBe(404);
  });

  it('refuses a term whose years or schedule are wrong, naming the field', async () => {
    const before = await tableSnapshot();
    const bad = async (body: unknown) => call(app, 'POST', '/pairing/terms', { token: admin, body });
    const backwards = await bad({ ...tianjinTerm, firstYear: 2016, lastYear: 2013 });
    expect(backwards.status).toBe(400);
    expect(backwards.body.errors).toEqual([expect.objectContaining({ field: 'lastYear' })]);
    const day = await bad({ ...tianjinTerm, schedule: [{ periodType: 'monthly', due: { kind: 'day-in-period', day: 32 } }] });
    expect(day.body.errors).toEqual([expect.objectContaining({ field: 'schedule.0.due.day' })]);
    expect((await bad({ ...tianjinTerm, schedule: [{ periodType: 'weekly', due: { kind: 'days-after-end', days: 5 } }] })).status).toBe(400);
    expect((await bad({ ...tianjinTerm, schedule: [] })).status).toBe(400);
    expect((await call(app, 'POST', '/pairing/terms', { token: admin, body: { ...tianjinTerm, division: '120223' } })).status).toBe(403);
    expect((await call(app, 'POST', '/pairing/terms', { token: await tokenFor('township', '120225100'), body: tianjinTerm })).status).toBe(403);
    expect(await tableSnapshot()).toEqual(before);
  });

  it('shows the term’s reminders (the default when none are given), keeps its own, and refuses bad ones naming the field', async () => {
    expect((await call(app, 'GET', `/pairing/terms/${termId}`, { token: admin })).body.reminders).toEqual({ daysBefore: [7, 3], overdueEveryNDays: 7, overdueForDays: 366, hourBeijing: 9 });
    const own = await call(app, 'POST', '/pairing/terms', { token: admin, body: { ...tianjinTerm, reminders: { daysBefore: [10, 1], overdueEveryNDays: 3, overdueForDays: 30 } } });
    expect(own.status).toBe(201);
    expect((await call(app, 'GET', `/pairing/terms/${own.body.id}`, { token: admin })).body.reminders).toEqual({ daysBefore: [10, 1], overdueEveryNDays: 3, overdueForDays: 30, hourBeijing: 9 });
    const before = await tableSnapshot();
    const every = await call(app, 'POST', '/pairing/terms', { token: admin, body: { ...tianjinTerm, reminders: { daysBefore: [7], overdueEveryNDays: 0 } } });
    expect(every.status).toBe(400);
    expect(every.body.errors).toEqual([expect.objectContaining({ field: 'reminders.overdueEveryNDays' })]);
    const hour = await call(app, 'POST', '/pairing/terms', { token: admin, body: { ...tianjinTerm, reminders: { daysBefore: [-1], overdueEveryNDays: 7, hourBeijing: 0 } } });
    expect(hour.body.errors.map((e: { field: string }) => e.field).sort()).toEqual(['reminders.daysBefore.0', 'reminders.hourBeijing']);
    expect(await tableSnapshot()).toEqual(before);
  });
});

describe('pairings', () => {
  let pairingA = '';
  let pairingB = '';
  let pairingC = '';

  beforeAll(async () => {
    const a = await pair(unitA, villages.a.code, { targets, cadres: [{ name: '张伟', role: 'first-secretary', from: '2013-03-01' }] });
    expect(a.status).toBe(201);
    pairingA = a.body.id;
    const b = await pair(unitB, villages.a.code, { level: 'district' });
    expect(b.status).toBe(201);
    pairingB = b.body.id;
    const c = await pair(unitA, villages.c.code);
    expect(c.status).toBe(201);
    pairingC = c.body.id;
  });

  it('creates a pairing with its cadres and targets; a unit may have several villages and a village several units', async () => {
    const read = await call(app, 'GET', `/pairing/pairings/${pairingA}`, { token: admin });
    expect(read.status).toBe(200);
    expect(read.headers.get('etag')).toBe('"1"');
    expect(read.body).toMatchObject({ termId, unitId: unitA, village: villages.a.code, level: 'city', pledgedFenPerYear: 50_000_000, targets, investments: [], projects: [] });
    expect(read.body.cadres).toEqual([{ id: expect.any(String), name: '张伟', role: 'first-secretary', from: '2013-03-01' }]);
    const b = await call(app, 'GET', `/pairing/pairings/${pairingB}`, { token: admin });
    expect(b.body.targets).toEqual({ becomesAdvanced: false, oneVillageOneIndustry: { baseline: false, target: false }, oneVillageOneCooperative: { baseline: false, target: false }, collectiveIncomeFen: { baseline: 0, target: 0 } });
    const audit = await call(app, 'GET', `/audit?entity=pairing:${pairingA}`, { token: admin });
    expect(audit.status).toBe(200);
    expect(audit.body.items.map((r: { action: string }) => r.action)).toEqual(['pairing.create']);
  });

  it('answers 409 for the same unit, village and term again, and 400 naming the field for a missing unit, village or term', async () => {
    const before = await tableSnapshot();
    const dup = await pair(unitA, villages.a.code, { level: 'district' });
    expect(dup.status).toBe(409);
    const missingUnit = await pair('00000000-0000-4000-8000-000000000000', villages.b.code);
    expect(missingUnit.status).toBe(400);
    expect(missingUnit.body.errors).toEqual([expect.objectContaining({ field: 'unitId' })]);
    const missingVillage = await pair(unitA, '120225100299');
    expect(missingVillage.body.errors).toEqual([expect.objectContaining({ field: 'village' })]);
    const missingTerm = await call(app, 'POST', '/pairing/pairings', { token: admin, body: { termId: 'pt-00000000-0000-4000-8000-000000000000', unitId: unitA, village: villages.b.code, level: 'city', pledgedFenPerYear: 0 } });
    expect(missingTerm.body.errors).toEqual([expect.objectContaining({ field: 'termId' })]);
    const lateCadre = await pair(unitA, villages.b.code, { cadres: [{ name: '李强', role: 'team-member', from: '2012-01-01' }] });
    expect(lateCadre.status).toBe(400);
    expect(lateCadre.body.errors).toEqual([expect.objectContaining({ field: 'cadres', message: expect.stringContaining('cadres.0.from') })]);
    const income = await pair(unitA, villages.b.code, { targets: { ...targets, collectiveIncomeFen: { baseline: 5, target: 4 } } });
    expect(income.body.errors).toEqual([expect.objectContaining({ field: 'targets.collectiveIncomeFen.target' })]);
    expect(await tableSnapshot()).toEqual(before);
  });

  it('replays a create with the same Idempotency-Key instead of making a second pairing', async () => {
    const body = { termId, unitId: unitB, village: villages.b.code, level: 'district', pledgedFenPerYear: 1 };
    const headers = { 'idempotency-key': 'pairing-create-once' };
    const first = await call(app, 'POST', '/pairing/pairings', { token: admin, body, headers });
    const again = await call(app, 'POST', '/pairing/pairings', { token: admin, body, headers });
    expect([first.status, again.status]).toEqual([201, 201]);
    expect(again.body.id).toBe(first.body.id);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
  });

  it('lists in pages with opaque cursors, filtered by term, division and unit', async () => {
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await call(app, 'GET', `/pairing/pairings?limit=1${cursor ? `&cursor=${cursor}` : ''}`, { token: admin });
      expect(page.status).toBe(200);
      expect(page.body.items.length).toBeLessThanOrEqual(1);
      seen.push(...page.body.items.map((p: { id: string }) => p.id));
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(seen).toEqual(expect.arrayContaining([pairingA, pairingB, pairingC]));
    expect(new Set(seen).size).toBe(seen.length);
    const township = await call(app, 'GET', `/pairing/pairings?division=120225101&termId=${termId}`, { token: admin });
    expect(township.body.items.map((p: { id: string }) => p.id)).toEqual([pairingC]);
    const ofUnit = await call(app, 'GET', `/pairing/pairings?unitId=${unitA}`, { token: admin });
    expect(ofUnit.body.items.map((p: { id: string }) => p.id).sort()).toEqual([pairingA, pairingC].sort());
    const otherTerm = await call(app, 'GET', '/pairing/pairings?termId=pt-00000000-0000-4000-8000-000000000000', { token: admin });
    expect(otherTerm.body.items).toEqual([]);
    expect((await call(app, 'GET', '/pairing/pairings?cursor=not*a*cursor', { token: admin })).status).toBe(400);
  });

  it('changes a pairing under optimistic versions: a stale If-Match or body version is a 409', async () => {
    const change = { level: 'district', pledgedFenPerYear: 60_000_000, targets };
    const ok = await call(app, 'PUT', `/pairing/pairings/${pairingC}`, { token: admin, body: { ...change, version: 1 } });
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ version: 2, level: 'district', pledgedFenPerYear: 60_000_000 });
    expect(ok.headers.get('etag')).toBe('"2"');
    expect((await call(app, 'PUT', `/pairing/pairings/${pairingC}`, { token: admin, body: { ...change, pledgedFenPerYear: 1, version: 1 } })).status).toBe(409);
    expect((await call(app, 'PUT', `/pairing/pairings/${pairingC}`, { token: admin, body: { ...change, pledgedFenPerYear: 1 }, headers: { 'if-match': '"1"' } })).status).toBe(409);
    expect((await call(app, 'GET', `/pairing/pairings/${pairingC}`, { token: admin })).body.pledgedFenPerYear).toBe(60_000_000);
  });

  it('adds cadres, projects and investments; the pairing’s own unit records projects and investments, not cadres', async () => {
    const unit = await tokenFor('unit', '120225', { unitId: unitA });
    const project = await call(app, 'POST', `/pairing/pairings/${pairingA}/projects`, { token: unit, body: { name: '食用菌大棚', kind: '产业', budgetFen: 30_000_000, status: 'planned' } });
    expect(project.status).toBe(201);
    const projectId = project.body.projects[0].id;
    const invested = await call(app, 'POST', `/pairing/pairings/${pairingA}/investments`, { token: unit, body: { date: '2014-05-20', amountFen: 10_000_000, purpose: '大棚建设', projectId } });
    expect(invested.status).toBe(201);
    expect(invested.body.investments).toEqual([expect.objectContaining({ amountFen: 10_000_000, projectId, recordedBy: expect.any(String) })]);
    const noProject = await call(app, 'POST', `/pairing/pairings/${pairingA}/investments`, { token: unit, body: { date: '2014-05-20', amountFen: 1, purpose: 'x', projectId: '00000000-0000-4000-8000-000000000000' } });
    expect(noProject.body.errors).toEqual([expect.objectContaining({ field: 'projectId' })]);
    const outside = await call(app, 'POST', `/pairing/pairings/${pairingA}/investments`, { token: unit, body: { date: '2019-01-01', amountFen: 1, purpose: 'x' } });
    expect(outside.body.errors).toEqual([expect.objectContaining({ field: 'date' })]);
    const version = invested.body.version;
    const done = await call(app, 'PUT', `/pairing/pairings/${pairingA}/projects/${projectId}`, { token: unit, body: { name: '食用菌大棚', kind: '产业', budgetFen: 30_000_000, status: 'done', version } });
    expect(done.status).toBe(200);
    expect(done.body.projects[0].status).toBe('done');
    expect((await call(app, 'PUT', `/pairing/pairings/${pairingA}/projects/${projectId}`, { token: unit, body: { name: '大棚', kind: '产业', budgetFen: 1, status: 'done', version } })).status).toBe(409);
    expect((await call(app, 'POST', `/pairing/pairings/${pairingA}/cadres`, { token: unit, body: { name: '王芳', role: 'team-member', from: '2014-01-01' } })).status).toBe(403);
    const cadre = await call(app, 'POST', `/pairing/pairings/${pairingA}/cadres`, { token: admin, body: { name: '王芳', role: 'team-member', from: '2014-01-01' } });
    expect(cadre.status).toBe(201);
    const cadreId = cadre.body.cadres[1].id;
    const left = await call(app, 'PUT', `/pairing/pairings/${pairingA}/cadres/${cadreId}`, { token: admin, body: { name: '王芳', role: 'team-member', from: '2014-01-01', to: '2015-12-31' }, headers: { 'if-match': `"${cadre.body.version}"` } });
    expect(left.status).toBe(200);
    expect(left.body.cadres[1]).toEqual({ id: cadreId, name: '王芳', role: 'team-member', from: '2014-01-01', to: '2015-12-31' });
    const backwards = await call(app, 'PUT', `/pairing/pairings/${pairingA}/cadres/${cadreId}`, { token: admin, body: { name: '王芳', role: 'team-member', from: '2015-01-01', to: '2014-12-31' } });
    expect(backwards.body.errors).toEqual([expect.objectContaining({ field: 'to' })]);
    // Someone else's pairing: the unit may neither read nor write it.
    expect((await call(app, 'POST', `/pairing/pairings/${pairingB}/projects`, { token: unit, body: { name: '道路', kind: '基础设施', budgetFen: 1, status: 'planned' } })).status).toBe(403);
  });

  it('authorization: a unit sees only its own pairings, a township only its villages’, a village its own', async () => {
    const unitAToken = await tokenFor('unit', '120225', { unitId: unitA });
    const ids = (a: { body: { items: { id: string }[] } }) => a.body.items.map((p) => p.id).sort();
    const own = await call(app, 'GET', '/pairing/pairings', { token: unitAToken });
    expect(own.status, JSON.stringify(own.body)).toBe(200);
    expect(ids(own)).toEqual([pairingA, pairingC].sort());
    expect(ids(await call(app, 'GET', `/pairing/pairings?division=120225100`, { token: unitAToken }))).toEqual([pairingA]);
    expect((await call(app, 'GET', `/pairing/pairings?unitId=${unitB}`, { token: unitAToken })).status).toBe(403);
    expect((await call(app, 'GET', `/pairing/pairings/${pairingB}`, { token: unitAToken })).status).toBe(403);
    expect((await call(app, 'GET', `/pairing/pairings/${pairingA}`, { token: unitAToken })).status).toBe(200);
    expect((await call(app, 'GET', '/pairing/pairings', { token: await tokenFor('unit', '120225') })).status).toBe(403);

    const township = await tokenFor('township', '120225100');
    const tw = await call(app, 'GET', '/pairing/pairings', { token: township });
    expect(tw.status).toBe(200);
    expect(tw.body.items.every((p: { village: string }) => p.village.startsWith('120225100'))).toBe(true);
    expect(ids(tw)).toEqual(expect.arrayContaining([pairingA, pairingB]));
    expect(ids(tw)).not.toContain(pairingC);
    expect(ids(await call(app, 'GET', `/pairing/pairings?unitId=${unitA}`, { token: township }))).toEqual([pairingA]);
    expect((await call(app, 'GET', '/pairing/pairings?division=120225101', { token: township })).status).toBe(403);
    expect((await call(app, 'GET', `/pairing/pairings/${pairingC}`, { token: township })).status).toBe(403);
    expect((await call(app, 'GET', `/pairing/pairings/${pairingA}`, { token: township })).status).toBe(200);

    const village = await tokenFor('village', villages.c.code);
    expect(ids(await call(app, 'GET', '/pairing/pairings', { token: village }))).toEqual([pairingC]);
    expect((await call(app, 'GET', `/pairing/pairings/${pairingA}`, { token: village })).status).toBe(403);

    for (const role of ['finance', 'auditor'] as const) {
      const token = await tokenFor(role, '120225');
      expect((await call(app, 'GET', `/pairing/pairings/${pairingC}`, { token })).status).toBe(200);
      expect(ids(await call(app, 'GET', '/pairing/pairings', { token }))).toEqual(expect.arrayContaining([pairingA, pairingB, pairingC]));
      expect((await call(app, 'PUT', `/pairing/pairings/${pairingC}`, { token, body: { level: 'city', pledgedFenPerYear: 1, targets } })).status).toBe(403);
    }
    expect((await call(app, 'GET', `/pairing/pairings/${pairingA}`, { token: await tokenFor('admin', '120223') })).status).toBe(403);
    expect((await call(app, 'GET', '/pairing/pairings?division=120223', { token: admin })).status).toBe(403);
  });

  it('decides before revealing existence: a role that may never act gets the same 403 for a real and a missing pairing', async () => {
    const missing = 'pp-00000000-0000-4000-8000-000000000000';
    const unit = await tokenFor('unit', '120225', { unitId: unitA });
    const township = await tokenFor('township', '120225100');
    const cases: [string, string, string, unknown][] = [
      [unit, 'PUT', '', { level: 'city', pledgedFenPerYear: 1, targets }],
      [unit, 'POST', '/cadres', { name: '王芳', role: 'team-member', from: '2014-01-01' }],
      [township, 'POST', '/investments', { date: '2014-01-01', amountFen: 1, purpose: '道路' }],
      [township, 'POST', '/projects', { name: '道路', kind: '基础设施', budgetFen: 1, status: 'planned' }],
    ];
    for (const [token, method, suffix, body] of cases) {
      const real = await call(app, method, `/pairing/pairings/${pairingA}${suffix}`, { token, body });
      const absent = await call(app, method, `/pairing/pairings/${missing}${suffix}`, { token, body });
      expect([real.status, absent.status], `${method} ${suffix}`).toEqual([403, 403]);
    }
    const csv = 'termId,unitId,village,level,pledgedFenPerYear\n';
    expect((await call(app, 'POST', '/pairing/pairings/import', { token: township, rawBody: csv, headers: { 'content-type': 'text/csv' } })).status).toBe(403);
    expect((await call(app, 'POST', '/pairing/terms', { token: unit, body: tianjinTerm })).status).toBe(403);
    expect((await call(app, 'GET', `/pairing/pairings/${missing}`, { token: admin })).status).toBe(404);
  });
});

describe('pairing CSV import', () => {
  const upload = (text: string, token = admin, type = 'text/csv') => call(app, 'POST', '/pairing/pairings/import', { token, rawBody: text, headers: { 'content-type': type } });

  it('refuses the whole file when any row is wrong, every error by row and column, and writes nothing', async () => {
    const before = await tableSnapshot();
    const bad = await upload(
      [
        'termId,unitId,village,level,pledgedYuanPerYear',
        `${termId},${unitB},${villages.c.code},city,500000`,
        `${termId},${unitB},${villages.c.code},district,1`,
        `${termId},not-a-unit,120225100,县级,-5`,
        `${termId},${unitB},120223100201,city,1.234`,
      ].join('\n'),
    );
    expect(bad.status).toBe(422);
    expect(bad.body.errors).toEqual([
      { field: 'row 3: village', message: expect.stringContaining('on row 2'), in: 'body' },
      { field: 'row 4: level', message: expect.stringContaining('not a level'), in: 'body' },
      { field: 'row 4: pledgedYuanPerYear', message: expect.stringContaining('negative'), in: 'body' },
      { field: 'row 4: unitId', message: expect.any(String), in: 'body' },
      { field: 'row 4: village', message: expect.any(String), in: 'body' },
      { field: 'row 5: pledgedYuanPerYear', message: expect.stringContaining('decimals'), in: 'body' },
    ]);
    const refs = await upload(['帮扶周期,帮扶单位,村代码,层级,年承诺资金(分)', `${termId},${unitA},${villages.a.code},市级,100`, `${termId},00000000-0000-4000-8000-000000000000,${villages.b.code},区级,100`, `${termId},${unitB},120223100201,市级,100`].join('\n'));
    expect(refs.status).toBe(422);
    expect(refs.body.errors).toEqual([
      { field: 'row 2: village', message: expect.stringContaining('already paired'), in: 'body' },
      { field: 'row 3: unitId', message: expect.stringContaining('not registered'), in: 'body' },
      { field: 'row 4: village', message: expect.stringContaining('outside your jurisdiction'), in: 'body' },
    ]);
    const missing = await upload(['termId,unitId,village,level,pledgedFenPerYear', `pt-00000000-0000-4000-8000-000000000000,${unitA},${villages.b.code},city,1`, `${termId},${unitA},120225100299,city,1`].join('\n'));
    expect(missing.body.errors).toEqual([
      { field: 'row 2: termId', message: expect.stringContaining('does not exist'), in: 'body' },
      { field: 'row 3: village', message: expect.stringContaining('not registered'), in: 'body' },
    ]);
    expect((await upload('termId,unitId,village,level\n')).body.errors).toEqual([expect.objectContaining({ field: 'row 1: pledgedFenPerYear' })]);
    expect((await upload('termId,unitId,village,level,pledgedFenPerYear\nx,y,z,city,1\n', admin, 'application/json')).status).toBe(415);
    expect((await upload(`termId,unitId,village,level,pledgedFenPerYear\n${`${termId},${unitA},${villages.b.code},city,1\n`.repeat(6_000)}`)).status).toBe(413);
    expect((await upload('termId,unitId,village,level,pledgedFenPerYear\nx,y,z,city,1\n', await tokenFor('admin', '120223'))).status).toBe(422);
    expect(await tableSnapshot()).toEqual(before);
  });

  it('creates every pairing of a good file, with Chinese headers and the pledge in yuan', async () => {
    const ok = await upload(['\uFEFF帮扶周期,帮扶单位,村代码,层级,年承诺资金(元)', `${termId},${unitB},${villages.c.code},区级,500000.50`, `${termId},${unitA},${villages.b.code},city,0`].join('\r\n'));
    expect(ok.status).toBe(201);
    expect(ok.body).toMatchObject({ rowCount: 2, created: 2 });
    const first = await call(app, 'GET', `/pairing/pairings/${ok.body.ids[0]}`, { token: admin });
    expect(first.body).toMatchObject({ unitId: unitB, village: villages.c.code, level: 'district', pledgedFenPerYear: 50_000_050 });
    expect((await upload(['termId,unitId,village,level,pledgedFenPerYear', `${termId},${unitB},${villages.c.code},city,1`].join('\n'))).body.errors).toEqual([
      expect.objectContaining({ field: 'row 2: village', message: expect.stringContaining('already paired') }),
    ]);
  });
});

describe('fuzz: POST /pairing/pairings/import', () => {
  // The only well-formed row the cells can make pairs unitA with village b, paired by the import above: a 422 too.
  it('answers 4xx to any body that is not a CSV, or a CSV that is not a good file, and writes nothing', async () => {
    const before = await tableSnapshot();
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('application/json', 'text/plain', 'text/csv', 'text/csv; charset=latin1', 'application/octet-stream'),
        fc.oneof(
          fc.string({ maxLength: 400 }),
          fc.array(fc.array(fc.oneof(fc.string({ maxLength: 15 }), fc.constantFrom(termId, unitA, villages.b.code, 'city', '市级', '1.005', '-1')), { minLength: 1, maxLength: 6 }), { minLength: 1, maxLength: 6 }).map(
            (rows) => `termId,unitId,village,level,pledgedYuanPerYear\n${rows.map((r) => r.join(',')).join('\n')}`,
          ),
        ),
        async (contentType, text) => {
          const answer = await call(app, 'POST', '/pairing/pairings/import', { token: admin, rawBody: text, headers: { 'content-type': contentType } });
          expect(answer.status).toBeGreaterThanOrEqual(400);
          expect(answer.status).toBeLessThan(500);
        },
      ),
      { numRuns: 200 },
    );
    expect(await tableSnapshot()).toEqual(before);
  });
});

describe('pairing routes refuse bad input with 4xx problems and write nothing', () => {
  const id = 'pp-00000000-0000-4000-8000-000000000000';
  const part = '00000000-0000-4000-8000-000000000000';
  const project = { name: '食用菌大棚', kind: '产业', budgetFen: 30_000_000, status: 'planned' };
  const cadre = { name: '张伟', role: 'first-secretary', from: '2013-03-01' };
  /** The pairing program's POST/PUT routes with a JSON body (tests/api/platform/fuzz.test.ts names them as fuzzed here). */
  const fuzzTargets = (): FuzzTarget[] => [
    { app, token: admin, method: 'POST', path: '/pairing/terms', schema: pairingTermBodySchema, valid: tianjinTerm },
    { app, token: admin, method: 'POST', path: '/pairing/pairings', schema: pairingBodySchema, valid: { termId, unitId: unitA, village: villages.b.code, level: 'city', pledgedFenPerYear: 1, targets, cadres: [cadre] } },
    { app, token: admin, method: 'PUT', path: `/pairing/pairings/${id}`, schema: pairingUpdateSchema, valid: { level: 'city', pledgedFenPerYear: 1, targets, version: 1 } },
    { app, token: admin, method: 'POST', path: `/pairing/pairings/${id}/cadres`, schema: pairingCadreBodySchema, valid: cadre },
    { app, token: admin, method: 'PUT', path: `/pairing/pairings/${id}/cadres/${part}`, schema: pairingCadreUpdateSchema, valid: { ...cadre, to: '2014-01-01', version: 1 } },
    { app, token: admin, method: 'POST', path: `/pairing/pairings/${id}/investments`, schema: pairingInvestmentBodySchema, valid: { date: '2014-05-20', amountFen: 1, purpose: '大棚', projectId: part } },
    { app, token: admin, method: 'POST', path: `/pairing/pairings/${id}/projects`, schema: pairingProjectBodySchema, valid: project },
    { app, token: admin, method: 'PUT', path: `/pairing/pairings/${id}/projects/${part}`, schema: pairingProjectUpdateSchema, valid: { ...project, version: 1 } },
  ];

  it('starts from bodies the routes accept', () => {
    for (const t of fuzzTargets()) expect(t.schema.safeParse(t.valid).success, `${t.method} ${t.path}`).toBe(true);
  });

  it.each([0, 1, 2, 3, 4, 5, 6, 7])('route #%i: 200 invalid bodies', async (i) => {
    const seen = await fuzzRoute({ ...fuzzTargets()[i]!, runs: 200 });
    expect([...seen.keys()].every((s) => s >= 400 && s < 500)).toBe(true);
  });
});
