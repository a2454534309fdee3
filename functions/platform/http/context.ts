import type { Context } from 'hono';
import type { OpenAPIHono } from '@hono/zod-openapi';
import type { Principal } from '../principal.ts';
import { authorize, type Action, type Resource } from '../authz.ts';
import { ForbiddenError, UnauthorizedError } from '../../shared/errors.ts';

/** What middleware puts on the request context for the routes. */
export interface AppEnv {
  Variables: {
    requestId: string;
    /** Set by the auth middleware on every route except the public ones. */
    principal: Principal;
  };
}

export type App = OpenAPIHono<AppEnv>;

/**
 * A route module registers its routes on the app (so they share its validation hook and
 * OpenAPI registry). app.ts lists every module in one array.
 */
export type RouteModule = (app: App) => void;

export function principalOf(c: Context<AppEnv>): Principal {
  const principal = c.get('principal');
  if (!principal) throw new UnauthorizedError();
  return principal;
}

/** Throws 403 unless the caller may do `action` on `resource` (the rules live in domain/authz.ts). */
export function requireAllowed(c: Context<AppEnv>, action: Action, resource: Resource): Principal {
  const principal = principalOf(c);
  const decision = authorize(principal, action, resource);
  if (!decision.allowed) throw new ForbiddenError(decision.reason);
  return principal;
}
