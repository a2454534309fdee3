import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  applyRate,
  basisPointsSchema,
  fenSchema,
  format万元,
  formatYuan,
  parseYuan,
  sumFen,
  yuanTextSchema,
  yuanToFen,
  YuanParseError,
} from '../../../functions/platform/money.ts';

describe('yuanToFen', () => {
  it.each([
    ['160000.5', 16_000_050],
    ['160000.50', 16_000_050],
    ['160000', 16_000_000],
    ['0.01', 1],
    ['0', 0],
    [' 40000 ', 4_000_000],
    ['-0', 0],
  ])('reads %j as %i fen', (text, fen) => {
    expect(yuanToFen(text)).toBe(fen);
  });

  it('reads amounts whose float value would be inexact', () => {
    // 0.29 * 100 === 28.999999999999996 in floating point.
    expect(yuanToFen('0.29')).toBe(29);
    expect(yuanToFen('90071992547409.91')).toBe(Number.MAX_SAFE_INTEGER);
  });

  it.each([
    ['1.234', 'too-many-decimals'],
    ['', 'empty'],
    ['   ', 'empty'],
    ['1,000', 'not-a-number'],
    ['1e5', 'not-a-number'],
    ['.5', 'not-a-number'],
    ['5.', 'not-a-number'],
    ['abc', 'not-a-number'],
    ['-5', 'negative'],
    ['90071992547409.92', 'too-large'],
  ] as const)('refuses %j as %s', (text, problem) => {
    const parsed = parseYuan(text);
    expect(parsed).toMatchObject({ ok: false, problem });
    expect(() => yuanToFen(text)).toThrow(YuanParseError);
  });

  it('names the problem in the message', () => {
    expect(() => yuanToFen('1.234')).toThrow(/3 decimals.*at most 2/);
  });

  it('reads negative amounts only when asked to', () => {
    expect(yuanToFen('-12.3', { signed: true })).toBe(-1230);
  });

  it('round-trips with formatYuan for every safe amount', () => {
    fc.assert(
      fc.property(fc.integer({ min: Number.MIN_SAFE_INTEGER, max: Number.MAX_SAFE_INTEGER }), (fen) => {
        expect(yuanToFen(formatYuan(fen), { signed: true })).toBe(fen);
      }),
      { numRuns: 1000 },
    );
  });

  it('round-trips decimal text with up to 2 decimals', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 90_071_992_547_408n }), fc.integer({ min: 0, max: 99 }), (whole, cents) => {
        const text = `${whole}.${String(cents).padStart(2, '0')}`;
        expect(formatYuan(yuanToFen(text))).toBe(text);
      }),
      { numRuns: 1000 },
    );
  });
});

describe('yuanTextSchema', () => {
  it('turns text into fen and names the field when it fails', () => {
    const schema = yuanTextSchema();
    expect(schema.parse('1.5')).toBe(150);
    const result = schema.safeParse('1.505');
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.message).toMatch(/at most 2/);
  });
});

describe('formatYuan and format万元', () => {
  it('formats yuan with two decimals, optionally grouped', () => {
    expect(formatYuan(16_000_050)).toBe('160000.50');
    expect(formatYuan(16_000_050, { grouping: true })).toBe('160,000.50');
    expect(formatYuan(-5)).toBe('-0.05');
    expect(formatYuan(0)).toBe('0.00');
  });

  it('formats 万元 as the documents write them', () => {
    expect(format万元(20_000_000)).toBe('20万元');
    expect(format万元(1_809_000_000)).toBe('1809万元');
    expect(format万元(44_000_000_000)).toBe('44000万元');
    expect(format万元(16_050_000)).toBe('16.05万元');
    expect(format万元(5_000)).toBe('0.01万元');
    expect(format万元(4_999)).toBe('0万元');
    expect(format万元(12_345_678, { decimals: 4, unit: false })).toBe('12.3457');
  });

  it('refuses non-integer fen', () => {
    expect(() => formatYuan(1.5)).toThrow(RangeError);
    expect(() => format万元(Number.NaN)).toThrow(RangeError);
  });
});

describe('applyRate', () => {
  it('rounds as asked', () => {
    expect(applyRate(15, 5_000, 'floor')).toBe(7);
    expect(applyRate(15, 5_000, 'half-up')).toBe(8);
    expect(applyRate(14, 5_000, 'half-up')).toBe(7);
    expect(applyRate(1_000_000, 800, 'floor')).toBe(80_000);
  });

  it('is exact for amounts up to 10^15 fen, where floating point is not', () => {
    const amount = 999_999_999_999_925;
    expect(applyRate(amount, 1_200, 'floor')).toBe(119_999_999_999_991);
    expect(Math.floor((amount * 1_200) / 10_000)).toBe(119_999_999_999_990);
  });

  it('equals the BigInt reference for both roundings', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10 ** 15 }), fc.integer({ min: 0, max: 10_000 }), (amount, bp) => {
        const product = BigInt(amount) * BigInt(bp);
        expect(applyRate(amount, bp, 'floor')).toBe(Number(product / 10_000n));
        expect(applyRate(amount, bp, 'half-up')).toBe(Number((product * 2n + 10_000n) / 20_000n));
        expect(applyRate(amount, bp, 'floor')).toBeLessThanOrEqual(amount);
      }),
      { numRuns: 1000 },
    );
  });

  it('refuses amounts and rates outside the domain', () => {
    expect(() => applyRate(-1, 100, 'floor')).toThrow(RangeError);
    expect(() => applyRate(1.5, 100, 'floor')).toThrow(RangeError);
    expect(() => applyRate(100, 10_001, 'floor')).toThrow(RangeError);
    expect(() => applyRate(Number.MAX_SAFE_INTEGER + 1, 1, 'floor')).toThrow(RangeError);
  });
});

describe('schemas and sums', () => {
  it('accept only safe non-negative fen and 0..10000 basis points', () => {
    expect(fenSchema.safeParse(0).success).toBe(true);
    expect(fenSchema.safeParse(-1).success).toBe(false);
    expect(fenSchema.safeParse(1.5).success).toBe(false);
    expect(fenSchema.safeParse(2 ** 53).success).toBe(false);
    expect(basisPointsSchema.safeParse(10_000).success).toBe(true);
    expect(basisPointsSchema.safeParse(10_001).success).toBe(false);
    expect(basisPointsSchema.safeParse(8.5).success).toBe(false);
  });

  it('sums exactly or refuses', () => {
    expect(sumFen([1, 2, 3])).toBe(6);
    expect(() => sumFen([Number.MAX_SAFE_INTEGER, 1])).toThrow(RangeError);
  });
});
