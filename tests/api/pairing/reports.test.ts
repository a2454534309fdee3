import { beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../../functions/api/app.ts';
import { periodContaining, addDays } from '../../../functions/programs/pairing/domain/period.ts';
import { reportingPeriod, tianjinSchedule } from '../../../functions/programs/pairing/domain/schedule.ts';
import { contribution, mergeCounters, zeroCounters } from '../../../functions/programs/pairing/domain/report.ts';
import { sweepOverdue } from '../../../functions/programs/pairing/report-use-cases.ts';
import { periodReports } from '../../../functions/programs/pairing/store/report.ts';
import { getCounter } from '../../../functions/programs/pairing/store/report-counter.ts';
import { acceptanceBodySchema, reportFilingBodySchema, reportReviewBodySchema } from '../../../functions/programs/pairing/routes/reports.ts';
import { call, tokenFor } from '../../support/api.ts';
import { fuzzRoute, tableSnapshot, type FuzzTarget } from '../../support/fuzz.ts';

const app = buildApp();
const now = new Date();
const year = Number(now.toISOString().slice(0, 4));
const monthly = tianjinSchedule[0]!;
// The month a unit reports on today (not yet past due: filed now, on time) and the one before it (past due: late).
const open = reportingPeriod(monthly, now).id;
const pastDue = periodContaining('monthly', addDays(reportingPeriod(monthly, now).start, -1)).id;

const villages = {
  a: { code: '120225100201', name: '东关村', population: 1200, economicallyWeak: true, category: '强基', operatingFundsFen: 16_000_000 },
  b: { code: '120225100202', name: '西关村', population: 800, economicallyWeak: true, category: '强基', operatingFundsFen: 16_000_000 },
  c: { code: '120225101201', name: '南关村', population: 900, economicallyWeak: true, category: '强基', operatingFundsFen: 16_000_000 },
};
const term = {
  name: '结对帮扶测试周期',
  division: '120225',
  firstYear: year - 1,
  lastYear: year + 1,
  schedule: tianjinSchedule,
  targets: { advancedVillages: 1, oneVillageOneIndustry: 1, oneVillageOneCooperative: 1, collectiveIncomeFen: 10_000_000 },
};
const targets = {
  becomesAdvanced: true,
  oneVillageOneIndustry: { baseline: false, target: true },
  oneVillageOneCooperative: { baseline: false, target: true },
  collectiveIncomeFen: { baseline: 1_000_000, target: 3_000_000 },
};
const values = { investedFen: 1_200_000, cadreDays: 44, projectsStarted: 1, projectsFinished: 0, collectiveIncomeToDateFen: 1_500_000, narrative: '食用菌大棚开工。\n第一书记驻村22天。' };

let admin = '';
let unitA = '';
let unitB = '';
let unitTokenA = '';
let unitTokenB = '';
let townshipYY = '';
let townshipOther = '';
let termId = '';
const pairing: Record<'a' | 'b' | 'c', string> = { a: '', b: '', c: '' };
const rid = (p: string, period = open) => `${p}~${period}`;

beforeAll(async () => {
  admin = await tokenFor('admin', '120225');
  for (const d of [{ code: '120225', name: '蓟州区' }, { code: '120225100', name: '渔阳镇' }, { code: '120225101', name: '洇溜镇' }]) {
    expect((await call(app, 'POST', '/divisions', { token: admin, body: d })).status).toBe(201);
  }
  for (const v of Object.values(villages)) expect((await call(app, 'POST', '/villages', { token: admin, body: v })).status).toBe(201);
  unitA = (await call(app, 'POST', '/units', { token: admin, body: { name: '天津港（集团）有限公司', level: 'city', kind: 'enterprise', division: '120225' } })).body.id;
  unitB = (await call(app, 'POST', '/units', { token: admin, body: { name: '蓟州区农业农村委员会', level: 'district', kind: 'agency', division: '120225' } })).body.id;
  unitTokenA = await tokenFor('unit', '120225', { unitId: unitA });
  unitTokenB = await tokenFor('unit', '120225', { unitId: unitB });
  townshipYY = await tokenFor('township', '120225100');
  townshipOther = await tokenFor('township', '120225101');
  termId = (await call(app, 'POST', '/pairing/terms', { token: admin, body: term })).body.id;
  const pair = async (unitId: string, village: string, extra: object = {}) => {
    const res = await call(app, 'POST', '/pairing/pairings', { token: admin, body: { termId, unitId, village, level: 'city', pledgedFenPerYear: 12_000_001, ...extra } });
    expect(res.status).toBe(201);
    return res.body.id as string;
  };
  pairing.a = await pair(unitA, villages.a.code, { targets, cadres: [{ name: '张伟', role: 'first-secretary', from: `${year - 1}-01-01` }, { name: '李强', role: 'team-member', from: `${year - 1}-01-01` }] });
  pairing.b = await pair(unitB, villages.a.code);
  pairing.c = await pair(unitA, villages.c.code);
});

describe('opening a period', () => {
  it('makes one expected report per pairing, once, however often it is opened (admin only)', async () => {
    expect((await call(app, 'POST', `/pairing/terms/${termId}/periods/${open}/open`, { token: townshipYY })).status).toBe(403);
    expect((await call(app, 'POST', `/pairing/terms/${termId}/periods/${open}/open`, { token: await tokenFor('admin', '120223') })).status).toBe(403);
    const first = await call(app, 'POST', `/pairing/terms/${termId}/periods/${open}/open`, { token: admin });
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ created: 3, pairings: 3, period: { status: 'open', periodId: open } });
    const again = await call(app, 'POST', `/pairing/terms/${termId}/periods/${open}/open`, { token: admin });
    expect(again.body).toMatchObject({ created: 0, pairings: 3 });
    expect((await call(app, 'POST', `/pairing/terms/${termId}/periods/${year + 5}-01/open`, { token: admin })).body.errors).toEqual([expect.objectContaining({ field: 'periodId' })]);
    expect((await call(app, 'POST', `/pairing/terms/${termId}/periods/${pastDue}/open`, { token: admin })).status).toBe(200);
    const report = await call(app, 'GET', `/pairing/reports/${rid(pairing.a)}`, { token: admin });
    expect(report.body).toMatchObject({ status: 'expected', overdue: false, submissions: 0, opening: { pledgedFen: 1_000_000, cadresInPlace: 2, firstSecretaries: 1, collectiveIncomeTargetFen: 3_000_000 } });
    const periods = await call(app, 'GET', `/pairing/terms/${termId}/periods`, { token: unitTokenA });
    expect(periods.body.items.map((p: { periodId: string }) => p.periodId).sort()).toEqual([pastDue, open].sort());
  });
});

