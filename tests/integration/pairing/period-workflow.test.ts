import { beforeAll, describe, expect, it } from 'vitest';
import { DescribeExecutionCommand } from '@aws-sdk/client-sfn';
import { sfn } from '../../../functions/shared/clients.ts';
import { startNamedExecution } from '../../../functions/shared/executions.ts';
import { buildApp } from '../../../functions/api/app.ts';
import { addDays, periodsBetween } from '../../../functions/programs/pairing/domain/period.ts';
import { dueDate, tianjinSchedule } from '../../../functions/programs/pairing/domain/schedule.ts';
import { contribution, mergeCounters, zeroCounters } from '../../../functions/programs/pairing/domain/report.ts';
import { closePeriod, fileReport } from '../../../functions/programs/pairing/report-use-cases.ts';
import { periodSubjectId } from '../../../functions/programs/pairing/reporting.ts';
import { getReport, periodReports } from '../../../functions/programs/pairing/store/report.ts';
import { getCounter } from '../../../functions/programs/pairing/store/report-counter.ts';
import { requireTerm } from '../../../functions/programs/pairing/store/term.ts';
import { listOutbox } from '../../../functions/platform/store/outbox.ts';
import { ManualClock } from '../../../local/stepfunctions/clock.ts';
import { call, tokenFor } from '../../support/api.ts';
import { history, statesEntered, useLocalStepFunctions } from '../../support/stepfunctions.ts';
import { waitUntil } from '../../support/wait.ts';

// A term of 30 pairings (10 units × 3 villages each) through the whole of 2025: twelve monthly
// periods (due the 28th) and two half-years (due 5 July / 5 January), each run by its own period
// workflow on the local Step Functions endpoint, on a clock the test moves. Every pairing files at a
// time set by its class: A before any reminder, B between the two reminders, C1 late (after the
// first overdue reminder), C2 never. The admin closes each period ten days after its due date.

const clock = new ManualClock(Date.parse('2024-12-31T12:00:00+08:00'));
useLocalStepFunctions({ clock });

const app = buildApp();
const year = 2025;
const beijing = (date: string, hour: number) => new Date(`${date}T${String(hour).padStart(2, '0')}:00:00+08:00`);
const unitIds: string[] = [];
const pairingIds: string[] = [];
let termId = '';
const workflowActor = { sub: 'unit-user', roles: ['unit' as const] };
const values = { investedFen: 500_000, cadreDays: 20, projectsStarted: 1, projectsFinished: 0, collectiveIncomeToDateFen: 2_000_000, narrative: '按计划推进' };

type Clazz = 'A' | 'B' | 'C1' | 'C2';
const classOf = (i: number): Clazz => (i % 3 === 0 ? 'A' : i % 3 === 1 ? 'B' : i % 6 === 2 ? 'C1' : 'C2');

const periods = [...periodsBetween('monthly', year, year), ...periodsBetween('half-yearly', year, year)].map((p) => {
  const rule = tianjinSchedule.find((r) => r.periodType === p.type)!;
  return { ...p, due: dueDate(rule, p) };
});

interface Action {
  readonly at: Date;
  readonly what: string;
  readonly run: () => Promise<void>;
}

const executions: string[] = [];

const ended = new Set<string>();

async function runningCount(): Promise<number> {
  let running = 0;
  for (const arn of executions) {
    if (ended.has(arn)) continue;
    if ((await sfn().send(new DescribeExecutionCommand({ executionArn: arn }))).status === 'RUNNING') running++;
    else ended.add(arn);
  }
  return running;
}

/** Every execution is waiting for the clock or has ended: nothing moves until the clock does. */
async function settled(): Promise<void> {
  await waitUntil(
    async () => {
      const running = await runningCount();
      return { done: clock.waiting === running, seen: `${clock.waiting} waits on the clock, ${running} executions running` };
    },
    { what: 'every execution to wait on the clock or end', timeoutMs: 30_000 },
  );
}

