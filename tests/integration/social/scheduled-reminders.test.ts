import { beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../../functions/api/app.ts';
import { listEntityAudit } from '../../../functions/platform/store/audit.ts';
import { socialScheduleRunBodySchema } from '../../../functions/programs/social/routes/schedule.ts';
import { startDueReminders } from '../../../functions/programs/social/schedule-use-cases.ts';
import { reminderStarts } from '../../../functions/programs/social/store/reminder-start.ts';
import { startOrFindNamedExecution } from '../../../functions/shared/executions.ts';
import { ManualClock } from '../../../local/stepfunctions/clock.ts';
import { call, tokenFor } from '../../support/api.ts';
import { fuzzRoute } from '../../support/fuzz.ts';
import { history, statesEntered, useLocalStepFunctions } from '../../support/stepfunctions.ts';
import { waitUntil } from '../../support/wait.ts';

// The daily scheduled start of the annual-report reminders (startDueReminders: EventBridge Scheduler
// on AWS, POST /social/schedule/run locally) on the local Step Functions endpoint. The 2025 reports
// are due 31 March 2026 (Beijing); the first reminder is 30 days before, so the window opens on
// 1 March. Townships 100 and 101 have active organisations, 102 only a suspended one (owes nothing).
// Township 101's workflow was started before without its marker (a run that stopped between the
// two): it is found, not started again. A second run, the same day or later, starts nothing. The
// clock is manual, so the workflows stop at their first Wait.

const clock = new ManualClock(Date.parse('2026-03-01T00:05:00+08:00'));
useLocalStepFunctions({ clock });
const app = buildApp();
const townships = ['120225100', '120225101', '120225102'];
const header = 'village,name,category,categoryDescription,leaderName,partyMember,returnedTalent,fiveElders,members,foundedOn,contact,status';

beforeAll(async () => {
  const admin = await tokenFor('admin', '120225');
  expect((await call(app, 'POST', '/divisions', { token: admin, body: { code: '120225', name: '蓟州区' } })).status).toBe(201);
  for (const [i, code] of townships.entries()) {
    expect((await call(app, 'POST', '/divisions', { token: admin, body: { code, name: `定时${i}镇` } })).status).toBe(201);
    expect((await call(app, 'POST', '/villages', { token: admin, body: { code: `${code}201`, name: `定时${i}村`, population: 900, economicallyWeak: false, category: '示范', operatingFundsFen: 16_000_000 } })).status).toBe(201);
    const csv = `${header}\n${code}201,定时${i}会,乡贤参事类,,王芳,是,否,是,12,2018-06-01,13900000000,active`;
    const imported = await call(app, 'POST', '/social/organisations/import', { token: admin, rawBody: csv, headers: { 'content-type': 'text/csv' } });
    expect(imported.status, JSON.stringify(imported.body)).toBe(201);
    if (code === '120225102') {
      const suspended = await call(app, 'POST', `/social/organisations/${imported.body.ids[0]}/suspend`, { token: admin, body: { date: '2026-01-05', reason: '停止活动', version: 1 } });
      expect(suspended.status, JSON.stringify(suspended.body)).toBe(200);
    }
  }
});

describe('the scheduled start of the annual-report reminders', () => {
  it('starts each township’s reminders once its window began, once, however often it runs', async () => {
    const now = new Date(clock.now());
    // The day before the window: nothing is read or started.
    expect(await startDueReminders('2026-02-28', now)).toEqual({ today: '2026-02-28', townships: 0, started: [], alreadyStarted: [] });
    // Started a minute before (another input: a repeat with the same input would count as this start).
    const earlier = await startOrFindNamedExecution('social-annual-report', '120225101.2025', { township: '120225101', year: 2025, subjectId: '120225101.2025', openedAt: new Date(now.getTime() - 60_000).toISOString() });
    expect(earlier.started).toBe(true);

    const first = await startDueReminders('2026-03-01', now);
    expect(first).toMatchObject({ today: '2026-03-01', year: 2025, townships: 2 });
    expect(first.started.map((s) => s.township)).toEqual(['120225100']);
    expect(first.started[0]!.executionArn).toMatch(/social-annual-report:120225100\.2025$/);
    expect(first.alreadyStarted).toEqual([{ township: '120225101', year: 2025, executionArn: earlier.executionArn }]);
    // Both are recorded once, with their audit records.
    for (const township of ['120225100', '120225101']) {
      expect(await reminderStarts.get({ township, year: 2025 }, { consistent: true })).toMatchObject({ township, year: 2025, startedBy: 'schedule' });
      expect((await listEntityAudit('social-annual-reports', `${township}.2025`, { limit: 5 })).items.map((a) => a.action)).toEqual(['social-annual-report.reminders-start']);
    }
    expect(await reminderStarts.get({ township: '120225102', year: 2025 }, { consistent: true })).toBeUndefined();

    // Again the same day, and on a later day of the window: nothing new.
    for (const day of ['2026-03-01', '2026-03-17', '2026-03-31']) {
      const again = await startDueReminders(day, now);
      expect(again).toMatchObject({ year: 2025, townships: 2, started: [], alreadyStarted: [] });
    }
    // After the due date the window is closed.
    expect(await startDueReminders('2026-04-01', now)).toMatchObject({ started: [], alreadyStarted: [] });

    // The workflows wait on the clock for the first reminder (09:00 Beijing on 1 March).
    for (const s of [...first.started, ...first.alreadyStarted]) {
      await waitUntil(
        async () => {
          const path = statesEntered(await history(s.executionArn));
          return { done: path.includes('WaitForEvent'), seen: `${s.township}: ${path.join(' → ')}` };
        },
        { what: `${s.township} to wait for its first reminder`, timeoutMs: 30_000 },
      );
    }

    // A third run through the route (as a township clicks it locally) starts nothing either.
    const third = await call(app, 'POST', '/social/schedule/run', { token: await tokenFor('township', '120225100'), body: { today: '2026-03-02' } });
    expect(third.status, JSON.stringify(third.body)).toBe(200);
    expect(third.body).toEqual({ today: '2026-03-02', year: 2025, townships: 1, started: [], alreadyStarted: [] });
    // The township's own start by hand finds the same execution.
    const byHand = await call(app, 'POST', '/social/townships/120225100/reports/2025/reminders', { token: await tokenFor('township', '120225100') });
    expect(byHand.status).toBe(202);
    expect(byHand.body.executionArn).toBe(first.started[0]!.executionArn);
  });

  it('leaves the route to admins and townships, inside their jurisdiction, and names a bad date', async () => {
    for (const role of ['village', 'finance', 'auditor'] as const) {
      expect((await call(app, 'POST', '/social/schedule/run', { token: await tokenFor(role, role === 'village' ? '120225100201' : '120225'), body: {} })).status).toBe(403);
    }
    const elsewhere = await call(app, 'POST', '/social/schedule/run', { token: await tokenFor('admin', '120223'), body: { today: '2026-03-05' } });
    expect(elsewhere.status).toBe(200);
    expect(elsewhere.body).toMatchObject({ townships: 0, started: [] });
    const bad = await call(app, 'POST', '/social/schedule/run', { token: await tokenFor('admin', '120225'), body: { today: '2026-02-30' } });
    expect(bad.status).toBe(400);
    expect(bad.body.errors).toEqual([expect.objectContaining({ field: 'today' })]);
  });

  it('refuses bad bodies with 4xx problems and writes nothing (fuzzed: tests/api/platform/fuzz.test.ts names it here)', async () => {
    const valid = { today: '2026-03-05' };
    expect(socialScheduleRunBodySchema.safeParse(valid).success).toBe(true);
    const seen = await fuzzRoute({ app, token: await tokenFor('admin', '120225'), method: 'POST', path: '/social/schedule/run', schema: socialScheduleRunBodySchema, valid, runs: 100 });
    expect([...seen.keys()].every((s) => s >= 400 && s < 500)).toBe(true);
  });
});
