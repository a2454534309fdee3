import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { addDays, daysBetween, daysInMonth, monthsPerPeriod, parsePeriod, periodTypeValues, periodsPerYear } from '../../../functions/programs/pairing/domain/period.ts';
import {
  currentPeriod,
  dueDate,
  periodsOf,
  reportingPeriod,
  scheduleRuleSchema,
  scheduleSchema,
  tianjinSchedule,
  type ScheduleRule,
} from '../../../functions/programs/pairing/domain/schedule.ts';

const [tianjinMonthly, tianjinHalfYear, tianjinYear] = tianjinSchedule as [ScheduleRule, ScheduleRule, ScheduleRule];

/** Any valid rule: a type and a due date of either kind that fits it. */
const ruleArb: fc.Arbitrary<ScheduleRule> = fc.constantFrom(...periodTypeValues).chain((periodType) =>
  fc.oneof(
    fc.integer({ min: 0, max: 366 }).map((days): ScheduleRule => ({ periodType, due: { kind: 'days-after-end', days } })),
    fc
      .tuple(fc.integer({ min: 1, max: 31 }), fc.integer({ min: 1, max: monthsPerPeriod[periodType] }))
      .map(([day, month]): ScheduleRule => ({
        periodType,
        due: periodType === 'monthly' ? { kind: 'day-in-period', day } : { kind: 'day-in-period', day, monthInPeriod: month },
      })),
  ),
);
const termArb = fc.integer({ min: 1990, max: 2100 }).chain((first) => fc.integer({ min: first, max: first + 8 }).map((last) => [first, last] as const));

describe('the schedule as data', () => {
  it('takes Tianjin’s rules', () => {
    expect(scheduleSchema.parse(tianjinSchedule)).toEqual(tianjinSchedule);
  });

  it('every generated rule is one the schema takes', () => {
    fc.assert(
      fc.property(ruleArb, (rule) => {
        expect(scheduleRuleSchema.safeParse(rule).success).toBe(true);
      }),
    );
  });

  it('refuses two rules of the same period type, naming the second', () => {
    const result = scheduleSchema.safeParse([tianjinMonthly, tianjinYear, { periodType: 'monthly', due: { kind: 'days-after-end', days: 3 } }]);
    expect(result.success).toBe(false);
    expect(result.error?.issues).toEqual([expect.objectContaining({ path: [2, 'periodType'], message: expect.stringMatching(/duplicates rule 0/) })]);
  });

  it('refuses an empty schedule', () => {
    expect(scheduleSchema.safeParse([]).success).toBe(false);
  });

  it.each([
    ['day 0', { periodType: 'monthly', due: { kind: 'day-in-period', day: 0 } }, ['due', 'day']],
    ['day 32', { periodType: 'monthly', due: { kind: 'day-in-period', day: 32 } }, ['due', 'day']],
    ['a fractional day', { periodType: 'monthly', due: { kind: 'day-in-period', day: 28.5 } }, ['due', 'day']],
    ['a day given as text', { periodType: 'monthly', due: { kind: 'day-in-period', day: '28' } }, ['due', 'day']],
    ['a month for a monthly rule', { periodType: 'monthly', due: { kind: 'day-in-period', day: 28, monthInPeriod: 1 } }, ['due', 'monthInPeriod']],
    ['no month for a half-year rule', { periodType: 'half-yearly', due: { kind: 'day-in-period', day: 20 } }, ['due', 'monthInPeriod']],
    ['month 7 of a half-year', { periodType: 'half-yearly', due: { kind: 'day-in-period', day: 20, monthInPeriod: 7 } }, ['due', 'monthInPeriod']],
    ['no month for a yearly rule', { periodType: 'yearly', due: { kind: 'day-in-period', day: 20 } }, ['due', 'monthInPeriod']],
    ['month 13 of a year', { periodType: 'yearly', due: { kind: 'day-in-period', day: 20, monthInPeriod: 13 } }, ['due', 'monthInPeriod']],
    ['negative days after the end', { periodType: 'yearly', due: { kind: 'days-after-end', days: -1 } }, ['due', 'days']],
    ['days after the end over a year', { periodType: 'yearly', due: { kind: 'days-after-end', days: 367 } }, ['due', 'days']],
    ['an unknown kind', { periodType: 'yearly', due: { kind: 'before-end', days: 5 } }, ['due', 'kind']],
    ['an unknown period type', { periodType: 'quarterly', due: { kind: 'days-after-end', days: 5 } }, ['periodType']],
    ['a misspelt field', { periodType: 'yearly', due: { kind: 'day-in-period', day: 20, monthOfPeriod: 12 } }, ['due']],
  ])('refuses a rule with %s', (_name, rule, path) => {
    const result = scheduleRuleSchema.safeParse(rule);
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((issue) => issue.path)).toContainEqual(path);
  });
});

