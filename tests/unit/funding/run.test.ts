import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { inflateRawSync } from 'node:zlib';
import {
  dryRunId,
  fundingPageSize,
  fundingRunIdSchema,
  historyEventBound,
  historyEventLimit,
  pageCountFor,
  realRunId,
  stateTransitionBound,
} from '../../../functions/programs/funding/domain/run.ts';
import { parseCurrentFundingCsv } from '../../../functions/programs/funding/domain/current-csv.ts';
import { crc32, rowXml, xlsxWorkbook, zip } from '../../../functions/shared/xlsx.ts';

describe('run ids', () => {
  it('a real run’s id is a function of policy, jurisdiction and year only', () => {
    const id = realRunId('fp-a', '120225', 2026);
    expect(realRunId('fp-a', '120225', 2026)).toBe(id);
    expect(new Set([id, realRunId('fp-b', '120225', 2026), realRunId('fp-a', '120225104', 2026), realRunId('fp-a', '120225', 2027)]).size).toBe(4);
    expect(fundingRunIdSchema.safeParse(id).success).toBe(true);
    expect(fundingRunIdSchema.safeParse(dryRunId('0d6f3a1e-8a7b-4c2d-9e0f-1a2b3c4d5e6f')).success).toBe(true);
  });
});

describe('Step Functions history stays bounded by pages, not villages', () => {
  it('100,000 villages are 100 pages: a paid run stays far below 25,000 history events', () => {
    const pages = pageCountFor(100_000);
    expect(pages).toBe(100);
    const events = historyEventBound(pages, 'paid');
    expect(events).toBe(1_435);
    expect(events).toBeLessThan(historyEventLimit / 10);
    expect(stateTransitionBound(pages, 'paid')).toBe(208);
  });

  it('grows by 14 events per page whatever the page holds, and stays under the limit up to 1.7 million villages', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1_700 }), (pages) => {
        expect(historyEventBound(pages + 1, 'paid') - historyEventBound(pages, 'paid')).toBe(14);
        expect(historyEventBound(pages, 'paid')).toBeLessThan(historyEventLimit);
        expect(historyEventBound(pages, 'dry')).toBeLessThan(historyEventBound(pages, 'paid'));
      }),
    );
    expect(pageCountFor(1_700 * fundingPageSize)).toBe(1_700);
  });
});

describe('current funding CSV', () => {
  it('reads English or Chinese headers in any order, yuan exactly to fen', () => {
    const result = parseCurrentFundingCsv('\uFEFF运转经费(元),村代码\n160000.5,120225104201\n0,120225104202\n', { scope: '120225' });
    expect(result.errors).toEqual([]);
    expect(result.rows).toEqual([
      { row: 2, code: '120225104201', amountFen: 16_000_050 },
      { row: 3, code: '120225104202', amountFen: 0 },
    ]);
  });

  it('reports every problem by line and column', () => {
    const result = parseCurrentFundingCsv('code,currentFundsYuan,extra\n1,2,3\n', {});
    expect(result.errors).toEqual([{ row: 1, column: 'extra', message: expect.stringContaining('unknown column') }]);
    const rows = parseCurrentFundingCsv('code,currentFundsYuan\n120225104201,1,000\n120225104201,1.234\n120225104201,5\n', { scope: '120225104' });
    expect(rows.errors.map((e) => [e.row, e.column])).toEqual([
      [2, null],
      [3, 'currentFundsYuan'],
      [4, 'code'],
    ]);
    expect(parseCurrentFundingCsv('code,currentFundsYuan\n', {}).errors[0]?.message).toMatch(/only a header/);
    expect(parseCurrentFundingCsv('code,currentFundsYuan\n1,1\n2,2\n', { maxRows: 1 }).errors[0]?.message).toMatch(/too many rows/);
  });
});

describe('XLSX writer', () => {
  it('computes zip CRC-32 as specified', () => {
    expect(crc32(new TextEncoder().encode('123456789'))).toBe(0xcbf43926);
  });

  it('writes text, exact decimals and integers, and a zip every part of which inflates back', () => {
    expect(rowXml(2, [{ text: 'a<b&"c"' }, { decimal: '70000.00' }, { integer: 1600 }])).toBe(
      '<row r="2"><c r="A2" t="inlineStr"><is><t xml:space="preserve">a&lt;b&amp;&quot;c&quot;</t></is></c><c r="B2" s="2"><v>70000.00</v></c><c r="C2"><v>1600</v></c></row>',
    );
    expect(() => rowXml(1, [{ decimal: '1e5' }])).toThrow(RangeError);
    const book = xlsxWorkbook('2026年', [rowXml(1, [{ text: '村名' }], true)]);
    expect(book.subarray(0, 4)).toEqual(Buffer.from([0x50, 0x4b, 0x03, 0x04]));
    const single = zip([{ name: 'a.txt', data: new TextEncoder().encode('村'.repeat(100)) }]);
    const nameLength = single.readUInt16LE(26);
    const compressed = single.readUInt32LE(18);
    expect(inflateRawSync(single.subarray(30 + nameLength, 30 + nameLength + compressed)).toString('utf8')).toBe('村'.repeat(100));
  });
});
