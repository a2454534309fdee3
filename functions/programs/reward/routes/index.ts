import { OpenAPIHono } from '@hono/zod-openapi';
import type { AppEnv } from '../../../platform/http/context.ts';
import { rewardProgramRoutes } from './programs.ts';
import { rewardEnterpriseRoutes } from './enterprises.ts';
import { rewardApplicationRoutes } from './applications.ts';

/** The reward program's API, mounted at `/reward`. */
export const rewardRoutes = new OpenAPIHono<AppEnv>().route('/', rewardProgramRoutes).route('/', rewardEnterpriseRoutes).route('/', rewardApplicationRoutes);
