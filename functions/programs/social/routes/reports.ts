import { OpenAPIHono, createRoute, z } from '@hono/zod-openapi';
import { beijingDate } from '../../../platform/calendar.ts';
import type { AppEnv } from '../../../platform/http/context.ts';
import { principalOf, requireAllowed, roleGate } from '../../../platform/http/context.ts';
import { documented, errorResponses, json, writeErrorResponses } from '../../../platform/http/schemas.ts';
import { ValidationError } from '../../../shared/errors.ts';
import { annualReportInputSchema, firstFiling, reportYearProblem } from '../domain/annual-report.ts';
import { organisationIdSchema } from '../domain/organisation.ts';
import { annualReportSchema, getAnnualReport, listAnnualReports, putAnnualReport } from '../store/annual-report.ts';
import { reportDue } from '../config.ts';
import { authorizedOrganisation } from './organisations.ts';
import { startAnnualReportReminders } from '../schedule-use-cases.ts';

export const annualReportBodySchema = documented(annualReportInputSchema, {
  ref: 'SocialAnnualReportInput',
  description: 'The annual report (年度报告) for a past year: activities held, people served, income and spending in fen, optional summary',
});
const reportSchema = documented(annualReportSchema, { ref: 'SocialAnnualReport', description: 'An annual report; onTime compares the first filing with the due date (Beijing)' });
const params = z.object({
  id: documented(organisationIdSchema, { param: { name: 'id', in: 'path' } }),
  year: z.coerce.number().int().min(2000).max(2100).openapi({ param: { name: 'year', in: 'path' } }),
});

/** A township and a report year, in the path of the township's annual-report routes. */
export const townshipYearParams = z.object({
  township: z.string().regex(/^\d{9}$/, 'must be a 9-digit township code').openapi({ param: { name: 'township', in: 'path' } }),
  year: z.coerce.number().int().min(2000).max(2100).openapi({ param: { name: 'year', in: 'path' } }),
});

/** Statuses of an organisation that files reports: one that works or worked during the year. */
const reportingStatuses = new Set(['filed', 'active', 'suspended']);

export const reportRoutes = new OpenAPIHono<AppEnv>()
  .openapi(
    createRoute({
      method: 'put',
      middleware: [roleGate('social-report:write')] as const,
      path: '/organisations/{id}/reports/{year}',
      operationId: 'fileSocialAnnualReport',
      tags: ['social'],
      summary: 'The village files (or corrects) an organisation’s annual report for a past year; due by the configured date of the next year (default 31 March, Beijing)',
      request: { params, body: { required: true, content: json(annualReportBodySchema) } },
      responses: { 200: { description: 'Filed', content: json(reportSchema) }, ...writeErrorResponses },
    }),
    async (c) => {
      const { id, year } = c.req.valid('param');
      const input = c.req.valid('json');
      const { org, actor } = await authorizedOrganisation(c, id, 'social-report:write');
      const now = new Date();
      const problem = reportYearProblem(year, beijingDate(now));
      if (problem) throw new ValidationError([{ field: 'year', message: problem, in: 'path' }]);
      if (!reportingStatuses.has(org.status)) throw new ValidationError([{ field: 'id', message: `organisation ${id} is ${org.status}: only a filed, active or suspended organisation files annual reports`, in: 'path' }]);
      const due = reportDue();
      const before = await getAnnualReport(id, year);
      const saved = await putAnnualReport(before, { organisationId: id, village: org.village, year, ...firstFiling(year, now, due), submittedBy: actor.sub }, input, actor, { now });
      return c.json(saved, 200);
    },
  )
  .openapi(
    createRoute({
      method: 'get',
      middleware: [roleGate('social-report:read')] as const,
      path: '/organisations/{id}/reports',
      operationId: 'listSocialAnnualReports',
      tags: ['social'],
      summary: 'An organisation’s annual reports, by year',
      request: { params: params.pick({ id: true }) },
      responses: { 200: { description: 'The reports', content: json(z.object({ items: z.array(reportSchema) }).openapi('SocialAnnualReportList')) }, ...errorResponses },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      await authorizedOrganisation(c, id, 'social-report:read');
      return c.json({ items: await listAnnualReports(id) }, 200);
    },
  )
  .openapi(
    createRoute({
      method: 'post',
      middleware: [roleGate('social-report:remind')] as const,
      path: '/townships/{township}/reports/{year}/reminders',
      operationId: 'startSocialAnnualReportReminders',
      tags: ['social'],
      summary:
        'Start the annual-report workflow of a township and year (admin, township): reminds the villages whose filed or active organisations have not filed the year’s report, 30 and 7 days before the due date, counts what is missing at it for the admins, reminds again every 14 days until filed. Started once per township and year; a repeat finds the same execution',
      request: { params: townshipYearParams },
      responses: { 202: { description: 'Started (or found)', content: json(z.object({ executionArn: z.string(), executionName: z.string() })) }, ...writeErrorResponses },
    }),
    async (c) => {
      const { township, year } = c.req.valid('param');
      requireAllowed(c, 'social-report:remind', { division: township });
      // Reminders for a year not yet ended would chase reports nobody may file yet.
      const problem = reportYearProblem(year, beijingDate(new Date()));
      if (problem) throw new ValidationError([{ field: 'year', message: problem, in: 'path' }]);
      const { executionArn, executionName } = await startAnnualReportReminders(township, year, new Date(), principalOf(c));
      return c.json({ executionArn, executionName }, 202);
    },
  );
