import type { Context, MiddlewareHandler } from 'hono';
import type { OpenAPIHono } from '@hono/zod-openapi';
import type { Principal } from '../principal.ts';
import { assertAllowed, mayEverDo, type Action, type Resource } from '../authz.ts';
import { ForbiddenError, UnauthorizedError, ValidationError } from '../../shared/errors.ts';

/** What middleware puts on the request context for the routes. */
export interface AppEnv {
  Variables: {
    requestId: string;
    /** Set by the auth middleware on every route except the public ones. */
    principal: Principal;
  };
}

/**
 * A sub-app of routes (a module's, or the platform's). Built with `new OpenAPIHono<AppEnv>()` and
 * chained `.openapi(…)` calls so that its type carries every route for the typed client; mounted by
 * the composition root with `app.route(basePath, subApp)`, which merges the OpenAPI definitions and
 * applies the root's validation hook.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- any schema: the mount point does not care which routes
export type App = OpenAPIHono<AppEnv, any, any>;

/** The context a route handler gets, for helpers shared by several handlers of one sub-app. */
export type RouteContext = Context<AppEnv>;

export function principalOf(c: Context<AppEnv>): Principal {
  const principal = c.get('principal');
  if (!principal) throw new UnauthorizedError();
  return principal;
}

/** Throws 403 unless the caller may do `action` on `resource` (the rules live in platform/authz.ts). */
export function requireAllowed(c: Context<AppEnv>, action: Action, resource: Resource): Principal {
  const principal = principalOf(c);
  assertAllowed(principal, action, resource);
  return principal;
}

/**
 * The county a per-county list is for: the one named in query parameter `field`, else the caller's
 * own. Such lists are kept per county, so a caller above county level has to name one.
 */
export function listedCounty(c: Context<AppEnv>, named: string | undefined, field: string): string {
  const county = named ?? principalOf(c).division.slice(0, 6);
  if (county.length !== 6) throw new ValidationError([{ field, message: 'name a county (6 digits)', in: 'query' }]);
  return county;
}

/**
 * The township a per-township list is for: the one named in query parameter `field`, else the
 * caller's own (a township's, or a village's township). A caller above township level has to name one.
 */
export function listedTownship(c: Context<AppEnv>, named: string | undefined, field: string): string {
  const township = named ?? principalOf(c).division.slice(0, 9);
  if (township.length !== 9) throw new ValidationError([{ field, message: 'name a township (9 digits)', in: 'query' }]);
  return township;
}

/**
 * A route's first check, before it reads what it acts on: 403 unless one of the caller's roles may
 * do `action` somewhere. So a caller who could never act (a unit user on reward programs) learns
 * nothing of what exists: a missing and an existing program answer the same 403. The handler then
 * checks the jurisdiction on the thing itself (`requireAllowed`).
 */
export function roleGate(action: Action): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const principal = principalOf(c);
    if (!mayEverDo(principal, action)) throw new ForbiddenError(`${action} is not allowed for role ${principal.roles.join(', ')}`);
    await next();
  };
}
