import { afterAll, describe, expect, it } from 'vitest';
import { createServer, type Server } from 'node:http';
import { SignJWT, exportJWK, generateKeyPair } from 'jose';
import { buildApp } from '../../../functions/api/app.ts';
import { resetConfig } from '../../../functions/shared/config.ts';
import { signToken } from '../../../local/jwt.ts';
import { logger } from '../../../functions/shared/logger.ts';
import { call, tokenFor } from '../../support/api.ts';

const app = buildApp();

describe('authentication', () => {
  it('serves health, the OpenAPI document and the docs without a token', async () => {
    expect((await call(app, 'GET', '/health')).body).toEqual({ status: 'ok' });
    const doc = await call(app, 'GET', '/openapi.json');
    expect(doc.body.openapi).toBe('3.1.0');
    expect(doc.body.components.securitySchemes.bearerAuth).toMatchObject({ type: 'http', scheme: 'bearer' });
    expect(Object.keys(doc.body.paths)).toEqual(expect.arrayContaining(['/villages', '/villages/{code}', '/divisions', '/divisions/{code}', '/units', '/units/{id}', '/audit']));
    expect(doc.body.paths['/health'].get.security).toEqual([]);
    const docs = await app.request('/docs');
    expect(docs.status).toBe(200);
    expect(await docs.text()).toContain('swagger');
  });

  it('answers 401 problem+json without a token, with a malformed header, with a bad signature, expired', async () => {
    const wrongSecret = await signToken({ sub: 'x', roles: ['admin'], division: '120225' }, 'another-secret-another-secret-0123456789');
    const expired = await tokenFor('admin', '120225', {}, -60);
    const cases: Array<[Record<string, string>, RegExp]> = [
      [{}, /Missing Authorization/],
      [{ authorization: 'Basic abc' }, /Bearer/],
      [{ authorization: `Bearer ${wrongSecret}` }, /signature/i],
      [{ authorization: `Bearer ${expired}` }, /expired/],
      [{ authorization: 'Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.' }, /not accepted|rejected/],
    ];
    for (const [headers, detail] of cases) {
      const res = await call(app, 'GET', '/villages/120225100201', { headers });
      expect(res.status).toBe(401);
      expect(res.headers.get('content-type')).toBe('application/problem+json');
      expect(res.body.detail).toMatch(detail);
    }
  });

  it('refuses a token without exp, one living longer than 12 hours, and one issued in the future', async () => {
    const key = new TextEncoder().encode(process.env.JWT_SECRET!);
    const now = Math.floor(Date.now() / 1000);
    const base = () => new SignJWT({ roles: ['admin'], division: '120225' }).setProtectedHeader({ alg: 'HS256' }).setSubject('x');
    const noExp = await base().setIssuedAt(now).sign(key);
    const noExpNoIat = await base().sign(key);
    const longLived = await base().setIssuedAt(now).setExpirationTime(now + 12 * 3600 + 60).sign(key);
    const longLivedNoIat = await base().setExpirationTime(now + 30 * 24 * 3600).sign(key);
    const future = await base().setIssuedAt(now + 3600).setExpirationTime(now + 7200).sign(key);
    const cases: Array<[string, RegExp]> = [
      [noExp, /exp/],
      [noExpNoIat, /exp/],
      [longLived, /longer than 12 hours/],
      [longLivedNoIat, /longer than 12 hours/],
      [future, /iat .*future/],
    ];
    for (const [token, detail] of cases) {
      const res = await call(app, 'GET', '/villages/120225100201', { token });
      expect(res.status).toBe(401);
      expect(res.body.detail).toMatch(detail);
    }
    // Within the bounds: 12 hours exactly, and an iat a few seconds ahead (clock skew).
    const twelveHours = await base().setIssuedAt(now).setExpirationTime(now + 12 * 3600).sign(key);
    const skewed = await base().setIssuedAt(now + 30).setExpirationTime(now + 3600).sign(key);
    for (const token of [twelveHours, skewed]) expect((await call(app, 'GET', '/villages/120225100201', { token })).status).not.toBe(401);
  });

  it('refuses a token whose sub is blank, padded, or carries control or invisible characters', async () => {
    for (const sub of ['   ', 'fin ', ' fin', 'f\u0000in', '\u200Bfin', 'fin\u202E', 'x'.repeat(129)]) {
      const token = await signToken({ sub, roles: ['admin'], division: '120225' }, process.env.JWT_SECRET!);
      const res = await call(app, 'GET', '/villages/120225100201', { token });
      expect(res.status, JSON.stringify(sub)).toBe(401);
      expect(res.body.detail).toMatch(/claim sub/);
    }
  });

  it('answers 401 naming the claim when a signed token has no usable role', async () => {
    const token = await signToken({ sub: 'x', roles: [], division: '120225' } as never, process.env.JWT_SECRET!);
    const res = await call(app, 'GET', '/villages', { token });
    expect(res.status).toBe(401);
    expect(res.body.detail).toMatch(/claim roles/);
  });

  it('keeps a well-formed incoming x-request-id and makes one otherwise, on every response', async () => {
    const kept = await call(app, 'GET', '/health', { headers: { 'x-request-id': 'trace-123' } });
    expect(kept.headers.get('x-request-id')).toBe('trace-123');
    const replaced = await call(app, 'GET', '/nothing-here', { headers: { 'x-request-id': 'bad id with spaces' } });
    expect(replaced.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    expect(replaced.status).toBe(401);
    const notFound = await call(app, 'GET', '/nothing-here', { token: await tokenFor('admin', '120225') });
    expect(notFound.status).toBe(404);
    expect(notFound.body.instance).toBe(notFound.headers.get('x-request-id'));
  });

  it('writes one structured JSON access line per request, with the request id', async () => {
    const lines: string[] = [];
    const write = process.stdout.write.bind(process.stdout);
    process.stdout.write = ((chunk: string | Uint8Array) => {
      lines.push(String(chunk));
      return true;
    }) as typeof process.stdout.write;
    logger.setLogLevel('INFO');
    try {
      await call(app, 'GET', '/villages', { headers: { 'x-request-id': 'log-test-1' } });
    } finally {
      logger.setLogLevel('SILENT');
      process.stdout.write = write;
    }
    const entries = lines.flatMap((l) => l.split('\n')).filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(entries).toContainEqual(
      expect.objectContaining({ level: 'INFO', message: 'request', service: 'village-flow', requestId: 'log-test-1', method: 'GET', path: '/villages', status: 401 }),
    );
  });

  it('never shows the internals of a 500', async () => {
    const leaky = buildApp();
    leaky.get('/boom', () => {
      throw new Error('password=hunter2 at db.internal:5432');
    });
    const res = await call(leaky, 'GET', '/boom', { token: await tokenFor('admin', '120225') });
    expect(res.status).toBe(500);
    expect(res.headers.get('content-type')).toBe('application/problem+json');
    expect(JSON.stringify(res.body)).not.toMatch(/hunter2|db\.internal/);
    expect(res.body.instance).toBe(res.headers.get('x-request-id'));
  });

  it('rejects malformed JSON and a wrong media type as 4xx problems', async () => {
    const token = await tokenFor('admin', '120225');
    const malformed = await call(app, 'POST', '/units', { token, rawBody: '{"name":' });
    expect(malformed.status).toBe(400);
    expect(malformed.headers.get('content-type')).toBe('application/problem+json');
    const text = await call(app, 'POST', '/units', { token, rawBody: 'name=x', headers: { 'content-type': 'text/plain' } });
    expect(text.status).toBe(415);
  });
});

describe('RS256 tokens from a JWKS (as Cognito issues them)', () => {
  let server: Server | undefined;
  const saved = { JWKS_URL: process.env.JWKS_URL, JWT_ISSUER: process.env.JWT_ISSUER };

  afterAll(async () => {
    process.env.JWKS_URL = saved.JWKS_URL;
    process.env.JWT_ISSUER = saved.JWT_ISSUER;
    if (saved.JWKS_URL === undefined) delete process.env.JWKS_URL;
    if (saved.JWT_ISSUER === undefined) delete process.env.JWT_ISSUER;
    resetConfig();
    await new Promise((r) => server?.close(r));
  });

  it('verifies RS256 with Cognito claims, checks the issuer, and still accepts HS256', async () => {
    const { publicKey, privateKey } = await generateKeyPair('RS256');
    const jwk = { ...(await exportJWK(publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' };
    server = createServer((_req, res) => {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ keys: [jwk] }));
    });
    await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
    const address = server.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    const issuer = 'https://cognito-idp.cn-north-1.amazonaws.com.cn/pool';
    process.env.JWKS_URL = `http://127.0.0.1:${port}/.well-known/jwks.json`;
    process.env.JWT_ISSUER = issuer;
    resetConfig();

    const cognito = (iss: string) =>
      new SignJWT({ 'cognito:groups': ['auditor'], 'custom:division': '120225', token_use: 'id' })
        .setProtectedHeader({ alg: 'RS256', kid: 'k1' })
        .setSubject('cognito-user')
        .setIssuer(iss)
        .setIssuedAt()
        .setExpirationTime('5m')
        .sign(privateKey);
    const ok = await call(app, 'GET', '/audit?division=120225', { token: await cognito(issuer) });
    expect(ok.status).toBe(200);
    const wrongIssuer = await call(app, 'GET', '/audit?division=120225', { token: await cognito('https://elsewhere') });
    expect(wrongIssuer.status).toBe(401);
    const hs = await new SignJWT({ roles: ['auditor'], division: '120225' })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('local')
      .setIssuer(issuer)
      .setExpirationTime('5m')
      .sign(new TextEncoder().encode(process.env.JWT_SECRET!));
    expect((await call(app, 'GET', '/audit?division=120225', { token: hs })).status).toBe(200);
  });
});