describe('filing, review, acceptance', () => {
  it('shows a unit only its own unit’s reports, and lets it file only those', async () => {
    const mine = await call(app, 'GET', `/pairing/reports?termId=${termId}&periodId=${open}`, { token: unitTokenA });
    expect(mine.status).toBe(200);
    expect(mine.body.items.map((r: { pairingId: string }) => r.pairingId).sort()).toEqual([pairing.a, pairing.c].sort());
    expect((await call(app, 'GET', `/pairing/reports/${rid(pairing.b)}`, { token: unitTokenA })).status).toBe(403);
    expect((await call(app, 'PUT', `/pairing/reports/${rid(pairing.b)}`, { token: unitTokenA, body: values })).status).toBe(403);
    expect((await call(app, 'PUT', `/pairing/reports/${rid(pairing.a)}`, { token: admin, body: values })).status).toBe(403);
    const township = await call(app, 'GET', `/pairing/reports?termId=${termId}&periodId=${open}`, { token: townshipYY });
    expect(township.body.items.map((r: { village: string }) => r.village)).toEqual([villages.a.code, villages.a.code]);
  });

  it('answers a role that may never act 403 before it looks the report up (existing or not)', async () => {
    const missing = 'pp-00000000-0000-4000-8000-000000000000~2025-01';
    for (const id of [rid(pairing.a), missing]) {
      expect((await call(app, 'PUT', `/pairing/reports/${id}`, { token: townshipYY, body: values })).status).toBe(403);
      expect((await call(app, 'POST', `/pairing/reports/${id}/review`, { token: unitTokenA, body: { decision: 'approve' } })).status).toBe(403);
      expect((await call(app, 'GET', `/pairing/reports/${id}`, { token: await tokenFor('village', villages.a.code) })).status).toBe(403);
    }
    expect((await call(app, 'POST', `/pairing/terms/pt-00000000-0000-4000-8000-000000000000/periods/${open}/acceptance`, { token: townshipYY, body: { division: '120225100' } })).status).toBe(403);
  });

  it('refuses bad values naming the field, and writes nothing', async () => {
    const before = await tableSnapshot();
    const put = (body: unknown) => call(app, 'PUT', `/pairing/reports/${rid(pairing.a)}`, { token: unitTokenA, body });
    expect((await put({ ...values, investedFen: -1 })).body.errors).toEqual([expect.objectContaining({ field: 'investedFen' })]);
    expect((await put({ ...values, investedFen: 10.5 })).body.errors).toEqual([expect.objectContaining({ field: 'investedFen' })]);
    const { cadreDays: _d, ...noDays } = values;
    expect((await put(noDays)).body.errors).toEqual([expect.objectContaining({ field: 'cadreDays' })]);
    expect((await put({ nil: true, investedFen: 1 })).body.errors).toEqual([expect.objectContaining({ field: 'investedFen' })]);
    expect((await call(app, 'PUT', `/pairing/reports/${pairing.a}~1999-01`, { token: unitTokenA, body: values })).status).toBe(404);
    expect(await tableSnapshot()).toEqual(before);
  });

  it('files on time, is returned with a reason, resubmitted with the versions kept, approved and then locked', async () => {
    const filed = await call(app, 'PUT', `/pairing/reports/${rid(pairing.a)}`, { token: unitTokenA, body: values });
    expect(filed.status).toBe(200);
    expect(filed.body).toMatchObject({ status: 'submitted', timeliness: 'on-time', submissions: 1, current: { ...values, nil: false } });
    expect((await call(app, 'POST', `/pairing/reports/${rid(pairing.a)}/review`, { token: townshipYY, body: { decision: 'return' } })).body.errors).toEqual([expect.objectContaining({ field: 'reason' })]);
    expect((await call(app, 'POST', `/pairing/reports/${rid(pairing.a)}/review`, { token: townshipOther, body: { decision: 'approve' } })).status).toBe(403);
    expect((await call(app, 'POST', `/pairing/reports/${rid(pairing.a)}/review`, { token: unitTokenA, body: { decision: 'approve' } })).status).toBe(403);
    const returned = await call(app, 'POST', `/pairing/reports/${rid(pairing.a)}/review`, { token: townshipYY, body: { decision: 'return', reason: '投入资金缺少明细' } });
    expect(returned.body).toMatchObject({ status: 'returned', review: { decision: 'returned', reason: '投入资金缺少明细' } });
    expect((await call(app, 'PUT', `/pairing/reports/${rid(pairing.a)}`, { token: unitTokenA, body: { ...values, version: 1 } })).status).toBe(409);
    const again = await call(app, 'PUT', `/pairing/reports/${rid(pairing.a)}`, { token: unitTokenA, body: { ...values, investedFen: 1_300_000, version: returned.body.version } });
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ status: 'submitted', timeliness: 'on-time', submissions: 2, current: { investedFen: 1_300_000 } });
    const versions = await call(app, 'GET', `/pairing/reports/${rid(pairing.a)}/versions`, { token: townshipYY });
    expect(versions.body.items.map((v: { n: number; content: { investedFen: number } }) => [v.n, v.content.investedFen])).toEqual([
      [1, 1_200_000],
      [2, 1_300_000],
    ]);
    const approved = await call(app, 'POST', `/pairing/reports/${rid(pairing.a)}/review`, { token: townshipYY, body: { decision: 'approve' } });
    expect(approved.body.status).toBe('approved');
    expect((await call(app, 'PUT', `/pairing/reports/${rid(pairing.a)}`, { token: unitTokenA, body: values })).status).toBe(409);
    expect((await call(app, 'POST', `/pairing/reports/${rid(pairing.a)}/review`, { token: townshipYY, body: { decision: 'return', reason: '再改' } })).status).toBe(409);
  });

  it('takes a nil report, and classes a report filed after its due date as late', async () => {
    const nil = await call(app, 'PUT', `/pairing/reports/${rid(pairing.c)}`, { token: unitTokenA, body: { nil: true } });
    expect(nil.body).toMatchObject({ status: 'submitted', current: { nil: true, narrative: '' } });
    const late = await call(app, 'PUT', `/pairing/reports/${rid(pairing.b, pastDue)}`, { token: unitTokenB, body: values });
    expect(late.body).toMatchObject({ status: 'submitted', timeliness: 'late' });
  });

  it('holds back the approved reports the county names as exceptions, each with its reason, and refuses an unknown one', async () => {
    const held = await call(app, 'POST', `/pairing/terms/${termId}/periods/${open}/acceptance`, { token: admin, body: { division: '120225', exceptions: [{ reportId: rid(pairing.a), reason: '投入资金与台账不符' }] } });
    expect(held.status).toBe(200);
    expect(held.body).toMatchObject({ accepted: 0, alreadyAccepted: 0 });
    expect(held.body.exceptions).toContainEqual(expect.objectContaining({ reportId: rid(pairing.a), status: 'approved', reason: '投入资金与台账不符' }));
    expect((await call(app, 'GET', `/pairing/reports/${rid(pairing.a)}`, { token: admin })).body.status).toBe('approved');
    const unknown = await call(app, 'POST', `/pairing/terms/${termId}/periods/${open}/acceptance`, { token: admin, body: { division: '120225', exceptions: [{ reportId: rid(pairing.c), reason: '尚未审核' }, { reportId: 'pp-00000000-0000-4000-8000-000000000000~2025-01', reason: '不存在' }] } });
    expect(unknown.status).toBe(400);
    expect(unknown.body.errors).toEqual([expect.objectContaining({ field: 'exceptions.1.reportId' })]);
    const twice = await call(app, 'POST', `/pairing/terms/${termId}/periods/${open}/acceptance`, { token: admin, body: { division: '120225', exceptions: [{ reportId: rid(pairing.a), reason: '一' }, { reportId: rid(pairing.a), reason: '二' }] } });
    expect(twice.body.errors).toEqual([expect.objectContaining({ field: 'exceptions.1.reportId' })]);
    expect((await call(app, 'POST', `/pairing/terms/${termId}/periods/${open}/acceptance`, { token: admin, body: { division: '120225', exceptions: [{ reportId: rid(pairing.a), reason: '' }] } })).body.errors).toEqual([expect.objectContaining({ field: 'exceptions.0.reason' })]);
  });

  it('accepts every approved report of the period at once, listing the others as exceptions', async () => {
    expect((await call(app, 'POST', `/pairing/terms/${termId}/periods/${open}/acceptance`, { token: townshipYY, body: { division: '120225100' } })).status).toBe(403);
    const accepted = await call(app, 'POST', `/pairing/terms/${termId}/periods/${open}/acceptance`, { token: admin, body: { division: '120225' } });
    expect(accepted.status).toBe(200);
    expect(accepted.body.accepted).toBe(1);
    expect(accepted.body.exceptions.map((e: { reportId: string; status: string }) => [e.reportId, e.status]).sort()).toEqual(
      [
        [rid(pairing.b), 'expected'],
        [rid(pairing.c), 'submitted'],
      ].sort(),
    );
    expect((await call(app, 'GET', `/pairing/reports/${rid(pairing.a)}`, { token: admin })).body.status).toBe('accepted');
    const repeat = await call(app, 'POST', `/pairing/terms/${termId}/periods/${open}/acceptance`, { token: admin, body: { division: '120225' } });
    expect(repeat.body).toMatchObject({ accepted: 0, alreadyAccepted: 1 });
  });
});

