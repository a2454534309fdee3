import { Hono } from 'hono';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { extname, resolve, sep } from 'node:path';
import * as z from 'zod';
import { demoDistrict, demoPrincipals, demoTownships, demoUnitId, demoUnits, demoVillages } from './demo-data.ts';
import { demoRewardPrincipals } from './demo-reward.ts';
import { signToken } from './jwt.ts';
import type { Principal } from '../functions/platform/principal.ts';

/**
 * What the local host serves besides the API: the console under /console/ (the API's paths are all
 * outside it), its runtime /config.json, and the local sign-in (GET /local/demo-users,
 * POST /local/sign-in). These routes exist only here, never in functions/api, so they never exist
 * on AWS, where Cognito signs people in.
 */
export const consoleBasePath = '/console/';

/** Tokens from the sign-in page live one hour: a demo session, not the 12 h of the banner's tokens. */
export const signInTtlSeconds = 3600;

export const demoUserSchema = z.object({
  id: z.string(),
  sub: z.string(),
  roles: z.array(z.string()),
  division: z.string(),
  jurisdiction: z.string(),
  position: z.string().optional(),
  unitId: z.string().optional(),
  unitName: z.string().optional(),
});
export type DemoUser = z.infer<typeof demoUserSchema>;

export const signInRequestSchema = z.object({ user: z.string().min(1).max(64) }).strict();

const demoUsersById: Readonly<Record<string, Principal>> = Object.fromEntries(
  Object.entries({ ...demoPrincipals, ...demoRewardPrincipals }).map(([id, p]) => [id, { ...p, roles: [...p.roles] } as Principal]),
);

/** The name of a demo division code: 蓟州区, 下营镇, 下营镇常州村. */
function jurisdictionName(code: string): string {
  if (code === demoDistrict.code) return demoDistrict.name;
  const township = demoTownships.find((t) => t.code === code.slice(0, 9));
  if (code.length === 9) return township?.name ?? code;
  const village = demoVillages.find((v) => v.code === code);
  return village ? `${township?.name ?? ''}${village.name}` : code;
}

/** Every demo user the sign-in page lists, in the order of the banner. */
export function demoUsers(): DemoUser[] {
  return Object.entries(demoUsersById).map(([id, p]) => {
    const unit = p.unitId ? demoUnits.find((u) => demoUnitId(u.name) === p.unitId) : undefined;
    return {
      id,
      sub: p.sub,
      roles: [...p.roles],
      division: p.division,
      jurisdiction: jurisdictionName(p.division),
      ...(p.position ? { position: p.position } : {}),
      ...(p.unitId ? { unitId: p.unitId } : {}),
      ...(unit ? { unitName: unit.name } : {}),
    };
  });
}

const contentTypes: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};

function problem(status: 400 | 404 | 503, title: string, detail: string, errors?: { field: string; message: string; in: 'body' }[]): Response {
  return new Response(JSON.stringify({ type: 'about:blank', title, status, detail, ...(errors ? { errors } : {}) }), {
    status,
    headers: { 'content-type': 'application/problem+json' },
  });
}

export interface ConsoleHostOptions {
  /** The host's HS256 secret (the API verifies with the same). */
  readonly secret: string;
  /** The console's build folder (console/dist). */
  readonly distDir: string;
}

export function consoleHostRoutes(options: ConsoleHostOptions): Hono {
  const dist = resolve(options.distDir);
  const app = new Hono();

  app.get('/config.json', (c) => c.json({ apiUrl: '', auth: { kind: 'local' } }, 200, { 'cache-control': 'no-store' }));

  app.get('/local/demo-users', (c) => c.json({ items: demoUsers() }));

  app.post('/local/sign-in', async (c) => {
    let body: unknown;
    try {
      body = await c.req.json();
    } catch {
      return problem(400, 'Bad Request', 'The body must be JSON: {"user": "<id of a demo user>"}', [{ field: 'user', message: 'required', in: 'body' }]);
    }
    const parsed = signInRequestSchema.safeParse(body);
    if (!parsed.success) return problem(400, 'Bad Request', 'The body must be {"user": "<id of a demo user>"}', [{ field: 'user', message: 'must be the id of a demo user', in: 'body' }]);
    const principal = demoUsersById[parsed.data.user];
    if (!principal) return problem(400, 'Bad Request', `No demo user "${parsed.data.user}"`, [{ field: 'user', message: 'no such demo user', in: 'body' }]);
    const token = await signToken(principal, options.secret, signInTtlSeconds);
    return c.json({ token, expiresAt: new Date(Date.now() + signInTtlSeconds * 1000).toISOString() }, 200, { 'cache-control': 'no-store' });
  });

  app.get('/', (c) => c.redirect(consoleBasePath, 302));
  app.get('/console', (c) => c.redirect(consoleBasePath, 301));

  app.get(`${consoleBasePath}*`, (c) => {
    const index = resolve(dist, 'index.html');
    if (!existsSync(index)) return problem(503, 'Service Unavailable', 'The console is not built: run npm run build:console (npm start builds it).');
    const rel = decodeURIComponent(c.req.path.slice(consoleBasePath.length));
    const file = resolve(dist, rel);
    const inside = file.startsWith(dist + sep);
    if (inside && rel !== '' && existsSync(file) && statSync(file).isFile()) {
      // Hashed asset names change with their content, so they may be cached for good; index.html never.
      const immutable = rel.startsWith('assets/');
      return c.body(readFileSync(file), 200, {
        'content-type': contentTypes[extname(file)] ?? 'application/octet-stream',
        'cache-control': immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
        'x-content-type-options': 'nosniff',
      });
    }
    // A missing asset is a 404; any other path under /console/ is a screen of the app (its router reads the hash).
    if (rel.startsWith('assets/') || extname(rel) !== '') return problem(404, 'Not Found', `No file ${c.req.path}`);
    return c.body(readFileSync(index), 200, { 'content-type': contentTypes['.html']!, 'cache-control': 'no-cache', 'x-content-type-options': 'nosniff' });
  });

  return app;
}
