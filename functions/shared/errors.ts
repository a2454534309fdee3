import type { ZodError } from 'zod';

/**
 * Errors the API shows to callers, rendered as RFC 9457 `application/problem+json`.
 * Anything that is not an `AppError` becomes a bare 500 whose body says nothing about the cause
 * (the cause goes to the log, under the same request id).
 */
export interface FieldError {
  /** Dotted path of the offending field (`population`, `contact.phone`, `limit`). */
  readonly field: string;
  readonly message: string;
  /** Where the field was: body, query, path, header. */
  readonly in?: 'body' | 'query' | 'path' | 'header';
}

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail?: string;
  instance?: string;
  errors?: FieldError[];
}

export const problemContentType = 'application/problem+json';

const typeBase = 'https://village-flow.dev/problems/';

export class AppError extends Error {
  constructor(
    readonly status: number,
    readonly slug: string,
    readonly title: string,
    detail?: string,
  ) {
    super(detail ?? title);
    this.name = new.target.name;
  }

  /** The problem document; `instance` is the request id so a caller can quote it. */
  toProblem(requestId?: string): Problem {
    const problem: Problem = { type: typeBase + this.slug, title: this.title, status: this.status };
    if (this.message && this.message !== this.title) problem.detail = this.message;
    if (requestId) problem.instance = requestId;
    return problem;
  }
}

/** 400: the request names fields that are missing or malformed. Nothing was written. */
export class ValidationError extends AppError {
  constructor(readonly fields: readonly FieldError[], detail?: string) {
    super(400, 'validation', 'Request validation failed', detail ?? fields.map((f) => `${f.field}: ${f.message}`).join('; '));
  }

  static fromZod(error: ZodError, location?: FieldError['in']): ValidationError {
    return new ValidationError(zodFieldErrors(error, location));
  }

  override toProblem(requestId?: string): Problem {
    return { ...super.toProblem(requestId), errors: [...this.fields] };
  }
}

/**
 * The errors below differ only in status, slug, title and default detail, so they share one body;
 * each stays a named class of its own, since callers and retry rules tell errors apart by class and
 * by `name`.
 */
function fixedStatusError(status: number, slug: string, title: string, defaultDetail: string) {
  return class extends AppError {
    constructor(detail = defaultDetail) {
      super(status, slug, title, detail);
    }
  };
}

export class UnauthorizedError extends fixedStatusError(401, 'unauthorized', 'Unauthorized', 'A valid bearer token is required') {}

export class ForbiddenError extends fixedStatusError(403, 'forbidden', 'Forbidden', 'Not allowed for your role or jurisdiction') {}

/** 403 naming the separation-of-duties rule that refused a decision (functions/platform/approvals.ts). */
export class SeparationOfDutiesError extends AppError {
  constructor(
    readonly rule: string,
    message: string,
  ) {
    super(403, 'separation-of-duties', 'Forbidden by separation of duties', `${rule}: ${message}`);
  }
}

export class NotFoundError extends fixedStatusError(404, 'not-found', 'Not Found', 'Not found') {}

/** 409: the item exists already, or changed since the caller read it (version mismatch). */
export class ConflictError extends fixedStatusError(409, 'conflict', 'Conflict', 'Conflict with the current state') {}

/** 422: well-formed but not processable, e.g. an Idempotency-Key reused with another body. */
export class UnprocessableError extends AppError {
  constructor(detail: string, slug = 'unprocessable') {
    super(422, slug, 'Unprocessable Content', detail);
  }
}

/** Field errors of a zod failure, every issue named (zod reports all issues, not just the first). */
export function zodFieldErrors(error: ZodError, location?: FieldError['in']): FieldError[] {
  return error.issues.map((issue) => {
    const field = issue.path.map(String).join('.') || '(root)';
    return location ? { field, message: issue.message, in: location } : { field, message: issue.message };
  });
}

/**
 * Render any thrown value as a problem. Errors from the framework that carry an HTTP status in
 * the 4xx range (malformed JSON, unsupported media type) keep their status; everything else is
 * an opaque 500.
 */
export function toProblem(err: unknown, requestId?: string): Problem {
  if (err instanceof AppError) return err.toProblem(requestId);
  const status = statusOf(err);
  if (status !== undefined && status >= 400 && status < 500) {
    const title = err instanceof Error && err.message ? err.message : 'Bad Request';
    return { type: `${typeBase}http-${status}`, title, status, ...(requestId ? { instance: requestId } : {}) };
  }
  return {
    type: `${typeBase}internal`,
    title: 'Internal Server Error',
    status: 500,
    detail: 'An unexpected error occurred; quote the instance id when reporting it.',
    ...(requestId ? { instance: requestId } : {}),
  };
}

function statusOf(err: unknown): number | undefined {
  if (typeof err === 'object' && err !== null && 'status' in err && typeof err.status === 'number') return err.status;
  return undefined;
}
