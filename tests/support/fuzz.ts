import fc from 'fast-check';
import { expect } from 'vitest';
import { ScanCommand, type ScanCommandOutput } from '@aws-sdk/lib-dynamodb';
import type { z } from 'zod';
import { ddb, tableName } from '../../functions/shared/clients.ts';
import type { AppLike } from './api.ts';

/**
 * Reusable fuzzing of a JSON-body route: random INVALID bodies (arbitrary JSON, the valid body
 * with one field wrong, missing or extra, wrong types, huge and exotic unicode strings, broken
 * JSON text). Every candidate is checked against the route's own body schema and dropped if it
 * happens to be valid, so any 2xx is a failure. Each answer must be a 4xx problem, and the table
 * must be byte-for-byte the same after the run as before.
 */
export interface FuzzTarget {
  readonly app: AppLike;
  readonly method: 'POST' | 'PUT' | 'PATCH';
  readonly path: string;
  readonly token: string;
  /** The schema the route validates its body with (a body it accepts is not a fuzz case). */
  readonly schema: z.ZodType;
  /** One valid body: the near-valid variants are derived from it. */
  readonly valid: Readonly<Record<string, unknown>>;
  readonly runs?: number;
  readonly seed?: number;
}

/**
 * Names the product's one name schema (functions/platform/names.ts) must refuse: blank, or a
 * printable name with a control, format or otherwise invisible character inside it (at either end
 * whitespace controls are trimmed away, which is fine).
 */
const invisibleOrControl = fc.constantFrom(
  '\u0000', '\u0007', '\u001b', '\r', '\n', '\t', '\u007f', '\u0085', '\u200b', '\u200c', '\u200d', '\u2060', '\u202e', '\u2066',
  '\ufeff', '\u00ad', '\u2028', '\u2029', '\ud800', '\udfff', '\ue000', '\u3164', '\ufe0f', '\u{e0001}',
);
export const badName = fc.oneof(
  fc.constantFrom('', ' ', '\u3000', '\u200b', '\u200b\u200c\u200d', '\u202e', '\u0000', '村\u0000', '东关村\u001b[31m', '东关\r\n村', '\u202e村', 'x'.repeat(101)),
  fc.tuple(fc.string({ unit: 'grapheme', maxLength: 20 }), invisibleOrControl, fc.string({ unit: 'grapheme', maxLength: 20 })).map(([a, bad, b]) => `村${a}${bad}${b}村`),
);

/** `YYYY-MM-DD` texts the product's one calendar date schema (functions/platform/calendar.ts) must refuse. */
export const badDate = fc.oneof(
  fc.constantFrom('2025-02-30', '2025-02-29', '2024-02-30', '2025-13-01', '2025-00-10', '2025-04-31', '2025-01-00', '2025-01-32', '2100-02-29', '2025-1-1', '20250101', '2025-01-01T00:00:00Z', ' 2025-01-01'),
  fc.tuple(fc.integer({ min: 0, max: 9999 }), fc.integer({ min: 13, max: 99 }), fc.integer({ min: 1, max: 28 })).map(([y, m, d]) => `${String(y).padStart(4, '0')}-${m}-${String(d).padStart(2, '0')}`),
  fc.tuple(fc.integer({ min: 0, max: 9999 }), fc.integer({ min: 1, max: 12 }), fc.integer({ min: 32, max: 99 })).map(([y, m, d]) => `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${d}`),
);

const wrongValue = fc.oneof(
  badName,
  badDate,
  fc.constant(null),
  fc.boolean(),
  fc.integer(),
  fc.double(),
  fc.constantFrom(-1, 1.5, Number.MAX_SAFE_INTEGER, 1e21, -0),
  fc.string(),
  fc.string({ unit: 'grapheme', minLength: 101, maxLength: 400 }),
  fc.string({ minLength: 5_000, maxLength: 20_000 }),
  fc.string({ unit: 'binary', maxLength: 50 }),
  fc.constantFrom('', ' ', '\u0000', '\u202e村', '🏘️'.repeat(60), '<script>', '{"$ne":null}', '1'.repeat(12), 'true'),
  fc.array(fc.jsonValue(), { maxLength: 5 }),
  fc.dictionary(fc.string({ maxLength: 10 }), fc.jsonValue(), { maxKeys: 5 }),
);

