import { describe, expect, it } from 'vitest';
import { loadRuntimeConfig, runtimeConfigSchema } from '../../../console/src/config';

const cognito = {
  apiUrl: 'https://abc.execute-api.cn-north-1.amazonaws.com.cn',
  auth: {
    kind: 'cognito',
    authority: 'https://cognito-idp.cn-north-1.amazonaws.com.cn/cn-north-1_abc',
    clientId: '1example23456789',
    redirectUri: 'https://console.example.cn/console/',
    postLogoutRedirectUri: 'https://console.example.cn/console/',
    scope: 'openid email profile',
  },
};

describe('the console runtime configuration (/config.json)', () => {
  it('accepts the local host shape and the Cognito shape the CDK stack writes', () => {
    expect(runtimeConfigSchema.parse({ apiUrl: '', auth: { kind: 'local' } })).toEqual({ apiUrl: '', auth: { kind: 'local' } });
    expect(runtimeConfigSchema.parse(cognito)).toEqual(cognito);
  });

  it('refuses a trailing slash, a missing Cognito field or an unknown kind', () => {
    expect(runtimeConfigSchema.safeParse({ ...cognito, apiUrl: 'https://api.example.cn/' }).success).toBe(false);
    expect(runtimeConfigSchema.safeParse({ ...cognito, auth: { ...cognito.auth, clientId: '' } }).success).toBe(false);
    expect(runtimeConfigSchema.safeParse({ apiUrl: '', auth: { kind: 'saml' } }).success).toBe(false);
  });

  it('names the bad field when /config.json is wrong', async () => {
    const fetcher = (async () => new Response(JSON.stringify({ apiUrl: 'ftp://x', auth: { kind: 'local' } }))) as typeof fetch;
    await expect(loadRuntimeConfig(fetcher)).rejects.toThrow(/apiUrl/);
  });
});
