import { beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import type { HistoryEvent } from '@aws-sdk/client-sfn';
import { startNamedExecution } from '../../../functions/shared/executions.ts';
import { buildApp } from '../../../functions/api/app.ts';
import { listOutbox } from '../../../functions/platform/store/outbox.ts';
import { reportDueDate } from '../../../functions/programs/social/domain/annual-report.ts';
import type { OrganisationStatus } from '../../../functions/programs/social/domain/organisation.ts';
import { annualReportSubjectId } from '../../../functions/programs/social/reporting.ts';
import { putAnnualReport } from '../../../functions/programs/social/store/annual-report.ts';
import { createOrganisation, newOrganisation, type OrganisationRecord } from '../../../functions/programs/social/store/organisation.ts';
import { ManualClock } from '../../../local/stepfunctions/clock.ts';
import { call, tokenFor } from '../../support/api.ts';
import { organisationInput, socialVillage, township } from '../../support/social/fixtures.ts';
import { endedExecution, executionStatus, history, statesEntered, useLocalStepFunctions } from '../../support/stepfunctions.ts';
import { waitUntil } from '../../support/wait.ts';

// One township's annual reports of 2025 (due 2026-03-31, Beijing) on the platform's reporting loop,
// on a clock the test moves. Five organisations: A files before any reminder, B between the two
// reminders (1 March, 24 March), C late (after the first overdue reminder); a suspended one and an
// application owe nothing. The history must show the reminders going only to what is not filed.

const clock = new ManualClock(Date.parse('2026-02-15T12:00:00+08:00'));
useLocalStepFunctions({ clock });

const app = buildApp();
const year = 2025;
const beijing = (date: string, hour: number) => new Date(`${date}T${String(hour).padStart(2, '0')}:00:00+08:00`);
const actor = { sub: 'seed', roles: ['admin' as const] };
const orgs: Record<'A' | 'B' | 'C' | 'S' | 'P', OrganisationRecord> = {} as never;

async function organisation(key: keyof typeof orgs, village: string, status: OrganisationStatus) {
  const id = `org-${randomUUID()}`;
  const imported = status === 'applied' ? undefined : { status, filingNumber: `社备${key}${id.slice(4, 10)}` };
  orgs[key] = await createOrganisation(newOrganisation(organisationInput(village, { name: `${key}社会组织` }), actor, id, new Date(clock.now()), imported), actor, { now: new Date(clock.now()) });
}

async function file(key: keyof typeof orgs, at: Date) {
  const o = orgs[key];
  await putAnnualReport(undefined, { organisationId: o.id, village: o.village, year, filedOn: at.toISOString().slice(0, 10), dueDate: reportDueDate(year), onTime: true, submittedBy: 'village' }, { activities: 4, peopleServed: 120, incomeFen: 0, spendingFen: 0 }, { sub: 'village', roles: ['village'] }, { now: at });
}

/** The execution is waiting on the clock or has ended: nothing moves until the clock does. */
async function settled(arn: string): Promise<void> {
  await waitUntil(
    async () => {
      const status = await executionStatus(arn);
      return { done: status !== 'RUNNING' || clock.waiting === 1, seen: `${status}, ${clock.waiting} waiting` };
    },
    { what: 'the execution to wait on the clock or end', timeoutMs: 30_000 },
  );
}

/** Each Remind step's answer, in order, read from the execution history. */
function remindOutputs(events: HistoryEvent[]): { reminded: number; sentBefore: number; filed: number }[] {
  const out: { reminded: number; sentBefore: number; filed: number }[] = [];
  let state = '';
  for (const e of events) {
    if (e.type?.endsWith('StateEntered')) state = e.stateEnteredEventDetails?.name ?? '';
    if (e.type === 'TaskSucceeded' && state === 'Remind') {
      const parsed = JSON.parse(e.taskSucceededEventDetails?.output ?? 'null') as { Payload?: unknown };
      out.push((parsed.Payload ?? parsed) as { reminded: number; sentBefore: number; filed: number });
    }
  }
  return out;
}

beforeAll(async () => {
  await organisation('A', socialVillage(0), 'active');
  await organisation('B', socialVillage(0), 'filed');
  await organisation('C', socialVillage(1), 'active');
  await organisation('S', socialVillage(1), 'suspended');
  await organisation('P', socialVillage(1), 'applied');
});

describe('annual-report reminders of a township, on a clock the test moves', () => {
  it('reminds only organisations without the year’s report, none after filing, and ends when all are filed', { timeout: 120_000 }, async () => {
    const name = annualReportSubjectId(township, year);
    const arn = await startNamedExecution('social-annual-report', name, { township, year, subjectId: name, openedAt: new Date(clock.now()).toISOString() });
    const actions: [Date, () => Promise<void>][] = [
      [beijing('2026-02-20', 12), () => file('A', beijing('2026-02-20', 12))],
      [beijing('2026-03-10', 12), () => file('B', beijing('2026-03-10', 12))],
      [beijing('2026-04-10', 12), () => file('C', beijing('2026-04-10', 12))],
    ];
    for (const [at, run] of actions) {
      await settled(arn);
      clock.advanceTo(at);
      await settled(arn);
      await run();
    }
    clock.advanceTo(beijing('2026-07-01', 0));
    const ended = await endedExecution(arn);
    expect(ended.status).toBe('SUCCEEDED');

    // The path: reminders on 1 and 24 March, the sweep, the overdue reminders of 1 and 15 April;
    // the next step finds everything filed and ends the loop.
    const events = await history(arn);
    const path = statesEntered(events);
    expect(path.filter((s) => s === 'Remind'), path.join(' → ')).toHaveLength(4);
    expect(path.filter((s) => s === 'Sweep')).toHaveLength(1);
    expect(path.slice(-3)).toEqual(['NextEvent', 'IsDone', 'Ended']);
    // B and C on 1 March, C alone on 24 March and 1 April, nobody on 15 April (all three filed).
    expect(remindOutputs(events).map((o) => [o.reminded, o.filed])).toEqual([
      [2, 1],
      [1, 2],
      [1, 2],
      [0, 3],
    ]);

    // The outbox: one message per reminder to the village, none to an organisation after it filed,
    // none for the suspended organisation or the application.
    const first = (await listOutbox(`division:${socialVillage(0)}`, { limit: 100 })).items;
    const second = (await listOutbox(`division:${socialVillage(1)}`, { limit: 100 })).items;
    const of = (key: keyof typeof orgs) => [...first, ...second].filter((m) => m.body.obligationId === `${orgs[key].id}~${year}`);
    expect(of('A')).toHaveLength(0);
    expect(of('B').map((m) => m.topic)).toEqual(['social.report-reminder']);
    expect(
      of('C')
        .map((m) => `${m.topic} ${String(m.body.date)}`)
        .sort(),
    ).toEqual(['social.report-overdue-reminder 2026-04-01', 'social.report-reminder 2026-03-01', 'social.report-reminder 2026-03-24']);
    expect(of('S')).toHaveLength(0);
    expect(of('P')).toHaveLength(0);
    expect([...first, ...second].every((m) => /^【社会组织】/.test(m.subject))).toBe(true);
    const summaries = (await listOutbox(`role:township@${township}`, { limit: 100 })).items.filter((m) => m.topic === 'social.report-overdue-summary');
    expect(summaries.map((m) => m.subject)).toEqual([`【社会组织】${township}有1份2025年度报告逾期未报`]);
  });

  it('is started by the township or an admin of the township’s county, once per township and year', async () => {
    const path = (t: string, y: number) => `/social/townships/${t}/reports/${y}/reminders`;
    expect((await call(app, 'POST', path(township, 2024), { token: await tokenFor('village', socialVillage(0)) })).status).toBe(403);
    // The matrix of social-report:remind: admin and township inside their jurisdiction; everyone else refused.
    for (const [role, division] of [['finance', '120225'], ['auditor', '120225'], ['unit', '120225'], ['admin', '120223'], ['township', '120225101']] as const) {
      expect((await call(app, 'POST', path(township, 2024), { token: await tokenFor(role, division) })).status, `${role}@${division}`).toBe(403);
    }
    expect((await call(app, 'POST', path('120225101', 2024), { token: await tokenFor('township', township) })).status).toBe(403);
    const badTownship = await call(app, 'POST', path('12022510', 2024), { token: await tokenFor('admin', '120225') });
    expect(badTownship.status).toBe(400);
    expect(JSON.stringify(badTownship.body)).toMatch(/township/);
    const thisYear = Number(new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 4));
    const current = await call(app, 'POST', path(township, thisYear), { token: await tokenFor('township', township) });
    expect(current.status).toBe(400);
    expect(JSON.stringify(current.body)).toMatch(/year/);
    const started = await call(app, 'POST', path(township, 2024), { token: await tokenFor('township', township) });
    expect(started.status).toBe(202);
    expect(started.body.executionName).toBe(annualReportSubjectId(township, 2024));
    const again = await call(app, 'POST', path(township, 2024), { token: await tokenFor('admin', '120225') });
    expect(again.status).toBe(202);
    expect(again.body.executionArn).toBe(started.body.executionArn);
  });
});