describe('views from counters', () => {
  it('marks unfiled reports past due as missing, and the counters equal a recount of the reports', async () => {
    const swept = await sweepOverdue(termId, pastDue, { sub: 'period-workflow', roles: ['admin'] }, new Date());
    expect(swept).toEqual({ overdue: 2, marked: 2 });
    expect(await sweepOverdue(termId, pastDue, { sub: 'period-workflow', roles: ['admin'] }, new Date())).toEqual({ overdue: 2, marked: 0 });
    for (const periodId of [open, pastDue]) {
      const recount = [];
      for await (const r of periodReports(termId, periodId)) recount.push(contribution(r));
      const total = await getCounter({ termId, periodId, scope: 'total', key: '-' });
      const { termId: _t, periodId: _p, scope: _s, key: _k, ...counters } = total!;
      expect(counters).toEqual(mergeCounters(zeroCounters, ...recount));
    }
  });

  it('answers completeness and timeliness by township, unit and period; each caller sees only their rows', async () => {
    const byTownship = await call(app, 'GET', `/pairing/terms/${termId}/views?by=township&periodId=${open}`, { token: admin });
    expect(byTownship.status).toBe(200);
    const rows = Object.fromEntries(byTownship.body.rows.map((r: { key: string; counters: object }) => [r.key, r]));
    expect(rows['120225100']).toMatchObject({ name: '渔阳镇', counters: { expected: 2, filed: 1, onTime: 1, late: 0, missing: 0, accepted: 1, investedFen: 1_300_000, pledgedFen: 2_000_000 } });
    expect(rows['120225101']).toMatchObject({ counters: { expected: 1, filed: 1, nil: 1 } });
    expect(byTownship.body.total.counters).toMatchObject({ expected: 3, filed: 2, onTime: 2 });
    expect(byTownship.body.total.rates.completenessBp).toBe(6666);
    const township = await call(app, 'GET', `/pairing/terms/${termId}/views?by=township&periodId=${open}`, { token: townshipYY });
    expect(township.body.rows.map((r: { key: string }) => r.key)).toEqual(['120225100']);
    const unit = await call(app, 'GET', `/pairing/terms/${termId}/views?by=unit&periodId=${open}`, { token: unitTokenA });
    expect(unit.body.rows).toEqual([expect.objectContaining({ key: unitA, name: '天津港（集团）有限公司', counters: expect.objectContaining({ expected: 2, filed: 2 }) })]);
    expect((await call(app, 'GET', `/pairing/terms/${termId}/views?by=period`, { token: unitTokenA })).status).toBe(403);
    const byPeriod = await call(app, 'GET', `/pairing/terms/${termId}/views?by=period`, { token: await tokenFor('finance', '120225') });
    const past = byPeriod.body.rows.find((r: { key: string }) => r.key === pastDue);
    expect(past.counters).toMatchObject({ expected: 3, filed: 1, late: 1, missing: 2 });
    expect((await call(app, 'GET', `/pairing/terms/${termId}/views?by=township`, { token: admin })).body.errors).toEqual([expect.objectContaining({ field: 'periodId' })]);
    expect((await call(app, 'GET', `/pairing/terms/${termId}/views?by=township&periodId=${open}`, { token: await tokenFor('village', villages.a.code) })).status).toBe(403);
  });

  it('exports each view as CSV and XLSX with Chinese headers', async () => {
    const csv = await app.request(`/pairing/terms/${termId}/views/completeness/export?by=township&periodId=${open}`, { headers: { authorization: `Bearer ${admin}` } });
    expect(csv.status).toBe(200);
    const text = new TextDecoder('utf-8', { ignoreBOM: true }).decode(await csv.arrayBuffer());
    expect(text.startsWith('\uFEFF乡镇代码,乡镇,应报数,实报数,及时报送数,逾期报送数,缺报数')).toBe(true);
    expect(text).toContain('120225100,渔阳镇,2,1,1,0,0');
    expect(text).toContain('合计,,3,2,2');
    for (const view of ['funds', 'outcomes', 'cadres']) {
      const xlsx = await app.request(`/pairing/terms/${termId}/views/${view}/export?by=unit&periodId=${open}&format=xlsx`, { headers: { authorization: `Bearer ${admin}` } });
      expect(xlsx.status).toBe(200);
      expect(xlsx.headers.get('content-type')).toContain('spreadsheetml');
    }
    const funds = await (await app.request(`/pairing/terms/${termId}/views/funds/export?by=township&periodId=${open}`, { headers: { authorization: `Bearer ${admin}` } })).text();
    expect(funds).toContain('承诺帮扶资金(元),实际投入资金(元)');
    expect(funds).toContain('120225100,渔阳镇,20000.00,13000.00,65.00');
  });
});

