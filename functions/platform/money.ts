import * as z from 'zod';

/**
 * Money is an integer number of fen (分, 1/100 yuan) everywhere inside the system; rates are integer
 * basis points (1/10,000). Conversions to yuan or 万元 text happen only at the edges (CSV, exports,
 * messages). Arithmetic that multiplies goes through BigInt so that no intermediate product is ever
 * rounded by floating point.
 */

export const FEN_PER_YUAN = 100;
export const FEN_PER_万元 = 1_000_000;
export const BASIS_POINTS_PER_UNIT = 10_000;

/** A non-negative amount in fen: a safe integer, so that every value is exact. */
export const fenSchema = z
  .number()
  .int('must be a whole number of fen')
  .min(0, 'must not be negative')
  .max(Number.MAX_SAFE_INTEGER, 'is too large');
export type Fen = z.infer<typeof fenSchema>;

/** An amount in fen that may be negative (a net loss, a correction). */
export const signedFenSchema = z
  .number()
  .int('must be a whole number of fen')
  .min(Number.MIN_SAFE_INTEGER, 'is too small')
  .max(Number.MAX_SAFE_INTEGER, 'is too large');
export type SignedFen = z.infer<typeof signedFenSchema>;

/** A rate in basis points: 0 (0 %) to 10,000 (100 %). */
export const basisPointsSchema = z
  .number()
  .int('must be a whole number of basis points')
  .min(0, 'must not be negative')
  .max(BASIS_POINTS_PER_UNIT, 'must not exceed 10000 (100 %)');
export type BasisPoints = z.infer<typeof basisPointsSchema>;

export type YuanParseProblem = 'empty' | 'not-a-number' | 'too-many-decimals' | 'negative' | 'too-large';

export type YuanParseResult = { ok: true; fen: number } | { ok: false; problem: YuanParseProblem; message: string };

const yuanPattern = /^(-?)(\d+)(?:\.(\d+))?$/;

/**
 * Parses a decimal yuan amount such as `"160000.5"` into fen (16000050) without floating point.
 * Accepts surrounding whitespace, an optional leading `-` when `signed`, and at most two decimals;
 * refuses thousands separators, exponents and a bare `.5` or `5.` so that a typo is never read as
 * a different amount.
 */
export function parseYuan(text: string, options: { signed?: boolean } = {}): YuanParseResult {
  const trimmed = text.trim();
  if (trimmed === '') return { ok: false, problem: 'empty', message: 'is empty; expected an amount in yuan such as 160000.50' };
  const match = yuanPattern.exec(trimmed);
  if (!match) {
    return { ok: false, problem: 'not-a-number', message: `"${trimmed}" is not an amount in yuan; expected digits with at most 2 decimals, such as 160000.50` };
  }
  const [, sign = '', whole = '0', decimals = ''] = match;
  if (decimals.length > 2) {
    return { ok: false, problem: 'too-many-decimals', message: `"${trimmed}" has ${decimals.length} decimals; yuan amounts have at most 2 (fen)` };
  }
  const magnitude = BigInt(whole) * 100n + BigInt(decimals.padEnd(2, '0'));
  const negative = sign === '-' && magnitude !== 0n;
  if (negative && !options.signed) return { ok: false, problem: 'negative', message: `"${trimmed}" is negative; expected an amount of at least 0` };
  if (magnitude > BigInt(Number.MAX_SAFE_INTEGER)) {
    return { ok: false, problem: 'too-large', message: `"${trimmed}" is too large to be an amount in yuan` };
  }
  return { ok: true, fen: Number(negative ? -magnitude : magnitude) };
}

/** Error thrown by {@link yuanToFen}; `problem` says what was wrong with the text. */
export class YuanParseError extends RangeError {
  constructor(
    readonly problem: YuanParseProblem,
    message: string,
  ) {
    super(message);
    this.name = 'YuanParseError';
  }
}

/** Like {@link parseYuan} but throws a {@link YuanParseError} naming the problem. */
export function yuanToFen(text: string, options: { signed?: boolean } = {}): number {
  const parsed = parseYuan(text, options);
  if (!parsed.ok) throw new YuanParseError(parsed.problem, parsed.message);
  return parsed.fen;
}

