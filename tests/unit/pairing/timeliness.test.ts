import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { addDays } from '../../../functions/programs/pairing/domain/period.ts';
import { classify, currentPeriod, lateFrom, periodsOf, reportingPeriod, tianjinSchedule, type ScheduleRule } from '../../../functions/programs/pairing/domain/schedule.ts';

const [tianjinMonthly, tianjinHalfYear] = tianjinSchedule as [ScheduleRule, ScheduleRule, ScheduleRule];

/** An instant written as a Beijing wall-clock time, e.g. `2025-03-28T23:59`. */
const beijing = (wallClock: string) => new Date(`${wallClock}+08:00`);

const dueArb = fc
  .date({ min: new Date('1990-01-01T00:00:00Z'), max: new Date('2100-01-01T00:00:00Z'), noInvalidDate: true })
  .map((d) => d.toISOString().slice(0, 10));
/** An instant within three days of the due date's end, to the millisecond. */
const nearArb = (due: string) => fc.integer({ min: -3 * 86_400_000, max: 3 * 86_400_000 }).map((offset) => new Date(lateFrom(due).getTime() + offset));

/**
 * The zones the process runs in for these tests: Beijing itself, UTC, a zone behind UTC with
 * daylight saving (Los Angeles, whose date is a day behind Beijing's for 15 or 16 hours a day), and
 * the extremes, UTC−11 and UTC+14. The functions must answer the same in every one.
 */
const zones = ['Asia/Shanghai', 'UTC', 'America/Los_Angeles', 'Pacific/Pago_Pago', 'Pacific/Kiritimati'];
/** Minutes west of UTC of each zone on 1 January 2025 (`getTimezoneOffset`), to check the switch took. */
const offsetOn1January: Record<string, number> = {
  'Asia/Shanghai': -480,
  UTC: 0,
  'America/Los_Angeles': 480,
  'Pacific/Pago_Pago': 660,
  'Pacific/Kiritimati': -840,
};

describe.each(zones)('with the process in %s', (zone) => {
  const saved = process.env.TZ;
  beforeAll(() => {
    process.env.TZ = zone;
  });
  afterAll(() => {
    if (saved === undefined) delete process.env.TZ;
    else process.env.TZ = saved;
  });

  it('the process is in that zone (Node reads TZ as it changes)', () => {
    expect(new Date(2025, 0, 1).getTimezoneOffset()).toBe(offsetOn1January[zone]);
  });

  it('a report filed at 23:59 Beijing on the due date is on time; at 00:00 Beijing the next day it is late', () => {
    const due = '2025-03-28';
    expect(classify({ due, filedAt: beijing('2025-03-28T23:59:59.999'), now: beijing('2025-04-02T10:00') })).toBe('on-time');
    expect(classify({ due, filedAt: new Date('2025-03-28T15:59:59.999Z'), now: beijing('2025-04-02T10:00') })).toBe('on-time');
    expect(classify({ due, filedAt: beijing('2025-03-29T00:00'), now: beijing('2025-04-02T10:00') })).toBe('late');
    expect(classify({ due, filedAt: new Date('2025-03-28T16:00:00.000Z'), now: beijing('2025-04-02T10:00') })).toBe('late');
    expect(lateFrom(due).toISOString()).toBe('2025-03-28T16:00:00.000Z');
    // Early is on time: filed on the period's first day, or before it.
    expect(classify({ due, filedAt: beijing('2025-03-01T00:00'), now: beijing('2025-03-01T00:00') })).toBe('on-time');
  });

  it('an unfiled report is not due until Beijing midnight after its due date, then missing', () => {
    const due = '2025-07-05';
    expect(classify({ due, now: beijing('2025-07-05T23:59:59.999') })).toBe('not-due');
    expect(classify({ due, now: new Date('2025-07-05T15:59:59.999Z') })).toBe('not-due');
    expect(classify({ due, now: beijing('2025-07-06T00:00') })).toBe('missing');
    expect(classify({ due, now: new Date('2025-07-05T16:00:00.000Z') })).toBe('missing');
    expect(classify({ due, now: beijing('2025-01-01T00:00') })).toBe('not-due');
    expect(classify({ due, filedAt: undefined, now: beijing('2026-01-01T00:00') })).toBe('missing');
  });

  it('the boundary is exactly lateFrom(due), 00:00 Beijing (16:00 UTC) after the due date, to the millisecond', () => {
    fc.assert(
      fc.property(
        dueArb.chain((due) => fc.tuple(fc.constant(due), nearArb(due), nearArb(due))),
        ([due, filedAt, now]) => {
          const late = lateFrom(due).getTime();
          expect(lateFrom(due).toISOString()).toBe(`${due}T16:00:00.000Z`);
          expect(classify({ due, filedAt, now })).toBe(filedAt.getTime() < late ? 'on-time' : 'late');
          expect(classify({ due, now })).toBe(now.getTime() < late ? 'not-due' : 'missing');
        },
      ),
    );
  });

  it('periods and due dates are the same calendar dates', () => {
    expect(periodsOf(tianjinHalfYear, 2025, 2025).map(({ id, start, end, due }) => [id, start, end, due])).toEqual([
      ['2025S1', '2025-01-01', '2025-06-30', '2025-07-05'],
      ['2025S2', '2025-07-01', '2025-12-31', '2026-01-05'],
    ]);
    expect(addDays('2025-03-09', 1)).toBe('2025-03-10'); // the night Los Angeles goes to daylight saving time
    expect(addDays('2025-11-02', 1)).toBe('2025-11-03'); // and back
  });

  it('the current and the reported period turn at Beijing midnight', () => {
    expect(currentPeriod(tianjinMonthly, beijing('2025-03-31T23:59:59.999')).id).toBe('2025-03');
    expect(currentPeriod(tianjinMonthly, beijing('2025-04-01T00:00')).id).toBe('2025-04');
    expect(reportingPeriod(tianjinHalfYear, beijing('2025-07-05T23:59:59.999')).id).toBe('2025S1');
    expect(reportingPeriod(tianjinHalfYear, beijing('2025-07-06T00:00')).id).toBe('2025S2');
  });
});

describe('classify', () => {
  it('refuses a due date that is not a calendar date', () => {
    expect(() => classify({ due: '2025-02-30', now: new Date() })).toThrow();
    expect(() => classify({ due: '28/03/2025', now: new Date() })).toThrow();
  });
});
