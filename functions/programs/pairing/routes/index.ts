import { OpenAPIHono } from '@hono/zod-openapi';
import type { AppEnv } from '../../../platform/http/context.ts';
import { pairingTermRoutes } from './terms.ts';
import { pairingImportRoutes } from './import.ts';
import { pairingRoutes as pairingItemRoutes } from './pairings.ts';
// --- evaluation, ranking and rectification (peval) ---
import { pairingEvaluationRoutes } from './evaluations.ts';
import { pairingRankingRoutes } from './rankings.ts';
import { pairingCaseRoutes } from './cases.ts';
// --- end evaluation ---

/** The pairing program's API, mounted at `/pairing`. The import is mounted first: `/pairings/import` is not a pairing id. */
export const pairingRoutes = new OpenAPIHono<AppEnv>().route('/', pairingTermRoutes).route('/', pairingImportRoutes).route('/', pairingItemRoutes)
  // --- evaluation, ranking and rectification (peval) ---
  .route('/', pairingEvaluationRoutes)
  .route('/', pairingRankingRoutes)
  .route('/', pairingCaseRoutes)
  // --- end evaluation ---
  ;
