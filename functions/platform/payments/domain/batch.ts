import * as z from 'zod';

/**
 * A payment batch: the instructions of one program issued up to a date (Beijing), sent to the bank
 * or treasury as one file. Finance approves it (two approvers at or above a threshold), exports the
 * file (the batch is then sent), and imports the bank's results until every line is settled.
 */
export const batchStatuses = ['collecting', 'empty', 'awaiting-approval', 'rejected', 'approved', 'sending', 'sent', 'reconciled'] as const;
export const batchStatusSchema = z.enum(batchStatuses);
export type BatchStatus = z.infer<typeof batchStatusSchema>;

export const batchIdSchema = z.string().regex(/^pb-[a-z0-9-]{1,40}-\d{8}-[a-z0-9]{6,12}$/, 'must be a payment batch id');

/** Where a bank line's result stands on the batch. */
const paidResult = z.object({ status: z.literal('paid'), bankReference: z.string(), valueDate: z.string() });
const failedResult = z.object({ status: z.literal('failed'), reason: z.string() });
/** What the bank says of one instruction. */
export const bankResultSchema = z.discriminatedUnion('status', [paidResult, failedResult]);
export type BankResult = z.infer<typeof bankResultSchema>;
/** A bank result as recorded on its line, with the results file that brought it. */
export const lineResultSchema = z.discriminatedUnion('status', [paidResult.extend({ importId: z.string() }), failedResult.extend({ importId: z.string() })]);
export type LineResult = z.infer<typeof lineResultSchema>;
