import { OpenAPIHono } from '@hono/zod-openapi';
import type { AppEnv } from '../../../platform/http/context.ts';
import { organisationRoutes } from './organisations.ts';
import { organisationImportRoutes } from './import.ts';
import { coverageRoutes } from './coverage.ts';
import { reportRoutes } from './reports.ts';
import { townshipReportRoutes } from './township-reports.ts';
import { socialScheduleRoutes } from './schedule.ts';
import { gradingRoutes } from './grading.ts';
import { fundingRoutes } from './funding.ts';
import { ventureRoutes } from './venture.ts';
import { serviceContractRoutes } from './service-contracts.ts';

/** The social organisations program's API, mounted at `/social`. The import is mounted first: `/organisations/import` is not an organisation id. */
export const socialRoutes = new OpenAPIHono<AppEnv>().route('/', organisationImportRoutes).route('/', organisationRoutes).route('/', coverageRoutes).route('/', reportRoutes).route('/', townshipReportRoutes).route('/', socialScheduleRoutes).route('/', gradingRoutes).route('/', fundingRoutes).route('/', ventureRoutes).route('/', serviceContractRoutes);
