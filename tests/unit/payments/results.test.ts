import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { checkResults, type RecordedLine, type ResultRow } from '../../../functions/platform/payments/domain/results.ts';
import { instructionIdOf, parseInstructionId, payoutIdOf, payoutStatuses, payoutTotals } from '../../../functions/platform/payments/domain/payout.ts';
import { requiredApprovals } from '../../../functions/platform/approvals.ts';
import { accountNumberSchema, accountValidOn } from '../../../functions/platform/payments/domain/account.ts';
import { formatYuan, sumFen } from '../../../functions/platform/money.ts';

const ids = Array.from({ length: 8 }, (_, i) => instructionIdOf(payoutIdOf({ program: 'funding', programId: 'fr-1', sourceId: `12022510420${i}` }), 1));
const amounts = new Map(ids.map((id, i) => [id, 100_00 * (i + 1)]));

const row = (n: number, cells: Partial<ResultRow['cells']>): ResultRow => ({ row: n, cells: { instruction: '', amount: '', status: '', bankReference: '', valueDate: '', reason: '', ...cells } });

/** A bank line as a file may have it: right or wrong instruction, amount, status and details. */
// Mostly well-formed, so that files get through often enough to test what getting through does.
const bankLine = fc.record({
  instruction: fc.oneof({ arbitrary: fc.constantFrom(...ids), weight: 12 }, { arbitrary: fc.constant('funding:fr-1:unknown:1'), weight: 1 }),
  amountRight: fc.oneof({ arbitrary: fc.constant(true), weight: 12 }, { arbitrary: fc.constant(false), weight: 1 }),
  paid: fc.boolean(),
  reference: fc.constantFrom('A1', 'A2', 'A3', 'A4', ''),
  reason: fc.constantFrom('户名不符', '账号不存在', '退票', '销户', ''),
});
const file = fc.array(bankLine, { minLength: 1, maxLength: 4 }).map((lines) =>
  lines.map((l, i) =>
    row(i + 2, {
      instruction: l.instruction,
      amount: formatYuan((amounts.get(l.instruction) ?? 1) + (l.amountRight ? 0 : 1)),
      status: l.paid ? '成功' : '失败',
      bankReference: l.paid ? l.reference : '',
      valueDate: l.paid ? '2026-12-01' : '',
      reason: l.paid ? '' : l.reason,
    }),
  ),
);