/** Bodies derived from `valid` and free-form ones; not yet filtered for validity. */
export function candidateBodies(valid: Readonly<Record<string, unknown>>): fc.Arbitrary<{ json?: unknown; raw?: string }> {
  const keys = Object.keys(valid);
  const key = fc.constantFrom(...keys);
  const replaced = fc.tuple(key, wrongValue).map(([k, v]) => ({ ...valid, [k]: v }));
  // One field of a nested object (a program's window, a unit's contact) replaced.
  const objectKeys = keys.filter((k) => typeof valid[k] === 'object' && valid[k] !== null && !Array.isArray(valid[k]));
  const nestedReplaced = objectKeys.length
    ? fc.tuple(fc.constantFrom(...objectKeys), wrongValue).chain(([k, v]) => {
        const inner = valid[k] as Record<string, unknown>;
        const innerKeys = Object.keys(inner);
        return innerKeys.length ? fc.constantFrom(...innerKeys).map((ik) => ({ ...valid, [k]: { ...inner, [ik]: v } })) : fc.constant({ ...valid, [k]: v });
      })
    : replaced;
  const twoReplaced = fc.tuple(key, wrongValue, key, wrongValue).map(([k1, v1, k2, v2]) => ({ ...valid, [k1]: v1, [k2]: v2 }));
  const missing = key.map((k) => Object.fromEntries(Object.entries(valid).filter(([name]) => name !== k)));
  const extra = fc.tuple(fc.string({ minLength: 1, maxLength: 20 }).filter((k) => !keys.includes(k)), fc.jsonValue()).map(([k, v]) => ({ ...valid, [k]: v }));
  const json = fc.oneof(
    { weight: 4, arbitrary: replaced },
    { weight: 2, arbitrary: twoReplaced },
    { weight: 2, arbitrary: nestedReplaced },
    { weight: 2, arbitrary: missing },
    { weight: 2, arbitrary: extra },
    { weight: 2, arbitrary: fc.jsonValue() },
    { weight: 1, arbitrary: fc.dictionary(fc.constantFrom(...keys), wrongValue) },
  );
  const raw = fc.oneof(
    fc.string({ maxLength: 200 }),
    fc.jsonValue().map((v) => JSON.stringify(v).slice(0, -1)),
    fc.constantFrom('', '{', '{"name":', 'null', '[]', '"x"', '\uFEFF{}'),
  );
  return fc.oneof({ weight: 9, arbitrary: json.map((j) => ({ json: j })) }, { weight: 1, arbitrary: raw.map((r) => ({ raw: r })) });
}

/** Every item of the table, in a stable order: compare two snapshots to prove nothing was written. */
export async function tableSnapshot(): Promise<string[]> {
  const items: string[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const out: ScanCommandOutput = await ddb().send(new ScanCommand({ TableName: tableName(), ConsistentRead: true, ExclusiveStartKey: start }));
    for (const item of out.Items ?? []) items.push(JSON.stringify(item, Object.keys(item).sort()));
    start = out.LastEvaluatedKey;
  } while (start);
  return items.sort();
}

function isValidBody(schema: z.ZodType, candidate: { json?: unknown; raw?: string }): boolean {
  if (candidate.raw !== undefined) {
    try {
      // The server decodes bodies as WHATWG UTF-8 decoding does, which drops a leading byte-order mark.
      return schema.safeParse(JSON.parse(candidate.raw.replace(/^\uFEFF/, ''))).success;
    } catch {
      return false;
    }
  }
  return schema.safeParse(candidate.json).success;
}

/** Run the fuzz campaign against one route; returns how often each status was seen. */
export async function fuzzRoute(target: FuzzTarget): Promise<Map<number, number>> {
  const seen = new Map<number, number>();
  const before = await tableSnapshot();
  const bodies = candidateBodies(target.valid).filter((c) => !isValidBody(target.schema, c));
  await fc.assert(
    fc.asyncProperty(bodies, async (candidate) => {
      const body = candidate.raw ?? JSON.stringify(candidate.json);
      const response = await target.app.request(target.path, {
        method: target.method,
        headers: { authorization: `Bearer ${target.token}`, 'content-type': 'application/json' },
        body,
      });
      const text = await response.text();
      seen.set(response.status, (seen.get(response.status) ?? 0) + 1);
      expect(response.status, `${target.method} ${target.path} with ${body.slice(0, 300)} → ${text.slice(0, 300)}`).toBeGreaterThanOrEqual(400);
      expect(response.status).toBeLessThan(500);
      expect(response.headers.get('content-type')).toBe('application/problem+json');
    }),
    { numRuns: target.runs ?? 200, ...(target.seed !== undefined ? { seed: target.seed } : {}) },
  );
  expect(await tableSnapshot()).toEqual(before);
  return seen;
}