beforeAll(async () => {
  const admin = await tokenFor('admin', '120225');
  for (const d of [{ code: '120225', name: '蓟州区' }, { code: '120225100', name: '渔阳镇' }, { code: '120225101', name: '洇溜镇' }]) {
    expect((await call(app, 'POST', '/divisions', { token: admin, body: d })).status).toBe(201);
  }
  for (let i = 0; i < 30; i++) {
    const code = `120225${i < 15 ? '100' : '101'}${String(201 + i)}`;
    expect((await call(app, 'POST', '/villages', { token: admin, body: { code, name: `帮扶村${i + 1}`, population: 900, economicallyWeak: true, category: '强基', operatingFundsFen: 16_000_000 } })).status).toBe(201);
  }
  for (let u = 0; u < 10; u++) {
    unitIds.push((await call(app, 'POST', '/units', { token: admin, body: { name: `帮扶单位${u + 1}`, level: 'district', kind: 'agency', division: '120225' } })).body.id);
  }
  termId = (await call(app, 'POST', '/pairing/terms', { token: admin, body: { name: '2025年结对帮扶', division: '120225', firstYear: year, lastYear: year, schedule: tianjinSchedule.slice(0, 2), targets: { advancedVillages: 3, oneVillageOneIndustry: 3, oneVillageOneCooperative: 3, collectiveIncomeFen: 90_000_000 } } })).body.id;
  for (let i = 0; i < 30; i++) {
    const village = `120225${i < 15 ? '100' : '101'}${String(201 + i)}`;
    const res = await call(app, 'POST', '/pairing/pairings', { token: admin, body: { termId, unitId: unitIds[i % 10], village, level: 'district', pledgedFenPerYear: 1_200_000 } });
    expect(res.status).toBe(201);
    pairingIds.push(res.body.id);
  }
});

describe('a year of periods of 30 pairings, on a clock the test moves', () => {
  it('opens each period once, reminds only units that have not filed, counts the missing at the due date, and ends when closed', { timeout: 300_000 }, async () => {
    const term = await requireTerm(termId);
    const actions: Action[] = [];
    for (const p of periods) {
      const start = beijing(p.start, 0);
      actions.push({
        at: start,
        what: `open ${p.id}`,
        run: async () => {
          const arn = await startNamedExecution('pairing-period', periodSubjectId(termId, p.id), { termId, periodId: p.id, openedAt: start.toISOString() });
          executions.push(arn);
        },
      });
      for (const clazz of ['A', 'B', 'C1'] as const) {
        const day = clazz === 'A' ? addDays(p.start, 1) : clazz === 'B' ? addDays(p.due, -5) : addDays(p.due, 4);
        const at = beijing(day, 12);
        actions.push({
          at,
          what: `${clazz} files for ${p.id}`,
          run: async () => {
            for (const [i, id] of pairingIds.entries()) {
              if (classOf(i) !== clazz) continue;
              const report = await getReport(`${id}~${p.id}`);
              await fileReport(report!, values, { ...workflowActor, sub: `unit-${i % 10}` }, at);
            }
          },
        });
      }
      const closeAt = beijing(addDays(p.due, 10), 12);
      actions.push({ at: closeAt, what: `close ${p.id}`, run: async () => void (await closePeriod(term, p.id, { sub: 'admin', roles: ['admin'] }, closeAt)) });
    }
    actions.sort((a, b) => a.at.getTime() - b.at.getTime());
    for (const action of actions) {
      clock.advanceTo(action.at);
      await settled();
      await action.run();
    }
    // Past the last close and the event after it: every execution ends.
    clock.advanceTo(beijing(`${year + 1}-03-01`, 0));
    await settled();
    expect(await runningCount()).toBe(0);

    for (const p of periods) {
      // Counters: 30 expected; A and B on time (20), C1 late (5), C2 missing (5); equal to a recount.
      const total = await getCounter({ termId, periodId: p.id, scope: 'total', key: '-' });
      expect(total, p.id).toMatchObject({ expected: 30, filed: 25, onTime: 20, late: 5, missing: 5 });
      const recount = [];
      for await (const r of periodReports(termId, p.id)) recount.push(contribution(r));
      const { termId: _t, periodId: _p, scope: _s, key: _k, ...counters } = total!;
      expect(counters).toEqual(mergeCounters(zeroCounters, ...recount));

      // The path, from the execution history: opened, 2 reminders, the sweep, 2 overdue reminders, and
      // the third overdue reminder's wake-up, which finds the period closed and ends the loop.
      const events = await history(executions.find((arn) => arn.endsWith(periodSubjectId(termId, p.id)))!);
      const path = statesEntered(events);
      expect(path.slice(0, 3)).toEqual(['Prepare', 'OpenPages', 'OpenPage']);
      expect(path.filter((s) => s === 'OpenPage')).toHaveLength(1);
      expect(path.filter((s) => s === 'Remind'), `${p.id}: ${path.join(' → ')}`).toHaveLength(5);
      expect(path.filter((s) => s === 'Sweep')).toHaveLength(1);
      expect(path.slice(-4)).toEqual(['WhichEvent', 'Remind', 'AfterEvent', 'Ended']);
      expect(events.at(-1)?.type).toBe('ExecutionSucceeded');
    }

    // Reminders: per unit's report, only while it was not filed; C2 got every one, A none.
    for (const [i, id] of pairingIds.entries()) {
      const messages = (await listOutbox(`unit:${unitIds[i % 10]}`, { limit: 100 })).items.filter((m) => String(m.body.obligationId).startsWith(id));
      for (const m of messages) {
        const report = await getReport(String(m.body.obligationId));
        if (report?.firstSubmittedAt !== undefined) expect(m.at < report.firstSubmittedAt, `${m.key} after filing`).toBe(true);
      }
      const perPeriod = messages.length / periods.length;
      expect(perPeriod, `class ${classOf(i)}`).toBe({ A: 0, B: 1, C1: 3, C2: 4 }[classOf(i)]);
      expect(messages.every((m) => /^【结对帮扶】/.test(m.subject))).toBe(true);
    }
    const summaries = (await listOutbox('role:admin@120225', { limit: 100 })).items.filter((m) => m.topic === 'pairing.report-overdue-summary');
    expect(summaries).toHaveLength(periods.length);
    expect(summaries[0]!.subject).toMatch(/10份进展报告逾期未报/);
  });
});

