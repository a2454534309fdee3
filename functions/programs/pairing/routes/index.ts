import { OpenAPIHono } from '@hono/zod-openapi';
import type { AppEnv } from '../../../platform/http/context.ts';
import { pairingTermRoutes } from './terms.ts';
import { pairingImportRoutes } from './import.ts';
import { pairingRoutes as pairingItemRoutes } from './pairings.ts';
import { pairingReportRoutes } from './reports.ts';
import { pairingReportViewRoutes } from './report-views.ts';
import { pairingEvaluationRoutes } from './evaluations.ts';
import { pairingRankingRoutes } from './rankings.ts';
import { pairingCaseRoutes } from './cases.ts';
import { pairingScheduleRoutes } from './schedule.ts';

/** The pairing program's API, mounted at `/pairing`. The import is mounted first: `/pairings/import` is not a pairing id. */
export const pairingRoutes = new OpenAPIHono<AppEnv>()
  .route('/', pairingTermRoutes)
  .route('/', pairingImportRoutes)
  .route('/', pairingItemRoutes)
  .route('/', pairingReportRoutes)
  .route('/', pairingReportViewRoutes)
  .route('/', pairingEvaluationRoutes)
  .route('/', pairingRankingRoutes)
  .route('/', pairingCaseRoutes)
  .route('/', pairingScheduleRoutes);
