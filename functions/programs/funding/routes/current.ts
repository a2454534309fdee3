import { OpenAPIHono, createRoute, z } from '@hono/zod-openapi';
import type { AppEnv } from '../../../platform/http/context.ts';
import { principalOf, requireAllowed, roleGate } from '../../../platform/http/context.ts';
import { CsvRejected, csvSizeLimit, csvText } from '../../../platform/http/csv-upload.ts';
import { documented, errorResponses, expectedVersion, ifMatchHeaders, json, versionField, writeErrorResponses } from '../../../platform/http/schemas.ts';
import { fenSchema } from '../../../platform/money.ts';
import { villageCodeSchema } from '../../../platform/registries/domain/village.ts';
import { parseCurrentFundingCsv } from '../domain/current-csv.ts';
import { getVillages } from '../../../platform/registries/store/village.ts';
import { budgetYearSchema, getCurrentFunding, recordFunding, recordFundingBatch } from '../store/village-funding.ts';

/** 10,000 rows of `code,amount` are ~250 KB; 1 MB leaves room for a BOM, quotes and CRLFs. */
const maxCsvBytes = 1024 * 1024;

export const currentFundingBodySchema = z
  .strictObject({ amountFen: documented(fenSchema.max(10 ** 15, 'is too large'), { description: 'Current yearly operating funds from all sources, in fen' }), version: versionField })
  .openapi('CurrentFundingInput');
const viewSchema = z
  .object({
    code: z.string(),
    year: z.number().int(),
    amountFen: z.number().int(),
    source: z.enum(['recorded', 'registry']).openapi({ description: 'recorded for the year, or (nothing recorded) the village registry’s operatingFundsFen' }),
    version: z.number().int().optional(),
    updatedAt: z.string().optional(),
  })
  .openapi('CurrentFunding');
const params = z.object({
  code: documented(villageCodeSchema, { param: { name: 'code', in: 'path' }, example: '120225104201' }),
  year: z.coerce.number().pipe(documented(budgetYearSchema, { param: { name: 'year', in: 'path' }, example: 2026 })),
});

export const fundingCurrentRoutes = new OpenAPIHono<AppEnv>()
  .openapi(
    createRoute({
      method: 'get',
      middleware: [roleGate('funding-current:read')] as const,
      path: '/current/{code}/{year}',
      operationId: 'getCurrentFunding',
      tags: ['funding'],
      summary: 'A village’s current funding for a year (recorded, else the registry’s figure)',
      request: { params },
      responses: { 200: { description: 'The figure a run would use now', content: json(viewSchema) }, ...errorResponses },
    }),
    async (c) => {
      const { code, year } = c.req.valid('param');
      requireAllowed(c, 'funding-current:read', { division: code });
      return c.json(await getCurrentFunding(code, year), 200);
    },
  )

  .openapi(
    createRoute({
      method: 'put',
      middleware: [roleGate('funding-current:write')] as const,
      path: '/current/{code}/{year}',
      operationId: 'recordCurrentFunding',
      tags: ['funding'],
      summary: 'Record a village’s current funding for a year (township, admin)',
      request: { params, headers: ifMatchHeaders, body: { required: true, content: json(currentFundingBodySchema) } },
      responses: { 200: { description: 'Recorded', content: json(viewSchema) }, ...writeErrorResponses },
    }),
    async (c) => {
      const { code, year } = c.req.valid('param');
      const { amountFen, version } = c.req.valid('json');
      const actor = requireAllowed(c, 'funding-current:write', { division: code });
      const record = await recordFunding({ code, year, amountFen }, actor, { expectedVersion: expectedVersion(c.req.valid('header')['if-match'], version) });
      return c.json({ code, year, amountFen: record.amountFen, source: 'recorded' as const, version: record.version, updatedAt: record.updatedAt }, 200);
    },
  )

  .openapi(
    createRoute({
      method: 'post',
      path: '/current/{year}',
      operationId: 'importCurrentFunding',
      tags: ['funding'],
      summary: 'Record many villages’ current funding from a CSV (township, admin): code,currentFundsYuan (or 村代码,运转经费(元))',
      description: 'Synchronous, at most 10,000 rows. Every row is checked first (line and column named, 422); then all are written. Repeating the file changes nothing.',
      middleware: [csvSizeLimit(maxCsvBytes)] as const,
      request: {
        params: z.object({ year: z.coerce.number().pipe(documented(budgetYearSchema, { param: { name: 'year', in: 'path' }, example: 2026 })) }),
        body: { required: true, content: { 'text/csv': { schema: z.string().openapi({ example: '村代码,运转经费(元)\n120225104201,178000\n' }) } } },
      },
      responses: {
        200: { description: 'Recorded', content: json(z.object({ rowCount: z.number().int(), created: z.number().int(), updated: z.number().int(), unchanged: z.number().int() }).openapi('CurrentFundingImport')) },
        ...writeErrorResponses,
      },
    }),
    async (c) => {
      const { year } = c.req.valid('param');
      const principal = principalOf(c);
      const actor = requireAllowed(c, 'funding-current:write', { division: principal.division });
      const text = await csvText(c);
      const parsed = parseCurrentFundingCsv(text, { scope: principal.division });
      if (parsed.errors.length > 0) throw new CsvRejected(parsed.errors);
      const registered = await getVillages(parsed.rows.map((r) => r.code));
      const counts = await recordFundingBatch(year, parsed.rows, actor, new Set(registered.keys()));
      return c.json({ rowCount: parsed.rowCount, ...counts }, 200);
    },
  );
