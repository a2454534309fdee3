import type { Context } from 'hono';
import { principalOf, type AppEnv } from './context.ts';
import { ConflictError, UnprocessableError, ValidationError } from '../../shared/errors.ts';
import {
  getIdempotencyRecord,
  idempotencyKeySchema,
  idempotencyPut,
  requestFingerprint,
  type IdempotencyScope,
} from '../store/idempotency.ts';
import { TransactionConditionFailed, type ExtraItems } from '../store/transact.ts';

export const idempotencyHeader = 'idempotency-key';

/** The outcome of a create: either freshly made, or the stored answer to an earlier identical request. */
export interface CreateOutcome<T> {
  readonly replayed: boolean;
  readonly status: number;
  /** On a replay, the stored JSON of the first response, which is the JSON form of a T. */
  readonly body: T;
}

function replayOrRefuse<T>(scope: IdempotencyScope, record: { fingerprint: string; status: number; body: unknown }): CreateOutcome<T> {
  if (record.fingerprint !== scope.fingerprint) {
    throw new UnprocessableError(`Idempotency-Key ${scope.key} was already used with a different request`, 'idempotency-key-reused');
  }
  return { replayed: true, status: record.status, body: record.body as T };
}

/**
 * Run a create under the caller's `Idempotency-Key`, if the request has one. `create` receives
 * the extra transaction items to add to its write (the stored response), so the response is
 * recorded atomically with the change. A repeat with the same key and request replays the stored
 * response; with another request it is refused with 422. Without the header, `create` just runs.
 *
 * For routes of any program: `idempotentCreate(c, validatedBody, (extra) => createX(input, actor, { extraItems: extra }))`.
 */
export async function idempotentCreate<T>(
  c: Context<AppEnv>,
  body: unknown,
  create: (extraItems: ExtraItems<NoInfer<T>>) => Promise<T>,
  status = 201,
): Promise<CreateOutcome<T>> {
  const header = c.req.header(idempotencyHeader);
  if (header === undefined) return { replayed: false, status, body: await create(() => []) };
  const key = idempotencyKeySchema.safeParse(header);
  if (!key.success) throw new ValidationError([{ field: idempotencyHeader, message: key.error.issues[0]?.message ?? 'invalid', in: 'header' }]);
  const { sub } = principalOf(c);
  const scope: IdempotencyScope = { sub, key: key.data, fingerprint: requestFingerprint(c.req.method, c.req.path, body) };

  const existing = await getIdempotencyRecord(sub, key.data);
  if (existing) return replayOrRefuse(scope, existing);
  try {
    const result = await create((record) => [idempotencyPut(scope, { status, body: record })]);
    return { replayed: false, status, body: result };
  } catch (err) {
    // A concurrent request with the same key may have won the race: its stored answer is ours.
    // When the two transactions collided, the winner may still be committing: look a few times.
    if (!(err instanceof ConflictError || err instanceof TransactionConditionFailed)) throw err;
    for (let attempt = 0; attempt < 5; attempt++) {
      if (attempt > 0) await new Promise((r) => setTimeout(r, 20 * attempt));
      const winner = await getIdempotencyRecord(sub, key.data);
      if (winner) return replayOrRefuse(scope, winner);
    }
    throw err;
  }
}

/**
 * The body to answer with (the stored one on a replay, typed as the fresh one since it is its
 * JSON form), marking replays with `Idempotent-Replayed: true`. Answer `c.json(body, 201)`.
 */
export function createdBody<T>(c: Context<AppEnv>, outcome: CreateOutcome<T>): T {
  if (outcome.replayed) c.header('idempotent-replayed', 'true');
  return outcome.body;
}
