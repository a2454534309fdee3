import { OpenAPIHono, createRoute, z } from '@hono/zod-openapi';
import { beijingDate } from '../../../platform/calendar.ts';
import type { AppEnv, RouteContext } from '../../../platform/http/context.ts';
import { requireAllowed, roleGate } from '../../../platform/http/context.ts';
import { errorResponses, json } from '../../../platform/http/schemas.ts';
import { formatYuan } from '../../../platform/money.ts';
import { tableDownload, type TableFile } from '../../../platform/table-file.ts';
import { getDivision } from '../../../platform/registries/store/division.ts';
import { NotFoundError, ValidationError } from '../../../shared/errors.ts';
import { xlsxContentType, type XlsxCell } from '../../../shared/xlsx.ts';
import { reportDue } from '../config.ts';
import { reportDueDate, reportState, reportStates, reportTotals, reportYearProblem, type ReportState } from '../domain/annual-report.ts';
import { organisationStatuses, socialCategories } from '../domain/organisation.ts';
import { townshipYearReports } from '../store/annual-report.ts';
import { organisationsOwingReports } from '../store/organisation.ts';
import { townshipYearParams } from './reports.ts';

/**
 * A township's annual reports of one year (the console's 年度报告 screen): every organisation that owes
 * the year's report, the same ones the reminders chase (filed or active), with where its report
 * stands, and the totals. Two queries whatever the township's size: its organisations (county index,
 * township prefix) and its reports of the year (reports' township index); a village user gets its
 * own village's rows, read by the village prefix of both.
 */

const rowSchema = z
  .object({
    organisationId: z.string(),
    name: z.string(),
    category: z.enum(socialCategories),
    village: z.string(),
    status: z.enum(organisationStatuses),
    state: z.enum(reportStates),
    /** Beijing date and instant (UTC) of the first filing; filedAt is absent on reports filed before it was kept. */
    filedOn: z.string().optional(),
    filedAt: z.string().optional(),
    /** Without the year's report the organisation cannot be graded in next year's grading round. */
    cannotBeGraded: z.boolean(),
    activities: z.number().int().optional(),
    peopleServed: z.number().int().optional(),
    incomeFen: z.number().int().optional(),
    spendingFen: z.number().int().optional(),
  })
  .openapi('SocialTownshipReportRow');
const totalsSchema = z
  .object({ expected: z.number().int(), filed: z.number().int(), onTime: z.number().int(), late: z.number().int(), missing: z.number().int(), overdue: z.number().int() })
  .openapi('SocialTownshipReportTotals');
const viewSchema = z
  .object({
    township: z.string(),
    /** The township, or the caller's village when a village asks. */
    division: z.string(),
    year: z.number().int(),
    dueDate: z.string(),
    /** The Beijing date the states were judged on. */
    today: z.string(),
    rows: z.array(rowSchema),
    totals: totalsSchema,
  })
  .openapi('SocialTownshipReports');
export type TownshipReportView = z.infer<typeof viewSchema>;

/**
 * The rows the caller may see: the whole township, or the caller's own village inside it. Decided
 * on the code before the registry is read, so another township's user learns nothing of it (403
 * before 404).
 */
async function scopeOf(c: RouteContext, township: string, year: number): Promise<string> {
  const principal = requireAllowed(c, 'social-report:township', { division: township });
  const problem = reportYearProblem(year, beijingDate(new Date()));
  if (problem) throw new ValidationError([{ field: 'year', message: problem, in: 'path' }]);
  if (!(await getDivision(township))) throw new NotFoundError(`Township ${township} is not registered`);
  return principal.division.length > township.length && principal.division.startsWith(township) ? principal.division : township;
}

