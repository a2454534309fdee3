import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { formatFenAsYuan, pages, parseVillageCsv, parseYuanToFen, toVillageCsv } from '../../../functions/platform/registries/domain/village-csv.ts';
import { villageCategories, type Village } from '../../../functions/platform/registries/domain/village.ts';

const header = 'code,name,population,economicallyWeak,category,operatingFundsYuan';

const villageArb: fc.Arbitrary<Village> = fc.record({
  code: fc.tuple(fc.integer({ min: 100, max: 130 }), fc.integer({ min: 200, max: 299 })).map(([t, v]) => `120225${t}${v}`),
  name: fc
    .string({ unit: fc.constantFrom(...'村庄镇屯营子堡马张王李,"\' abc-'.split('')), minLength: 1, maxLength: 12 })
    .map((s) => s.trim())
    .filter((s) => s.length > 0),
  population: fc.integer({ min: 0, max: 20_000 }),
  economicallyWeak: fc.boolean(),
  category: fc.constantFrom(...villageCategories),
  operatingFundsFen: fc.integer({ min: 0, max: 10_000_000_000 }),
});

const uniqueVillages = fc.uniqueArray(villageArb, { minLength: 1, maxLength: 40, selector: (v) => v.code });

describe('parseVillageCsv', () => {
  it('reads a file with Chinese headers, a BOM and CRLF line ends', () => {
    const text = '\uFEFF村代码,村名,人口,经济薄弱村,类别,运转经费(元)\r\n120225100201,西井峪村,1260,否,示范,160000\r\n120225100202,小穿芳峪村,486,是,强基,158000.5\r\n';
    const result = parseVillageCsv(text);
    expect(result.errors).toEqual([]);
    expect(result.rows).toEqual([
      { row: 2, village: { code: '120225100201', name: '西井峪村', population: 1260, economicallyWeak: false, category: '示范', operatingFundsFen: 16_000_000 } },
      { row: 3, village: { code: '120225100202', name: '小穿芳峪村', population: 486, economicallyWeak: true, category: '强基', operatingFundsFen: 15_800_050 } },
    ]);
  });

  it('reports every bad cell of every row, by line and column, and keeps no rows', () => {
    const text = [
      header,
      '120225100201,西井峪村,1260,否,示范,160000',
      '12022510020,东村,-5,也许,先进,16万',
      ',,,,,',
      '120225100201,重复村,10,是,创优,1',
      '120225100203,短行',
    ].join('\n');
    const { errors } = parseVillageCsv(text);
    expect(errors).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ row: 3, column: 'code' }),
        expect.objectContaining({ row: 3, column: 'population' }),
        expect.objectContaining({ row: 3, column: 'economicallyWeak' }),
        expect.objectContaining({ row: 3, column: 'category' }),
        expect.objectContaining({ row: 3, column: 'operatingFundsYuan' }),
        expect.objectContaining({ row: 4, column: 'code' }),
        expect.objectContaining({ row: 4, column: 'name' }),
        expect.objectContaining({ row: 5, column: 'code', message: expect.stringMatching(/row 2/) }),
        expect.objectContaining({ row: 6, column: null }),
      ]),
    );
    expect(errors.filter((e) => e.row === 2)).toEqual([]);
  });

  it('refuses names with control or invisible characters, naming the name column of each', () => {
    const names = ['西井\u0000峪村', '\u001b[31m红村', '"东\r\n村"', '村\u007f', '\u202e村峪井西', '\u200b\u200c\u200d', '"\u200b"', '村\ufeff村'];
    const text = [header, ...names.map((name, i) => `12022510020${i},${name},100,否,示范,1`)].join('\n');
    const { errors, rows } = parseVillageCsv(text);
    expect(rows).toEqual([]);
    // One error on the name column per village (the quoted CR/LF name spans two lines of the file).
    expect(errors.filter((e) => e.column === 'name' && /control or invisible/.test(e.message))).toHaveLength(names.length);
  });

  it('names missing, unknown and repeated header columns', () => {
    const { errors, rows } = parseVillageCsv('code,name,name,population,colour,category\n1,2,3,4,5,6\n');
    expect(rows).toEqual([]);
    expect(errors.map((e) => e.column).sort()).toEqual(['colour', 'economicallyWeak', 'name', 'operatingFundsYuan'].sort());
    expect(errors.every((e) => e.row === 1)).toBe(true);
  });

  it('refuses villages outside the jurisdiction or in a township that does not exist', () => {
    const text = `${header}\n120225100201,甲村,1,否,示范,1\n120223100201,乙村,1,否,示范,1\n120225999201,丙村,1,否,示范,1\n`;
    const { errors, rows } = parseVillageCsv(text, { scope: '120225', knownTownships: new Set(['120225100']) });
    expect(rows.map((r) => r.village.code)).toEqual(['120225100201']);
    expect(errors).toEqual([
      expect.objectContaining({ row: 3, column: 'code', message: expect.stringMatching(/jurisdiction/) }),
      expect.objectContaining({ row: 4, column: 'code', message: expect.stringMatching(/township 120225999/) }),
    ]);
  });

  it('reports an empty file, a header-only file, too many rows and broken quoting as errors', () => {
    expect(parseVillageCsv('').errors).toHaveLength(1);
    expect(parseVillageCsv(`${header}\n`).errors[0]?.message).toMatch(/only a header/);
    expect(parseVillageCsv(`${header}\n120225100201,甲村,1,否,示范,1\n120225100202,乙村,1,否,示范,1\n`, { maxRows: 1 }).errors[0]?.message).toMatch(/too many rows/);
    expect(parseVillageCsv(`${header}\n120225100201,"甲村,1,否,示范,1\n`).errors[0]).toMatchObject({ column: null, message: expect.stringMatching(/not valid CSV/) });
  });

  it('round-trips any list of valid villages through the CSV writer', () => {
    fc.assert(
      fc.property(uniqueVillages, fc.boolean(), (villages, bom) => {
        const result = parseVillageCsv(toVillageCsv(villages, { bom }));
        expect(result.errors).toEqual([]);
        expect(result.rows.map((r) => r.village)).toEqual(villages);
        expect(result.rows.map((r) => r.row)).toEqual(villages.map((_, i) => i + 2));
      }),
    );
  });

  it('never throws on arbitrary text, and either accepts rows or explains why not with in-range lines', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), (tail) => {
        const text = `${header}\n${tail}`;
        const result = parseVillageCsv(text);
        const lines = text.split(/\r\n|\r|\n/).length;
        for (const e of result.errors) {
          expect(e.row).toBeGreaterThanOrEqual(1);
          expect(e.row).toBeLessThanOrEqual(lines);
          expect(e.message.length).toBeGreaterThan(0);
        }
        expect(result.rows.length).toBeLessThanOrEqual(result.rowCount);
      }),
      { numRuns: 500 },
    );
  });

  it('pins one corrupted cell to its row and column, and keeps the other rows valid', () => {
    const corruptions = {
      population: ['-1', '1.5', '三百', ''],
      economicallyWeak: ['maybe', ''],
      category: ['先进', ''],
      operatingFundsYuan: ['1.234', '-1', '1e3', ''],
      code: ['1202251', 'abc', ''],
    } as const;
    const columns = Object.keys(corruptions) as (keyof typeof corruptions)[];
    fc.assert(
      fc.property(uniqueVillages, fc.nat(), fc.constantFrom(...columns), fc.nat(), (villages, at, column, pick) => {
        const index = at % villages.length;
        const lines = toVillageCsv(villages).trimEnd().split('\n');
        const cells = lines[index + 1]!.split(',');
        const options = corruptions[column];
        const position = header.split(',').indexOf(column);
        // Names may contain quoted commas; rebuild the line from the right for the numeric columns.
        const fromRight = header.split(',').length - position;
        const target = column === 'code' ? 0 : cells.length - fromRight;
        cells[target] = options[pick % options.length]!;
        lines[index + 1] = cells.join(',');
        const result = parseVillageCsv(`${lines.join('\n')}\n`);
        expect(result.errors.length).toBeGreaterThan(0);
        expect(result.errors.every((e) => e.row === index + 2)).toBe(true);
        expect(result.errors.some((e) => e.column === column)).toBe(true);
        expect(result.rows).toHaveLength(villages.length - 1);
      }),
    );
  });
});

