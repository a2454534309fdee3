import { OpenAPIHono, createRoute, z } from '@hono/zod-openapi';
import { tableDownload } from '../../../platform/table-file.ts';
import { authorize } from '../../../platform/authz.ts';
import type { AppEnv, RouteContext } from '../../../platform/http/context.ts';
import { principalOf, requireAllowed, roleGate } from '../../../platform/http/context.ts';
import { documented, errorResponses, json, pageOf, pageQueryShape, writeErrorResponses } from '../../../platform/http/schemas.ts';
import { formatYuan } from '../../../platform/money.ts';
import { divisionCodeSchema } from '../../../platform/registries/domain/division.ts';
import { xlsxContentType, type XlsxCell } from '../../../shared/xlsx.ts';
import { ValidationError } from '../../../shared/errors.ts';
import { countyEvaluationSchema, evaluationStatuses, selfAssessmentSchema } from '../domain/evaluation.ts';
import { pairingIdSchema, termIdSchema } from '../domain/pairing.ts';
import { evaluateByCounty, startEvaluation, submitSelfAssessment } from '../evaluation-use-cases.ts';
import { evaluationIdSchema, evaluationRecordSchema, listCountyEvaluations, listUnitEvaluations, requireEvaluation, type EvaluationRecord } from '../store/evaluation.ts';
import { countyOutcomeStats, gradeColumns, outcomeStatsSchema, type OutcomeStats } from '../store/outcome-stats.ts';
import { listCountyPairings, requirePairing } from '../store/pairing.ts';
import { requireTerm } from '../store/term.ts';

export const selfAssessmentBodySchema = documented(selfAssessmentSchema, {
  ref: 'PairingSelfAssessment',
  description: 'The unit’s self-assessment (自评): text, and the outcomes it claims (advanced 跨入先进行列, 一村一业, 一村一社, collective income in fen).',
});
export const countyEvaluationBodySchema = documented(countyEvaluationSchema, {
  ref: 'PairingCountyEvaluation',
  description: 'The county’s evaluation: score 0–100 (the grade 优秀/良好/合格/不合格 follows from the term’s cut-offs, default 90/75/60), the outcomes reached, an optional comment.',
});
const recordSchema = documented(evaluationRecordSchema, { ref: 'PairingEvaluation', description: 'An end-of-term evaluation of one pairing, with every self-assessment and opinion given.' });
const idParams = z.object({ id: documented(evaluationIdSchema, { param: { name: 'id', in: 'path' } }) });
const pairingParams = z.object({ id: documented(pairingIdSchema, { param: { name: 'id', in: 'path' } }) });
const termParams = z.object({ id: documented(termIdSchema, { param: { name: 'id', in: 'path' } }) });
const statsRowSchema = outcomeStatsSchema.openapi('PairingOutcomeStats');

async function authorizedEvaluation(c: RouteContext, id: string, action: 'pairing-evaluation:read' | 'pairing-evaluation:self-assess' | 'pairing-evaluation:evaluate') {
  const evaluation = await requireEvaluation(id);
  const actor = requireAllowed(c, action, { division: evaluation.village, unitId: evaluation.unitId });
  return { evaluation, actor };
}

/** The columns of the outcome statistics export, with Chinese headers. */
const statsColumns: readonly { header: string; cell: (row: OutcomeStats) => XlsxCell }[] = [
  { header: '区划代码', cell: (r) => ({ text: r.division }) },
  { header: '层级', cell: (r) => ({ text: r.division.length === 6 ? '区县' : '乡镇' }) },
  { header: '已考核结对数', cell: (r) => ({ integer: r.evaluated }) },
  { header: '已考核村数', cell: (r) => ({ integer: r.villages }) },
  { header: '跨入先进行列村数', cell: (r) => ({ integer: r.advanced }) },
  { header: '一村一业村数', cell: (r) => ({ integer: r.oneVillageOneIndustry }) },
  { header: '一村一社村数', cell: (r) => ({ integer: r.oneVillageOneCooperative }) },
  { header: '村集体收入（元）', cell: (r) => ({ decimal: formatYuan(r.collectiveIncomeFen) }) },
  { header: '投入资金（元）', cell: (r) => ({ decimal: formatYuan(r.investedFen) }) },
  { header: '驻村干部人数', cell: (r) => ({ integer: r.cadres }) },
  ...gradeColumns.map(({ grade, attribute }) => ({ header: `${grade}（个）`, cell: (r: OutcomeStats) => ({ integer: Number(r[attribute]) }) })),
];

/** Pairings started per request of the bulk start: a page, so one request stays short. */
const bulkPage = 200;

