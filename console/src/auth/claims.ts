/** Who is signed in, read from the token's claims for display and menus (the API verifies them). */
export interface SessionUser {
  readonly sub: string;
  readonly roles: readonly string[];
  readonly division: string;
  readonly position?: string;
  readonly unitId?: string;
  readonly name?: string;
}

function list(value: unknown): string[] {
  if (Array.isArray(value)) return value.filter((v): v is string => typeof v === 'string');
  if (typeof value === 'string') return value.split(/[ ,]+/).filter(Boolean);
  return [];
}

/** The claims of a JWT (ours or Cognito's ID token: cognito:groups, custom:division…). No verification. */
export function userFromToken(token: string): SessionUser | undefined {
  const payload = token.split('.')[1];
  if (!payload) return undefined;
  try {
    const json = new TextDecoder().decode(Uint8Array.from(atob(payload.replaceAll('-', '+').replaceAll('_', '/')), (c) => c.charCodeAt(0)));
    const claims = JSON.parse(json) as Record<string, unknown>;
    const str = (...keys: string[]) => keys.map((k) => claims[k]).find((v): v is string => typeof v === 'string');
    const sub = str('sub');
    const division = str('division', 'custom:division');
    if (!sub || !division) return undefined;
    const position = str('position', 'custom:position');
    const unitId = str('unitId', 'custom:unitId');
    const name = str('name', 'email');
    return { sub, division, roles: [...list(claims.roles), ...list(claims['cognito:groups'])], ...(position ? { position } : {}), ...(unitId ? { unitId } : {}), ...(name ? { name } : {}) };
  } catch {
    return undefined;
  }
}

/** Seconds until the token's `exp`, or 0 when it has none or is unreadable. */
export function secondsLeft(token: string, now = Date.now()): number {
  try {
    const claims = JSON.parse(atob((token.split('.')[1] ?? '').replaceAll('-', '+').replaceAll('_', '/'))) as { exp?: unknown };
    return typeof claims.exp === 'number' ? Math.max(0, claims.exp - now / 1000) : 0;
  } catch {
    return 0;
  }
}
