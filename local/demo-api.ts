import type { Principal } from '../functions/platform/principal.ts';
import { signToken } from './jwt.ts';

export type Fetch = (request: Request) => Response | Promise<Response>;
export type Claims = Pick<Principal, 'sub' | 'division'> & { readonly roles: readonly Principal['roles'][number][]; readonly position?: string; readonly unitId?: string };
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the API's JSON, read field by field
export type Json = Record<string, any>;
export type DemoCall = (who: Claims, method: string, path: string, body?: unknown, headers?: Record<string, string>) => Promise<{ status: number; body: Json }>;

/**
 * A demo user's request to the API's own handler, with a token signed for them (kept per user):
 * how demo work is made through the product instead of beside it. A string body is sent as CSV.
 */
export function demoCaller(fetch: Fetch, secret: string): DemoCall {
  const tokens = new Map<string, string>();
  return async (who, method, path, body, headers = {}) => {
    let token = tokens.get(who.sub);
    if (!token) tokens.set(who.sub, (token = await signToken({ ...who, roles: [...who.roles] } as Principal, secret, 3600)));
    const text = typeof body === 'string';
    const res = await fetch(
      new Request(`http://localhost${path}`, {
        method,
        headers: { authorization: `Bearer ${token}`, ...(body !== undefined ? { 'content-type': text ? 'text/csv' : 'application/json' } : {}), ...headers },
        ...(body !== undefined ? { body: text ? body : JSON.stringify(body) } : {}),
      }),
    );
    return { status: res.status, body: (await res.json().catch(() => ({}))) as Json };
  };
}
