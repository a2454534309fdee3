import { TransactWriteCommand, type TransactWriteCommandInput } from '@aws-sdk/lib-dynamodb';
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { ddb } from '../../shared/clients.ts';
import { ConflictError } from '../../shared/errors.ts';

export type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

/**
 * Extra items a caller adds to an entity's write transaction, given the record about to be
 * written (the idempotency helper stores its response this way, atomically with the create).
 */
export type ExtraItems<T> = (record: T) => TransactItem[];

/** A transaction was cancelled because conditions failed; `failed` holds the indexes of those items. */
export class TransactionConditionFailed extends Error {
  constructor(readonly failed: readonly number[]) {
    super(`Transaction condition failed on item(s) ${failed.join(', ')}`);
    this.name = 'TransactionConditionFailed';
  }
}

/**
 * TransactWriteItems with the cancellation reasons made usable: condition failures become
 * `TransactionConditionFailed` (the entity file says what each index means), a collision with
 * another transaction in flight becomes a 409 the caller may retry.
 */
export async function writeTransaction(items: TransactItem[]): Promise<void> {
  try {
    await ddb().send(new TransactWriteCommand({ TransactItems: items }));
  } catch (err) {
    if (err instanceof TransactionCanceledException) {
      const reasons = err.CancellationReasons ?? [];
      const failed = reasons.flatMap((r, i) => (r.Code === 'ConditionalCheckFailed' ? [i] : []));
      if (failed.length > 0) throw new TransactionConditionFailed(failed);
      if (reasons.some((r) => r.Code === 'TransactionConflict')) {
        throw new ConflictError('A concurrent change to the same item is in progress; retry');
      }
    }
    throw err;
  }
}
