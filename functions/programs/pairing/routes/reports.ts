import { OpenAPIHono, createRoute, z } from '@hono/zod-openapi';
import { authorize } from '../../../platform/authz.ts';
import type { AppEnv, RouteContext } from '../../../platform/http/context.ts';
import { principalOf, requireAllowed, roleGate } from '../../../platform/http/context.ts';
import { documented, errorResponses, etag, expectedVersion, ifMatchHeaders, json, pageOf, pageQueryShape, versionField, writeErrorResponses } from '../../../platform/http/schemas.ts';
import { divisionCodeSchema } from '../../../platform/registries/domain/division.ts';
import { nameSchema } from '../../../platform/names.ts';
import { ConflictError } from '../../../shared/errors.ts';
import { termIdSchema } from '../domain/pairing.ts';
import { periodIdSchema } from '../domain/period.ts';
import { filingProblems, reportFilingShape, reportIdSchema } from '../domain/report.ts';
import { acceptPeriod, closePeriod, fileReport, openPeriod, reviewReport, termPeriod } from '../report-use-cases.ts';
import { listPeriodReports, listUnitReports, reportRecordSchema, requireReport, type ReportRecord } from '../store/report.ts';
import { listReportPeriods, reportPeriodSchema } from '../store/report-period.ts';
import { listVersions, reportVersionSchema } from '../store/report-version.ts';
import { requireTerm } from '../store/term.ts';
import { startPeriodWorkflow } from '../schedule-use-cases.ts';

export const reportFilingBodySchema = z
  .strictObject({ ...reportFilingShape, version: versionField })
  .superRefine(filingProblems)
  .openapi('PairingReportFiling', {
    description:
      'The period’s values (investedFen, cadreDays, projectsStarted, projectsFinished, collectiveIncomeToDateFen, narrative), all required; or a nil report { nil: true, narrative? } (nothing to report). Money in fen, no negatives.',
  });
export const reportReviewBodySchema = z
  .strictObject({
    decision: z.enum(['approve', 'return']),
    reason: nameSchema.max(500, 'must be at most 500 characters').optional().openapi({ description: 'Required to return: what the unit is to correct' }),
    version: versionField,
  })
  .superRefine((b, ctx) => {
    if (b.decision === 'return' && b.reason === undefined) ctx.addIssue({ code: 'custom', path: ['reason'], message: 'is required to return a report: say what to correct' });
  })
  .openapi('PairingReportReview');
export const acceptanceBodySchema = z
  .strictObject({
    division: documented(divisionCodeSchema, { description: 'Accept the reports of the villages in this division (your county, or a township of it)' }),
    exceptions: z
      .array(z.strictObject({ reportId: reportIdSchema, reason: nameSchema.max(500, 'must be at most 500 characters') }))
      .max(2000, 'must have at most 2000 items')
      .optional()
      .openapi({ description: 'Approved reports the county does not accept now, each with its reason; they stay approved and are listed as exceptions' }),
  })
  .superRefine((b, ctx) => {
    const seen = new Set<string>();
    for (const [i, e] of (b.exceptions ?? []).entries()) {
      if (seen.has(e.reportId)) ctx.addIssue({ code: 'custom', path: ['exceptions', i, 'reportId'], message: 'is named twice' });
      seen.add(e.reportId);
    }
  })
  .openapi('PairingReportAcceptance');

const recordSchema = documented(reportRecordSchema, { ref: 'PairingReport', description: 'A periodic report of a pairing (id `<pairingId>~<periodId>`); version is also the ETag.' });
const idParams = z.object({ id: documented(reportIdSchema, { param: { name: 'id', in: 'path' } }) });
const periodParams = z.object({
  termId: documented(termIdSchema, { param: { name: 'termId', in: 'path' } }),
  periodId: documented(periodIdSchema, { param: { name: 'periodId', in: 'path' } }),
});
const termParams = z.object({ termId: documented(termIdSchema, { param: { name: 'termId', in: 'path' } }) });
const acceptanceSchema = z
  .object({
    accepted: z.number().int(),
    alreadyAccepted: z.number().int(),
    exceptions: z.array(z.object({ reportId: z.string(), village: z.string(), unitId: z.string(), status: z.string(), overdue: z.boolean(), reason: z.string().optional() })),
  })
  .openapi('PairingAcceptanceOutcome');

async function authorizedReport(c: RouteContext, id: string, action: 'pairing-report:read' | 'pairing-report:file' | 'pairing-report:review') {
  const report = await requireReport(id);
  const actor = requireAllowed(c, action, { division: report.village, unitId: report.unitId });
  return { report, actor };
}

function answer(c: RouteContext, report: ReportRecord, expected?: number) {
  if (expected !== undefined && expected !== report.version) throw new ConflictError(`Report ${report.id} is at version ${report.version}, not ${expected}`);
  c.header('etag', etag(report.version));
  return report;
}

