import { OpenAPIHono, createRoute, z } from '@hono/zod-openapi';
import { beijingDate } from '../../../platform/calendar.ts';
import type { AppEnv } from '../../../platform/http/context.ts';
import { roleGate } from '../../../platform/http/context.ts';
import { documented, errorResponses, json, writeErrorResponses } from '../../../platform/http/schemas.ts';
import { ValidationError } from '../../../shared/errors.ts';
import { annualReportInputSchema, filedOnTime, reportDueDate, reportYearProblem } from '../domain/annual-report.ts';
import { organisationIdSchema } from '../domain/organisation.ts';
import { annualReportSchema, getAnnualReport, listAnnualReports, putAnnualReport } from '../store/annual-report.ts';
import { reportDue } from '../config.ts';
import { authorizedOrganisation } from './organisations.ts';

export const annualReportBodySchema = documented(annualReportInputSchema, {
  ref: 'SocialAnnualReportInput',
  description: 'The annual report (年度报告) for a past year: activities held, people served, income and spending in fen, optional summary',
});
const reportSchema = documented(annualReportSchema, { ref: 'SocialAnnualReport', description: 'An annual report; onTime compares the first filing with the due date (Beijing)' });
const params = z.object({
  id: documented(organisationIdSchema, { param: { name: 'id', in: 'path' } }),
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
      const today = beijingDate(new Date());
      const problem = reportYearProblem(year, today);
      if (problem) throw new ValidationError([{ field: 'year', message: problem, in: 'path' }]);
      if (!reportingStatuses.has(org.status)) throw new ValidationError([{ field: 'id', message: `organisation ${id} is ${org.status}: only a filed, active or suspended organisation files annual reports`, in: 'path' }]);
      const due = reportDue();
      const before = await getAnnualReport(id, year);
      const saved = await putAnnualReport(before, { organisationId: id, village: org.village, year, filedOn: today, dueDate: reportDueDate(year, due), onTime: filedOnTime(year, today, due), submittedBy: actor.sub }, input, actor);
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
  );
