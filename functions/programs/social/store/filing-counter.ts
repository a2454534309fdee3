import { ddb, tableName } from '../../../shared/clients.ts';
import { DeleteCommand, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { named, updateItem, type TransactItem } from '../../../platform/store/transact.ts';

/**
 * The filing-number counter of a township: pk `SOCIAL_FILING#<township>`, sk `COUNTER`, `last` =
 * the last sequence number given. A filing reads it and moves it from `last` to `last + n` in the
 * same transaction that files the organisations, conditioned on `last` as read: two filings that
 * read the same value cannot both commit, so every number is given once.
 */
const key = (township: string) => ({ pk: `SOCIAL_FILING#${township}`, sk: 'COUNTER' });

export async function lastFilingSequence(township: string): Promise<number> {
  const { Item } = await ddb().send(new GetCommand({ TableName: tableName(), Key: key(township), ConsistentRead: true }));
  return typeof Item?.last === 'number' ? Item.last : 0;
}

/** The transaction item that takes `count` numbers after `last` (named `filing-counter`). */
export function takeFilingNumbers(township: string, last: number, count: number): TransactItem {
  return named(
    'filing-counter',
    updateItem(key(township), {
      UpdateExpression: 'SET #last = :next, #type = :type',
      ConditionExpression: last === 0 ? 'attribute_not_exists(#last) OR #last = :last' : '#last = :last',
      ExpressionAttributeNames: { '#last': 'last', '#type': 'type' },
      ExpressionAttributeValues: { ':next': last + count, ':last': last, ':type': 'socialFilingCounter' },
    }),
  );
}

/**
 * A short lease on a township's filing (pk `SOCIAL_FILING#<township>`, sk `LEASE`): whoever holds
 * it numbers the township's approved organisations while the others wait for theirs to be
 * numbered. Only a matter of speed, never of correctness (the counter's condition is what keeps
 * numbers unique): many large transactions on the same counter at once are slow on DynamoDB
 * (and very slow on DynamoDB Local), one at a time they are not. An expired lease is taken over.
 */
const leaseKey = (township: string) => ({ pk: `SOCIAL_FILING#${township}`, sk: 'LEASE' });

export async function acquireFilingLease(township: string, holder: string, ttlMs: number, now = new Date()): Promise<boolean> {
  try {
    await ddb().send(
      new PutCommand({
        TableName: tableName(),
        Item: { ...leaseKey(township), type: 'socialFilingLease', holder, expiresAt: new Date(now.getTime() + ttlMs).toISOString() },
        ConditionExpression: 'attribute_not_exists(pk) OR expiresAt < :now OR holder = :holder',
        ExpressionAttributeValues: { ':now': now.toISOString(), ':holder': holder },
      }),
    );
    return true;
  } catch (err) {
    if (err instanceof ConditionalCheckFailedException) return false;
    throw err;
  }
}

export async function releaseFilingLease(township: string, holder: string): Promise<void> {
  try {
    await ddb().send(new DeleteCommand({ TableName: tableName(), Key: leaseKey(township), ConditionExpression: 'holder = :holder', ExpressionAttributeValues: { ':holder': holder } }));
  } catch (err) {
    if (!(err instanceof ConditionalCheckFailedException)) throw err;
  }
}
