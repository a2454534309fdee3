import { z } from '@hono/zod-openapi';
import { ValidationError } from '../shared/errors.ts';
import { cursorSchema, pageLimitSchema } from '../store/pagination.ts';

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

const problem = (description: string) => ({ description, content: { 'application/problem+json': { schema: problemSchema } } });

export const errorResponses = {
  400: problem('Invalid request: `errors` names every bad field'),
  401: problem('Missing, invalid or expired bearer token'),
  403: problem('Not allowed for your role or outside your jurisdiction'),
  404: problem('Not found'),
} as const;

export const writeErrorResponses = {
  ...errorResponses,
  409: problem('Exists already, or changed since you read it (version mismatch)'),
  422: problem('Idempotency-Key reused with a different request'),
} as const;

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

export const booleanQuery = z.enum(['true', 'false']).transform((v) => v === 'true');
