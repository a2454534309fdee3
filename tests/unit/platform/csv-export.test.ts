import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { csvCell, csvLine, csvText, fromCsvText, toCsv, type CsvValue } from '../../../functions/platform/csv-export.ts';
import { formatYuan } from '../../../functions/platform/money.ts';
import { parseVillageCsv, toVillageCsv } from '../../../functions/platform/registries/domain/village-csv.ts';

const dangerous = ['=', '+', '-', '@', '\t', '\r'];
const plainNumber = /^-?\d+(\.\d+)?$/;

/** What a spreadsheet sees in the cell: the text inside the quotes, if any, with doubled quotes undone. */
function content(cell: string): string {
  return cell.startsWith('"') && cell.endsWith('"') && cell.length >= 2 ? cell.slice(1, -1).replace(/""/g, '"') : cell;
}

/** Text that likes to start with the dangerous characters and to contain separators and quotes. */
const textArb = fc.oneof(
  fc.string(),
  fc.tuple(fc.constantFrom(...dangerous, '"', ' ', ','), fc.string()).map(([first, rest]) => first + rest),
  fc.constantFrom('=HYPERLINK("http://x","y")', '+SUM(1,2)', '-2+3', '@cmd', '\t=1', '\r=1', '-12.50', '=1+1', "'=1", "''-x", "'a"),
  fc.tuple(fc.constantFrom("'", "''"), fc.constantFrom(...dangerous), fc.string()).map(([q, d, rest]) => q + d + rest),
);
const cellArb: fc.Arbitrary<CsvValue> = fc.oneof(
  textArb,
  textArb.map((text) => ({ text })),
  fc.integer({ min: -(10 ** 15), max: 10 ** 15 }).map((integer) => ({ integer })),
  fc.integer({ min: -(10 ** 15), max: 10 ** 15 }).map((fen) => ({ decimal: formatYuan(fen) })),
  textArb.map((decimal) => ({ decimal })),
  fc.integer({ min: -(10 ** 15), max: 10 ** 15 }),
);

describe('csvCell', () => {
  it('no cell starts with a formula character unless it is a plain number', () => {
    fc.assert(
      fc.property(cellArb, (value) => {
        const seen = content(csvCell(value));
        if (dangerous.some((c) => seen.startsWith(c))) expect(seen).toMatch(plainNumber);
      }),
      { numRuns: 5000 },
    );
  });

  it('keeps text as it was, behind one quote when it would start a formula', () => {
    fc.assert(
      fc.property(textArb, (text) => {
        const seen = content(csvText(text));
        expect(seen).toBe(dangerous.some((c) => text.replace(/^'+/, '').startsWith(c)) ? `'${text}` : text);
        expect(fromCsvText(seen)).toBe(text);
      }),
      { numRuns: 5000 },
    );
  });

  it('keeps numbers numbers, negative ones included', () => {
    fc.assert(
      fc.property(fc.integer({ min: -(10 ** 15), max: 10 ** 15 }), (fen) => {
        expect(csvCell({ decimal: formatYuan(fen) })).toBe(formatYuan(fen));
        expect(csvCell({ integer: fen })).toBe(String(fen));
      }),
    );
    expect(csvCell({ decimal: '-12.50' })).toBe('-12.50');
    // Something that only claims to be a number is text.
    expect(csvCell({ decimal: '-1+1' })).toBe("'-1+1");
    expect(() => csvCell(Number.NaN)).toThrow(RangeError);
  });

  it('a line splits back into its cells (RFC 4180 quoting)', () => {
    fc.assert(
      fc.property(fc.array(cellArb, { minLength: 1, maxLength: 8 }), (cells) => {
        const line = csvLine(cells);
        // Split on commas outside quotes.
        const parts: string[] = [];
        let current = '';
        let quoted = false;
        for (const ch of line) {
          if (ch === '"') quoted = !quoted;
          if (ch === ',' && !quoted) {
            parts.push(current);
            current = '';
          } else current += ch;
        }
        parts.push(current);
        expect(parts).toEqual(cells.map(csvCell));
      }),
      { numRuns: 2000 },
    );
  });

  it('the examples', () => {
    expect(csvCell('=HYPERLINK("http://x","y")')).toBe(`"'=HYPERLINK(""http://x"",""y"")"`);
    expect(csvCell('@cmd')).toBe("'@cmd");
    expect(csvCell('\t=1')).toBe(`'\t=1`);
    expect(csvCell(' =1')).toBe(`" =1"`);
    expect(csvCell('常州村')).toBe('常州村');
    expect(csvCell("'-村")).toBe("''-村");
    expect(fromCsvText("''-村")).toBe("'-村");
    expect(fromCsvText("'a")).toBe("'a");
    expect(toCsv(['a', 'b'], [['=1', { decimal: '-3.00' }]], { bom: true })).toBe("\uFEFFa,b\r\n'=1,-3.00\r\n");
  });
});

describe('the village CSV', () => {
  it('neutralises a formula in a name, and writes numbers as before', () => {
    const csv = toVillageCsv([{ code: '120225100201', name: '=HYPERLINK("http://x","y")', population: 820, economicallyWeak: true, category: '强基', operatingFundsFen: 12_000_050 }]);
    expect(csv).toBe(`code,name,population,economicallyWeak,category,operatingFundsYuan\n120225100201,"'=HYPERLINK(""http://x"",""y"")",820,是,强基,120000.50\n`);
    // Imported again, the name is what it was.
    expect(parseVillageCsv(csv).rows[0]?.village.name).toBe('=HYPERLINK("http://x","y")');
  });
});