describe('the periods of a term', () => {
  it('tile the term exactly: from 1 January of the first year to 31 December of the last, no gap, no overlap', () => {
    fc.assert(
      fc.property(ruleArb, termArb, (rule, [firstYear, lastYear]) => {
        const periods = periodsOf(rule, firstYear, lastYear);
        expect(periods).toHaveLength((lastYear - firstYear + 1) * periodsPerYear[rule.periodType]);
        expect(periods[0]?.start).toBe(`${firstYear}-01-01`);
        expect(periods.at(-1)?.end).toBe(`${lastYear}-12-31`);
        periods.forEach((period, i) => {
          expect(period.start <= period.end).toBe(true);
          expect(period.type).toBe(rule.periodType);
          expect(parsePeriod(period.id)).toEqual({ id: period.id, type: period.type, year: period.year, index: period.index, start: period.start, end: period.end });
          const next = periods[i + 1];
          if (next !== undefined) {
            expect(next.start).toBe(addDays(period.end, 1));
            expect(period.id < next.id).toBe(true);
          }
        });
        const days = periods.reduce((sum, period) => sum + daysBetween(period.start, period.end) + 1, 0);
        expect(days).toBe(daysBetween(`${firstYear}-01-01`, `${lastYear + 1}-01-01`));
      }),
    );
  });

  it('are due where the rule says', () => {
    fc.assert(
      fc.property(ruleArb, termArb, (rule, [firstYear, lastYear]) => {
        for (const period of periodsOf(rule, firstYear, lastYear)) {
          expect(period.due).toBe(dueDate(rule, period));
          if (rule.due.kind === 'days-after-end') {
            expect(daysBetween(period.end, period.due)).toBe(rule.due.days);
          } else {
            // Inside the period, in its n-th month, on the day or the month's last day if shorter.
            expect(period.start <= period.due && period.due <= period.end).toBe(true);
            const month = Number(period.start.slice(5, 7)) + (rule.due.monthInPeriod ?? 1) - 1;
            expect(Number(period.due.slice(5, 7))).toBe(month);
            expect(Number(period.due.slice(8, 10))).toBe(Math.min(rule.due.day, daysInMonth(period.year, month)));
          }
        }
      }),
    );
  });

  it('Tianjin: monthly reports are due the 28th of the month, every month, leap year or not', () => {
    const periods = periodsOf(tianjinMonthly, 2013, 2016);
    expect(periods).toHaveLength(48);
    for (const period of periods) expect(period.due).toBe(`${period.id}-28`);
    expect(periods.find((p) => p.id === '2016-02')).toMatchObject({ start: '2016-02-01', end: '2016-02-29', due: '2016-02-28' });
  });

  it('Tianjin: half-year reports are due 5 July and 5 January', () => {
    expect(periodsOf(tianjinHalfYear, 2013, 2016).map(({ id, due }) => [id, due])).toEqual([
      ['2013S1', '2013-07-05'],
      ['2013S2', '2014-01-05'],
      ['2014S1', '2014-07-05'],
      ['2014S2', '2015-01-05'],
      ['2015S1', '2015-07-05'],
      ['2015S2', '2016-01-05'],
      ['2016S1', '2016-07-05'],
      ['2016S2', '2017-01-05'],
    ]);
  });

  it('Tianjin: yearly reports are due 5 January of the next year', () => {
    expect(periodsOf(tianjinYear, 2013, 2016).map(({ id, start, end, due }) => [id, start, end, due])).toEqual([
      ['2013', '2013-01-01', '2013-12-31', '2014-01-05'],
      ['2014', '2014-01-01', '2014-12-31', '2015-01-05'],
      ['2015', '2015-01-01', '2015-12-31', '2016-01-05'],
      ['2016', '2016-01-01', '2016-12-31', '2017-01-05'],
    ]);
  });

  it('clamps a due day past the month’s end to its last day', () => {
    const monthly31: ScheduleRule = { periodType: 'monthly', due: { kind: 'day-in-period', day: 31 } };
    expect(periodsOf(monthly31, 2024, 2025).filter((p) => ['2024-02', '2025-02', '2025-04', '2025-12'].includes(p.id)).map((p) => p.due)).toEqual([
      '2024-02-29',
      '2025-02-28',
      '2025-04-30',
      '2025-12-31',
    ]);
    const halfYearLastMonth31: ScheduleRule = { periodType: 'half-yearly', due: { kind: 'day-in-period', day: 31, monthInPeriod: 6 } };
    expect(periodsOf(halfYearLastMonth31, 2025, 2025).map((p) => p.due)).toEqual(['2025-06-30', '2025-12-31']);
  });

  it('a half-year or a year due on a day of one of its months: the 20th of its last month', () => {
    const halfYear: ScheduleRule = { periodType: 'half-yearly', due: { kind: 'day-in-period', day: 20, monthInPeriod: 6 } };
    expect(periodsOf(halfYear, 2025, 2025).map((p) => p.due)).toEqual(['2025-06-20', '2025-12-20']);
    const year: ScheduleRule = { periodType: 'yearly', due: { kind: 'day-in-period', day: 20, monthInPeriod: 12 } };
    expect(periodsOf(year, 2025, 2026).map((p) => p.due)).toEqual(['2025-12-20', '2026-12-20']);
    const yearFirstMonth: ScheduleRule = { periodType: 'yearly', due: { kind: 'day-in-period', day: 15, monthInPeriod: 1 } };
    expect(periodsOf(yearFirstMonth, 2025, 2025).map((p) => p.due)).toEqual(['2025-01-15']);
  });

  it('refuses a term that ends before it starts, and a rule for another period type', () => {
    expect(() => periodsOf(tianjinMonthly, 2016, 2013)).toThrow(RangeError);
    expect(() => dueDate(tianjinYear, parsePeriod('2025-03')!)).toThrow(RangeError);
  });
});

