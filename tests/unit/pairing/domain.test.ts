import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { cadreInputSchema, cadreProblems, dateInTerm, pairingInputSchema, pairingTargetsSchema, villageInTerm, noTargets } from '../../../functions/programs/pairing/domain/pairing.ts';
import { parsePairingCsv } from '../../../functions/programs/pairing/domain/pairing-csv.ts';
import { termSchema } from '../../../functions/programs/pairing/domain/term.ts';

const term = {
  name: '双五百',
  division: '120225',
  firstYear: 2013,
  lastYear: 2016,
  schedule: [
    { periodType: 'monthly', due: { kind: 'day-in-period', day: 28 } },
    { periodType: 'half-yearly', due: { kind: 'days-after-end', days: 5 } },
    { periodType: 'yearly', due: { kind: 'days-after-end', days: 5 } },
  ],
  targets: { advancedVillages: 261, oneVillageOneIndustry: 220, oneVillageOneCooperative: 417, collectiveIncomeFen: 0 },
};
const termId = 'pt-00000000-0000-4000-8000-000000000001';
const unitId = '00000000-0000-4000-8000-000000000002';

describe('a term', () => {
  it('takes Tianjin’s schedule as data', () => {
    expect(termSchema.safeParse(term).success).toBe(true);
  });

  it('refuses years backwards or a term longer than ten years, naming lastYear', () => {
    for (const years of [{ firstYear: 2016, lastYear: 2013 }, { firstYear: 2013, lastYear: 2023 }]) {
      const parsed = termSchema.safeParse({ ...term, ...years });
      expect(parsed.success).toBe(false);
      expect(parsed.error?.issues.map((i) => i.path.join('.'))).toEqual(['lastYear']);
    }
  });

  it('checks only the shape of the schedule rules', () => {
    const rule = (due: unknown, periodType = 'monthly') => termSchema.safeParse({ ...term, schedule: [{ periodType, due }] }).success;
    expect(rule({ kind: 'day-in-period', day: 31 })).toBe(true);
    expect(rule({ kind: 'days-after-end', days: 0 })).toBe(true);
    expect(rule({ kind: 'day-in-period', day: 0 })).toBe(false);
    expect(rule({ kind: 'day-in-period', day: 28.5 })).toBe(false);
    expect(rule({ kind: 'days-after-end', days: -1 })).toBe(false);
    expect(rule({ kind: 'days-after-end', day: 5 })).toBe(false);
    expect(rule({ kind: 'weeks-after-end', days: 5 })).toBe(false);
    expect(rule({ kind: 'day-in-period', day: 5 }, 'quarterly')).toBe(false);
    expect(termSchema.safeParse({ ...term, schedule: [] }).success).toBe(false);
  });

  it('refuses a village as its jurisdiction', () => {
    expect(termSchema.safeParse({ ...term, division: '120225100201' }).success).toBe(false);
  });
});

describe('a pairing', () => {
  it('keeps targets at or above their baseline', () => {
    expect(pairingTargetsSchema.safeParse(noTargets).success).toBe(true);
    fc.assert(
      fc.property(fc.boolean(), fc.boolean(), fc.nat(), fc.nat(), (baseline, target, incomeBaseline, incomeTarget) => {
        const t = { ...noTargets, oneVillageOneIndustry: { baseline, target }, collectiveIncomeFen: { baseline: incomeBaseline, target: incomeTarget } };
        const ok = pairingTargetsSchema.safeParse(t).success;
        expect(ok).toBe(!(baseline && !target) && incomeTarget >= incomeBaseline);
      }),
    );
  });

  it('orders a cadre’s dates and keeps them inside the term', () => {
    expect(cadreInputSchema.safeParse({ name: '张伟', role: 'first-secretary', from: '2014-01-01', to: '2013-12-31' }).success).toBe(false);
    expect(cadreInputSchema.safeParse({ name: '张伟', role: 'first-secretary', from: '2014-01-01', to: '2014-01-01' }).success).toBe(true);
    expect(cadreInputSchema.safeParse({ name: '张伟', role: '第一书记', from: '2014-01-01' }).success).toBe(false);
    expect(cadreInputSchema.safeParse({ name: '张伟', role: 'team-member', from: '2014-02-30' }).success).toBe(false);
    expect(cadreProblems([{ name: '张伟', role: 'team-member', from: '2012-12-31', to: '2017-01-01' }], term)).toEqual([
      { field: 'cadres.0.from', message: expect.any(String) },
      { field: 'cadres.0.to', message: expect.any(String) },
    ]);
    expect(dateInTerm('2013-01-01', term) && dateInTerm('2016-12-31', term)).toBe(true);
  });

  it('lies in the term’s jurisdiction by prefix', () => {
    expect(villageInTerm('120225100201', '120225')).toBe(true);
    expect(villageInTerm('120223100201', '120225')).toBe(false);
  });

  it('takes money only as whole non-negative fen', () => {
    const base = { termId, unitId, village: '120225100201', level: 'city' };
    expect(pairingInputSchema.safeParse({ ...base, pledgedFenPerYear: 50_000_000 }).success).toBe(true);
    for (const pledged of [-1, 1.5, '100', Number.MAX_SAFE_INTEGER + 1]) expect(pairingInputSchema.safeParse({ ...base, pledgedFenPerYear: pledged }).success).toBe(false);
  });
});

describe('the pairing CSV', () => {
  it('reads English or Chinese headers, the pledge in fen or yuan', () => {
    const fen = parsePairingCsv(`termId,unitId,village,level,pledgedFenPerYear\n${termId},${unitId},120225100201,city,100\n`);
    expect(fen.errors).toEqual([]);
    expect(fen.rows).toEqual([{ row: 2, pairing: { termId, unitId, village: '120225100201', level: 'city', pledgedFenPerYear: 100 } }]);
    const yuan = parsePairingCsv(`\uFEFF村代码,帮扶单位,帮扶周期,层级,年承诺资金(元)\r\n120225100201,${unitId},${termId},区级,1.05\r\n`);
    expect(yuan.errors).toEqual([]);
    expect(yuan.rows[0]?.pairing).toMatchObject({ level: 'district', pledgedFenPerYear: 105 });
  });

  it('names every bad cell by row and column, and a pair named twice', () => {
    const result = parsePairingCsv(
      [`termId,unitId,village,level,pledgedFenPerYear`, `${termId},${unitId},120225100201,city,1`, `${termId},${unitId},120225100201,city,2`, `x,y,z,town,1.5`].join('\n'),
    );
    expect(result.errors.map((e) => `${e.row}:${e.column}`)).toEqual(['3:village', '4:level', '4:pledgedFenPerYear', '4:termId', '4:unitId', '4:village']);
    expect(result.rows).toHaveLength(1);
  });

  it('refuses a file without a pledge column, or with too many rows', () => {
    expect(parsePairingCsv('termId,unitId,village,level\n').errors).toEqual([expect.objectContaining({ row: 1, column: 'pledgedFenPerYear' })]);
    const many = parsePairingCsv(`termId,unitId,village,level,pledgedFenPerYear\n${`${termId},${unitId},120225100201,city,1\n`.repeat(3)}`, { maxRows: 2 });
    expect(many.errors).toEqual([expect.objectContaining({ row: 1, message: expect.stringContaining('too many rows') })]);
  });
});
