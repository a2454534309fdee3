import { OpenAPIHono } from '@hono/zod-openapi';
import type { AppEnv } from '../../../platform/http/context.ts';
import { pairingTermRoutes } from './terms.ts';
import { pairingImportRoutes } from './import.ts';
import { pairingRoutes as pairingItemRoutes } from './pairings.ts';
// -- pairing reports: begin --
import { pairingReportRoutes } from './reports.ts';
import { pairingReportViewRoutes } from './report-views.ts';
// -- pairing reports: end --

/** The pairing program's API, mounted at `/pairing`. The import is mounted first: `/pairings/import` is not a pairing id. */
export const pairingRoutes = new OpenAPIHono<AppEnv>()
  .route('/', pairingTermRoutes)
  .route('/', pairingImportRoutes)
  .route('/', pairingItemRoutes)
  // -- pairing reports: begin --
  .route('/', pairingReportRoutes)
  .route('/', pairingReportViewRoutes);
// -- pairing reports: end --
