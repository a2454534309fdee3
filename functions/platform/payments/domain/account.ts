import * as z from 'zod';
import { calendarDateSchema } from '../../calendar.ts';
import { nameSchema } from '../../names.ts';

/**
 * A payee's bank account (村集体经济组织账户, or a social organisation's account), as the treasury
 * needs it to pay. Account numbers of Chinese banks are digits only: 16–19 for personal cards,
 * up to about 25 for corporate accounts; the spaces people type in groups of four are dropped.
 */
export const accountNumberSchema = z
  .string()
  .transform((text) => text.replace(/[\s-]/g, ''))
  .pipe(z.string().regex(/^\d{8,32}$/, 'must be 8 to 32 digits (spaces and dashes are ignored)'));

/** Who can be paid: a village's collective economic organisation or a social organisation. */
export const payeeKinds = ['village', 'organisation'] as const;
export const payeeKindSchema = z.enum(payeeKinds);
export type PayeeKind = z.infer<typeof payeeKindSchema>;

/**
 * A payee id: a village's 12-digit code for a village collective, `org-…` for an organisation.
 * No `:` (payout ids are `<program>:<programId>:<sourceId>`, and payees appear in them).
 */
export const payeeIdSchema = z.string().regex(/^(\d{12}|org-[A-Za-z0-9-]{1,60})$/, 'must be a 12-digit village code or org-<id>');

export const bankAccountSchema = z.strictObject({
  /** 户名: the account holder as the bank knows it. */
  accountName: nameSchema,
  /** 开户行: the bank and branch. */
  bank: nameSchema,
  accountNumber: accountNumberSchema,
  /** First day (Beijing) on which payments go to this account. */
  validFrom: calendarDateSchema,
});
export type BankAccount = z.infer<typeof bankAccountSchema>;

/** The account details an instruction carries: frozen when the instruction is issued. */
export const accountSnapshotSchema = z.object({
  accountName: z.string(),
  bank: z.string(),
  accountNumber: z.string(),
});
export type AccountSnapshot = z.infer<typeof accountSnapshotSchema>;

/** Whether payments may go to `account` on the Beijing calendar day `date`. */
export function accountValidOn(account: Pick<BankAccount, 'validFrom'> | undefined, date: string): boolean {
  return account !== undefined && account.validFrom <= date;
}

/** The account number as shown to people who need only recognise it: the last four digits. */
export function maskedAccountNumber(accountNumber: string): string {
  return accountNumber.length <= 4 ? accountNumber : `${'*'.repeat(accountNumber.length - 4)}${accountNumber.slice(-4)}`;
}
