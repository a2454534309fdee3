import { beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../../functions/api/app.ts';
import { tianjinSchedule } from '../../../functions/programs/pairing/domain/schedule.ts';
import { openDuePeriods } from '../../../functions/programs/pairing/schedule-use-cases.ts';
import { periodReports } from '../../../functions/programs/pairing/store/report.ts';
import { listReportPeriods } from '../../../functions/programs/pairing/store/report-period.ts';
import { ManualClock } from '../../../local/stepfunctions/clock.ts';
import { call, tokenFor } from '../../support/api.ts';
import { history, statesEntered, useLocalStepFunctions } from '../../support/stepfunctions.ts';
import { waitUntil } from '../../support/wait.ts';
import { fuzzRoute } from '../../support/fuzz.ts';
import { scheduleRunBodySchema } from '../../../functions/programs/pairing/routes/schedule.ts';

// The daily scheduled start (openDuePeriods: EventBridge Scheduler on AWS, POST /pairing/schedule/run
// locally) on the local Step Functions endpoint: on 3 July 2026 a term with monthly and half-yearly
// reports gets July (due 28 July), the first half-year (ended, due 5 July) and the second (begun
// 1 July) opened, not June (past due);
// run again, by the schedule or the route, it starts nothing and makes no report twice. The clock is
// manual, so the workflows stop at their first Wait.

const clock = new ManualClock(Date.parse('2026-07-03T00:05:00+08:00'));
useLocalStepFunctions({ clock });
const app = buildApp();
let termId = '';
const villages = ['120225100201', '120225100202', '120225101201'];

beforeAll(async () => {
  const admin = await tokenFor('admin', '120225');
  for (const d of [{ code: '120225', name: '蓟州区' }, { code: '120225100', name: '渔阳镇' }, { code: '120225101', name: '洇溜镇' }]) {
    expect((await call(app, 'POST', '/divisions', { token: admin, body: d })).status).toBe(201);
  }
  for (const [i, code] of villages.entries()) {
    expect((await call(app, 'POST', '/villages', { token: admin, body: { code, name: `定时村${i + 1}`, population: 900, economicallyWeak: true, category: '强基', operatingFundsFen: 16_000_000 } })).status).toBe(201);
  }
  const unit = (await call(app, 'POST', '/units', { token: admin, body: { name: '定时帮扶单位', level: 'district', kind: 'agency', division: '120225' } })).body.id as string;
  termId = (await call(app, 'POST', '/pairing/terms', { token: admin, body: { name: '2026年结对帮扶', division: '120225', firstYear: 2026, lastYear: 2026, schedule: tianjinSchedule.slice(0, 2), targets: { advancedVillages: 1, oneVillageOneIndustry: 1, oneVillageOneCooperative: 1, collectiveIncomeFen: 1 } } })).body.id;
  for (const village of villages) {
    expect((await call(app, 'POST', '/pairing/pairings', { token: admin, body: { termId, unitId: unit, village, level: 'district', pledgedFenPerYear: 1_200_000 } })).status).toBe(201);
  }
});

async function reportsOf(periodId: string): Promise<string[]> {
  const ids: string[] = [];
  for await (const r of periodReports(termId, periodId)) ids.push(r.id);
  return ids;
}

describe('the scheduled start of pairing periods', () => {
  it('opens each period that has started and is not past due, once, however often it runs', async () => {
    const now = new Date(clock.now());
    const first = await openDuePeriods('2026-07-03', now);
    expect(first.started.map((s) => s.periodId).sort()).toEqual(['2026-07', '2026S1', '2026S2']);
    expect(first.started.every((s) => s.executionArn.endsWith(`:${termId}.${s.periodId}`))).toBe(true);
    // At once again, while the workflows may still be preparing: nothing new is started.
    const again = await openDuePeriods('2026-07-03', now);
    expect(again.started).toEqual([]);

    // The workflows open their period for every pairing and wait on the clock for the first reminder.
    for (const s of first.started) {
      await waitUntil(
        async () => {
          const path = statesEntered(await history(s.executionArn));
          return { done: path.includes('WaitForEvent'), seen: `${s.periodId}: ${path.join(' → ')}` };
        },
        { what: `${s.periodId} to wait for its first event`, timeoutMs: 30_000 },
      );
    }
    expect((await listReportPeriods(termId)).map((p) => p.periodId).sort()).toEqual(['2026-07', '2026S1', '2026S2']);

    // A third run (the route, as an admin clicks it locally) finds all three open and starts nothing.
    const admin = await tokenFor('admin', '120225');
    const third = await call(app, 'POST', '/pairing/schedule/run', { token: admin, body: { today: '2026-07-03' } });
    expect(third.status).toBe(200);
    expect(third.body).toMatchObject({ today: '2026-07-03', started: [], alreadyStarted: [] });
    expect(third.body.terms).toBeGreaterThanOrEqual(1);
    for (const periodId of ['2026-07', '2026S1', '2026S2']) {
      const ids = await reportsOf(periodId);
      expect(ids).toHaveLength(villages.length);
      expect(new Set(ids).size).toBe(villages.length);
    }
    expect(await reportsOf('2026-06')).toEqual([]);
  });

  it('leaves the route to admins, for their own jurisdiction, and names a bad date', async () => {
    expect((await call(app, 'POST', '/pairing/schedule/run', { token: await tokenFor('township', '120225100'), body: {} })).status).toBe(403);
    expect((await call(app, 'POST', '/pairing/schedule/run', { token: await tokenFor('finance', '120225'), body: {} })).status).toBe(403);
    const elsewhere = await call(app, 'POST', '/pairing/schedule/run', { token: await tokenFor('admin', '120223'), body: { today: '2026-07-03' } });
    expect(elsewhere.status).toBe(200);
    expect(elsewhere.body).toMatchObject({ terms: 0, started: [] });
    const bad = await call(app, 'POST', '/pairing/schedule/run', { token: await tokenFor('admin', '120225'), body: { today: '2026-02-30' } });
    expect(bad.status).toBe(400);
    expect(bad.body.errors).toEqual([expect.objectContaining({ field: 'today' })]);
  });

  it('refuses bad bodies with 4xx problems and writes nothing (fuzzed: tests/api/platform/fuzz.test.ts names it here)', async () => {
    const valid = { today: '2026-07-03' };
    expect(scheduleRunBodySchema.safeParse(valid).success).toBe(true);
    const seen = await fuzzRoute({ app, token: await tokenFor('admin', '120225'), method: 'POST', path: '/pairing/schedule/run', schema: scheduleRunBodySchema, valid, runs: 100 });
    expect([...seen.keys()].every((s) => s >= 400 && s < 500)).toBe(true);
  });
});
