import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  canFile,
  canReview,
  contribution,
  counterDelta,
  counterFields,
  mergeCounters,
  rateBp,
  reportStatuses,
  timelinessOf,
  zeroCounters,
  type CountedReport,
  type Counters,
  type ReportContent,
} from '../../../functions/programs/pairing/domain/report.ts';
import { lateFrom } from '../../../functions/programs/pairing/domain/schedule.ts';

const fen = fc.integer({ min: 0, max: 10_000_000_000 });
const small = fc.integer({ min: 0, max: 1_000 });
const countersArb: fc.Arbitrary<Counters> = fc.record(Object.fromEntries(counterFields.map((f) => [f, fc.integer({ min: -1_000_000_000, max: 1_000_000_000 })])) as Record<keyof Counters, fc.Arbitrary<number>>);

const contentArb: fc.Arbitrary<ReportContent> = fc.oneof(
  fc.record({ nil: fc.constant(true as const), narrative: fc.string({ maxLength: 10 }) }),
  fc.record({ nil: fc.constant(false as const), investedFen: fen, cadreDays: small, projectsStarted: small, projectsFinished: small, collectiveIncomeToDateFen: fen, narrative: fc.string({ maxLength: 10 }) }),
);
const reportArb: fc.Arbitrary<CountedReport> = fc
  .record({
    status: fc.constantFrom(...reportStatuses),
    overdue: fc.boolean(),
    timeliness: fc.constantFrom('on-time' as const, 'late' as const),
    current: contentArb,
    opening: fc.record({ pledgedFen: fen, cadresInPlace: small, firstSecretaries: small, collectiveIncomeTargetFen: fen }),
  })
  // An expected report was never filed: no class, no content. A filed one was on time or late.
  .map((r) => (r.status === 'expected' ? { status: r.status, overdue: r.overdue, opening: r.opening } : { ...r, overdue: false }));

/** A recount written apart from `contribution`: what DHIS2 would count over the reports themselves. */
function recount(reports: readonly CountedReport[]): Counters {
  const filed = reports.filter((r) => r.status !== 'expected');
  const values = filed.flatMap((r) => (r.current && !r.current.nil ? [r.current] : []));
  const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
  return {
    expected: reports.length,
    filed: filed.length,
    onTime: filed.filter((r) => r.timeliness === 'on-time').length,
    late: filed.filter((r) => r.timeliness === 'late').length,
    missing: reports.filter((r) => r.status === 'expected' && r.overdue).length,
    nil: filed.filter((r) => r.current?.nil === true).length,
    returned: reports.filter((r) => r.status === 'returned').length,
    approved: reports.filter((r) => r.status === 'approved' || r.status === 'accepted').length,
    accepted: reports.filter((r) => r.status === 'accepted').length,
    pledgedFen: sum(reports.map((r) => r.opening.pledgedFen)),
    investedFen: sum(values.map((v) => v.investedFen)),
    cadresInPlace: sum(reports.map((r) => r.opening.cadresInPlace)),
    firstSecretaries: sum(reports.map((r) => r.opening.firstSecretaries)),
    cadreDays: sum(values.map((v) => v.cadreDays)),
    projectsStarted: sum(values.map((v) => v.projectsStarted)),
    projectsFinished: sum(values.map((v) => v.projectsFinished)),
    collectiveIncomeFen: sum(values.map((v) => v.collectiveIncomeToDateFen)),
    collectiveIncomeTargetFen: sum(reports.map((r) => r.opening.collectiveIncomeTargetFen)),
  };
}

