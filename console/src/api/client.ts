import createClient, { type Middleware } from 'openapi-fetch';
import type { components, paths } from './schema';

export type Schemas = components['schemas'];
export type Problem = Schemas['Problem'];
export type ApiClient = ReturnType<typeof createClient<paths>>;

/**
 * An API error as the console shows it: the problem's title and detail, and each field it names
 * (RFC 9457 problem+json with `errors`), never a raw JSON dump.
 */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly problem: Problem | undefined,
  ) {
    super(problem?.detail ?? problem?.title ?? `HTTP ${status}`);
  }
  get fields(): { field: string; message: string }[] {
    return (this.problem?.errors ?? []).map((e) => ({ field: e.field, message: e.message }));
  }
}

function isProblem(value: unknown): value is Problem {
  return typeof value === 'object' && value !== null && 'title' in value && 'status' in value;
}

/**
 * What every call returns in the console: the data, or an {@link ApiError} thrown. openapi-fetch
 * keeps the request and response types those of the generated schema.
 */
export function must<T>(result: { data?: T; error?: unknown; response: Response }): T {
  if (result.error !== undefined || !result.response.ok) {
    throw new ApiError(result.response.status, isProblem(result.error) ? result.error : undefined);
  }
  return result.data as T;
}

/** A typed client whose every request carries the current token; a 401 hands control back to sign-in. */
export function makeClient(baseUrl: string, token: () => Promise<string | undefined>, onUnauthorized: () => void): ApiClient {
  const client = createClient<paths>({ baseUrl });
  const auth: Middleware = {
    async onRequest({ request }) {
      const t = await token();
      if (t) request.headers.set('authorization', `Bearer ${t}`);
      return request;
    },
    onResponse({ response }) {
      if (response.status === 401) onUnauthorized();
      return response;
    },
  };
  client.use(auth);
  return client;
}

/** Downloads a file answer (CSV, XLSX) with the token, under the name the server gives or `fallback`. */
export async function download(baseUrl: string, path: string, token: string | undefined, fallback: string): Promise<void> {
  const res = await fetch(`${baseUrl}${path}`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
  if (!res.ok) {
    const body: unknown = await res.json().catch(() => undefined);
    throw new ApiError(res.status, isProblem(body) ? body : undefined);
  }
  const name = /filename\*?=(?:UTF-8'')?"?([^";]+)"?/i.exec(res.headers.get('content-disposition') ?? '')?.[1];
  const url = URL.createObjectURL(await res.blob());
  const a = document.createElement('a');
  a.href = url;
  a.download = name ? decodeURIComponent(name) : fallback;
  a.click();
  URL.revokeObjectURL(url);
}
