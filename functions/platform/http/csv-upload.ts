import { bodyLimit } from 'hono/body-limit';
import type { Context } from 'hono';
import type { CsvError } from '../csv-table.ts';
import { AppError, ValidationError } from '../../shared/errors.ts';

/**
 * Uploads of spreadsheet exports (villages, current funding, enterprise accounts): the same media
 * type, size limit and encoding rules for every CSV route, with problem+json answers.
 */

/** A route middleware refusing bodies over `maxBytes` with 413 before they are read. */
export function csvSizeLimit(maxBytes: number) {
  return bodyLimit({
    maxSize: maxBytes,
    onError: () => {
      throw new AppError(413, 'payload-too-large', 'Payload Too Large', `the CSV may be at most ${maxBytes} bytes`);
    },
  });
}

/** The body's bytes, after checking it is `text/csv` (UTF-8 if a charset is named) and not empty. */
export async function csvBytes(c: Context): Promise<Uint8Array> {
  const contentType = c.req.header('content-type') ?? '';
  if (!/^text\/csv\b/i.test(contentType) || (/charset=/i.test(contentType) && !/charset="?utf-8"?/i.test(contentType))) {
    throw new AppError(415, 'unsupported-media-type', 'Unsupported Media Type', 'send the CSV with content-type text/csv (UTF-8)');
  }
  const bytes = new Uint8Array(await c.req.arrayBuffer());
  if (bytes.byteLength === 0) throw new ValidationError([{ field: '(body)', message: 'the CSV is empty', in: 'body' }]);
  return bytes;
}

/** The body as text: {@link csvBytes}, decoded strictly (bytes that are not UTF-8 are a 400, not mojibake). */
export async function csvText(c: Context): Promise<string> {
  const bytes = await csvBytes(c);
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new ValidationError([{ field: '(body)', message: 'the file is not valid UTF-8 text', in: 'body' }]);
  }
}

/** 422: the file was read but some rows are wrong; every error by line and column (at most 500 shown), nothing written. */
export class CsvRejected extends AppError {
  constructor(readonly errors: CsvError[]) {
    super(422, 'csv-rejected', 'The CSV has errors; nothing was written', `${errors.length} error(s), by line and column`);
  }
  override toProblem(requestId?: string) {
    return { ...super.toProblem(requestId), errors: this.errors.slice(0, 500).map((e) => ({ field: `row ${e.row}${e.column ? `: ${e.column}` : ''}`, message: e.message, in: 'body' as const })) };
  }
}
