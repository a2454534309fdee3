import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { fenToYuanText, formatWan, formatYuan, parseYuan } from '../../../console/src/lib/money';

const maxFen = Number.MAX_SAFE_INTEGER;

describe('yuan ↔ fen in the console', () => {
  it('round-trips every amount exactly: fen → yuan text → fen (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: maxFen }), (fen) => {
        expect(parseYuan(fenToYuanText(fen))).toEqual({ ok: true, fen });
        // The table's form (thousands separators) reads back as the same amount too.
        expect(parseYuan(formatYuan(fen))).toEqual({ ok: true, fen });
      }),
    );
  });

  it('reads whole yuan, one and two decimals without floating point', () => {
    expect(parseYuan('0.29')).toEqual({ ok: true, fen: 29 });
    expect(parseYuan('1.1')).toEqual({ ok: true, fen: 110 });
    expect(parseYuan('100')).toEqual({ ok: true, fen: 10_000 });
    expect(parseYuan(' 1,234,567.89 ')).toEqual({ ok: true, fen: 123_456_789 });
    expect(parseYuan('0.07')).toEqual({ ok: true, fen: 7 });
    expect(parseYuan('90071992547409.91')).toEqual({ ok: true, fen: maxFen });
  });

  it('refuses more than two decimals, negatives, non-digits, empty and too large (property for decimals)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10 ** 9 }), fc.stringMatching(/^\d{3,6}$/), (yuan, decimals) => {
        const parsed = parseYuan(`${yuan}.${decimals}`);
        expect(parsed.ok).toBe(false);
      }),
    );
    fc.assert(
      fc.property(fc.integer({ min: 1, max: maxFen }), (fen) => {
        expect(parseYuan(`-${fenToYuanText(fen)}`).ok).toBe(false);
      }),
    );
    for (const bad of ['', '  ', '-1', '1e3', '12a', '１２', '1.2.3', '.5', '5.', '+5', '0x10', 'NaN', 'Infinity', '90071992547409.92']) {
      expect(parseYuan(bad), bad).toMatchObject({ ok: false });
    }
    expect(parseYuan('1.234')).toEqual({ ok: false, error: '金额最多保留两位小数（分）' });
    expect(parseYuan('-3')).toEqual({ ok: false, error: '金额不能为负数' });
  });

  it('shows tables in yuan with separators, never rounded, and summaries in 万元 rounded half up', () => {
    expect(formatYuan(0)).toBe('0.00');
    expect(formatYuan(5)).toBe('0.05');
    expect(formatYuan(123_456_789)).toBe('1,234,567.89');
    expect(formatYuan(-100)).toBe('-1.00');
    expect(formatWan(4_000_000)).toBe('4.00 万元');
    expect(formatWan(1_234_564_999)).toBe('1,234.56 万元');
    expect(formatWan(1_234_565_000)).toBe('1,234.57 万元');
    expect(formatWan(4_999)).toBe('0.00 万元');
    expect(() => formatYuan(1.5)).toThrow(RangeError);
  });
});
