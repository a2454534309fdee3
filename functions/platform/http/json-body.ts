import type { MiddlewareHandler } from 'hono';
import { ValidationError } from '../../shared/errors.ts';

/** JSON media types: `application/json` and the `application/…+json` family. */
const jsonMediaType = /^application\/(?:[\w.-]+\+)?json\s*(?:;|$)/i;

/**
 * Refuses a JSON body that is not valid UTF-8 with 400 naming the body, as the CSV routes do
 * (csv-upload.ts): a lenient decoder would store every bad byte as U+FFFD (a village named "���").
 * The bytes are read once; Hono keeps them for the route's validator, and the raw request is
 * rebuilt on them for middleware that reads the stream. A body-size limit belongs before this.
 */
export function strictUtf8Json(): MiddlewareHandler {
  return async (c, next) => {
    if (c.req.method === 'GET' || c.req.method === 'HEAD' || !jsonMediaType.test(c.req.header('content-type') ?? '')) return next();
    const bytes = await c.req.arrayBuffer();
    try {
      new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    } catch {
      throw new ValidationError([{ field: '(body)', message: 'the JSON body is not valid UTF-8 text', in: 'body' }]);
    }
    // The raw stream is spent: later readers of it (a route's body limit) get the same bytes.
    c.req.raw = new Request(c.req.raw, { body: bytes });
    return next();
  };
}
