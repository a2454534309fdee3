import createClient from 'openapi-fetch';
import type { ReactNode } from 'react';
import type { paths } from '../../../../console/src/api/schema';
import type { SessionUser } from '../../../../console/src/auth/claims';
import { ConsoleProvider } from '../../../../console/src/lib/context';

/**
 * The console's context for a component test: a signed-in user and a client whose every call is
 * answered by `answer` (no API, no network), recording what was sent for the test to read.
 */
export function withApi(answer: (request: Request) => Response, user: SessionUser) {
  const sent: { method: string; url: string; body: unknown }[] = [];
  const client = createClient<paths>({
    baseUrl: 'http://api.test',
    fetch: async (request: Request) => {
      sent.push({ method: request.method, url: request.url, body: await request.clone().json().catch(() => undefined) });
      return answer(request);
    },
  });
  const auth = { kind: 'local' as const, restore: async () => undefined, token: async () => 't', signIn: async () => {}, signOut: async () => {} };
  const wrap = (children: ReactNode) => (
    <ConsoleProvider value={{ client, user, config: { apiUrl: 'http://api.test', auth: { kind: 'local' } }, auth }}>{children}</ConsoleProvider>
  );
  return { sent, wrap };
}

/** A JSON answer; an error status as problem+json, as the API sends it. */
export const json = (status: number, body: unknown) => new Response(JSON.stringify(body), { status, headers: { 'content-type': status >= 400 ? 'application/problem+json' : 'application/json' } });
