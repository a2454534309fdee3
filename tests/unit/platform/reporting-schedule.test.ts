import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { nextReportingEvent, reportingEvents, whoToRemind, type ReminderPolicy } from '../../../functions/platform/reporting/schedule.ts';

const policy: ReminderPolicy = { daysBefore: [7, 3], overdueEveryNDays: 7, overdueForDays: 20, hourBeijing: 9 };
const dueArb = fc.date({ min: new Date('2000-01-01T00:00:00Z'), max: new Date('2090-01-01T00:00:00Z'), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10));
const policyArb = fc.record({
  daysBefore: fc.array(fc.integer({ min: 0, max: 40 }), { maxLength: 4 }),
  overdueEveryNDays: fc.integer({ min: 1, max: 30 }),
  overdueForDays: fc.integer({ min: 0, max: 60 }),
  hourBeijing: fc.integer({ min: 1, max: 23 }),
});

describe('when to remind (Beijing time)', () => {
  it('reminds at 09:00 Beijing before the due date, sweeps at 00:00 Beijing after it, then reminds every N days', () => {
    expect(reportingEvents('2025-03-28', policy)).toEqual([
      { kind: 'reminder', date: '2025-03-21', at: '2025-03-21T01:00:00.000Z' },
      { kind: 'reminder', date: '2025-03-25', at: '2025-03-25T01:00:00.000Z' },
      { kind: 'due', date: '2025-03-29', at: '2025-03-28T16:00:00.000Z' },
      { kind: 'overdue-reminder', date: '2025-03-29', at: '2025-03-29T01:00:00.000Z' },
      { kind: 'overdue-reminder', date: '2025-04-05', at: '2025-04-05T01:00:00.000Z' },
      { kind: 'overdue-reminder', date: '2025-04-12', at: '2025-04-12T01:00:00.000Z' },
    ]);
    // Across a leap day and a year end.
    expect(reportingEvents('2024-03-01', { ...policy, daysBefore: [1] })[0]!.date).toBe('2024-02-29');
    expect(reportingEvents('2025-12-31', policy).find((e) => e.kind === 'due')!.date).toBe('2026-01-01');
  });

  it('keeps events in time order, each reminder before the sweep, every overdue reminder after it', () => {
    fc.assert(
      fc.property(dueArb, policyArb, (due, p) => {
        const events = reportingEvents(due, p);
        const sweep = events.filter((e) => e.kind === 'due');
        expect(sweep).toHaveLength(1);
        expect(events.map((e) => e.at)).toEqual([...events.map((e) => e.at)].sort());
        for (const e of events) {
          if (e.kind === 'reminder') expect(e.at < sweep[0]!.at && e.date <= due).toBe(true);
          if (e.kind === 'overdue-reminder') expect(e.at > sweep[0]!.at && e.date > due).toBe(true);
        }
        expect(new Set(events.map((e) => `${e.kind}${e.at}`)).size).toBe(events.length);
      }),
    );
  });

  it('gives the first event strictly after a moment, so walking from any start visits each later event once', () => {
    fc.assert(
      fc.property(dueArb, policyArb, fc.integer({ min: -60, max: 60 }), (due, p, offsetDays) => {
        const start = new Date(Date.parse(`${due}T00:00:00+08:00`) + offsetDays * 86_400_000);
        const walked = [];
        for (let e = nextReportingEvent(due, p, start); e; e = nextReportingEvent(due, p, new Date(e.at))) walked.push(e);
        expect(walked).toEqual(reportingEvents(due, p).filter((e) => e.at > start.toISOString()));
      }),
    );
  });

  it('reminds each obligation not filed, once', () => {
    const o = (id: string, filed: boolean) => ({ id, recipient: `unit:${id}`, division: '120225', filed });
    expect(whoToRemind([o('a', false), o('b', true), o('a', false), o('c', false)]).map((x) => x.id)).toEqual(['a', 'c']);
  });
});