describe('closing', () => {
  it('stops filing once the admin closes the period', async () => {
    const closed = await call(app, 'POST', `/pairing/terms/${termId}/periods/${open}/close`, { token: admin });
    expect(closed.body).toMatchObject({ status: 'closed' });
    expect((await call(app, 'PUT', `/pairing/reports/${rid(pairing.b)}`, { token: unitTokenB, body: values })).status).toBe(409);
    expect((await call(app, 'POST', `/pairing/terms/${termId}/periods/${open}/open`, { token: admin })).status).toBe(409);
  });
});

describe('report routes refuse bad input with 4xx problems and write nothing', () => {
  const missing = 'pp-00000000-0000-4000-8000-000000000000~2025-01';
  /** The report routes with a JSON body (tests/api/platform/fuzz.test.ts names them as fuzzed here). */
  const fuzzTargets = (): FuzzTarget[] => [
    { app, token: unitTokenA, method: 'PUT', path: `/pairing/reports/${missing}`, schema: reportFilingBodySchema, valid: values },
    { app, token: townshipYY, method: 'POST', path: `/pairing/reports/${missing}/review`, schema: reportReviewBodySchema, valid: { decision: 'return', reason: '缺少明细' } },
    { app, token: admin, method: 'POST', path: `/pairing/terms/${termId}/periods/${open}/acceptance`, schema: acceptanceBodySchema, valid: { division: '120225100' } },
  ];

  it('starts from bodies the routes accept', () => {
    for (const t of fuzzTargets()) expect(t.schema.safeParse(t.valid).success, `${t.method} ${t.path}`).toBe(true);
  });

  it.each([0, 1, 2])('route #%i: 150 invalid bodies', async (i) => {
    const seen = await fuzzRoute({ ...fuzzTargets()[i]!, runs: 150 });
    expect([...seen.keys()].every((s) => s >= 400 && s < 500)).toBe(true);
  });
});
