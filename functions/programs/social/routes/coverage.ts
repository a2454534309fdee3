import { OpenAPIHono, createRoute, z } from '@hono/zod-openapi';
import { beijingDate } from '../../../platform/calendar.ts';
import { tableDownload, type TableFile } from '../../../platform/table-file.ts';
import type { AppEnv, RouteContext } from '../../../platform/http/context.ts';
import { principalOf, requireAllowed, roleGate } from '../../../platform/http/context.ts';
import { errorResponses, json } from '../../../platform/http/schemas.ts';
import { divisionCodeSchema } from '../../../platform/registries/domain/division.ts';
import { villages as villageRegistry } from '../../../platform/registries/store/village.ts';
import { xlsxContentType, type XlsxCell } from '../../../shared/xlsx.ts';
import { ValidationError } from '../../../shared/errors.ts';
import { categoryKeyList, socialCategories, type CategoryKey } from '../domain/organisation.ts';
import { coverageTarget, emptyCoverage, mergeCoverage, missingCategories, per1000Hundredths, trendByYear, type Coverage } from '../domain/coverage.ts';
import { townshipCoverage, villageCoverage } from '../store/coverage.ts';

const categoriesSchema = z.object(Object.fromEntries(categoryKeyList.map((k) => [k, z.number().int()])) as Record<CategoryKey, z.ZodNumber>);
const villageRowSchema = z.object({
  village: z.string(),
  name: z.string(),
  population: z.number().int(),
  categories: categoriesSchema,
  total: z.number().int(),
  per1000Hundredths: z.number().int().optional().openapi({ description: 'Organisations per 1,000 residents in hundredths, half up (250 = 2.50); absent for a village of no residents' }),
  missing: z.array(z.enum(categoryKeyList as [CategoryKey, ...CategoryKey[]])),
  belowTarget: z.boolean(),
});
type VillageRow = z.infer<typeof villageRowSchema>;
const townshipRowSchema = z.object({
  township: z.string(),
  categories: categoriesSchema,
  total: z.number().int(),
  villages: z.number().int().optional().openapi({ description: 'Registered villages; given for a township or village view (absent at county level, which reads roll-ups, not villages)' }),
  villagesBelowTarget: z.number().int().optional().openapi({ description: 'Villages below 5; given for a township or village view (absent at county level)' }),
});
const coverageViewSchema = z
  .object({
    division: z.string(),
    target: z.object({ minimum: z.number().int(), maximum: z.number().int() }),
    categoryNames: z.record(z.string(), z.string()).openapi({ description: 'Category key → Chinese name' }),
    summary: z.object({
      categories: categoriesSchema,
      total: z.number().int(),
      villages: z.number().int().optional().openapi({ description: 'Registered villages; absent at county level (the county answer reads township roll-ups, not its villages)' }),
      villagesBelowTarget: z.number().int().optional().openapi({ description: 'Villages below 5; absent at county level' }),
      population: z.number().int().optional().openapi({ description: 'Residents of the registered villages; absent at county level' }),
      per1000Hundredths: z.number().int().optional(),
    }),
    townships: z.array(townshipRowSchema).openapi({ description: 'Township roll-ups: at county level every township with counters, from its roll-up items' }),
    villages: z.array(villageRowSchema).openapi({ description: 'Township or village: all its registered villages. County: empty unless `villages` is asked, then one page of them (see `nextCursor`)' }),
    belowTarget: z.array(z.string()).openapi({ description: 'Villages with fewer than 5 counted (filed or active) organisations, among the village rows given' }),
    missingByCategory: z.record(z.string(), z.array(z.string())).openapi({ description: 'Category key → villages with no counted organisation of it, among the village rows given' }),
    trend: z.array(z.object({ year: z.number().int(), organisations: z.number().int() })),
    nextCursor: z.string().optional().openapi({ description: 'County village pages: pass as `cursor` for the next page; absent on the last' }),
  })
  .openapi('SocialCoverage');

const query = z.object({
  division: divisionCodeSchema.optional().openapi({ description: 'A county (6 digits), township or village; default your own' }),
  fromYear: z.coerce.number().int().min(2000).max(2100).optional().openapi({ description: 'First year of the trend (default 2019, the year of the seed document)' }),
  villages: z.enum(['all', 'below-target']).optional().openapi({ description: 'County only: also give one page of village rows (all, or only those below 5), in village-code order' }),
  cursor: z.string().regex(/^\d{12}$/).optional().openapi({ description: 'County village pages: the `nextCursor` of the page before' }),
});

