import { formatWan, formatYuan } from '../lib/money';

/** An amount in a table: yuan with thousands separators, never rounded. */
export function Yuan({ fen }: { readonly fen: number | null | undefined }) {
  if (fen === undefined || fen === null) return <span>—</span>;
  return <span style={{ fontVariantNumeric: 'tabular-nums', whiteSpace: 'nowrap' }}>{formatYuan(fen)} 元</span>;
}

/** An amount in a summary: 万元, two decimals. */
export function Wan({ fen }: { readonly fen: number | undefined }) {
  if (fen === undefined) return <span>—</span>;
  return <span style={{ fontVariantNumeric: 'tabular-nums' }}>{formatWan(fen)}</span>;
}
