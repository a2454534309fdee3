import { OpenAPIHono } from '@hono/zod-openapi';
import type { AppEnv } from '../../../platform/http/context.ts';
import { organisationRoutes } from './organisations.ts';

/** The social organisations program's API, mounted at `/social`. */
export const socialRoutes = new OpenAPIHono<AppEnv>().route('/', organisationRoutes);