export const pairingReportRoutes = new OpenAPIHono<AppEnv>()
  .openapi(
    createRoute({
      method: 'post',
      middleware: [roleGate('pairing-period:manage')] as const,
      path: '/terms/{termId}/periods/{periodId}/open',
      operationId: 'openPairingPeriod',
      tags: ['pairing'],
      summary: 'Open a reporting period of the term (admin): one expected report per pairing, each once however often it is called',
      request: { params: periodParams },
      responses: { 200: { description: 'Opened', content: json(z.object({ period: reportPeriodSchema, created: z.number().int(), pairings: z.number().int() })) }, ...writeErrorResponses },
    }),
    async (c) => {
      const { termId, periodId } = c.req.valid('param');
      const term = await requireTerm(termId);
      const actor = requireAllowed(c, 'pairing-period:manage', { division: term.division });
      return c.json(await openPeriod(term, periodId, actor, new Date()), 200);
    },
  )

  .openapi(
    createRoute({
      method: 'post',
      middleware: [roleGate('pairing-period:manage')] as const,
      path: '/terms/{termId}/periods/{periodId}/workflow',
      operationId: 'startPairingPeriodWorkflow',
      tags: ['pairing'],
      summary:
        'Start the period workflow (admin): opens the period for every pairing in pages, reminds units that have not filed before the due date, marks what is missing as overdue, reminds again until filed or closed, on the dates of the term’s reminders. Started once per term and period; a repeat finds the same execution',
      request: { params: periodParams },
      responses: { 202: { description: 'Started (or found)', content: json(z.object({ executionArn: z.string(), executionName: z.string() })) }, ...writeErrorResponses },
    }),
    async (c) => {
      const { termId, periodId } = c.req.valid('param');
      const term = await requireTerm(termId);
      requireAllowed(c, 'pairing-period:manage', { division: term.division });
      termPeriod(term, periodId);
      const { executionArn, executionName } = await startPeriodWorkflow(term, periodId, new Date());
      return c.json({ executionArn, executionName }, 202);
    },
  )

  .openapi(
    createRoute({
      method: 'post',
      middleware: [roleGate('pairing-period:manage')] as const,
      path: '/terms/{termId}/periods/{periodId}/close',
      operationId: 'closePairingPeriod',
      tags: ['pairing'],
      summary: 'Close a reporting period (admin): no more filing, no more reminders',
      request: { params: periodParams },
      responses: { 200: { description: 'Closed', content: json(reportPeriodSchema) }, ...writeErrorResponses },
    }),
    async (c) => {
      const { termId, periodId } = c.req.valid('param');
      const term = await requireTerm(termId);
      const actor = requireAllowed(c, 'pairing-period:manage', { division: term.division });
      termPeriod(term, periodId);
      return c.json(await closePeriod(term, periodId, actor, new Date()), 200);
    },
  )

  .openapi(
    createRoute({
      method: 'get',
      middleware: [roleGate('pairing-report:read')] as const,
      path: '/terms/{termId}/periods',
      operationId: 'listPairingPeriods',
      tags: ['pairing'],
      summary: 'The term’s opened periods with their due dates and whether they are open or closed',
      request: { params: termParams },
      responses: { 200: { description: 'Periods', content: json(z.object({ items: z.array(reportPeriodSchema) })) }, ...errorResponses },
    }),
    async (c) => {
      const term = await requireTerm(c.req.valid('param').termId);
      const principal = principalOf(c);
      // Anyone who may read some report of the term: its jurisdiction, inside it, or a unit.
      if (!authorize(principal, 'pairing-term:read', { division: term.division }).allowed) requireAllowed(c, 'pairing-report:read', { division: term.division });
      return c.json({ items: await listReportPeriods(term.id) }, 200);
    },
  )

  .openapi(
    createRoute({
      method: 'post',
      middleware: [roleGate('pairing-report:accept')] as const,
      path: '/terms/{termId}/periods/{periodId}/acceptance',
      operationId: 'acceptPairingReports',
      tags: ['pairing'],
      summary: 'Accept every township-approved report of the period at once (county admin); reports not approved are listed as exceptions and block nothing',
      request: { params: periodParams, body: { required: true, content: json(acceptanceBodySchema) } },
      responses: { 200: { description: 'Accepted, with the exceptions', content: json(acceptanceSchema) }, ...writeErrorResponses },
    }),
    async (c) => {
      const { termId, periodId } = c.req.valid('param');
      const { division, exceptions } = c.req.valid('json');
      const term = await requireTerm(termId);
      const actor = requireAllowed(c, 'pairing-report:accept', { division });
      termPeriod(term, periodId);
      const excepted = new Map((exceptions ?? []).map((e) => [e.reportId, e.reason]));
      return c.json(await acceptPeriod(term.id, periodId, division, actor, new Date(), excepted), 200);
    },
  )

  .openapi(
    createRoute({
      method: 'get',
      middleware: [roleGate('pairing-report:read')] as const,
      path: '/reports',
      operationId: 'listPairingReports',
      tags: ['pairing'],
      summary: 'A period’s reports in a jurisdiction (default: yours), or one unit’s; a unit user sees only its own unit’s',
      request: {
        query: z.object({
          termId: termIdSchema,
          periodId: periodIdSchema,
          division: documented(divisionCodeSchema, { description: 'Villages inside this division (default: your division)' }).optional(),
          unitId: z.uuid().optional().openapi({ description: 'One unit’s reports. A unit user gets its own unit’s without naming it' }),
          ...pageQueryShape,
        }),
      },
      responses: { 200: { description: 'One page', content: json(pageOf(recordSchema, 'PairingReportPage')) }, ...errorResponses },
    }),
    async (c) => {
      const { termId, periodId, division, unitId, limit, cursor } = c.req.valid('query');
      const principal = principalOf(c);
      const readsDivision = (d: string) => authorize(principal, 'pairing-report:read', { division: d }).allowed;
      const unit = unitId ?? (readsDivision(division ?? principal.division) ? undefined : principal.unitId);
      if (unit !== undefined) {
        const scope = division ?? (readsDivision(principal.division) ? principal.division : undefined);
        requireAllowed(c, 'pairing-report:read', { division: scope ?? principal.division, unitId: unit });
        return c.json(await listUnitReports(unit, { limit, cursor }, `${termId}#${periodId}#${scope ?? ''}`), 200);
      }
      const scope = division ?? principal.division;
      requireAllowed(c, 'pairing-report:read', { division: scope });
      return c.json(await listPeriodReports(termId, periodId, { limit, cursor }, scope), 200);
    },
  )

  .openapi(
    createRoute({
      method: 'get',
      middleware: [roleGate('pairing-report:read')] as const,
      path: '/reports/{id}',
      operationId: 'getPairingReport',
      tags: ['pairing'],
      summary: 'Read a report (its unit, or anyone whose jurisdiction holds its village)',
      request: { params: idParams },
      responses: { 200: { description: 'The report', content: json(recordSchema) }, ...errorResponses },
    }),
    async (c) => {
      const { report } = await authorizedReport(c, c.req.valid('param').id, 'pairing-report:read');
      return c.json(answer(c, report), 200);
    },
  )

  .openapi(
    createRoute({
      method: 'get',
      middleware: [roleGate('pairing-report:read')] as const,
      path: '/reports/{id}/versions',
      operationId: 'listPairingReportVersions',
      tags: ['pairing'],
      summary: 'Every submission of a report, oldest first (a resubmission replaces the current one; the earlier ones are kept)',
      request: { params: idParams },
      responses: { 200: { description: 'Versions', content: json(z.object({ items: z.array(reportVersionSchema) })) }, ...errorResponses },
    }),
    async (c) => {
      const { report } = await authorizedReport(c, c.req.valid('param').id, 'pairing-report:read');
      return c.json({ items: await listVersions(report.id) }, 200);
    },
  )

  .openapi(
    createRoute({
      method: 'put',
      middleware: [roleGate('pairing-report:file')] as const,
      path: '/reports/{id}',
      operationId: 'filePairingReport',
      tags: ['pairing'],
      summary: 'File the report, or file it again after a return (the pairing’s own unit; the period must be open; an approved report is locked: 409)',
      request: { params: idParams, headers: ifMatchHeaders, body: { required: true, content: json(reportFilingBodySchema) } },
      responses: { 200: { description: 'Filed', content: json(recordSchema) }, ...writeErrorResponses },
    }),
    async (c) => {
      const { version, ...filing } = c.req.valid('json');
      const expected = expectedVersion(c.req.valid('header')['if-match'], version);
      const { report, actor } = await authorizedReport(c, c.req.valid('param').id, 'pairing-report:file');
      answer(c, report, expected);
      return c.json(answer(c, await fileReport(report, filing, actor, new Date())), 200);
    },
  )

  .openapi(
    createRoute({
      method: 'post',
      middleware: [roleGate('pairing-report:review')] as const,
      path: '/reports/{id}/review',
      operationId: 'reviewPairingReport',
      tags: ['pairing'],
      summary: 'Approve (locks it) or return a submitted report with a reason (the township of its village)',
      request: { params: idParams, body: { required: true, content: json(reportReviewBodySchema) } },
      responses: { 200: { description: 'Reviewed', content: json(recordSchema) }, ...writeErrorResponses },
    }),
    async (c) => {
      const { decision, reason, version } = c.req.valid('json');
      const { report, actor } = await authorizedReport(c, c.req.valid('param').id, 'pairing-report:review');
      answer(c, report, version);
      return c.json(answer(c, await reviewReport(report, decision, reason, actor, new Date())), 200);
    },
  );
