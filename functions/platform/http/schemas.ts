import { z } from '@hono/zod-openapi';
import { ValidationError } from '../../shared/errors.ts';
import { calendarDateSchema } from '../calendar.ts';

/** Shared OpenAPI pieces: the problem document, the error responses every route may give, paging. */
export const problemSchema = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    detail: z.string().optional(),
    instance: z.string().optional().openapi({ description: 'The request id (also in the x-request-id header).' }),
    errors: z
      .array(z.object({ field: z.string(), message: z.string(), in: z.enum(['body', 'query', 'path', 'header']).optional() }))
      .optional(),
  })
  .openapi('Problem');

/** A JSON request or response body of `schema`, as createRoute's `content` takes it. */
export const json = <T extends z.ZodType>(schema: T) => ({ 'application/json': { schema } });

/** An error response: a problem document (RFC 9457) with what the status means on this route. */
export const problemResponse = (description: string) => ({ description, content: { 'application/problem+json': { schema: problemSchema } } });

export const errorResponses = {
  400: problemResponse('Invalid request: `errors` names every bad field'),
  401: problemResponse('Missing, invalid or expired bearer token'),
  403: problemResponse('Not allowed for your role or outside your jurisdiction'),
  404: problemResponse('Not found'),
} as const;

export const writeErrorResponses = {
  ...errorResponses,
  409: problemResponse('Exists already, or changed since you read it (version mismatch)'),
  422: problemResponse('Idempotency-Key reused with a different request'),
} as const;

/** What `.openapi()` takes as metadata: the schema's OpenAPI fields (description, example, param, …). */
type OpenApiMetadata = NonNullable<Parameters<z.ZodType['openapi']>[1]>;

/** Metadata for {@link documented}: OpenAPI fields, and `ref` to make the schema a named component. */
export type DocumentedMetadata = OpenApiMetadata & {
  /** The schema becomes `#/components/schemas/<ref>` and every use of it a `$ref` to it (as `.openapi('<ref>')` does). */
  readonly ref?: string;
};

/**
 * Document a schema defined outside the API (domain and store modules use plain zod): a component
 * name (`documented(schema, 'Village')`), OpenAPI fields (`{ description }`), or both
 * (`{ ref: 'Village', description }`). `ref` is taken out of the fields and given to `.openapi()` as
 * the component name; left in, it would be copied into the schema as a stray `ref` property.
 *
 * zod 4 gives a schema its methods when it is created, so one created before @hono/zod-openapi
 * extended zod (as happens when a task handler loads first) has no `.openapi()`; a clone made here
 * always does.
 */
export function documented<T extends z.ZodType>(schema: T, meta: string | DocumentedMetadata): T {
  const copy = schema.clone() as T;
  if (typeof meta === 'string') return copy.openapi(meta);
  const { ref, ...fields } = meta;
  return ref === undefined ? copy.openapi(fields) : copy.openapi(ref, fields);
}

// Defined here, with the OpenAPI-extended zod, rather than in the store: zod 4 schemas get their
// methods when they are created, so a schema made before @hono/zod-openapi loads has no .openapi().
const pageLimitSchema = z.coerce.number().int().min(1).max(100).default(50);
const cursorSchema = z.string().min(1).max(2048).regex(/^[A-Za-z0-9_-]+$/, 'must be a cursor returned by a previous page');

export const pageQueryShape = {
  limit: pageLimitSchema.openapi({ description: 'Page size, 1-100 (default 50)' }),
  cursor: cursorSchema.optional().openapi({ description: 'Opaque `nextCursor` of the previous page' }),
};

export function pageOf<T extends z.ZodType>(item: T, name: string) {
  return z
    .object({ items: z.array(item), nextCursor: z.string().optional().openapi({ description: 'Absent on the last page' }) })
    .openapi(name);
}

export const idempotencyHeaders = z.object({
  'idempotency-key': z.string().optional().openapi({ description: 'Repeat a create safely: the same key and body within 24 h return the first response' }),
});

export const ifMatchHeaders = z.object({
  'if-match': z
    .string()
    .regex(/^(W\/)?"?\d{1,15}"?$/, 'must be the ETag (version) of the item as read')
    .optional()
    .openapi({ description: 'The ETag (version) you read; 409 if the item changed since' }),
});

/** Optional `version` in a PUT body (alternative to If-Match). */
export const versionField = z.number().int().min(1).optional().openapi({ description: 'The version you read; 409 if it changed since' });

/** The version the caller expects, from If-Match and/or the body; both given must agree. */
export function expectedVersion(ifMatch: string | undefined, bodyVersion: number | undefined): number | undefined {
  const fromHeader = ifMatch === undefined ? undefined : Number(/\d+/.exec(ifMatch)?.[0]);
  if (fromHeader !== undefined && bodyVersion !== undefined && fromHeader !== bodyVersion) {
    throw new ValidationError([{ field: 'version', message: 'does not match the If-Match header', in: 'body' }]);
  }
  return fromHeader ?? bodyVersion;
}

export const etag = (version: number) => `"${version}"`;

/** A query parameter naming a county, for the lists kept per county. */
export const countyQuery = z.string().regex(/^\d{6}$/, 'must be a county code (6 digits)');

export const booleanQuery = z.enum(['true', 'false']).transform((v) => v === 'true');

/**
 * The body of a program's `POST …/schedule/run` (the local stand-in for its daily scheduled start,
 * platform/reporting/scheduled-start.ts), documented under `ref` in the OpenAPI document.
 */
export function scheduledRunBodySchema(ref: string) {
  return z
    .strictObject({
      today: documented(calendarDateSchema, { description: 'The Beijing date to run for (default: today in Beijing)' }).optional(),
    })
    .openapi(ref);
}
