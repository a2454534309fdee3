// zod/mini: the same schemas at a fraction of the size in the console's first-screen bundle.
import * as z from 'zod/mini';

/**
 * The console's runtime configuration, read from `/config.json` at start-up (never built in, so one
 * build serves every host). The local host answers `{ apiUrl: '', auth: { kind: 'local' } }`; on AWS
 * the CDK stack writes the file beside the console with the API's URL and the Cognito app client.
 *
 * - `apiUrl`: the API's base URL without a trailing slash; `''` means the console's own origin.
 * - `auth.kind: 'local'`: the local host's sign-in page (GET /local/demo-users, POST /local/sign-in).
 * - `auth.kind: 'cognito'`: Cognito's managed login, authorization code with PKCE (oidc-client-ts):
 *   `authority` is the user pool's issuer (https://cognito-idp.<region>.amazonaws.com/<pool id>),
 *   `clientId` the public app client (no secret), `redirectUri` the console's URL that receives the
 *   code, `postLogoutRedirectUri` where sign-out returns, `scope` e.g. `openid email profile`.
 *   The API is called with the ID token: it carries the `custom:` claims (division, position, unitId).
 */
export const runtimeConfigSchema = z.object({
  apiUrl: z.string().check(z.refine((url) => url === '' || /^https?:\/\/[^/]+(\/.*[^/])?$/.test(url), 'must be empty or an http(s) URL without a trailing slash')),
  auth: z.discriminatedUnion('kind', [
    z.object({ kind: z.literal('local') }),
    z.object({
      kind: z.literal('cognito'),
      authority: z.url(),
      clientId: z.string().check(z.minLength(1)),
      redirectUri: z.url(),
      postLogoutRedirectUri: z.url(),
      scope: z.string().check(z.minLength(1)),
    }),
  ]),
});
export type RuntimeConfig = z.infer<typeof runtimeConfigSchema>;

/** Reads and checks /config.json; a bad file names its field instead of failing later. */
export async function loadRuntimeConfig(fetcher: typeof fetch = fetch): Promise<RuntimeConfig> {
  const res = await fetcher('/config.json', { headers: { accept: 'application/json' } });
  if (!res.ok) throw new Error(`/config.json：HTTP ${res.status}`);
  const parsed = runtimeConfigSchema.safeParse(await res.json());
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`/config.json 配置有误：${issue ? `${issue.path.join('.')} ${issue.message}` : ''}`);
  }
  return parsed.data;
}