describe('the period at an instant, in Beijing', () => {
  it('the current period turns at Beijing midnight, not UTC midnight', () => {
    expect(currentPeriod(tianjinMonthly, new Date('2025-03-31T15:59:59.999Z')).id).toBe('2025-03');
    expect(currentPeriod(tianjinMonthly, new Date('2025-03-31T16:00:00.000Z')).id).toBe('2025-04');
    expect(currentPeriod(tianjinHalfYear, new Date('2025-06-30T16:00:00.000Z'))).toMatchObject({ id: '2025S2', due: '2026-01-05' });
    expect(currentPeriod(tianjinYear, new Date('2025-12-31T15:59:59.999Z')).id).toBe('2025');
    expect(currentPeriod(tianjinYear, new Date('2025-12-31T16:00:00.000Z'))).toMatchObject({ id: '2026', due: '2027-01-05' });
  });

  it('the period reported on is the earliest not yet past due', () => {
    // Monthly, due the 28th: March until 28 March (Beijing), then April.
    expect(reportingPeriod(tianjinMonthly, new Date('2025-03-28T15:59:59.999Z')).id).toBe('2025-03');
    expect(reportingPeriod(tianjinMonthly, new Date('2025-03-28T16:00:00.000Z')).id).toBe('2025-04');
    // Half-year, due 5 July: on 3 July the first half-year is still to report, from 6 July the second.
    expect(reportingPeriod(tianjinHalfYear, new Date('2025-07-03T04:00:00Z'))).toMatchObject({ id: '2025S1', due: '2025-07-05' });
    expect(reportingPeriod(tianjinHalfYear, new Date('2025-07-05T15:59:59.999Z')).id).toBe('2025S1');
    expect(reportingPeriod(tianjinHalfYear, new Date('2025-07-05T16:00:00.000Z')).id).toBe('2025S2');
    // Year, due 5 January: on 2 January 2026 it is still 2025.
    expect(reportingPeriod(tianjinYear, new Date('2026-01-02T04:00:00Z'))).toMatchObject({ id: '2025', due: '2026-01-05' });
  });

  it('the period reported on is not past due, and the one before it is', () => {
    fc.assert(
      fc.property(ruleArb, fc.date({ min: new Date('1990-01-01T00:00:00Z'), max: new Date('2100-01-01T00:00:00Z'), noInvalidDate: true }), (rule, now) => {
        const today = new Date(now.getTime() + 8 * 3_600_000).toISOString().slice(0, 10);
        const period = reportingPeriod(rule, now);
        expect(period.due >= today).toBe(true);
        const before = parsePeriod(periodsOf(rule, period.year - 1, period.year).find((p) => p.end === addDays(period.start, -1))!.id)!;
        expect(dueDate(rule, before) < today).toBe(true);
        const current = currentPeriod(rule, now);
        expect(current.start <= today && today <= current.end).toBe(true);
        // The current period, one before it (still due after its end) or, once it is past due, the next.
        expect(period.start <= addDays(current.end, 1)).toBe(true);
      }),
    );
  });
});
