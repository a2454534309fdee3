import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { beijingDate } from '../../../functions/platform/calendar.ts';

describe('calendar dates in Beijing time', () => {
  it('turns the date at Beijing midnight, not at UTC midnight', () => {
    expect(beijingDate(new Date('2025-03-31T15:59:59.999Z'))).toBe('2025-03-31');
    expect(beijingDate(new Date('2025-03-31T16:00:00.000Z'))).toBe('2025-04-01');
    expect(beijingDate(new Date('2025-12-31T23:00:00.000Z'))).toBe('2026-01-01');
  });

  it('agrees with the Asia/Shanghai zone of the platform’s time-zone database at every instant', () => {
    const zone = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit' });
    fc.assert(
      fc.property(fc.date({ min: new Date('1992-01-01T00:00:00Z'), max: new Date('2100-01-01T00:00:00Z'), noInvalidDate: true }), (instant) => {
        expect(beijingDate(instant)).toBe(zone.format(instant));
      }),
    );
  });
});
