/**
 * Money in the console: the API speaks integer fen; people read and type yuan. Conversions are done
 * on decimal strings, never through floating point, so 0.29 yuan is 29 fen and never 28.999….
 */

const groups = /\B(?=(\d{3})+(?!\d))/g;

function split(fen: number): { sign: string; yuan: string; cents: string } {
  if (!Number.isSafeInteger(fen)) throw new RangeError(`not a whole number of fen: ${fen}`);
  const digits = String(Math.abs(fen)).padStart(3, '0');
  return { sign: fen < 0 ? '-' : '', yuan: digits.slice(0, -2), cents: digits.slice(-2) };
}

/** 123456789 → "1,234,567.89" (yuan, thousands separators, always two decimals, exact). */
export function formatYuan(fen: number): string {
  const { sign, yuan, cents } = split(fen);
  return `${sign}${yuan.replace(groups, ',')}.${cents}`;
}

/** 123456789 → "1234567.89": what the money input shows for a value (no separators). */
export function fenToYuanText(fen: number): string {
  const { sign, yuan, cents } = split(fen);
  return `${sign}${yuan}.${cents}`;
}

/**
 * Fen as 万元 for summaries: two decimals, rounded half up (explicitly: 0.005 万元 = 50 yuan rounds up).
 * Tables use {@link formatYuan}, never this.
 */
export function formatWan(fen: number): string {
  if (!Number.isSafeInteger(fen)) throw new RangeError(`not a whole number of fen: ${fen}`);
  const hundredths = Math.floor((Math.abs(fen) + 5_000) / 10_000); // 1/100 万元 = 100 yuan = 10,000 fen
  const text = String(hundredths).padStart(3, '0');
  return `${fen < 0 && hundredths > 0 ? '-' : ''}${text.slice(0, -2).replace(groups, ',')}.${text.slice(-2)} 万元`;
}

export type YuanParse = { readonly ok: true; readonly fen: number } | { readonly ok: false; readonly error: string };

const yuanPattern = /^(\d+)(?:\.(\d{1,2}))?$/;

/**
 * What someone typed, in yuan, as fen. Accepts digits with at most two decimals and optional
 * thousands separators ("1,234.5"); refuses negatives, more than two decimals, anything else, and
 * amounts beyond what the API can hold exactly.
 */
export function parseYuan(input: string): YuanParse {
  const text = input.trim().replaceAll(/[,，]/g, '');
  if (text === '') return { ok: false, error: '请输入金额' };
  if (text.startsWith('-')) return { ok: false, error: '金额不能为负数' };
  const match = yuanPattern.exec(text);
  if (!match) {
    if (/^\d+\.\d{3,}$/.test(text)) return { ok: false, error: '金额最多保留两位小数（分）' };
    return { ok: false, error: '金额只能包含数字和小数点' };
  }
  const digits = (match[1] ?? '0') + (match[2] ?? '').padEnd(2, '0');
  const normalised = digits.replace(/^0+(?=\d)/, '');
  const max = String(Number.MAX_SAFE_INTEGER);
  if (normalised.length > max.length || (normalised.length === max.length && normalised > max)) return { ok: false, error: '金额过大' };
  return { ok: true, fen: Number(normalised) };
}
