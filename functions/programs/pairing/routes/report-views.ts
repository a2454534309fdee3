import { OpenAPIHono, createRoute, z } from '@hono/zod-openapi';
import { tableDownload } from '../../../platform/table-file.ts';
import { authorize } from '../../../platform/authz.ts';
import type { AppEnv, RouteContext } from '../../../platform/http/context.ts';
import { principalOf, roleGate } from '../../../platform/http/context.ts';
import { documented, errorResponses, json } from '../../../platform/http/schemas.ts';
import { divisions } from '../../../platform/registries/store/division.ts';
import { units } from '../../../platform/registries/store/unit.ts';
import { ValidationError } from '../../../shared/errors.ts';
import { xlsxContentType } from '../../../shared/xlsx.ts';
import { termIdSchema } from '../domain/pairing.ts';
import { periodIdSchema } from '../domain/period.ts';
import { countersSchema, mergeCounters } from '../domain/report.ts';
import { ratesOf, reportViews, viewGroupings, viewHeaders, viewLines, viewTitles, type ViewGrouping, type ViewRow } from '../domain/report-views.ts';
import { periodCounters, periodTotals } from '../store/report-counter.ts';
import { requireTerm } from '../store/term.ts';
import { ForbiddenError } from '../../../shared/errors.ts';

const termParams = z.object({ termId: documented(termIdSchema, { param: { name: 'termId', in: 'path' } }) });
const viewQuery = z.object({
  by: z.enum(viewGroupings).default('township').openapi({ description: 'Rows by township, by assisting unit (of one period), or by period (the term’s period totals)' }),
  periodId: periodIdSchema.optional().openapi({ description: 'Required unless by=period' }),
});
const rowSchema = z
  .object({
    key: z.string(),
    name: z.string(),
    counters: countersSchema,
    rates: z.object({ completenessBp: z.number().int(), timelinessBp: z.number().int(), investedOfPledgedBp: z.number().int(), collectiveIncomeOfTargetBp: z.number().int() }),
  })
  .openapi('PairingReportViewRow');
const viewSchema = z.object({ termId: z.string(), by: z.enum(viewGroupings), periodId: z.string().optional(), rows: z.array(rowSchema), total: rowSchema.optional() }).openapi('PairingReportView');

/**
 * The rows the caller may see, from the counters alone: townships inside the caller's jurisdiction,
 * units the caller may read (a unit user its own), period totals for readers of the whole term.
 */
async function visibleRows(c: RouteContext, termId: string, by: ViewGrouping, periodId: string | undefined): Promise<ViewRow[]> {
  const term = await requireTerm(termId);
  const principal = principalOf(c);
  const may = (resource: { division: string; unitId?: string }) => authorize(principal, 'pairing-view:read', resource).allowed;
  if (by === 'period') {
    if (!may({ division: term.division })) throw new ForbiddenError(`pairing-view:read on term ${term.id} by period needs the term's whole jurisdiction ${term.division}`);
    return (await periodTotals(term.id)).map((r) => ({ key: r.periodId, name: r.periodId, counters: r }));
  }
  if (periodId === undefined) throw new ValidationError([{ field: 'periodId', message: `is required for a view by ${by}`, in: 'query' }]);
  const rows = (await periodCounters(term.id, periodId, by)).filter((r) => (by === 'township' ? may({ division: r.key }) : may({ division: term.division, unitId: r.key })));
  const names =
    by === 'township'
      ? new Map((await divisions.getMany(rows.map((r) => ({ code: r.key })))).map((d) => [d.code, d.name]))
      : new Map((await units.getMany(rows.map((r) => ({ id: r.key })))).map((u) => [u.id, u.name]));
  return rows.map((r) => ({ key: r.key, name: names.get(r.key) ?? '', counters: r }));
}

const asRow = (r: ViewRow) => ({ key: r.key, name: r.name, counters: r.counters, rates: ratesOf(r.counters) });

export const pairingReportViewRoutes = new OpenAPIHono<AppEnv>()
  .openapi(
    createRoute({
      method: 'get',
      middleware: [roleGate('pairing-view:read')] as const,
      path: '/terms/{termId}/views',
      operationId: 'getPairingReportView',
      tags: ['pairing'],
      summary: 'Completeness and timeliness (expected, filed, on time, late, missing), funds pledged vs invested, outcomes vs targets, cadres in place: by township, unit or period, from counters',
      request: { params: termParams, query: viewQuery },
      responses: { 200: { description: 'The rows you may see, with their total', content: json(viewSchema) }, ...errorResponses },
    }),
    async (c) => {
      const { termId } = c.req.valid('param');
      const { by, periodId } = c.req.valid('query');
      const rows = await visibleRows(c, termId, by, periodId);
      const total = by === 'period' || rows.length === 0 ? undefined : asRow({ key: 'total', name: '合计', counters: mergeCounters(...rows.map((r) => r.counters)) });
      return c.json({ termId, by, ...(periodId ? { periodId } : {}), rows: rows.map(asRow), ...(total ? { total } : {}) }, 200);
    },
  )

  .openapi(
    createRoute({
      method: 'get',
      middleware: [roleGate('pairing-view:read')] as const,
      path: '/terms/{termId}/views/{view}/export',
      operationId: 'exportPairingReportView',
      tags: ['pairing'],
      summary: 'A view as CSV (UTF-8 with BOM) or XLSX, Chinese headers, amounts in yuan, rates in %',
      request: {
        params: termParams.extend({ view: z.enum(reportViews).openapi({ param: { name: 'view', in: 'path' } }) }),
        query: viewQuery.extend({ format: z.enum(['csv', 'xlsx']).default('csv') }),
      },
      responses: {
        200: { description: 'CSV or XLSX', content: { 'text/csv': { schema: z.string() }, [xlsxContentType]: { schema: z.string().openapi({ format: 'binary' }) } } },
        ...errorResponses,
      },
    }),
    async (c) => {
      const { termId, view } = c.req.valid('param');
      const { by, periodId, format } = c.req.valid('query');
      const rows = await visibleRows(c, termId, by, periodId);
      const headers = viewHeaders(view, by);
      const lines = viewLines(view, by, rows);
      const file = `${termId}-${periodId ?? 'periods'}-${view}-${by}`;
      const download = tableDownload(format, { fileName: file, sheet: viewTitles[view], header: headers, rows: lines });
      return c.body(download.body, 200, download.headers);
    },
  );
