import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../../functions/api/app.ts';
import { beijingDate } from '../../../functions/platform/calendar.ts';
import { firstFiling, reportDueDate } from '../../../functions/programs/social/domain/annual-report.ts';
import { townshipReportHeaders } from '../../../functions/programs/social/routes/township-reports.ts';
import { putAnnualReport } from '../../../functions/programs/social/store/annual-report.ts';
import { getOrganisation } from '../../../functions/programs/social/store/organisation.ts';
import { call, tokenFor } from '../../support/api.ts';
import { seedSocialVillages, socialActors, type SocialActors } from '../../support/social/fixtures.ts';

// GET /social/townships/{township}/reports/{year} and its export: every filed or active organisation
// of the township with its report's state, judged in Beijing time (a report filed at 23:59:59
// Beijing on the due date, 15:59:59 UTC, is on time; one filed at 00:00 Beijing the next day, still
// the due date in UTC, is late), the totals; a village sees its own village's rows; 403 before
// anything is read, 400 naming the field.
const app = buildApp();
let t: SocialActors;
let villages: string[];
const ids: Record<string, string> = {};
const year = Number(beijingDate(new Date()).slice(0, 4)) - 1;
const header = 'village,name,category,categoryDescription,leaderName,partyMember,returnedTalent,fiveElders,members,foundedOn,contact,status';
const figures = { activities: 6, peopleServed: 150, incomeFen: 1_234_500, spendingFen: 1_000_000 };
const path = `/social/townships/120225100/reports/${year}`;

beforeAll(async () => {
  villages = await seedSocialVillages(2);
  t = await socialActors();
  const rows = [
    [villages[0], '甲按时会', '乡贤参事类', 'active'],
    [villages[0], '乙逾期会', '乡风文明类', 'active'],
    [villages[0], '丙未报会', '志愿服务类', 'filed'],
    [villages[0], '丁停止会', '矛盾调解类', 'active'],
    [villages[1], '戊二村会', '行业协会类', 'active'],
  ];
  const csv = [header, ...rows.map(([v, name, category, status]) => `${v},${name},${category},,王芳,是,否,是,12,2018-06-01,13900000000,${status}`)].join('\n');
  const res = await call(app, 'POST', '/social/organisations/import', { token: t.township, rawBody: csv, headers: { 'content-type': 'text/csv' } });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  for (const id of res.body.ids as string[]) ids[(await getOrganisation(id))!.name] = id;
  const suspended = await call(app, 'POST', `/social/organisations/${ids['丁停止会']}/suspend`, { token: t.township, body: { date: beijingDate(new Date()), reason: '停止活动', version: 1 } });
  expect(suspended.status, JSON.stringify(suspended.body)).toBe(200);
  // Filed through the store at chosen instants either side of midnight Beijing on the due date.
  const fileAt = async (name: string, at: string) => {
    const org = (await getOrganisation(ids[name]!))!;
    await putAnnualReport(undefined, { organisationId: org.id, village: org.village, year, ...firstFiling(year, new Date(at)), submittedBy: 'village' }, figures, { sub: 'village', roles: ['village'] }, { now: new Date(at) });
  };
  await fileAt('甲按时会', `${year + 1}-03-31T15:59:59.000Z`);
  await fileAt('乙逾期会', `${year + 1}-03-31T16:00:00.000Z`);
  // The second village files through the route.
  const filed = await call(app, 'PUT', `/social/organisations/${ids['戊二村会']}/reports/${year}`, { token: await t.village(villages[1]!), body: figures });
  expect(filed.status, JSON.stringify(filed.body)).toBe(200);
  expect(filed.body.filedAt).toEqual(expect.any(String));
});

afterEach(() => {
  delete process.env.SOCIAL_REPORT_DUE;
});

type Row = { name: string; state: string; filedOn?: string; filedAt?: string; cannotBeGraded: boolean; incomeFen?: number };
const byName = (rows: Row[]) => Object.fromEntries(rows.map((r) => [r.name, r]));