async function townshipView(township: string, division: string, year: number, now: Date): Promise<TownshipReportView> {
  const due = reportDue();
  const today = beijingDate(now);
  const [owing, reports] = await Promise.all([
    (async () => {
      const out = [];
      for await (const o of organisationsOwingReports(division)) out.push(o);
      return out;
    })(),
    townshipYearReports(division, year),
  ]);
  const rows = owing.map((o) => {
    const r = reports.get(o.id);
    const state = reportState({ year, due, filedOn: r?.filedOn, today });
    return {
      organisationId: o.id,
      name: o.name,
      category: o.category,
      village: o.village,
      status: o.status,
      state,
      ...(r ? { filedOn: r.filedOn, ...(r.filedAt !== undefined ? { filedAt: r.filedAt } : {}), activities: r.activities, peopleServed: r.peopleServed, incomeFen: r.incomeFen, spendingFen: r.spendingFen } : {}),
      cannotBeGraded: r === undefined,
    };
  });
  rows.sort((a, b) => a.village.localeCompare(b.village) || a.name.localeCompare(b.name, 'zh-CN') || a.organisationId.localeCompare(b.organisationId));
  return { township, division, year, dueDate: reportDueDate(year, due), today, rows, totals: reportTotals(rows.map((r) => r.state)) };
}

const stateText: Record<ReportState, string> = { 'on-time': '按时报送', late: '逾期报送', missing: '未报送', overdue: '逾期未报' };
export const townshipReportHeaders = ['村代码', '组织名称', '类别', '报送情况', '报送日期', '能否参加等级评定', '开展活动', '服务人数', '收入（元）', '支出（元）'];

function reportTable(view: TownshipReportView): TableFile {
  const count = (n: number | undefined): XlsxCell => (n === undefined ? { text: '' } : { integer: n });
  const yuan = (fen: number | undefined): XlsxCell => (fen === undefined ? { text: '' } : { decimal: formatYuan(fen) });
  return {
    fileName: `social-reports-${view.division}-${view.year}`,
    sheet: `${view.year}年度报告`,
    header: townshipReportHeaders,
    rows: view.rows.map((r) => [
      { text: r.village },
      { text: r.name },
      { text: r.category },
      { text: stateText[r.state] },
      { text: r.filedOn ?? '' },
      { text: r.cannotBeGraded ? '否（未报送年度报告）' : '是' },
      count(r.activities),
      count(r.peopleServed),
      yuan(r.incomeFen),
      yuan(r.spendingFen),
    ]),
  };
}

export const townshipReportRoutes = new OpenAPIHono<AppEnv>()
  .openapi(
    createRoute({
      method: 'get',
      middleware: [roleGate('social-report:township')] as const,
      path: '/townships/{township}/reports/{year}',
      operationId: 'getSocialTownshipReports',
      tags: ['social'],
      summary:
        'A township’s annual reports of a year that has ended: every filed or active organisation (a village: its own village’s) with its report’s state (on time or late against the due date in Beijing time, missing, overdue), whether it cannot be graded, and the totals',
      request: { params: townshipYearParams },
      responses: { 200: { description: 'The organisations and their reports', content: json(viewSchema) }, ...errorResponses },
    }),
    async (c) => {
      const { township, year } = c.req.valid('param');
      const division = await scopeOf(c, township, year);
      return c.json(await townshipView(township, division, year, new Date()), 200);
    },
  )
  .openapi(
    createRoute({
      method: 'get',
      middleware: [roleGate('social-report:township')] as const,
      path: '/townships/{township}/reports/{year}/export',
      operationId: 'exportSocialTownshipReports',
      tags: ['social'],
      summary: 'The same list as CSV (UTF-8 with BOM) or XLSX, Chinese headers, amounts in yuan',
      request: { params: townshipYearParams, query: z.object({ format: z.enum(['csv', 'xlsx']).default('csv') }) },
      responses: {
        200: { description: 'CSV or XLSX', content: { 'text/csv': { schema: z.string() }, [xlsxContentType]: { schema: z.string().openapi({ format: 'binary' }) } } },
        ...errorResponses,
      },
    }),
    async (c) => {
      const { township, year } = c.req.valid('param');
      const { format } = c.req.valid('query');
      const division = await scopeOf(c, township, year);
      const { body, headers } = tableDownload(format, reportTable(await townshipView(township, division, year, new Date())));
      return c.body(body, 200, headers);
    },
  );
