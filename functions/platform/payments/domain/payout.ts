import * as z from 'zod';
import { sumFen } from '../../money.ts';

/**
 * A payout is one approved payment of a program (a reward, one village's line of a funding run …),
 * identified by what it pays for: `<program>:<programId>:<sourceId>`. It is paid through payment
 * instructions, one at a time: attempt 1 first, and after a failure reported by the bank a reissue
 * (attempt 2, to corrected details …). The instruction id is `<payoutId>:<attempt>`, so a bank line
 * names both the payout and the attempt it answers, and a result for a superseded attempt is
 * recognised as such: two attempts of one payout can never both be paid.
 *
 *   awaiting-account ─(valid account)─▶ instructed ─(batch)─▶ batched ─(file sent)─▶ sent ─▶ paid
 *                                           ▲                    │ batch rejected         │
 *                                           └────────────────────┘                         ▼
 *                                           └──────────── reissue ◀──────────────────── failed
 */
export const payoutStatuses = ['awaiting-account', 'instructed', 'batched', 'sent', 'paid', 'failed'] as const;
export const payoutStatusSchema = z.enum(payoutStatuses);
export type PayoutStatus = z.infer<typeof payoutStatusSchema>;

/** A part of a payout id: no `:`, which separates the parts. */
export const payoutPartSchema = z.string().min(1).max(120).regex(/^[A-Za-z0-9._#-]+$/, 'letters, digits and ._#- only');

export const payoutIdSchema = z
  .string()
  .max(400)
  .regex(/^[a-z][a-z0-9-]*:[A-Za-z0-9._#-]+:[A-Za-z0-9._#-]+$/, 'must be <program>:<programId>:<sourceId>');

export const instructionIdSchema = z
  .string()
  .max(410)
  .regex(/^[a-z][a-z0-9-]*:[A-Za-z0-9._#-]+:[A-Za-z0-9._#-]+:[1-9]\d{0,3}$/, 'must be <program>:<programId>:<sourceId>:<attempt>');

export interface PayoutRef {
  readonly program: string;
  readonly programId: string;
  readonly sourceId: string;
}

export function payoutIdOf(ref: PayoutRef): string {
  return `${ref.program}:${ref.programId}:${ref.sourceId}`;
}

export function parsePayoutId(id: string): PayoutRef {
  const [program = '', programId = '', sourceId = ''] = payoutIdSchema.parse(id).split(':');
  return { program, programId, sourceId };
}

export function instructionIdOf(payoutId: string, attempt: number): string {
  return `${payoutId}:${attempt}`;
}

export function parseInstructionId(id: string): { payoutId: string; attempt: number } | undefined {
  if (!instructionIdSchema.safeParse(id).success) return undefined;
  const cut = id.lastIndexOf(':');
  return { payoutId: id.slice(0, cut), attempt: Number(id.slice(cut + 1)) };
}

/** Where a program's money stands: every payout counted once, at its current status. */
export interface MoneyBucket {
  readonly count: number;
  readonly amountFen: number;
}
export type PayoutTotals = Record<PayoutStatus, MoneyBucket> & { readonly approved: MoneyBucket };

/**
 * The money path of a set of payouts: approved = awaiting-account + instructed + batched + sent +
 * paid + failed, by construction (each payout is in exactly one status), in count and in fen.
 */
export function payoutTotals(payouts: Iterable<{ status: PayoutStatus; amountFen: number }>): PayoutTotals {
  const amounts = new Map<PayoutStatus, number[]>(payoutStatuses.map((s) => [s, []]));
  const all: number[] = [];
  for (const p of payouts) {
    amounts.get(p.status)?.push(p.amountFen);
    all.push(p.amountFen);
  }
  const bucket = (list: readonly number[]): MoneyBucket => ({ count: list.length, amountFen: sumFen(list) });
  const byStatus = Object.fromEntries(payoutStatuses.map((s) => [s, bucket(amounts.get(s) ?? [])])) as Record<PayoutStatus, MoneyBucket>;
  return { approved: bucket(all), ...byStatus };
}