describe('a term with its own reminders', () => {
  it('reminds on the dates of its policy (2 days before, every 3 days overdue for 6 days) and ends when no event is left', { timeout: 120_000 }, async () => {
    // After the year above: the clock stands at 1 March 2026.
    const admin = await tokenFor('admin', '120225');
    const reminders = { daysBefore: [2], overdueEveryNDays: 3, overdueForDays: 6 };
    const own = await call(app, 'POST', '/pairing/terms', { token: admin, body: { name: '2026年结对帮扶', division: '120225', firstYear: 2026, lastYear: 2026, schedule: tianjinSchedule.slice(0, 1), targets: { advancedVillages: 1, oneVillageOneIndustry: 1, oneVillageOneCooperative: 1, collectiveIncomeFen: 1 }, reminders } });
    expect(own.status).toBe(201);
    const ids: string[] = [];
    for (const i of [0, 1]) {
      const res = await call(app, 'POST', '/pairing/pairings', { token: admin, body: { termId: own.body.id, unitId: unitIds[i], village: `120225100${201 + i}`, level: 'district', pledgedFenPerYear: 1_200_000 } });
      expect(res.status).toBe(201);
      ids.push(res.body.id);
    }
    const opened = beijing('2026-05-01', 0);
    clock.advanceTo(opened);
    const arn = await startNamedExecution('pairing-period', periodSubjectId(own.body.id, '2026-05'), { termId: own.body.id, periodId: '2026-05', openedAt: opened.toISOString() });
    executions.push(arn);
    // The second pairing's unit files the day after the reminder, before the due date (28 May).
    clock.advanceTo(beijing('2026-05-27', 12));
    await settled();
    await fileReport((await getReport(`${ids[1]}~2026-05`))!, values, { ...workflowActor, sub: 'unit-1' }, beijing('2026-05-27', 12));
    clock.advanceTo(beijing('2026-06-10', 0));
    await settled();

    const dates = async (i: number) => (await listOutbox(`unit:${unitIds[i]}`, { limit: 100 })).items.filter((m) => String(m.body.obligationId).startsWith(ids[i]!)).map((m) => `${String(m.body.kind)} ${String(m.body.date)}`).sort();
    // Never filed: 2 days before, then from the first missing day every 3 days while within 6 days of the due date.
    expect(await dates(0)).toEqual(['overdue-reminder 2026-05-29', 'overdue-reminder 2026-06-01', 'reminder 2026-05-26']);
    expect(await dates(1)).toEqual(['reminder 2026-05-26']);
    // No event left after 1 June: the loop ended by itself, the period still open.
    const path = statesEntered(await history(arn));
    expect(path.filter((x) => x === 'Remind')).toHaveLength(3);
    expect(path.slice(-2)).toEqual(['IsDone', 'Ended']);
    expect((await sfn().send(new DescribeExecutionCommand({ executionArn: arn }))).status).toBe('SUCCEEDED');
  });
});