describe('money in the CSV', () => {
  it('converts yuan text to fen exactly and back', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 100_000_000_000 }), (fen) => {
        expect(parseYuanToFen(formatFenAsYuan(fen))).toBe(fen);
      }),
    );
    expect(parseYuanToFen('160000')).toBe(16_000_000);
    expect(parseYuanToFen('0.1')).toBe(10);
    expect(parseYuanToFen('0.07')).toBe(7);
    expect(parseYuanToFen('1.005')).toBeUndefined();
    expect(parseYuanToFen('1,000')).toBeUndefined();
  });
});

describe('pages', () => {
  it('keeps every item once, in order, in pages of at most the size', () => {
    fc.assert(
      fc.property(fc.array(fc.nat()), fc.integer({ min: 1, max: 50 }), (items, size) => {
        const p = pages(items, size);
        expect(p.flat()).toEqual(items);
        expect(p.every((page) => page.length >= 1 && page.length <= size)).toBe(true);
      }),
    );
  });
});

describe('the shared CSV table reader', () => {
  it('maps English and Chinese headers in any order and reports every header problem at once', async () => {
    const { readCsvTable } = await import('../../../functions/platform/csv-table.ts');
    const columns = [
      { key: 'code', aliases: ['村代码'] },
      { key: 'amount', aliases: ['金额'] },
    ] as const;
    const ok = readCsvTable('\uFEFF金额,CODE\n5,120225100201\n', columns, { maxRows: 10, noun: 'rows' });
    expect(ok).toEqual({ rows: [{ row: 2, cells: { code: '120225100201', amount: '5' } }], errors: [], rowCount: 1 });
    const bad = readCsvTable('code,code,extra\n1,2,3\n', columns, { maxRows: 10, noun: 'rows' });
    expect(bad.rows).toEqual([]);
    expect(bad.errors.map((e) => e.column)).toEqual(['code', 'extra', 'amount']);
    const ragged = readCsvTable('code,amount\n1,2\n3\n"4",5\n', columns, { maxRows: 10, noun: 'rows' });
    expect(ragged.rows.map((r) => r.row)).toEqual([2, 4]);
    expect(ragged.errors).toEqual([{ row: 3, column: null, message: 'expected 2 fields, found 1' }]);
  });
});