describe('a township’s annual reports of a year', () => {
  it('lists every organisation that owes the report with its state judged in Beijing time, and the totals', async () => {
    const res = await call(app, 'GET', path, { token: t.township });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const today = beijingDate(new Date());
    const unfiled = today > reportDueDate(year) ? 'overdue' : 'missing';
    const onTimeOfRoute = beijingDate(new Date(res.body.rows.find((r: Row) => r.name === '戊二村会').filedAt)) <= reportDueDate(year) ? 'on-time' : 'late';
    expect(res.body).toMatchObject({ township: '120225100', division: '120225100', year, dueDate: `${year + 1}-03-31`, today });
    const rows = byName(res.body.rows);
    expect(Object.keys(rows).sort()).toEqual(['丙未报会', '戊二村会', '乙逾期会', '甲按时会'].sort());
    expect(rows['甲按时会']).toMatchObject({ state: 'on-time', filedOn: `${year + 1}-03-31`, filedAt: `${year + 1}-03-31T15:59:59.000Z`, cannotBeGraded: false, incomeFen: 1_234_500 });
    expect(rows['乙逾期会']).toMatchObject({ state: 'late', filedOn: `${year + 1}-04-01`, filedAt: `${year + 1}-03-31T16:00:00.000Z`, cannotBeGraded: false });
    expect(rows['丙未报会']).toMatchObject({ state: unfiled, cannotBeGraded: true });
    expect(rows['丙未报会']!.filedOn).toBeUndefined();
    expect(rows['戊二村会']).toMatchObject({ state: onTimeOfRoute, cannotBeGraded: false });
    expect(res.body.totals).toEqual({
      expected: 4,
      filed: 3,
      onTime: 1 + Number(onTimeOfRoute === 'on-time'),
      late: 1 + Number(onTimeOfRoute === 'late'),
      missing: 1,
      overdue: Number(unfiled === 'overdue'),
    });
  });

  it('judges against the configured due date: with 31 December the unfiled one is missing, not overdue, and both filings are on time', async () => {
    process.env.SOCIAL_REPORT_DUE = '12-31';
    const res = await call(app, 'GET', path, { token: t.finance });
    expect(res.status).toBe(200);
    const rows = byName(res.body.rows);
    expect(res.body.dueDate).toBe(`${year + 1}-12-31`);
    expect(rows['乙逾期会']!.state).toBe('on-time');
    expect(rows['丙未报会']!.state).toBe('missing');
    expect(res.body.totals).toMatchObject({ expected: 4, filed: 3, onTime: 3, late: 0, missing: 1, overdue: 0 });
  });

  it('gives a village its own village’s rows only, and refuses other townships’ users before reading anything', async () => {
    const own = await call(app, 'GET', path, { token: await t.village(villages[0]!) });
    expect(own.status).toBe(200);
    expect(own.body.division).toBe(villages[0]);
    expect(own.body.rows.map((r: Row) => r.name).sort()).toEqual(['丙未报会', '乙逾期会', '甲按时会'].sort());
    expect(own.body.totals.expected).toBe(3);
    const second = await call(app, 'GET', path, { token: await t.village(villages[1]!) });
    expect(second.body.rows.map((r: Row) => r.name)).toEqual(['戊二村会']);
    for (const token of [t.admin, t.auditor]) expect((await call(app, 'GET', path, { token })).status).toBe(200);
    // Another township, a village of it, a unit: 403, also for a township that has no organisations.
    for (const token of [await tokenFor('township', '120225101'), await tokenFor('village', '120225101201'), await tokenFor('unit', '120225', { unitId: 'u1' }), await tokenFor('admin', '120223')]) {
      expect((await call(app, 'GET', path, { token })).status).toBe(403);
      expect((await call(app, 'GET', `/social/townships/120225100/reports/${year}/export`, { token })).status).toBe(403);
    }
    expect((await call(app, 'GET', `/social/townships/120225101/reports/${year}`, { token: await t.village(villages[0]!) })).status).toBe(403);
    // A township not registered: 404 for a caller who may read it, 403 for one who may not.
    expect((await call(app, 'GET', `/social/townships/120225150/reports/${year}`, { token: t.admin })).status).toBe(404);
    expect((await call(app, 'GET', `/social/townships/120225150/reports/${year}`, { token: t.township })).status).toBe(403);
  });

  it('answers 400 naming the field for a bad township or year', async () => {
    const cases: [string, string][] = [
      [`/social/townships/12022510/reports/${year}`, 'township'],
      [`/social/townships/120225100/reports/${year + 1}`, 'year'],
      ['/social/townships/120225100/reports/19x9', 'year'],
      ['/social/townships/120225100/reports/1999', 'year'],
      [`/social/townships/120225100/reports/${year}/export?format=pdf`, 'format'],
    ];
    for (const [url, field] of cases) {
      const res = await call(app, 'GET', url, { token: t.township });
      expect(res.status, url).toBe(400);
      expect(res.body.errors, url).toEqual([expect.objectContaining({ field })]);
    }
  });

  it('exports the list as CSV and XLSX with Chinese headers, amounts in yuan', async () => {
    const csv = await call(app, 'GET', `${path}/export`, { token: t.township });
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toMatch(/text\/csv/);
    const lines = String(csv.body).replace(/^\uFEFF/, '').split('\r\n');
    expect(lines[0]).toBe(townshipReportHeaders.join(','));
    expect(lines).toContain(`${villages[0]},甲按时会,乡贤参事类,按时报送,${year + 1}-03-31,是,6,150,12345.00,10000.00`);
    expect(lines.some((l) => l.startsWith(`${villages[0]},丙未报会,志愿服务类,`) && l.includes('否（未报送年度报告）'))).toBe(true);
    const own = await call(app, 'GET', `${path}/export?format=csv`, { token: await t.village(villages[1]!) });
    expect(String(own.body).replace(/^\uFEFF/, '').trim().split('\r\n')).toHaveLength(2);
    const xlsx = await app.request(`${path}/export?format=xlsx`, { headers: { authorization: `Bearer ${t.auditor}` } });
    expect(xlsx.status).toBe(200);
    expect(xlsx.headers.get('content-disposition')).toContain(`social-reports-120225100-${year}.xlsx`);
    expect(new Uint8Array(await xlsx.arrayBuffer()).slice(0, 2)).toEqual(new Uint8Array([0x50, 0x4b]));
  });
});
