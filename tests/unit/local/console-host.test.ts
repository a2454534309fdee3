import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jwtVerify } from 'jose';
import { consoleHostRoutes, demoUsers, signInTtlSeconds } from '../../../local/console-host.ts';

const secret = 'x'.repeat(48);
let dist: string;

beforeAll(() => {
  dist = mkdtempSync(join(tmpdir(), 'console-dist-'));
  mkdirSync(join(dist, 'assets'));
  writeFileSync(join(dist, 'index.html'), '<!doctype html><div id="root"></div>');
  writeFileSync(join(dist, 'assets', 'index-abc.js'), 'console.log(1)');
});
afterAll(() => rmSync(dist, { recursive: true, force: true }));

const host = () => consoleHostRoutes({ secret, distDir: dist });

describe('the local host around the console', () => {
  it('answers the runtime configuration of the local host', async () => {
    const res = await host().request('/config.json');
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ apiUrl: '', auth: { kind: 'local' } });
  });

  it('lists every demo user with role, jurisdiction name and position', async () => {
    const res = await host().request('/local/demo-users');
    const { items } = (await res.json()) as { items: ReturnType<typeof demoUsers> };
    expect(items.map((u) => u.id)).toEqual(expect.arrayContaining(['admin', 'finance', 'township', 'village', 'unit', 'auditor', 'v-handler', 'v-bookkeeper', 'v-head', 'v-supervisor', 'finance2']));
    expect(items.find((u) => u.id === 'township')).toMatchObject({ roles: ['township'], division: '120225104', jurisdiction: '下营镇' });
    expect(items.find((u) => u.id === 'v-bookkeeper')).toMatchObject({ position: 'bookkeeper', jurisdiction: '下营镇常州村' });
    expect(items.find((u) => u.id === 'unit')?.unitName).toBe('天津港（集团）有限公司');
  });

  it('signs in a demo user with a short-lived HS256 token of the host secret carrying their claims', async () => {
    const res = await host().request('/local/sign-in', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ user: 'v-head' }) });
    expect(res.status).toBe(200);
    const { token } = (await res.json()) as { token: string };
    const { payload, protectedHeader } = await jwtVerify(token, new TextEncoder().encode(secret), { algorithms: ['HS256'] });
    expect(protectedHeader.alg).toBe('HS256');
    expect(payload).toMatchObject({ sub: 'demo-village-head', roles: ['village'], division: '120225104201', position: 'head' });
    expect(payload.exp! - payload.iat!).toBe(signInTtlSeconds);
  });

  it('refuses an unknown user or a bad body with a 400 naming the field', async () => {
    for (const body of [JSON.stringify({ user: 'nobody' }), JSON.stringify({}), 'not json', JSON.stringify({ user: 'admin', roles: ['admin'] })]) {
      const res = await host().request('/local/sign-in', { method: 'POST', headers: { 'content-type': 'application/json' }, body });
      expect(res.status).toBe(400);
      expect(await res.json()).toMatchObject({ errors: [{ field: 'user', in: 'body' }] });
    }
  });

  it('serves the build under /console/, index.html for screens, 404 for a missing asset, and never a file outside dist', async () => {
    const app = host();
    expect((await app.request('/')).headers.get('location')).toBe('/console/');
    const index = await app.request('/console/');
    expect(index.status).toBe(200);
    expect(index.headers.get('content-type')).toContain('text/html');
    const asset = await app.request('/console/assets/index-abc.js');
    expect(asset.status).toBe(200);
    expect(asset.headers.get('cache-control')).toContain('immutable');
    expect((await app.request('/console/inbox')).status).toBe(200);
    expect((await app.request('/console/assets/missing.js')).status).toBe(404);
    const escape = await app.request('/console/..%2f..%2fpackage.json');
    expect(await escape.text()).not.toContain('"name"');
  });

  it('says the console is not built rather than failing when dist is missing', async () => {
    const res = await consoleHostRoutes({ secret, distDir: join(dist, 'nope') }).request('/console/');
    expect(res.status).toBe(503);
  });
});