/** Village rows in one county page: a sensible answer size (about 100 KB). */
const villagePageSize = 500;

type Registered = { code: string; name: string; population: number };
const registeredSchema = z.object({ code: z.string(), name: z.string(), population: z.number() });

function villageRow(v: Registered, cov: Coverage): VillageRow {
  const per = per1000Hundredths(cov.total, v.population);
  return { village: v.code, name: v.name, population: v.population, categories: { ...cov.categories }, total: cov.total, ...(per !== undefined ? { per1000Hundredths: per } : {}), missing: missingCategories(cov), belowTarget: cov.total < coverageTarget.minimum };
}

function listsOf(rows: readonly VillageRow[]) {
  return {
    belowTarget: rows.filter((r) => r.belowTarget).map((r) => r.village),
    missingByCategory: Object.fromEntries(categoryKeyList.map((k) => [k, rows.filter((r) => r.missing.includes(k)).map((r) => r.village)])),
  };
}

const header = () => ({ target: { ...coverageTarget }, categoryNames: Object.fromEntries(socialCategories.map((name, i) => [categoryKeyList[i]!, name])) });
const trendFrom = (all: Coverage, fromYear: number | undefined) => {
  const thisYear = Number(beijingDate(new Date()).slice(0, 4));
  return trendByYear(all, Math.min(fromYear ?? 2019, thisYear), thisYear);
};

function requireScope(c: RouteContext, division: string | undefined): string {
  const scope = division ?? principalOf(c).division;
  requireAllowed(c, 'social-coverage:read', { division: scope });
  if (scope.length < 6) throw new ValidationError([{ field: 'division', message: 'name a county (6 digits) or a division inside one', in: 'query' }]);
  return scope;
}

/**
 * A county's answer from its township roll-ups (a few hundred small items), never its villages:
 * the county total, one row a township and the trend; village rows only when asked, a page at a
 * time (the page's villages from the registry and their counters, by sort-key range).
 */
async function countyView(scope: string, fromYear: number | undefined, villages: 'all' | 'below-target' | undefined, cursor: string | undefined) {
  const townships = await townshipCoverage(scope);
  const all = [...townships.values()].reduce(mergeCoverage, emptyCoverage);
  let rows: VillageRow[] = [];
  let nextCursor: string | undefined;
  if (villages) {
    const range = { between: [cursor ? `${cursor}~` : scope, `${scope}~`] as const };
    const page: Registered[] = [];
    for await (const v of villageRegistry.query.byCounty.select(scope, registeredSchema, { sort: range })) {
      page.push(v);
      if (page.length === villagePageSize) break;
    }
    const first = page[0]?.code;
    const last = page.at(-1)?.code;
    const counters = first && last ? await villageCoverage(scope, { between: [first, last] }) : new Map<string, Coverage>();
    rows = page.map((v) => villageRow(v, counters.get(v.code) ?? emptyCoverage));
    if (villages === 'below-target') rows = rows.filter((r) => r.belowTarget);
    if (page.length === villagePageSize && last) nextCursor = last;
  }
  return {
    division: scope,
    ...header(),
    summary: { categories: { ...all.categories }, total: all.total },
    townships: [...townships].map(([township, t]) => ({ township, categories: { ...t.categories }, total: t.total })),
    villages: rows,
    ...listsOf(rows),
    trend: trendFrom(all, fromYear),
    ...(nextCursor ? { nextCursor } : {}),
  };
}

/** The grid of a township or village, or (for an export) a county: every registered village with its counter. */
async function gridView(scope: string, fromYear: number | undefined) {
  const [counters, registered] = await Promise.all([
    villageCoverage(scope),
    (async () => {
      const out: Registered[] = [];
      for await (const v of villageRegistry.query.byCounty.select(scope.slice(0, 6), registeredSchema, { sort: scope.length > 6 ? { beginsWith: scope } : undefined })) out.push(v);
      return out;
    })(),
  ]);
  const rows = registered.map((v) => villageRow(v, counters.get(v.code) ?? emptyCoverage));
  const all = [...counters.values()].reduce(mergeCoverage, emptyCoverage);
  const townships = new Map<string, { coverage: Coverage; villages: number; below: number }>();
  for (const r of rows) {
    const t = townships.get(r.village.slice(0, 9)) ?? { coverage: emptyCoverage, villages: 0, below: 0 };
    townships.set(r.village.slice(0, 9), { coverage: mergeCoverage(t.coverage, counters.get(r.village) ?? emptyCoverage), villages: t.villages + 1, below: t.below + (r.belowTarget ? 1 : 0) });
  }
  const population = registered.reduce((a, v) => a + v.population, 0);
  const per = per1000Hundredths(all.total, population);
  return {
    division: scope,
    ...header(),
    summary: { categories: { ...all.categories }, total: all.total, villages: rows.length, villagesBelowTarget: rows.filter((r) => r.belowTarget).length, population, ...(per !== undefined ? { per1000Hundredths: per } : {}) },
    townships: [...townships].map(([township, t]) => ({ township, categories: { ...t.coverage.categories }, total: t.coverage.total, villages: t.villages, villagesBelowTarget: t.below })),
    villages: rows,
    ...listsOf(rows),
    trend: trendFrom(all, fromYear),
  };
}

