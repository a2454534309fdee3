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

// A symbol, not a wrapper object: a named item is still a plain TransactItem (the SDK marshals only
// string keys), so item builders can name their items and still be sent with a bare TransactWriteCommand.
const itemName = Symbol('transaction item name');

/** A transaction item that says what it guards, so that its failed condition is reported by name. */
export type NamedItem = TransactItem & { readonly [itemName]: string };

export function named(name: string, item: TransactItem): NamedItem {
  return { ...item, [itemName]: name };
}

function nameOf(item: TransactItem, position: number): string {
  return itemName in item && typeof item[itemName] === 'string' ? item[itemName] : `#${position}`;
}

/**
 * A transaction was cancelled because conditions failed. `failed` holds the names of those items
 * (see {@link named}); an unnamed item appears as `#<position>`, which is only there for the message.
 */
export class TransactionConditionFailed extends Error {
  constructor(readonly failed: readonly string[]) {
    super(`Transaction condition failed on ${failed.join(', ')}`);
    this.name = 'TransactionConditionFailed';
  }
}

/**
 * TransactWriteItems with the cancellation reasons made usable: condition failures become
 * `TransactionConditionFailed` (naming the items that failed), a collision with another
 * transaction in flight becomes a 409 the caller may retry.
 */
export async function writeTransaction(items: readonly TransactItem[]): Promise<void> {
  try {
    await ddb().send(new TransactWriteCommand({ TransactItems: [...items] }));
  } catch (err) {
    if (err instanceof TransactionCanceledException) {
      const reasons = err.CancellationReasons ?? [];
      const failed = reasons.flatMap((r, i) => (r.Code === 'ConditionalCheckFailed' ? [items[i] ? nameOf(items[i], i) : `#${i}`] : []));
      if (failed.length > 0) throw new TransactionConditionFailed(failed);
      if (reasons.some((r) => r.Code === 'TransactionConflict')) {
        throw new ConflictError('A concurrent change to the same item is in progress; retry');
      }
    }
    throw err;
  }
}
