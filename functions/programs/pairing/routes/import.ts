import { OpenAPIHono, createRoute, z } from '@hono/zod-openapi';
import type { AppEnv } from '../../../platform/http/context.ts';
import { principalOf, requireAllowed, roleGate } from '../../../platform/http/context.ts';
import { CsvRejected, csvSizeLimit, csvText } from '../../../platform/http/csv-upload.ts';
import { json, problemResponse, writeErrorResponses } from '../../../platform/http/schemas.ts';
import { authorize } from '../../../platform/authz.ts';
import { parsePairingCsv, pairingCsvMaxRows } from '../domain/pairing-csv.ts';
import { importPairings } from '../use-cases.ts';

/** At most 2,000 rows of about 120 bytes each: 512 KiB is ample. */
export const pairingCsvMaxBytes = 512 * 1024;

const importResultSchema = z
  .object({ rowCount: z.number().int(), created: z.number().int(), ids: z.array(z.string()).openapi({ description: 'The new pairings’ ids, in file order' }) })
  .openapi('PairingImport');

export const pairingImportRoutes = new OpenAPIHono<AppEnv>().openapi(
  createRoute({
    method: 'post',
    middleware: [roleGate('pairing:create'), csvSizeLimit(pairingCsvMaxBytes)] as const,
    path: '/pairings/import',
    operationId: 'importPairings',
    tags: ['pairing'],
    summary: 'Create many pairings from a CSV (admin): termId,unitId,village,level,pledgedFenPerYear (or pledgedYuanPerYear; Chinese headers 帮扶周期,帮扶单位,村代码,层级,年承诺资金(元))',
    description: `Synchronous, all or nothing: every row is checked first (format, the term, unit and village exist, the village lies in your jurisdiction and the term's, no pair already made or named twice); any problem gives 422 with every error by line and column and nothing is written. At most ${pairingCsvMaxRows} rows and ${pairingCsvMaxBytes} bytes (413).`,
    request: { body: { required: true, content: { 'text/csv': { schema: z.string().openapi({ example: 'termId,unitId,village,level,pledgedYuanPerYear\npt-…,…,120225104201,city,500000\n' }) } } } },
    responses: { 201: { description: 'Every pairing created', content: json(importResultSchema) }, ...writeErrorResponses,
      413: problemResponse(`The CSV is larger than ${pairingCsvMaxBytes} bytes`),
      415: problemResponse('Not text/csv in UTF-8'),
      422: problemResponse('The CSV has errors (every one by line and column); nothing was written'),
    },
  }),
  async (c) => {
    const principal = principalOf(c);
    const actor = requireAllowed(c, 'pairing:create', { division: principal.division });
    const parsed = parsePairingCsv(await csvText(c));
    if (parsed.errors.length > 0) throw new CsvRejected(parsed.errors);
    const { errors, created } = await importPairings(parsed.rows, actor, (village) => authorize(principal, 'pairing:create', { division: village }).allowed);
    if (errors.length > 0) throw new CsvRejected(errors);
    return c.json({ rowCount: parsed.rowCount, created: created.length, ids: created.map((p) => p.id) }, 201);
  },
);