describe('checking a bank results file', () => {
  it('never settles an instruction twice, whatever files arrive in whatever order; an accepted file repeated changes nothing', () => {
    let settledSomething = 0;
    fc.assert(
      fc.property(fc.array(file, { minLength: 1, maxLength: 8 }), (files) => {
        const lines = new Map<string, RecordedLine>(ids.map((id) => [id, { amountFen: amounts.get(id)! }]));
        const settledBy = new Map<string, string>();
        for (const [n, rows] of files.entries()) {
          const { problems, changes } = checkResults(rows, lines);
          if (problems.length > 0) {
            expect(changes).toEqual([]);
            continue;
          }
          for (const change of changes) {
            expect(settledBy.has(change.instructionId), change.instructionId).toBe(false);
            expect(lines.get(change.instructionId)?.result).toBeUndefined();
            settledBy.set(change.instructionId, `file ${n}`);
            settledSomething += 1;
            lines.set(change.instructionId, { amountFen: amounts.get(change.instructionId)!, result: { ...change.result, importId: `i${n}` } });
          }
          // The same file again: accepted, nothing new.
          const again = checkResults(rows, lines);
          expect(again.problems).toEqual([]);
          expect(again.changes).toEqual([]);
          expect(again.unchanged).toBe(rows.length);
        }
      }),
      { numRuns: 500 },
    );
    // The files must get through at times, or the property above proves nothing.
    expect(settledSomething).toBeGreaterThan(200);
  });

  it('refuses a file as a whole, naming every problem by row and column', () => {
    const lines = new Map<string, RecordedLine>([
      [ids[0]!, { amountFen: 10_000 }],
      [ids[1]!, { amountFen: 20_000, result: { status: 'failed', reason: '户名不符', importId: 'i0' } }],
    ]);
    const checked = checkResults(
      [
        row(2, { instruction: ids[0]!, amount: '100.00', status: 'paid', bankReference: 'R1', valueDate: '2026-12-01' }),
        row(3, { instruction: 'nope:x:y:1', amount: '1', status: 'paid', bankReference: 'R', valueDate: '2026-12-01' }),
        row(4, { instruction: ids[1]!, amount: '200.00', status: 'paid', bankReference: 'R2', valueDate: '2026-12-01' }),
        row(5, { instruction: ids[0]!, amount: '100.00', status: 'paid', bankReference: 'R1', valueDate: '2026-12-01' }),
        row(6, { instruction: ids[0]!, amount: '100.00', status: 'maybe' }),
      ],
      lines,
    );
    expect(checked.changes).toEqual([]);
    expect(checked.problems.map((p) => `${p.row}:${p.column}`)).toEqual(['3:instruction', '4:status', '5:instruction', '6:instruction']);
    const amountWrong = checkResults([row(2, { instruction: ids[0]!, amount: '100.01', status: 'failed', reason: '退票' })], lines);
    expect(amountWrong.problems).toEqual([{ row: 2, column: 'amount', message: 'is 100.01 yuan; the instruction is for 100.00 yuan' }]);
    const missing = checkResults([row(2, { instruction: ids[0]!, amount: '100', status: 'paid', valueDate: '2026-02-30' })], lines);
    expect(missing.problems.map((p) => p.column)).toEqual(['bankReference', 'valueDate']);
  });
});

describe('payouts', () => {
  it('add up: approved is the sum of the statuses, in count and in fen', () => {
    fc.assert(
      fc.property(fc.array(fc.record({ status: fc.constantFrom(...payoutStatuses), amountFen: fc.integer({ min: 1, max: 10 ** 12 }) }), { maxLength: 200 }), (payouts) => {
        const totals = payoutTotals(payouts);
        expect(totals.approved).toEqual({ count: payouts.length, amountFen: sumFen(payouts.map((p) => p.amountFen)) });
        expect(payoutStatuses.reduce((n, s) => n + totals[s].count, 0)).toBe(payouts.length);
        expect(sumFen(payoutStatuses.map((s) => totals[s].amountFen))).toBe(totals.approved.amountFen);
      }),
    );
  });

  it('name their attempt in the instruction id, read back exactly', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[A-Za-z0-9._#-]{1,30}$/), fc.stringMatching(/^[A-Za-z0-9._#-]{1,30}$/), fc.integer({ min: 1, max: 9999 }), (programId, sourceId, attempt) => {
        const payoutId = payoutIdOf({ program: 'reward', programId, sourceId });
        expect(parseInstructionId(instructionIdOf(payoutId, attempt))).toEqual({ payoutId, attempt });
      }),
    );
    expect(parseInstructionId('reward:p:s:0')).toBeUndefined();
    expect(parseInstructionId('reward:p:s')).toBeUndefined();
  });

  it('need two approvers at or above the threshold', () => {
    expect(requiredApprovals(99_999_999, 100_000_000)).toBe(1);
    expect(requiredApprovals(100_000_000, 100_000_000)).toBe(2);
  });

  it('take digits only as an account number, and an account from its first valid day (Beijing)', () => {
    expect(accountNumberSchema.parse('6228 4800-1234 5678 901')).toBe('6228480012345678901');
    for (const bad of ['6228abc', '1234567', '1'.repeat(33), '', '６２２８４８００']) expect(accountNumberSchema.safeParse(bad).success, bad).toBe(false);
    expect(accountValidOn({ validFrom: '2026-12-02' }, '2026-12-01')).toBe(false);
    expect(accountValidOn({ validFrom: '2026-12-02' }, '2026-12-02')).toBe(true);
    expect(accountValidOn(undefined, '2026-12-02')).toBe(false);
  });
});
