import { OpenAPIHono, createRoute, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { randomUUID } from 'node:crypto';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { authenticate } from './auth.ts';
import { docs, docsPaths } from './docs.ts';
import type { AppEnv } from '../platform/http/context.ts';
import { strictUtf8Json } from '../platform/http/json-body.ts';
import type { MergeSchemaPath } from 'hono/types';
import { AppError, NotFoundError, ValidationError, problemContentType, toProblem, zodFieldErrors, type FieldError } from '../shared/errors.ts';
import { logger } from '../shared/logger.ts';
import { withRequestContext } from '../shared/request-context.ts';
import { auditRoutes } from '../platform/routes/audit.ts';
import { notificationRoutes } from '../platform/routes/notifications.ts';
import { workflowRoutes } from '../platform/routes/workflows.ts';
import { timelineRoutes } from '../platform/routes/timeline.ts';
import { inboxRoutes } from '../platform/decisions/inbox.ts';
import { decisionRoutes } from '../platform/decisions/routes.ts';
import { decisionKindsOf, type ProgramModule } from '../platform/module.ts';
import { modules as allModules } from '../modules.ts';

type SchemaOf<T> = T extends OpenAPIHono<AppEnv, infer S, string> ? S : never;
type ModuleSchema<M> = M extends { readonly routes: { readonly basePath: infer P extends string; readonly app: infer A } } ? MergeSchemaPath<SchemaOf<A>, P> : unknown;
type Intersect<U> = (U extends unknown ? (u: U) => void : never) extends (i: infer I) => void ? I : never;
type PlatformSchema = SchemaOf<typeof auditRoutes> & SchemaOf<typeof notificationRoutes> & SchemaOf<ReturnType<typeof workflowRoutes>> & SchemaOf<ReturnType<typeof inboxRoutes>> & SchemaOf<ReturnType<typeof decisionRoutes>> & SchemaOf<ReturnType<typeof timelineRoutes>>;

/**
 * The API's routes as one type, for a typed client (`hc<AppType>` from hono/client): the platform's
 * routes and every module's under its base path, derived from the modules list, so a new program's
 * routes are typed without an edit here.
 */
export type AppType = OpenAPIHono<AppEnv, PlatformSchema & Intersect<ModuleSchema<(typeof allModules)[number]>>>;

export interface BuildAppOptions {
  /** The modules whose routes and decisions the API serves. @default every module (functions/modules.ts) */
  readonly modules?: readonly ProgramModule[];
}

/** Paths served without a token. */
const publicPaths = new Set(['/health', '/openapi.json', ...docsPaths]);

/**
 * Request body limits for every route, checked before the body is read (by Content-Length, or while
 * streaming): JSON and other bodies at most 1 MiB (the largest JSON body a route takes is far
 * smaller), CSV uploads at most 5 MiB (the largest CSV limit of any route; each CSV route keeps its own,
 * tighter limit too). Without them one large body was buffered whole by the host (1.4 GB for 600 MB).
 */
export const maxJsonBodyBytes = 1024 * 1024;
export const maxCsvBodyBytes = 5 * 1024 * 1024;

function bodyLimitFor(maxBytes: number, what: string) {
  // Same wording as the CSV routes' own limits (functions/platform/http/csv-upload.ts).
  return bodyLimit({
    maxSize: maxBytes,
    onError: () => {
      throw new AppError(413, 'payload-too-large', 'Payload Too Large', `${what} may be at most ${maxBytes} bytes`);
    },
  });
}

const requestIdPattern = /^[A-Za-z0-9._:\-]{1,128}$/;

const locationOf: Readonly<Record<string, FieldError['in']>> = {
  json: 'body',
  form: 'body',
  query: 'query',
  param: 'path',
  header: 'header',
  cookie: 'header',
};

function problemResponse(c: Context<AppEnv>, err: unknown): Response {
  const requestId = c.get('requestId') ?? randomUUID();
  const problem = toProblem(err, requestId);
  if (problem.status >= 500) logger.error('unhandled error', { requestId, error: err as Error });
  const response = c.json(problem, problem.status as ContentfulStatusCode);
  response.headers.set('content-type', problemContentType);
  response.headers.set('x-request-id', requestId);
  return response;
}

/**
 * The HTTP API, knowing nothing about the runtime it runs in (Lambda through hono/aws-lambda, or
 * @hono/node-server locally). Tests call it with `app.request()`.
 */
export function buildApp(options: BuildAppOptions = {}): OpenAPIHono<AppEnv> {
  const modules = options.modules ?? allModules;
  const kinds = decisionKindsOf(modules);
  const app = new OpenAPIHono<AppEnv>({
    // Every zod failure (body, path, query, headers) becomes one 400 naming all bad fields.
    defaultHook: (result) => {
      if (!result.success) throw new ValidationError(zodFieldErrors(result.error, locationOf[result.target]));
    },
  });

  app.use('*', async (c, next) => {
    const incoming = c.req.header('x-request-id');
    const requestId = incoming && requestIdPattern.test(incoming) ? incoming : randomUUID();
    c.set('requestId', requestId);
    const started = performance.now();
    await withRequestContext({ requestId }, next);
    c.res.headers.set('x-request-id', requestId);
    logger.info('request', {
      requestId,
      method: c.req.method,
      path: c.req.path,
      status: c.res.status,
      durationMs: Math.round((performance.now() - started) * 10) / 10,
      sub: c.get('principal')?.sub,
    });
  });

  const jsonLimit = bodyLimitFor(maxJsonBodyBytes, 'the request body');
  const csvLimit = bodyLimitFor(maxCsvBodyBytes, 'the CSV');
  app.use('*', (c, next) => ((c.req.header('content-type') ?? '').toLowerCase().startsWith('text/csv') ? csvLimit(c, next) : jsonLimit(c, next)));

  app.use('*', async (c, next) => {
    if (publicPaths.has(c.req.path)) return next();
    c.set('principal', await authenticate(c.req.header('authorization')));
    return next();
  });
  // JSON bodies must be valid UTF-8 (400 naming the body), never decoded into U+FFFD.
  app.use('*', strictUtf8Json());

  app.onError((err, c) => problemResponse(c, err));
  app.notFound((c) => problemResponse(c, new NotFoundError(`No route for ${c.req.method} ${c.req.path}`)));

  app.openAPIRegistry.registerComponent('securitySchemes', 'bearerAuth', {
    type: 'http',
    scheme: 'bearer',
    bearerFormat: 'JWT',
    description: 'HS256 (local host) or RS256 from a JWKS (Cognito). Claims: roles, division, unitId, position, sub.',
  });

  app.openapi(
    createRoute({
      method: 'get',
      path: '/health',
      operationId: 'getHealth',
      tags: ['meta'],
      summary: 'Liveness check (no token needed)',
      security: [],
      responses: { 200: { description: 'Up', content: { 'application/json': { schema: z.object({ status: z.literal('ok') }) } } } },
    }),
    (c) => c.json({ status: 'ok' as const }, 200),
  );

  // The platform's own routes, then each module's sub-app at its base path (OpenAPI definitions merge).
  app.route('/', auditRoutes);
  app.route('/', notificationRoutes);
  app.route('/', workflowRoutes(modules.flatMap((m) => m.workflows)));
  app.route('/', inboxRoutes(kinds));
  app.route('/', decisionRoutes(kinds));
  app.route('/', timelineRoutes(kinds, modules.flatMap((m) => m.workflows)));
  for (const module of modules) if (module.routes) app.route(module.routes.basePath, module.routes.app);

  app.doc31('/openapi.json', {
    openapi: '3.1.0',
    info: {
      title: 'village-flow API',
      version: '0.1.0',
      description:
        'Registries and workflows for county-level rural assistance programs. Errors are application/problem+json (RFC 9457); every response carries x-request-id.',
    },
    // Relative: the API is wherever this document is served from (http://127.0.0.1:3000 locally,
    // the API Gateway URL on AWS, whose $default stage adds no path), so one document fits every host.
    servers: [{ url: '/', description: 'This API, at the origin serving this document' }],
    security: [{ bearerAuth: [] }],
  });
  app.route('/', docs);

  return app;
}
