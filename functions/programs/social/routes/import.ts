import { OpenAPIHono, createRoute, z } from '@hono/zod-openapi';
import { authorize } from '../../../platform/authz.ts';
import { beijingDate } from '../../../platform/calendar.ts';
import type { CsvError } from '../../../platform/csv-table.ts';
import type { AppEnv } from '../../../platform/http/context.ts';
import { principalOf, requireAllowed, roleGate } from '../../../platform/http/context.ts';
import { CsvRejected, csvSizeLimit, csvText } from '../../../platform/http/csv-upload.ts';
import { json, problemResponse, writeErrorResponses } from '../../../platform/http/schemas.ts';
import { getVillages } from '../../../platform/registries/store/village.ts';
import { organisationCsvMaxRows, parseOrganisationCsv } from '../domain/organisation-csv.ts';
import { writeImportedOrganisations } from '../store/import.ts';

/** At most 2,000 rows of about 200 bytes each: 1 MiB is ample. */
export const organisationCsvMaxBytes = 1024 * 1024;

const importResultSchema = z
  .object({ rowCount: z.number().int(), created: z.number().int(), ids: z.array(z.string()).openapi({ description: 'The new organisations’ ids' }) })
  .openapi('SocialOrganisationImport');

export const organisationImportRoutes = new OpenAPIHono<AppEnv>().openapi(
  createRoute({
    method: 'post',
    middleware: [roleGate('social-org:import'), csvSizeLimit(organisationCsvMaxBytes)] as const,
    path: '/organisations/import',
    operationId: 'importSocialOrganisations',
    tags: ['social'],
    summary: 'Register organisations that exist on paper from a CSV (township or admin): filed or active, each with the next filing number of its township',
    description: `Columns village,name,category,categoryDescription,leaderName,partyMember,returnedTalent,fiveElders,members,foundedOn,contact,status (or 村代码,组织名称,类别,类别说明,负责人,党员,乡贤,五老,成员数,成立日期,联系方式,状态). All or nothing: every row is checked first (format, registered village inside your jurisdiction); any problem gives 422 with every error by line and column and nothing is written. At most ${organisationCsvMaxRows} rows and ${organisationCsvMaxBytes} bytes (413).`,
    request: { body: { required: true, content: { 'text/csv': { schema: z.string() } } } },
    responses: {
      201: { description: 'Every organisation registered', content: json(importResultSchema) },
      ...writeErrorResponses,
      413: problemResponse(`The CSV is larger than ${organisationCsvMaxBytes} bytes`),
      415: problemResponse('Not text/csv in UTF-8'),
      422: problemResponse('The CSV has errors (every one by line and column); nothing was written'),
    },
  }),
  async (c) => {
    const principal = principalOf(c);
    const actor = requireAllowed(c, 'social-org:import', { division: principal.division });
    const parsed = parseOrganisationCsv(await csvText(c), beijingDate(new Date()));
    if (parsed.errors.length > 0) throw new CsvRejected(parsed.errors);
    const errors: CsvError[] = [];
    const inside = parsed.rows.filter((r) => {
      // Outside the importer's jurisdiction: refused as such, nothing more said of it.
      if (authorize(principal, 'social-org:import', { division: r.organisation.village }).allowed) return true;
      errors.push({ row: r.row, column: 'village', message: `village ${r.organisation.village} is outside your jurisdiction` });
      return false;
    });
    const registered = await getVillages([...new Set(inside.map((r) => r.organisation.village))]);
    for (const r of inside) if (!registered.has(r.organisation.village)) errors.push({ row: r.row, column: 'village', message: `village ${r.organisation.village} is not registered` });
    if (errors.length > 0) throw new CsvRejected(errors.sort((a, b) => a.row - b.row));
    const created = await writeImportedOrganisations(parsed.rows, actor);
    return c.json({ rowCount: parsed.rowCount, created: created.length, ids: created.map((o) => o.id) }, 201);
  },
);
