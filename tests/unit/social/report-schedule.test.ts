import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { addDays, beijingDate, daysBetween } from '../../../functions/platform/calendar.ts';
import { reminderWindowStart } from '../../../functions/platform/reporting/schedule.ts';
import { reportDueDate, reportState } from '../../../functions/programs/social/domain/annual-report.ts';
import { reminderYearOn, remindersToStart } from '../../../functions/programs/social/domain/report-schedule.ts';

// Which townships and years the daily scheduled start opens (domain/report-schedule.ts): the year
// whose reminder window (due date minus the first reminder's days, not before 1 January after the
// year) holds today in Beijing, up to the due date; townships already started are left out. Run
// every day, each township's year is started exactly once, on the first day of its window.

const policy = { daysBefore: [30, 7] };
const dueArb = fc.tuple(fc.integer({ min: 1, max: 12 }), fc.integer({ min: 1, max: 31 })).map(([m, d]) => `${String(m).padStart(2, '0')}-${String(Math.min(d, m === 2 ? 29 : [4, 6, 9, 11].includes(m) ? 30 : 31)).padStart(2, '0')}`);
const policyArb = fc.record({ daysBefore: fc.array(fc.integer({ min: 0, max: 366 }), { maxLength: 4 }) });
const dayArb = fc.integer({ min: 0, max: 60 * 366 }).map((n) => addDays('2000-01-01', n));
const townshipArb = fc.uniqueArray(fc.integer({ min: 100, max: 130 }).map((n) => `120225${n}`), { maxLength: 8 });

describe('the annual-report reminders the scheduled start opens', () => {
  it('on 31 March (default) with reminders 30 and 7 days before: from 1 March to 31 March of the next year', () => {
    expect(reminderYearOn('2027-02-28', '03-31', policy)).toBeUndefined();
    expect(reminderYearOn('2027-03-01', '03-31', policy)).toBe(2026);
    expect(reminderYearOn('2027-03-31', '03-31', policy)).toBe(2026);
    expect(reminderYearOn('2027-04-01', '03-31', policy)).toBeUndefined();
    // A due date early in the year: the window starts on 1 January, never in the report's own year.
    expect(reminderYearOn('2026-12-31', '01-15', policy)).toBeUndefined();
    expect(reminderYearOn('2027-01-01', '01-15', policy)).toBe(2026);
    // 29 February in a common year falls back to the 28th.
    expect(reminderYearOn('2027-02-28', '02-29', { daysBefore: [] })).toBe(2026);
    expect(remindersToStart('2027-03-01', '03-31', policy, ['120225101', '120225100', '120225101'], new Set(['120225102']))).toEqual([
      { township: '120225100', year: 2026 },
      { township: '120225101', year: 2026 },
    ]);
  });

  it('is open exactly from the window’s first day to the due date, for the year before today’s', () => {
    fc.assert(
      fc.property(dayArb, dueArb, policyArb, (today, due, p) => {
        const year = Number(today.slice(0, 4)) - 1;
        const dueDate = reportDueDate(year, due);
        const start = reminderWindowStart(dueDate, p.daysBefore, { notBefore: `${year + 1}-01-01` });
        const open = start <= today && today <= dueDate;
        expect(reminderYearOn(today, due, p)).toBe(open ? year : undefined);
        // The window lies inside the year after the report's year, and no reminder of its policy
        // falls between its start and 1 January (those before 1 January are skipped, not made up for).
        expect(start >= `${year + 1}-01-01` && start <= dueDate).toBe(true);
        if (p.daysBefore.length > 0 && start !== `${year + 1}-01-01`) expect(daysBetween(start, dueDate)).toBe(Math.max(...p.daysBefore));
      }),
      { numRuns: 500 },
    );
  });

  it('run every day over years, starts each township’s year exactly once, on the first day of its window, and nothing on a second run the same day', () => {
    fc.assert(
      fc.property(fc.integer({ min: 2001, max: 2080 }), dueArb, policyArb, townshipArb, fc.integer({ min: 1, max: 3 }), (first, due, p, townships, years) => {
        const started = new Map<number, Set<string>>();
        const startedOn = new Map<string, string>();
        for (let day = `${first}-01-01`; day < `${first + years}-01-01`; day = addDays(day, 1)) {
          const year = reminderYearOn(day, due, p);
          const done = started.get(year ?? 0) ?? new Set<string>();
          const starts = remindersToStart(day, due, p, townships, done);
          for (const s of starts) {
            expect(done.has(s.township)).toBe(false);
            done.add(s.township);
            startedOn.set(`${s.township}.${s.year}`, day);
          }
          started.set(year ?? 0, done);
          // The same day again (a retried or manual run): nothing.
          expect(remindersToStart(day, due, p, townships, done)).toEqual([]);
        }
        for (let y = first - 1; y < first + years - 1; y++) {
          const windowStart = reminderWindowStart(reportDueDate(y, due), p.daysBefore, { notBefore: `${y + 1}-01-01` });
          for (const t of townships) expect(startedOn.get(`${t}.${y}`)).toBe(windowStart);
        }
      }),
      { numRuns: 40 },
    );
  });

  it('judges the day in Beijing: 00:05 Beijing on 1 March is still 28 February in UTC', () => {
    fc.assert(
      fc.property(fc.date({ min: new Date('2001-01-01T00:00:00Z'), max: new Date('2090-01-01T00:00:00Z'), noInvalidDate: true }), (now) => {
        const today = beijingDate(now);
        const year = reminderYearOn(today, '03-31', policy);
        const open = today.slice(5) >= '03-01' && today.slice(5) <= '03-31';
        expect(year).toBe(open ? Number(today.slice(0, 4)) - 1 : undefined);
      }),
      { numRuns: 500 },
    );
    expect(reminderYearOn(beijingDate(new Date('2027-02-28T16:05:00Z')), '03-31', policy)).toBe(2026);
    expect(reminderYearOn(new Date('2027-02-28T16:05:00Z').toISOString().slice(0, 10), '03-31', policy)).toBeUndefined();
  });

  it('states a report on time up to the due date in Beijing, late after, missing until the due date passes, then overdue', () => {
    fc.assert(
      fc.property(fc.integer({ min: 2000, max: 2080 }), dueArb, fc.integer({ min: -400, max: 400 }), fc.option(fc.integer({ min: -400, max: 400 }), { nil: undefined }), (year, due, todayOffset, filedOffset) => {
        const dueDate = reportDueDate(year, due);
        const today = addDays(dueDate, todayOffset);
        const filedOn = filedOffset === undefined ? undefined : addDays(dueDate, filedOffset);
        const state = reportState({ year, due, filedOn, today });
        if (filedOffset !== undefined) expect(state).toBe(filedOffset <= 0 ? 'on-time' : 'late');
        else expect(state).toBe(todayOffset > 0 ? 'overdue' : 'missing');
      }),
      { numRuns: 300 },
    );
  });
});
