import { signToken } from '../../local/jwt.ts';
import type { Principal, Role } from '../../functions/platform/principal.ts';

/** What the app answers, decoded once. */
export interface Answer {
  readonly status: number;
  readonly headers: Headers;
  readonly body: any; // eslint-disable-line @typescript-eslint/no-explicit-any -- test assertions read arbitrary JSON
}

export interface AppLike {
  request(path: string, init?: RequestInit): Response | Promise<Response>;
}

/** A real HS256 token signed with the secret the tests configured (JWT_SECRET). */
export async function tokenFor(role: Role | Role[], division: string, extra: Partial<Principal> = {}, ttlSeconds = 3600): Promise<string> {
  const roles = Array.isArray(role) ? role : [role];
  return signToken({ sub: `${roles.join('+')}-${division}`, roles, division, ...extra }, process.env.JWT_SECRET!, ttlSeconds);
}

/** Call the app like a client: JSON in, JSON (or problem+json) out. */
export async function call(
  app: AppLike,
  method: string,
  path: string,
  options: { token?: string; body?: unknown; rawBody?: string; headers?: Record<string, string> } = {},
): Promise<Answer> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  let body: string | undefined;
  if (options.rawBody !== undefined) body = options.rawBody;
  else if (options.body !== undefined) body = JSON.stringify(options.body);
  if (body !== undefined) headers['content-type'] ??= 'application/json';
  const response = await app.request(path, { method, headers, ...(body !== undefined ? { body } : {}) });
  const text = await response.text();
  let parsed: unknown = text;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    // not JSON: keep the text
  }
  return { status: response.status, headers: response.headers, body: parsed };
}
