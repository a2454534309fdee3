import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { addDays, daysBetween } from '../../../functions/programs/pairing/domain/period.ts';
import { overdueReminderDates, reminderDates } from '../../../functions/platform/reporting/schedule.ts';

const dateArb = fc
  .date({ min: new Date('1990-01-01T00:00:00Z'), max: new Date('2100-01-01T00:00:00Z'), noInvalidDate: true })
  .map((d) => d.toISOString().slice(0, 10));

describe('reminders before the due date', () => {
  it('one per number of days before, in date order, each date once', () => {
    expect(reminderDates('2025-03-28', [1, 7])).toEqual(['2025-03-21', '2025-03-27']);
    expect(reminderDates('2025-03-28', [7, 1, 7])).toEqual(['2025-03-21', '2025-03-27']);
    expect(reminderDates('2025-03-28', [0])).toEqual(['2025-03-28']);
    expect(reminderDates('2025-03-28', [])).toEqual([]);
  });

  it('cross month ends, year ends and leap days', () => {
    expect(reminderDates('2026-01-05', [7])).toEqual(['2025-12-29']);
    expect(reminderDates('2024-03-01', [1])).toEqual(['2024-02-29']);
    expect(reminderDates('2025-03-01', [1])).toEqual(['2025-02-28']);
    expect(reminderDates('2025-07-05', [10, 3])).toEqual(['2025-06-25', '2025-07-02']);
  });

  it('leave out dates before `notBefore` (a period not yet open)', () => {
    expect(reminderDates('2025-03-03', [1, 7], { notBefore: '2025-03-01' })).toEqual(['2025-03-02']);
    expect(reminderDates('2025-03-03', [1, 7], { notBefore: '2025-03-02' })).toEqual(['2025-03-02']);
  });

  it('are each the given number of days before the due date', () => {
    fc.assert(
      fc.property(dateArb, fc.array(fc.integer({ min: 0, max: 366 }), { maxLength: 6 }), (due, daysBefore) => {
        const dates = reminderDates(due, daysBefore);
        expect(dates).toEqual([...new Set(dates)].sort());
        expect(dates.map((date) => daysBetween(date, due)).sort((a, b) => b - a)).toEqual([...new Set(daysBefore)].sort((a, b) => b - a));
      }),
    );
  });

  it('refuses a negative or fractional number of days and a date that does not exist', () => {
    expect(() => reminderDates('2025-03-28', [-1])).toThrow();
    expect(() => reminderDates('2025-03-28', [1.5])).toThrow();
    expect(() => reminderDates('2025-02-29', [1])).toThrow();
  });
});

describe('overdue reminders', () => {
  it('from the first day the report is missing, every N days, up to and including `until`', () => {
    expect(overdueReminderDates('2025-03-28', 3, '2025-04-07')).toEqual(['2025-03-29', '2025-04-01', '2025-04-04', '2025-04-07']);
    expect(overdueReminderDates('2025-03-28', 3, '2025-04-06')).toEqual(['2025-03-29', '2025-04-01', '2025-04-04']);
    expect(overdueReminderDates('2025-12-31', 7, '2026-01-15')).toEqual(['2026-01-01', '2026-01-08', '2026-01-15']);
    expect(overdueReminderDates('2024-02-27', 1, '2024-03-01')).toEqual(['2024-02-28', '2024-02-29', '2024-03-01']);
  });

  it('none when `until` comes before the report is missing', () => {
    expect(overdueReminderDates('2025-03-28', 3, '2025-03-28')).toEqual([]);
    expect(overdueReminderDates('2025-03-28', 3, '2025-03-01')).toEqual([]);
  });

  it('are N days apart, after the due date, and none is left out before `until`', () => {
    fc.assert(
      fc.property(dateArb, fc.integer({ min: 1, max: 60 }), fc.integer({ min: -10, max: 400 }), (due, every, span) => {
        const until = addDays(due, span);
        const dates = overdueReminderDates(due, every, until);
        if (span < 1) {
          expect(dates).toEqual([]);
          return;
        }
        expect(dates[0]).toBe(addDays(due, 1));
        dates.forEach((date, i) => {
          expect(date > due && date <= until).toBe(true);
          if (i > 0) expect(daysBetween(dates[i - 1]!, date)).toBe(every);
        });
        expect(addDays(dates.at(-1)!, every) > until).toBe(true);
      }),
    );
  });

  it('refuses an interval under one day', () => {
    expect(() => overdueReminderDates('2025-03-28', 0, '2025-04-30')).toThrow(RangeError);
    expect(() => overdueReminderDates('2025-03-28', 1.5, '2025-04-30')).toThrow(RangeError);
  });

  it('refuses to list more than ten years of daily reminders', () => {
    expect(() => overdueReminderDates('2000-01-01', 1, '2025-01-01')).toThrow(RangeError);
  });
});
