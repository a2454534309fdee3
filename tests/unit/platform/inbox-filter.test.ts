import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { beijingDate } from '../../../functions/platform/calendar.ts';
import { beijingDayStart, deadlineBound, inboxConditions } from '../../../functions/platform/decisions/filter.ts';

const instants = fc.date({ min: new Date('2000-01-01T00:00:00Z'), max: new Date('2090-01-01T00:00:00Z'), noInvalidDate: true });

describe('inbox filters: the deadline in Beijing time', () => {
  it('a deadline is due by a day exactly when its Beijing calendar date is that day or earlier', () => {
    fc.assert(
      fc.property(instants, instants, (deadline, day) => {
        const dueBy = beijingDate(day);
        const bound = deadlineBound({ dueBy }, new Date())!;
        expect(deadline.toISOString() < bound).toBe(beijingDate(deadline) <= dueBy);
      }),
    );
  });

  it('overdue is before now; with a day as well, the earlier of the two bounds', () => {
    fc.assert(
      fc.property(instants, instants, (now, day) => {
        const dueBy = beijingDate(day);
        const both = deadlineBound({ dueBy, overdue: true }, now)!;
        expect(both).toBe([now.toISOString(), deadlineBound({ dueBy }, now)!].sort()[0]);
        expect(deadlineBound({ overdue: true }, now)).toBe(now.toISOString());
      }),
    );
  });

  it('a Beijing day starts at 16:00 UTC the day before, also across months and leap days', () => {
    expect(beijingDayStart('2026-03-01')).toBe('2026-02-28T16:00:00.000Z');
    expect(beijingDayStart('2028-03-01')).toBe('2028-02-29T16:00:00.000Z');
    expect(deadlineBound({ dueBy: '2026-12-31' }, new Date())).toBe('2026-12-31T16:00:00.000Z');
    expect(deadlineBound({}, new Date())).toBeUndefined();
  });
});

describe('inbox filters: program, kind and township', () => {
  const now = new Date('2026-06-01T00:00:00Z');
  it('narrows the scope to a township inside it, keeps a village scope under its township, refuses one outside', () => {
    expect(inboxConditions({ township: '120225104' }, '120225', now)).toEqual({ division: '120225104' });
    expect(inboxConditions({ township: '120225104' }, '120225104201', now)).toEqual({ division: '120225104201' });
    expect(inboxConditions({ township: '120226104' }, '120225', now)).toMatchObject({ field: 'township', forbidden: true });
  });

  it('a kind must belong to the program named with it; a program alone is a kind prefix', () => {
    expect(inboxConditions({ program: 'reward', kind: 'funding.run-approval' }, '120225', now)).toMatchObject({ field: 'kind' });
    expect(inboxConditions({ program: 'reward' }, '120225', now)).toEqual({ division: '120225', kind: { beginsWith: 'reward.' } });
    expect(inboxConditions({ overdue: false }, '120225', now)).toMatchObject({ field: 'overdue' });
  });
});
