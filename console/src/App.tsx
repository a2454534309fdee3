import { Alert, Button, Spin, Typography } from 'antd';
import { lazy, Suspense, useCallback, useEffect, useState } from 'react';
import { makeClient, type ApiClient } from './api/client';
import type { SessionUser } from './auth/claims';
import { cognitoAuth, localAuth, type Auth } from './auth/session';
import { loadRuntimeConfig, type RuntimeConfig } from './config';
import { errorText } from './components/ErrorAlert';
import { ConsoleProvider } from './lib/context';
import { Shell } from './Shell';

// The sign-in page (a table of demo users) exists only on the local host: its own chunk.
const SignInPage = lazy(() => import('./pages/SignIn'));

type Boot = { state: 'loading' } | { state: 'failed'; error: unknown } | { state: 'ready'; config: RuntimeConfig; auth: Auth; client: ApiClient; user: SessionUser | undefined };

/** Reads /config.json, restores the session (or finishes a sign-in redirect), then shows sign-in or the console. */
export function App() {
  const [boot, setBoot] = useState<Boot>({ state: 'loading' });

  useEffect(() => {
    (async () => {
      const config = await loadRuntimeConfig();
      const auth = config.auth.kind === 'local' ? localAuth() : cognitoAuth(config.auth);
      // A 401 (expired or revoked token) ends the session: back to sign-in rather than a broken screen.
      const signedOut = () => {
        void auth.signOut();
        setBoot((b) => (b.state === 'ready' ? { ...b, user: undefined } : b));
      };
      const client = makeClient(config.apiUrl, () => auth.token(), signedOut);
      setBoot({ state: 'ready', config, auth, client, user: await auth.restore() });
    })().catch((error: unknown) => setBoot({ state: 'failed', error }));
  }, []);

  const signOut = useCallback(async () => {
    if (boot.state !== 'ready') return;
    await boot.auth.signOut();
    setBoot({ ...boot, user: undefined });
  }, [boot]);

  if (boot.state === 'loading') return <Spin size="large" fullscreen tip="加载中…" />;
  if (boot.state === 'failed') return <Alert type="error" showIcon style={{ margin: 32 }} message="控制台无法启动" description={errorText(boot.error)} />;
  const { config, auth, client, user } = boot;
  if (!user) {
    if (auth.kind === 'local') {
      const local = auth as ReturnType<typeof localAuth>;
      return (
        <Suspense fallback={<Spin size="large" fullscreen />}>
          <SignInPage onToken={(token) => setBoot({ ...boot, user: local.signInLocal(token) })} />
        </Suspense>
      );
    }
    return (
      <main style={{ maxWidth: 480, margin: '15vh auto', textAlign: 'center' }}>
        <Typography.Title level={3}>村级经费与奖补业务平台</Typography.Title>
        <Typography.Paragraph type="secondary">请使用统一身份认证登录</Typography.Paragraph>
        <Button type="primary" size="large" onClick={() => void auth.signIn()}>
          登录
        </Button>
      </main>
    );
  }
  if (user.roles.length === 0) return <Alert type="error" message="您的账号未分配角色，请联系系统管理员。" />;
  return (
    <ConsoleProvider value={{ client, user, config, auth }}>
      <Shell onSignOut={() => void signOut()} />
    </ConsoleProvider>
  );
}
