import type { UserManager } from 'oidc-client-ts';
import type { RuntimeConfig } from '../config';
import { secondsLeft, userFromToken, type SessionUser } from './claims';

/**
 * Signing in and the token the API is called with. Two ways, chosen by /config.json:
 * - local: the local host's sign-in page issues a short-lived HS256 token, kept in sessionStorage
 *   (gone with the tab; never in localStorage);
 * - cognito: Cognito's managed login, authorization code with PKCE through oidc-client-ts, renewed
 *   before it expires (refresh token, else a silent request), signed out at Cognito too.
 */
export interface Auth {
  readonly kind: 'local' | 'cognito';
  /** The signed-in user, after a redirect back from the identity provider when there is one. */
  restore(): Promise<SessionUser | undefined>;
  /** The token for the API now (renewed first when it is about to expire). */
  token(): Promise<string | undefined>;
  /** Cognito: go to the managed login. Local: not used (the sign-in page calls {@link signInLocal}). */
  signIn(): Promise<void>;
  signOut(): Promise<void>;
}

const localKey = 'village-flow.token';

export function localAuth(): Auth & { signInLocal(token: string): SessionUser | undefined } {
  const current = () => {
    const t = sessionStorage.getItem(localKey);
    if (t && secondsLeft(t) > 0) return t;
    if (t) sessionStorage.removeItem(localKey);
    return undefined;
  };
  return {
    kind: 'local',
    restore: async () => {
      const t = current();
      return t ? userFromToken(t) : undefined;
    },
    token: async () => current(),
    signIn: async () => undefined,
    signInLocal(token: string) {
      sessionStorage.setItem(localKey, token);
      return userFromToken(token);
    },
    signOut: async () => sessionStorage.removeItem(localKey),
  };
}

export function cognitoAuth(config: Extract<RuntimeConfig['auth'], { kind: 'cognito' }>): Auth {
  // Loaded only on AWS: the local host's console never downloads the OIDC client.
  let managerPromise: Promise<UserManager> | undefined;
  const load = () => (managerPromise ??= import('oidc-client-ts').then(({ UserManager, WebStorageStateStore }) => new UserManager({
    authority: config.authority,
    client_id: config.clientId,
    redirect_uri: config.redirectUri,
    post_logout_redirect_uri: config.postLogoutRedirectUri,
    scope: config.scope,
    response_type: 'code',
    // Renew a minute before expiry: with the refresh token when Cognito gave one, else silently.
    automaticSilentRenew: true,
    accessTokenExpiringNotificationTimeInSeconds: 60,
    userStore: new WebStorageStateStore({ store: sessionStorage }),
  })));
  return {
    kind: 'cognito',
    async restore() {
      const manager = await load();
      const url = new URL(location.href);
      if (url.searchParams.has('code') && url.searchParams.has('state')) {
        const user = await manager.signinRedirectCallback();
        history.replaceState(null, '', `${url.pathname}${url.hash}`);
        return user.id_token ? userFromToken(user.id_token) : undefined;
      }
      const user = await manager.getUser();
      if (!user || user.expired) return undefined;
      return user.id_token ? userFromToken(user.id_token) : undefined;
    },
    async token() {
      const manager = await load();
      let user = await manager.getUser();
      if (user && (user.expires_in ?? 0) < 60) user = await manager.signinSilent().catch(() => null);
      return user?.id_token;
    },
    signIn: async () => (await load()).signinRedirect(),
    async signOut() {
      // Cognito's discovery document names no end_session_endpoint, so oidc-client-ts's
      // signoutRedirect cannot work: Cognito signs out at /logout on its login domain (the origin of
      // the authorization endpoint), with client_id and logout_uri.
      const manager = await load();
      const logout = new URL('/logout', await manager.metadataService.getAuthorizationEndpoint());
      logout.searchParams.set('client_id', config.clientId);
      logout.searchParams.set('logout_uri', config.postLogoutRedirectUri);
      await manager.removeUser();
      location.assign(logout.toString());
    },
  };
}
