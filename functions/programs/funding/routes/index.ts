import { OpenAPIHono } from '@hono/zod-openapi';
import type { AppEnv } from '../../../platform/http/context.ts';
import { fundingPolicyRoutes } from './policies.ts';
import { fundingCurrentRoutes } from './current.ts';
import { fundingRunRoutes } from './runs.ts';

/** The funding program's API, mounted at `/funding`. */
export const fundingRoutes = new OpenAPIHono<AppEnv>().route('/', fundingPolicyRoutes).route('/', fundingCurrentRoutes).route('/', fundingRunRoutes);