/** The export's columns, in Chinese. */
export const coverageExportHeaders = ['村代码', '村名', '人口', ...socialCategories, '合计', '每千人组织数', '达标(≥5)', '缺少类别'];

function exportCells(r: VillageRow): XlsxCell[] {
  const per = r.per1000Hundredths;
  return [
    { text: r.village },
    { text: r.name },
    { integer: r.population },
    ...categoryKeyList.map((k) => ({ integer: r.categories[k] })),
    { integer: r.total },
    per === undefined ? { text: '' } : { decimal: `${Math.floor(per / 100)}.${String(per % 100).padStart(2, '0')}` },
    { text: r.belowTarget ? '否' : '是' },
    { text: r.missing.map((k) => socialCategories[categoryKeyList.indexOf(k)]).join('、') },
  ];
}

function coverageTable(view: { division: string; villages: readonly VillageRow[] }): TableFile {
  return { fileName: `social-coverage-${view.division}`, sheet: '社会组织覆盖', header: coverageExportHeaders, rows: view.villages.map(exportCells) };
}

export const coverageRoutes = new OpenAPIHono<AppEnv>()
  .openapi(
    createRoute({
      method: 'get',
      middleware: [roleGate('social-coverage:read')] as const,
      path: '/coverage',
      operationId: 'getSocialCoverage',
      tags: ['social'],
      summary: 'Coverage against the 5–8 target (from counters): a county gives its total, township roll-ups and trend (village rows a page at a time with `villages`); a township or village its villages × categories, villages below 5, missing categories, organisations per 1,000 residents and the trend',
      request: { query },
      responses: { 200: { description: 'The coverage', content: json(coverageViewSchema) }, ...errorResponses },
    }),
    async (c) => {
      const { division, fromYear, villages, cursor } = c.req.valid('query');
      const scope = requireScope(c, division);
      if (scope.length === 6) return c.json(await countyView(scope, fromYear, villages, cursor), 200);
      if (villages || cursor) throw new ValidationError([{ field: villages ? 'villages' : 'cursor', message: 'pages of villages are for a county; a township or village answer gives all its villages', in: 'query' }]);
      return c.json(await gridView(scope, fromYear), 200);
    },
  )
  .openapi(
    createRoute({
      method: 'get',
      middleware: [roleGate('social-coverage:read')] as const,
      path: '/coverage.csv',
      operationId: 'exportSocialCoverageCsv',
      tags: ['social'],
      summary: 'The village × category grid as CSV (UTF-8 with BOM, Chinese headers)',
      request: { query },
      responses: { 200: { description: 'CSV', content: { 'text/csv': { schema: z.string() } } }, ...errorResponses },
    }),
    async (c) => {
      const { division, fromYear } = c.req.valid('query');
      // An export may be large: the county's whole grid, its reads paged by the partition queries.
      const view = await gridView(requireScope(c, division), fromYear);
      const { body, headers } = tableDownload('csv', coverageTable(view));
      return c.body(body, 200, headers);
    },
  )
  .openapi(
    createRoute({
      method: 'get',
      middleware: [roleGate('social-coverage:read')] as const,
      path: '/coverage.xlsx',
      operationId: 'exportSocialCoverageXlsx',
      tags: ['social'],
      summary: 'The village × category grid as an Excel workbook (Chinese headers)',
      request: { query },
      responses: { 200: { description: 'XLSX', content: { [xlsxContentType]: { schema: z.string().openapi({ format: 'binary' }) } } }, ...errorResponses },
    }),
    async (c) => {
      const { division, fromYear } = c.req.valid('query');
      // An export may be large: the county's whole grid, its reads paged by the partition queries.
      const view = await gridView(requireScope(c, division), fromYear);
      const { body, headers } = tableDownload('xlsx', coverageTable(view));
      return c.body(body, 200, headers);
    },
  );
