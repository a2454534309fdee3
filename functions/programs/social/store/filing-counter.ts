import { ddb, tableName } from '../../../shared/clients.ts';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
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
