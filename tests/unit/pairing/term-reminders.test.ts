import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { defaultTermReminders, termSchema } from '../../../functions/programs/pairing/domain/term.ts';
import { tianjinSchedule } from '../../../functions/programs/pairing/domain/schedule.ts';
import { termRecordSchema } from '../../../functions/programs/pairing/store/term.ts';
import { overdueReminderDates, reminderDates, reportingEvents } from '../../../functions/platform/reporting/schedule.ts';
import { addDays } from '../../../functions/platform/calendar.ts';

// A term's reminder policy (its `reminders`): validated with the field named, the default equal to
// what pairing hard-coded before (a week and three days before, weekly overdue), and the dates the
// period workflow acts on are the platform's reminderDates / overdueReminderDates of that policy.

const term = {
  name: '双五百',
  division: '120225',
  firstYear: 2025,
  lastYear: 2026,
  schedule: tianjinSchedule,
  targets: { advancedVillages: 1, oneVillageOneIndustry: 1, oneVillageOneCooperative: 1, collectiveIncomeFen: 0 },
};
const stored = { ...term, id: 'pt-00000000-0000-4000-8000-000000000001', version: 1, createdAt: '2025-01-01T00:00:00.000Z', createdBy: 'admin' };

const policyArb = fc.record({
  daysBefore: fc.array(fc.integer({ min: 0, max: 366 }), { maxLength: 10 }),
  overdueEveryNDays: fc.integer({ min: 1, max: 366 }),
  overdueForDays: fc.integer({ min: 0, max: 3_660 }),
  hourBeijing: fc.integer({ min: 1, max: 23 }),
});
const dueArb = fc.date({ min: new Date('2000-01-01T00:00:00Z'), max: new Date('2099-12-31T00:00:00Z'), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10));

describe('a term’s reminders', () => {
  it('default to a week and three days before, weekly overdue for a year, at 09:00', () => {
    expect(defaultTermReminders).toEqual({ daysBefore: [7, 3], overdueEveryNDays: 7, overdueForDays: 366, hourBeijing: 9 });
    // A term stored without reminders (before they were data) reads with the default.
    expect(termRecordSchema.parse(stored).reminders).toEqual(defaultTermReminders);
    const events = reportingEvents('2025-03-28', defaultTermReminders);
    expect(events.slice(0, 4)).toEqual([
      { kind: 'reminder', date: '2025-03-21', at: '2025-03-21T01:00:00.000Z' },
      { kind: 'reminder', date: '2025-03-25', at: '2025-03-25T01:00:00.000Z' },
      { kind: 'due', date: '2025-03-29', at: '2025-03-28T16:00:00.000Z' },
      { kind: 'overdue-reminder', date: '2025-03-29', at: '2025-03-29T01:00:00.000Z' },
    ]);
    expect(events[4]).toEqual({ kind: 'overdue-reminder', date: '2025-04-05', at: '2025-04-05T01:00:00.000Z' });
  });

  it('take the optional fields’ defaults when only the days are given', () => {
    const parsed = termSchema.parse({ ...term, reminders: { daysBefore: [2], overdueEveryNDays: 3 } });
    expect(parsed.reminders).toEqual({ daysBefore: [2], overdueEveryNDays: 3, overdueForDays: 366, hourBeijing: 9 });
  });

  it('are kept as given, and the workflow’s dates are the platform’s dates of them', () => {
    fc.assert(
      fc.property(policyArb, dueArb, (policy, due) => {
        const parsed = termSchema.parse({ ...term, reminders: policy });
        expect(parsed.reminders).toEqual(policy);
        const events = reportingEvents(due, parsed.reminders!);
        expect(events.filter((e) => e.kind === 'reminder').map((e) => e.date)).toEqual(reminderDates(due, policy.daysBefore));
        expect(events.filter((e) => e.kind === 'overdue-reminder').map((e) => e.date)).toEqual(overdueReminderDates(due, policy.overdueEveryNDays, addDays(due, policy.overdueForDays)));
        for (const e of events.filter((x) => x.kind !== 'due')) expect(new Date(e.at).getUTCHours()).toBe((policy.hourBeijing + 16) % 24);
      }),
      { numRuns: 200 },
    );
  });

  it('refuse a number out of range or not whole, naming the field', () => {
    const bad = fc.oneof(
      fc.record({ field: fc.constant('daysBefore.0'), value: fc.oneof(fc.integer({ min: -1_000, max: -1 }), fc.integer({ min: 367, max: 10_000 }), fc.constant(1.5)) }),
      fc.record({ field: fc.constant('overdueEveryNDays'), value: fc.oneof(fc.integer({ min: -1_000, max: 0 }), fc.integer({ min: 367, max: 10_000 }), fc.constant(7.5)) }),
      fc.record({ field: fc.constant('overdueForDays'), value: fc.oneof(fc.integer({ min: -1_000, max: -1 }), fc.integer({ min: 3_661, max: 100_000 }), fc.constant(0.5)) }),
      fc.record({ field: fc.constant('hourBeijing'), value: fc.oneof(fc.constant(0), fc.integer({ min: 24, max: 1_000 }), fc.constant(9.5)) }),
    );
    fc.assert(
      fc.property(bad, ({ field, value }) => {
        const reminders: Record<string, unknown> = { daysBefore: [7], overdueEveryNDays: 7 };
        if (field === 'daysBefore.0') reminders.daysBefore = [value];
        else reminders[field] = value;
        const parsed = termSchema.safeParse({ ...term, reminders });
        expect(parsed.success).toBe(false);
        expect(parsed.error!.issues.map((i) => i.path.join('.'))).toEqual([`reminders.${field}`]);
      }),
    );
  });

  it('refuse more than ten reminders before the due date, a missing interval and an unknown field', () => {
    const paths = (reminders: unknown) => termSchema.safeParse({ ...term, reminders }).error?.issues.map((i) => i.path.join('.'));
    expect(paths({ daysBefore: Array.from({ length: 11 }, (_, i) => i), overdueEveryNDays: 7 })).toEqual(['reminders.daysBefore']);
    expect(paths({ daysBefore: [7] })).toEqual(['reminders.overdueEveryNDays']);
    expect(paths({ daysBefore: [7], overdueEveryNDays: 7, everyDays: 3 })).toEqual(['reminders']);
  });
});