export const pairingEvaluationRoutes = new OpenAPIHono<AppEnv>()
  .openapi(
    createRoute({
      method: 'post',
      middleware: [roleGate('pairing-evaluation:start')] as const,
      path: '/terms/{id}/evaluations',
      operationId: 'startPairingTermEvaluations',
      tags: ['pairing'],
      summary: `Start the evaluation of every pairing of a term in a county or township (admin), ${bulkPage} pairings a request: pass nextCursor back as cursor until it is absent; safe to repeat`,
      request: {
        params: termParams,
        query: z.object({
          division: documented(divisionCodeSchema, { description: 'A county (6 digits) or township inside it. Default: your division' }).optional(),
          cursor: z.string().max(2000).optional(),
        }),
      },
      responses: {
        200: { description: 'This page started', content: json(z.object({ started: z.number().int(), existing: z.number().int(), nextCursor: z.string().optional() }).openapi('PairingEvaluationsStarted')) },
        ...writeErrorResponses,
      },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      const { division, cursor } = c.req.valid('query');
      const scope = division ?? principalOf(c).division;
      const actor = requireAllowed(c, 'pairing-evaluation:start', { division: scope });
      if (scope.length < 6) throw new ValidationError([{ field: 'division', message: 'name a county (6 digits) or a township inside one', in: 'query' }]);
      await requireTerm(id);
      const page = await listCountyPairings(scope.slice(0, 6), { termId: id, villagePrefix: scope.length > 6 ? scope : undefined }, { limit: bulkPage, cursor });
      let started = 0;
      for (const pairing of page.items) if ((await startEvaluation(pairing, actor)).created) started += 1;
      return c.json({ started, existing: page.items.length - started, ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}) }, 200);
    },
  )
  .openapi(
    createRoute({
      method: 'post',
      middleware: [roleGate('pairing-evaluation:start')] as const,
      path: '/pairings/{id}/evaluation',
      operationId: 'startPairingEvaluation',
      tags: ['pairing'],
      summary: 'Start the end-of-term evaluation of a pairing (admin): 201 with the evaluation, 200 with it when started already',
      request: { params: pairingParams },
      responses: { 200: { description: 'Started already', content: json(recordSchema) }, 201: { description: 'Started', content: json(recordSchema) }, ...writeErrorResponses },
    }),
    async (c) => {
      const pairing = await requirePairing(c.req.valid('param').id, true);
      const actor = requireAllowed(c, 'pairing-evaluation:start', { division: pairing.village, unitId: pairing.unitId });
      const { evaluation, created } = await startEvaluation(pairing, actor);
      return created ? c.json(evaluation, 201) : c.json(evaluation, 200);
    },
  )

  .openapi(
    createRoute({
      method: 'get',
      middleware: [roleGate('pairing-evaluation:read')] as const,
      path: '/evaluations/{id}',
      operationId: 'getPairingEvaluation',
      tags: ['pairing'],
      summary: 'Read an evaluation (its unit, or anyone whose jurisdiction holds its village)',
      request: { params: idParams },
      responses: { 200: { description: 'The evaluation', content: json(recordSchema) }, ...errorResponses },
    }),
    async (c) => c.json((await authorizedEvaluation(c, c.req.valid('param').id, 'pairing-evaluation:read')).evaluation, 200),
  )

  .openapi(
    createRoute({
      method: 'get',
      middleware: [roleGate('pairing-evaluation:read')] as const,
      path: '/evaluations',
      operationId: 'listPairingEvaluations',
      tags: ['pairing'],
      summary: 'Evaluations of the villages in a jurisdiction (default: yours); a unit user gets its own unit’s',
      request: {
        query: z.object({
          termId: termIdSchema.optional(),
          status: z.enum(evaluationStatuses).optional(),
          division: documented(divisionCodeSchema, { description: 'Villages inside this division (a county or below). Default: your division' }).optional(),
          ...pageQueryShape,
        }),
      },
      responses: { 200: { description: 'One page', content: json(pageOf(recordSchema, 'PairingEvaluationPage')) }, ...errorResponses },
    }),
    async (c) => {
      const { termId, status, division, limit, cursor } = c.req.valid('query');
      const principal = principalOf(c);
      const scope = division ?? principal.division;
      if (!authorize(principal, 'pairing-evaluation:read', { division: scope }).allowed && principal.unitId !== undefined) {
        requireAllowed(c, 'pairing-evaluation:read', { division: scope, unitId: principal.unitId });
        return c.json(await listUnitEvaluations(principal.unitId, { termId, status, villagePrefix: division }, { limit, cursor }), 200);
      }
      requireAllowed(c, 'pairing-evaluation:read', { division: scope });
      if (scope.length < 6) throw new ValidationError([{ field: 'division', message: 'name a county (6 digits) or a division inside one', in: 'query' }]);
      return c.json(await listCountyEvaluations(scope.slice(0, 6), { termId, status, villagePrefix: scope.length > 6 ? scope : undefined }, { limit, cursor }), 200);
    },
  )

  .openapi(
    createRoute({
      method: 'post',
      middleware: [roleGate('pairing-evaluation:self-assess')] as const,
      path: '/evaluations/{id}/self-assessment',
      operationId: 'submitPairingSelfAssessment',
      tags: ['pairing'],
      summary: 'The unit’s self-assessment (the pairing’s own unit), while the evaluation awaits it; then the township gives its opinion',
      request: { params: idParams, body: { required: true, content: json(selfAssessmentBodySchema) } },
      responses: { 200: { description: 'Recorded', content: json(recordSchema) }, ...writeErrorResponses },
    }),
    async (c) => {
      const input = c.req.valid('json');
      const { evaluation, actor } = await authorizedEvaluation(c, c.req.valid('param').id, 'pairing-evaluation:self-assess');
      return c.json(await submitSelfAssessment(actor, evaluation.id, input), 200);
    },
  )

  .openapi(
    createRoute({
      method: 'post',
      middleware: [roleGate('pairing-evaluation:evaluate')] as const,
      path: '/evaluations/{id}/county-evaluation',
      operationId: 'evaluatePairingByCounty',
      tags: ['pairing'],
      summary: 'The county’s evaluation (admin): score, grade from the score, outcomes reached; counted into the term’s outcome statistics',
      request: { params: idParams, body: { required: true, content: json(countyEvaluationBodySchema) } },
      responses: { 200: { description: 'Evaluated', content: json(recordSchema) }, ...writeErrorResponses },
    }),
    async (c) => {
      const input = c.req.valid('json');
      const { evaluation, actor } = await authorizedEvaluation(c, c.req.valid('param').id, 'pairing-evaluation:evaluate');
      return c.json(await evaluateByCounty(actor, evaluation.id, input), 200);
    },
  )

  .openapi(
    createRoute({
      method: 'get',
      middleware: [roleGate('pairing-outcomes:read')] as const,
      path: '/terms/{id}/outcomes',
      operationId: 'getPairingTermOutcomes',
      tags: ['pairing'],
      summary: 'The term’s outcome statistics by county and township (villages advanced, 一村一业, 一村一社, funds invested, cadres stationed, grades), from counters; CSV or XLSX with Chinese headers',
      request: {
        params: termParams,
        query: z.object({
          county: documented(z.string().regex(/^\d{6}$/, 'must be a county code (6 digits)'), { description: 'Default: your county' }).optional(),
          format: z.enum(['json', 'csv', 'xlsx']).default('json'),
        }),
      },
      responses: {
        200: {
          description: 'The county’s row first, then its townships',
          content: { ...json(z.object({ termId: z.string(), county: z.string(), rows: z.array(statsRowSchema) })), 'text/csv': { schema: z.string() }, [xlsxContentType]: { schema: z.string().openapi({ format: 'binary' }) } },
        },
        ...errorResponses,
      },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      const { county: named, format } = c.req.valid('query');
      const principal = principalOf(c);
      const county = named ?? principal.division.slice(0, 6);
      if (county.length < 6) throw new ValidationError([{ field: 'county', message: 'name a county (6 digits) inside your jurisdiction', in: 'query' }]);
      // A township reads its own row and the county's total is not its to read: rows outside the caller's jurisdiction are left out.
      const readable = (d: string) => authorize(principal, 'pairing-outcomes:read', { division: d }).allowed;
      if (!readable(county) && !readable(principal.division)) requireAllowed(c, 'pairing-outcomes:read', { division: county });
      if (!principal.division.startsWith(county) && !county.startsWith(principal.division)) requireAllowed(c, 'pairing-outcomes:read', { division: county });
      await requireTerm(id);
      const rows = (await countyOutcomeStats(id, county)).filter((r) => readable(r.division));
      const name = `pairing-outcomes-${county}`;
      if (format === 'xlsx' || format === 'csv') {
        const { body, headers } = tableDownload(format, {
          fileName: name,
          sheet: '结对帮扶成效统计',
          header: statsColumns.map((col) => col.header),
          rows: rows.map((r) => statsColumns.map((col) => col.cell(r))),
        });
        return c.body(body, 200, headers);
      }
      return c.json({ termId: id, county, rows }, 200);
    },
  );

export type { EvaluationRecord };
