import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  addDays,
  daysBetween,
  dhis2PeriodId,
  maxPeriodYear,
  minPeriodYear,
  nextPeriod,
  parsePeriod,
  periodContaining,
  periodIdSchema,
  periodOf,
  periodTypeValues,
  periodsPerYear,
  type PeriodType,
} from '../../../functions/programs/pairing/domain/period.ts';
import { isCalendarDate } from '../../../functions/platform/calendar.ts';

const periodType = fc.constantFrom(...periodTypeValues);
const year = fc.integer({ min: minPeriodYear, max: maxPeriodYear });
const periodArb = fc
  .tuple(periodType, year)
  .chain(([type, y]) => fc.integer({ min: 1, max: periodsPerYear[type] }).map((index) => periodOf(type, y, index)));
const dateArb = fc
  .date({ min: new Date('1900-01-01T00:00:00Z'), max: new Date('2999-12-31T00:00:00Z'), noInvalidDate: true })
  .map((d) => d.toISOString().slice(0, 10));

describe('period ids', () => {
  it('name months, half-years and years readably', () => {
    expect(periodOf('monthly', 2025, 3)).toEqual({ id: '2025-03', type: 'monthly', year: 2025, index: 3, start: '2025-03-01', end: '2025-03-31' });
    expect(periodOf('monthly', 2024, 2)).toMatchObject({ id: '2024-02', start: '2024-02-01', end: '2024-02-29' });
    expect(periodOf('monthly', 2025, 2)).toMatchObject({ id: '2025-02', end: '2025-02-28' });
    expect(periodOf('half-yearly', 2025, 1)).toMatchObject({ id: '2025S1', start: '2025-01-01', end: '2025-06-30' });
    expect(periodOf('half-yearly', 2025, 2)).toMatchObject({ id: '2025S2', start: '2025-07-01', end: '2025-12-31' });
    expect(periodOf('yearly', 2025, 1)).toMatchObject({ id: '2025', start: '2025-01-01', end: '2025-12-31' });
  });

  it('give DHIS2’s id of the same period for an export', () => {
    expect(dhis2PeriodId(periodOf('monthly', 2025, 3))).toBe('202503');
    expect(dhis2PeriodId(periodOf('half-yearly', 2025, 2))).toBe('2025S2');
    expect(dhis2PeriodId(periodOf('yearly', 2025, 1))).toBe('2025');
  });

  it('round-trip: parsing a period’s id gives the period back', () => {
    fc.assert(
      fc.property(periodArb, (period) => {
        expect(parsePeriod(period.id)).toEqual(period);
        expect(periodIdSchema.safeParse(period.id).success).toBe(true);
      }),
    );
  });

  it('round-trip: an id that parses is the id of what it parses to', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^\d{4}(-\d{2}|S\d)?$/), (id) => {
        const period = parsePeriod(id);
        if (period !== undefined) expect(period.id).toBe(id);
      }),
    );
  });

  it.each(['2025-13', '2025-00', '2025S0', '2025S3', '2025H1', '202503', '2025-3', '25', ' 2025', '2025 ', '1899', '3000', '', '2025-03-01', '２０２５'])(
    'refuses %j',
    (id) => {
      expect(parsePeriod(id)).toBeUndefined();
      expect(periodIdSchema.safeParse(id).success).toBe(false);
    },
  );

  it('sort as their periods fall, within a type', () => {
    const twoOfOneType = periodType.chain((type) => {
      const one = fc.tuple(year, fc.integer({ min: 1, max: periodsPerYear[type] })).map(([y, index]) => periodOf(type, y, index));
      return fc.tuple(one, one);
    });
    fc.assert(
      fc.property(twoOfOneType, ([a, b]) => {
        expect(a.id < b.id).toBe(a.start < b.start);
        expect(a.id === b.id).toBe(a.start === b.start);
      }),
    );
    expect(['2025-10', '2025-02', '2024-12', '2025-01'].sort()).toEqual(['2024-12', '2025-01', '2025-02', '2025-10']);
  });
});

describe('periods', () => {
  it('the period containing a date holds it, and the next one starts the day after it ends', () => {
    fc.assert(
      fc.property(periodType, dateArb, (type: PeriodType, date) => {
        const period = periodContaining(type, date);
        expect(period.start <= date && date <= period.end).toBe(true);
        expect(period.type).toBe(type);
        if (period.year < maxPeriodYear) expect(nextPeriod(period).start).toBe(addDays(period.end, 1));
      }),
    );
  });

  it('refuses a year or an index out of range', () => {
    expect(() => periodOf('monthly', 2025, 13)).toThrow(RangeError);
    expect(() => periodOf('half-yearly', 2025, 3)).toThrow(RangeError);
    expect(() => periodOf('yearly', 2025, 2)).toThrow(RangeError);
    expect(() => periodOf('yearly', 1899, 1)).toThrow(RangeError);
    expect(() => periodOf('monthly', 2025.5, 1)).toThrow(RangeError);
  });
});

describe('calendar-date arithmetic', () => {
  it('crosses month ends, year ends and leap days', () => {
    expect(addDays('2024-02-28', 1)).toBe('2024-02-29');
    expect(addDays('2025-02-28', 1)).toBe('2025-03-01');
    expect(addDays('2100-02-28', 1)).toBe('2100-03-01');
    expect(addDays('2000-02-28', 1)).toBe('2000-02-29');
    expect(addDays('2025-12-31', 5)).toBe('2026-01-05');
    expect(addDays('2025-06-30', 5)).toBe('2025-07-05');
    expect(addDays('2026-01-05', -7)).toBe('2025-12-29');
    expect(daysBetween('2024-01-01', '2025-01-01')).toBe(366);
  });

  it('adding days and counting them are inverse, and always give a real date', () => {
    fc.assert(
      fc.property(dateArb, fc.integer({ min: -800, max: 800 }), (date, days) => {
        const later = addDays(date, days);
        expect(isCalendarDate(later)).toBe(true);
        expect(daysBetween(date, later)).toBe(days);
        expect(addDays(later, -days)).toBe(date);
      }),
    );
  });

  it('refuses a date that does not exist', () => {
    expect(() => addDays('2025-02-29', 1)).toThrow(RangeError);
    expect(() => addDays('2025-03-28', 1.5)).toThrow(RangeError);
  });
});
