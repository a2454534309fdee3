import { PutCommand, TransactWriteCommand, UpdateCommand, type TransactWriteCommandInput } from '@aws-sdk/lib-dynamodb';
import { ConditionalCheckFailedException, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { ddb, tableName } from '../../shared/clients.ts';
import { ConflictError } from '../../shared/errors.ts';

export type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];
type Update = NonNullable<TransactItem['Update']>;

/** The primary key of an item of the table. */
export interface ItemKey {
  readonly pk: string;
  readonly sk: string;
}

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

/**
 * One Put or Update element written on its own (PutItem / UpdateItem), with the same condition and
 * the same error as in a transaction: a bulk step whose items need not commit together writes them
 * this way, which DynamoDB serves faster than transactions.
 */
export async function writeOne(item: TransactItem): Promise<void> {
  try {
    if (item.Put) await ddb().send(new PutCommand(item.Put));
    else if (item.Update) await ddb().send(new UpdateCommand(item.Update));
    else throw new Error('writeOne takes a Put or an Update');
  } catch (err) {
    if (err instanceof ConditionalCheckFailedException) throw new TransactionConditionFailed([nameOf(item, 0)]);
    throw err;
  }
}

// ---- Item builders: the table name and the recurring conditions in one place. ----

/** A condition on the item a transaction element writes. */
export interface Condition {
  readonly expression: string;
  readonly names?: Record<string, string>;
  readonly values?: Record<string, unknown>;
}

/** The item must not exist yet. */
export const ifAbsent: Condition = { expression: 'attribute_not_exists(pk)' };

/** The item must exist. */
export const ifPresent: Condition = { expression: 'attribute_exists(pk)' };

/** The item must still be at the version the caller read (optimistic concurrency). */
export function ifVersion(version: number): Condition {
  return { expression: 'version = :v', values: { ':v': version } };
}

function conditionFields(condition: Condition) {
  return {
    ConditionExpression: condition.expression,
    ...(condition.names ? { ExpressionAttributeNames: condition.names } : {}),
    ...(condition.values ? { ExpressionAttributeValues: condition.values } : {}),
  };
}

/** TransactWriteItems element: put `item`, under `condition` when given. */
export function putItem(item: Record<string, unknown>, condition?: Condition): TransactItem {
  return { Put: { TableName: tableName(), Item: item, ...(condition ? conditionFields(condition) : {}) } };
}

/** TransactWriteItems element: update the item at `key` (expressions as DynamoDB takes them). */
export function updateItem(key: ItemKey, update: Omit<Update, 'TableName' | 'Key'>): TransactItem {
  return { Update: { TableName: tableName(), Key: { ...key }, ...update } };
}

/** TransactWriteItems element: write nothing, but fail the transaction unless `condition` holds for `key`. */
export function checkItem(key: ItemKey, condition: Condition): TransactItem {
  return { ConditionCheck: { TableName: tableName(), Key: { ...key }, ...conditionFields(condition) } };
}

/**
 * TransactWriteItems element: move an item's `status` from one of `from` to `to`, stamping
 * `updatedAt` and setting `changes` (undefined ones are left alone). Its condition fails when the
 * item is in another status, which is how a repeated workflow step finds that it ran before.
 */
export function transitionUpdate(key: ItemKey, move: { from: readonly string[]; to: string; changes: object; at: string }): TransactItem {
  const names: Record<string, string> = { '#status': 'status' };
  const values: Record<string, unknown> = { ':to': move.to, ':at': move.at };
  const sets = ['#status = :to', 'updatedAt = :at'];
  for (const [k, v] of Object.entries(move.changes)) {
    if (v === undefined) continue;
    names[`#${k}`] = k;
    values[`:${k}`] = v;
    sets.push(`#${k} = :${k}`);
  }
  const fromNames = move.from.map((s, i) => {
    values[`:from${i}`] = s;
    return `:from${i}`;
  });
  return updateItem(key, {
    UpdateExpression: `SET ${sets.join(', ')}`,
    ConditionExpression: `#status IN (${fromNames.join(', ')})`,
    ExpressionAttributeNames: names,
    ExpressionAttributeValues: values,
  });
}
