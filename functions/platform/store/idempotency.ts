import { createHash } from 'node:crypto';
import * as z from 'zod';
import { defineEntity } from './entity.ts';
import { named, putItem, type TransactItem } from './transact.ts';

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

const storedIdempotencySchema = z.object({
  fingerprint: z.string(),
  status: z.number().int(),
  // Stored as text: the response is replayed byte for byte and never queried.
  body: z.string(),
  createdAt: z.string(),
  expiresAt: z.number().int(),
});

const idempotencyRecordSchema = storedIdempotencySchema.omit({ body: true }).extend({ body: z.unknown() });
export type IdempotencyRecord = z.infer<typeof idempotencyRecordSchema>;

const idempotencyRecords = defineEntity({
  type: 'idempotency',
  schema: storedIdempotencySchema,
  key: (p: { sub: string; key: string }) => ({ pk: `IDEMPOTENCY#${p.sub}#${p.key}`, sk: 'IDEMPOTENCY' }),
});

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
  const stored = await idempotencyRecords.get({ sub, key }, { consistent: true });
  if (!stored || stored.expiresAt <= Math.floor(now.getTime() / 1000)) return undefined;
  return { fingerprint: stored.fingerprint, status: stored.status, body: JSON.parse(stored.body) as unknown, createdAt: stored.createdAt, expiresAt: stored.expiresAt };
}

/** The transaction item that stores `response` under the caller's key; fails if the key is in use. */
export function idempotencyPut(scope: IdempotencyScope, response: StoredResponse, now: Date = new Date()): TransactItem {
  const nowSeconds = Math.floor(now.getTime() / 1000);
  const item = idempotencyRecords.item(
    {
      fingerprint: scope.fingerprint,
      status: response.status,
      body: JSON.stringify(response.body),
      createdAt: now.toISOString(),
      expiresAt: nowSeconds + idempotencyTtlSeconds,
    },
    { sub: scope.sub, key: scope.key },
  );
  return named('idempotency', putItem(item, { expression: 'attribute_not_exists(pk) OR expiresAt <= :now', values: { ':now': nowSeconds } }));
}
