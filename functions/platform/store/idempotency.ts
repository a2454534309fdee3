import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { createHash } from 'node:crypto';
import * as z from 'zod';
import { ddb, tableName } from '../../shared/clients.ts';
import { named, type TransactItem } from './transact.ts';

/**
 * Idempotency records for creating POSTs (`Idempotency-Key` header). The stored response is put
 * in the SAME transaction as the create, conditioned on the key being unused, so either both
 * exist or neither: a retry after a lost response finds the record and gets the same answer.
 *
 * Keys: pk `IDEMPOTENCY#<caller sub>#<key>`, sk `IDEMPOTENCY`. Keys are per caller, so two users
 * can never see each other's responses. `expiresAt` (epoch seconds, the table's TTL attribute)
 * is 24 h after the create; an expired record is treated as absent even before DynamoDB deletes it.
 */
export const idempotencyKeySchema = z.string().min(1).max(200).regex(/^[\x21-\x7e]+$/, 'must be 1-200 visible ASCII characters');

export const idempotencyTtlSeconds = 24 * 3600;

export interface IdempotencyScope {
  /** The caller (`sub`): keys are only unique per caller. */
  readonly sub: string;
  readonly key: string;
  /** Fingerprint of the request (method, path, body): the same key with another request is refused. */
  readonly fingerprint: string;
}

export interface StoredResponse {
  readonly status: number;
  readonly body: unknown;
}

export interface IdempotencyRecord extends StoredResponse {
  readonly fingerprint: string;
  readonly createdAt: string;
  readonly expiresAt: number;
}

const idempotencyKey = (sub: string, key: string) => ({ pk: `IDEMPOTENCY#${sub}#${key}`, sk: 'IDEMPOTENCY' });

function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.keys(value).sort().map((k) => [k, canonical((value as Record<string, unknown>)[k])]));
  }
  return value;
}

/** A stable fingerprint of a request: key order in the body does not matter. */
export function requestFingerprint(method: string, path: string, body: unknown): string {
  return createHash('sha256').update(`${method.toUpperCase()} ${path}\n${JSON.stringify(canonical(body) ?? null)}`).digest('base64url');
}

/** The unexpired record for a caller's key, if any (strongly consistent, so a just-finished create is seen). */
export async function getIdempotencyRecord(sub: string, key: string, now: Date = new Date()): Promise<IdempotencyRecord | undefined> {
  const { Item } = await ddb().send(new GetCommand({ TableName: tableName(), Key: idempotencyKey(sub, key), ConsistentRead: true }));
  if (!Item || Number(Item.expiresAt) <= Math.floor(now.getTime() / 1000)) return undefined;
  return {
    fingerprint: String(Item.fingerprint),
    status: Number(Item.status),
    body: JSON.parse(String(Item.body)) as unknown,
    createdAt: String(Item.createdAt),
    expiresAt: Number(Item.expiresAt),
  };
}

/** The transaction item that stores `response` under the caller's key; fails if the key is in use. */
export function idempotencyPut(scope: IdempotencyScope, response: StoredResponse, now: Date = new Date()): TransactItem {
  const nowSeconds = Math.floor(now.getTime() / 1000);
  return named('idempotency', {
    Put: {
      TableName: tableName(),
      Item: {
        ...idempotencyKey(scope.sub, scope.key),
        type: 'idempotency',
        fingerprint: scope.fingerprint,
        status: response.status,
        // Stored as text: the response is replayed byte for byte and never queried.
        body: JSON.stringify(response.body),
        createdAt: now.toISOString(),
        expiresAt: nowSeconds + idempotencyTtlSeconds,
      },
      ConditionExpression: 'attribute_not_exists(pk) OR expiresAt <= :now',
      ExpressionAttributeValues: { ':now': nowSeconds },
    },
  });
}
