import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { monthsPerPeriod, periodTypeValues } from '../../../functions/programs/pairing/domain/period.ts';
import { periodsOf, periodsToOpen, tianjinSchedule, type ScheduleRule } from '../../../functions/programs/pairing/domain/schedule.ts';
import { addDays } from '../../../functions/platform/calendar.ts';

// Which periods the daily scheduled start opens (domain/schedule.ts `periodsToOpen`): those begun
// on or before today (Beijing) whose report is not yet past due, not yet opened. Checked against
// every period of the whole term, so the two-year window it looks through leaves nothing out.

const ruleArb = (periodType: ScheduleRule['periodType']): fc.Arbitrary<ScheduleRule> =>
  fc.oneof(
    fc.integer({ min: 0, max: 366 }).map((days): ScheduleRule => ({ periodType, due: { kind: 'days-after-end', days } })),
    fc.tuple(fc.integer({ min: 1, max: 31 }), fc.integer({ min: 1, max: monthsPerPeriod[periodType] })).map(
      ([day, month]): ScheduleRule => (periodType === 'monthly' ? { periodType, due: { kind: 'day-in-period', day } } : { periodType, due: { kind: 'day-in-period', day, monthInPeriod: month } }),
    ),
  );
const scheduleArb = fc.subarray([...periodTypeValues], { minLength: 1 }).chain((types) => fc.tuple(...types.map(ruleArb)));
const termArb = fc.integer({ min: 2000, max: 2090 }).chain((first) => fc.tuple(fc.constant(first), fc.integer({ min: first, max: first + 9 }), scheduleArb));

describe('the periods the scheduled start opens', () => {
  it('are exactly those of the whole term begun by today and not yet past due, less those opened', () => {
    fc.assert(
      fc.property(termArb, fc.integer({ min: -400, max: 11 * 366 }), fc.double({ min: 0, max: 1, noNaN: true }), ([firstYear, lastYear, schedule], offset, share) => {
        const today = addDays(`${firstYear}-01-01`, offset);
        const all = schedule.flatMap((rule) => periodsOf(rule, firstYear, lastYear));
        const due = all.filter((p) => p.start <= today && today <= p.due);
        const opened = new Set(due.filter((_, i) => i < due.length * share).map((p) => p.id));
        const got = periodsToOpen({ firstYear, lastYear, schedule }, today, opened);
        expect(got.map((p) => p.id).sort()).toEqual(due.filter((p) => !opened.has(p.id)).map((p) => p.id).sort());
      }),
      { numRuns: 300 },
    );
  });

  it('on Tianjin’s schedule: early in July the month, both half-years and the year; after 5 July no more the first half', () => {
    const term = { firstYear: 2025, lastYear: 2026, schedule: tianjinSchedule };
    expect(periodsToOpen(term, '2025-07-01', new Set()).map((p) => p.id)).toEqual(['2025-07', '2025S1', '2025S2', '2025']);
    expect(periodsToOpen(term, '2025-07-06', new Set()).map((p) => p.id)).toEqual(['2025-07', '2025S2', '2025']);
    // The year 2025 opens on 1 January and stays to be reported until 5 January 2026, beside 2026.
    expect(periodsToOpen(term, '2026-01-03', new Set()).map((p) => p.id)).toEqual(['2026-01', '2025S2', '2026S1', '2025', '2026']);
    expect(periodsToOpen(term, '2026-07-01', new Set(['2026-07', '2026'])).map((p) => p.id)).toEqual(['2026S1', '2026S2']);
    expect(periodsToOpen(term, '2024-12-31', new Set())).toEqual([]);
    expect(periodsToOpen(term, '2027-01-06', new Set())).toEqual([]);
  });
});