/**
 * A zod schema for a yuan text field (CSV cells, form fields) that yields fen; a bad value fails
 * validation with the problem in the message, so the issue names the field.
 */
export function yuanTextSchema(options: { signed?: boolean } = {}) {
  return z.string().transform((text, ctx) => {
    const parsed = parseYuan(text, options);
    if (parsed.ok) return parsed.fen;
    ctx.addIssue({ code: 'custom', message: parsed.message, params: { problem: parsed.problem } });
    return z.NEVER;
  });
}

function assertSafeInteger(value: number, name: string): void {
  if (!Number.isSafeInteger(value)) throw new RangeError(`${name} must be a safe integer, got ${value}`);
}

/**
 * Fen as yuan text with exactly two decimals: 16000050 -> "160000.50". Without grouping the result
 * parses back with {@link yuanToFen} (CSV exports rely on that); `grouping` adds thousands separators
 * for people to read.
 */
export function formatYuan(fen: number, options: { grouping?: boolean } = {}): string {
  assertSafeInteger(fen, 'fen');
  const magnitude = BigInt(Math.abs(fen));
  const whole = (magnitude / 100n).toString();
  const cents = (magnitude % 100n).toString().padStart(2, '0');
  const grouped = options.grouping ? whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',') : whole;
  return `${fen < 0 ? '-' : ''}${grouped}.${cents}`;
}

/**
 * Fen as 万元 (10,000 yuan), the unit of the policy documents: 20000000 -> "20万元",
 * 1809000000 -> "1809万元", 5000 -> "0.01万元" (rounded half away from zero to `decimals`, trailing zeros
 * dropped). For display only; never parse it back.
 */
export function format万元(fen: number, options: { decimals?: number; unit?: boolean } = {}): string {
  assertSafeInteger(fen, 'fen');
  const decimals = options.decimals ?? 2;
  if (!Number.isInteger(decimals) || decimals < 0 || decimals > 6) throw new RangeError('decimals must be an integer from 0 to 6');
  const magnitude = BigInt(Math.abs(fen));
  // 1 万元 = 10^6 fen; keep `decimals` digits, rounding half up on the magnitude.
  const divisor = 10n ** BigInt(6 - decimals);
  const scaled = (magnitude + divisor / 2n) / divisor;
  const scale = 10n ** BigInt(decimals);
  const whole = (scaled / scale).toString();
  const fraction = decimals === 0 ? '' : (scaled % scale).toString().padStart(decimals, '0').replace(/0+$/, '');
  const sign = fen < 0 && scaled !== 0n ? '-' : '';
  return `${sign}${whole}${fraction ? `.${fraction}` : ''}${options.unit === false ? '' : '万元'}`;
}

export type Rounding = 'floor' | 'half-up';

/**
 * `amountFen × bp / 10000`, rounded as asked, computed exactly in BigInt. Rounding is a parameter,
 * not a default, because each rule names its own (the reward formula floors: nobody is paid a
 * fraction of a fen they did not earn).
 */
export function applyRate(amountFen: number, bp: number, rounding: Rounding): number {
  assertSafeInteger(amountFen, 'amountFen');
  if (amountFen < 0) throw new RangeError(`amountFen must not be negative, got ${amountFen}`);
  if (!Number.isInteger(bp) || bp < 0 || bp > BASIS_POINTS_PER_UNIT) throw new RangeError(`bp must be an integer from 0 to 10000, got ${bp}`);
  const product = BigInt(amountFen) * BigInt(bp);
  const divisor = BigInt(BASIS_POINTS_PER_UNIT);
  const result = rounding === 'floor' ? product / divisor : (product + divisor / 2n) / divisor;
  // bp <= 10000 keeps the result at most amountFen, hence safe.
  return Number(result);
}

/** Sum of amounts in fen, refusing (instead of silently rounding) a total beyond the safe range. */
export function sumFen(amounts: Iterable<number>): number {
  let total = 0;
  for (const amount of amounts) {
    total += amount;
    if (!Number.isSafeInteger(total)) throw new RangeError('sum of amounts exceeds the safe integer range');
  }
  return total;
}