describe('counters that merge', () => {
  it('merge associatively and commutatively, with zero as identity', () => {
    fc.assert(
      fc.property(countersArb, countersArb, countersArb, (a, b, c) => {
        expect(mergeCounters(a, mergeCounters(b, c))).toEqual(mergeCounters(mergeCounters(a, b), c));
        expect(mergeCounters(a, b)).toEqual(mergeCounters(b, a));
        expect(mergeCounters(a, zeroCounters)).toEqual(mergeCounters(a));
      }),
    );
  });

  it('equal a recount of the reports, however the reports are split into counters and merged', () => {
    fc.assert(
      fc.property(fc.array(reportArb, { maxLength: 40 }), fc.array(fc.nat(3), { maxLength: 40 }), (reports, buckets) => {
        // Four counters (townships, say), each the sum of its reports' contributions, merged in any order.
        const parts = [0, 1, 2, 3].map((b) => mergeCounters(zeroCounters, ...reports.filter((_, i) => (buckets[i] ?? 0) === b).map(contribution)));
        expect(mergeCounters(...parts.reverse())).toEqual(recount(reports));
      }),
    );
  });

  it('equal a recount after any sequence of changes applied as deltas (what the transactions ADD)', () => {
    fc.assert(
      fc.property(fc.array(reportArb, { minLength: 1, maxLength: 10 }), fc.array(fc.tuple(fc.nat(9), reportArb), { maxLength: 30 }), (start, changes) => {
        const reports = [...start];
        let counter = mergeCounters(zeroCounters, ...reports.map(contribution));
        for (const [at, next] of changes) {
          const i = at % reports.length;
          counter = mergeCounters(counter, counterDelta(contribution(reports[i]!), contribution(next)));
          reports[i] = next;
        }
        expect(counter).toEqual(recount(reports));
      }),
    );
  });

  it('counts every report as exactly one of filed or not, and a filed one as exactly one of on time or late', () => {
    fc.assert(
      fc.property(reportArb, (r) => {
        const c = contribution(r);
        expect(c.expected).toBe(1);
        expect(c.filed + (r.status === 'expected' ? 1 : 0)).toBe(1);
        expect(c.onTime + c.late).toBe(c.filed);
        expect(c.missing).toBeLessThanOrEqual(1 - c.filed);
      }),
    );
  });

  it('gives rates in basis points, rounded down, never above 100 % of what is counted', () => {
    fc.assert(
      fc.property(fc.nat(100_000), fc.nat(100_000), (part, extra) => {
        const bp = rateBp(part, part + extra);
        expect(bp).toBeLessThanOrEqual(10_000);
        if (part + extra > 0) expect(bp).toBe(Math.floor((part * 10_000) / (part + extra)));
      }),
    );
    expect(rateBp(2, 3)).toBe(6666);
    expect(rateBp(0, 0)).toBe(0);
  });
});

describe('timeliness and moves', () => {
  const dueArb = fc.date({ min: new Date('2000-01-01T00:00:00Z'), max: new Date('2090-01-01T00:00:00Z'), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10));

  it('classes a report by its first submission: on time up to 24:00 Beijing of the due date, late from then', () => {
    fc.assert(
      fc.property(dueArb, fc.integer({ min: -5 * 86_400_000, max: 5 * 86_400_000 }), fc.integer({ min: 0, max: 60 * 86_400_000 }), (due, offset, later) => {
        const first = new Date(lateFrom(due).getTime() + offset);
        const expected = offset < 0 ? 'on-time' : 'late';
        expect(timelinessOf(due, first, new Date(first.getTime() + later))).toBe(expected);
      }),
    );
    expect(timelinessOf('2025-03-28', new Date('2025-03-28T15:59:59.999Z'), new Date())).toBe('on-time');
    expect(timelinessOf('2025-03-28', new Date('2025-03-28T16:00:00Z'), new Date())).toBe('late');
    expect(timelinessOf('2025-03-28', undefined, new Date('2025-03-28T16:00:00Z'))).toBe('missing');
    expect(timelinessOf('2025-03-28', undefined, new Date('2025-03-28T15:00:00Z'))).toBe('not-due');
  });

  it('lets the unit file only an expected, submitted or returned report, and the township review only a submitted one', () => {
    expect(reportStatuses.filter((s) => canFile(s).ok)).toEqual(['expected', 'submitted', 'returned']);
    expect(reportStatuses.filter((s) => canReview(s).ok)).toEqual(['submitted']);
  });
});
