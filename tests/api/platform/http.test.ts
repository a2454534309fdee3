import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serve, type ServerType } from '@hono/node-server';
import type { AddressInfo } from 'node:net';
import { buildApp } from '../../../functions/api/app.ts';
import { tokenFor } from '../../support/api.ts';

let server: ServerType;
let base: string;

beforeAll(async () => {
  await new Promise<void>((ready) => {
    server = serve({ fetch: buildApp().fetch, port: 0, hostname: '127.0.0.1' }, () => ready());
  });
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((done) => server.close(done));
});

describe('the API over real HTTP (@hono/node-server)', () => {
  it('creates and reads a village, with request ids and problem+json on the wire', async () => {
    const token = await tokenFor('admin', '120225');
    const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
    const post = (path: string, body: unknown) => fetch(`${base}${path}`, { method: 'POST', headers, body: JSON.stringify(body) });
    expect((await post('/divisions', { code: '120225', name: '蓟州区' })).status).toBe(201);
    expect((await post('/divisions', { code: '120225100', name: '渔阳镇' })).status).toBe(201);
    const created = await post('/villages', { code: '120225100201', name: '东关村', population: 1234, economicallyWeak: true, category: '强基', operatingFundsFen: 16_000_000 });
    expect(created.status).toBe(201);

    const read = await fetch(`${base}/villages/120225100201`, { headers: { authorization: `Bearer ${token}`, 'x-request-id': 'http-test-1' } });
    expect(read.status).toBe(200);
    expect(read.headers.get('x-request-id')).toBe('http-test-1');
    expect(await read.json()).toMatchObject({ name: '东关村', population: 1234, operatingFundsFen: 16_000_000 });

    const denied = await fetch(`${base}/villages/120225100201`);
    expect(denied.status).toBe(401);
    expect(denied.headers.get('content-type')).toBe('application/problem+json');
    expect(denied.headers.get('x-request-id')).toBeTruthy();
  });

  it('refuses a JSON body that is not valid UTF-8 with a 400 naming the body, and stores nothing', async () => {
    const token = await tokenFor('admin', '120225');
    const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json; charset=utf-8' };
    const json = (name: string) => new TextEncoder().encode(JSON.stringify({ code: '120225100202', name, population: 10, economicallyWeak: false, category: '强基', operatingFundsFen: 0 }));
    const withBytes = (bytes: number[]) => {
      const valid = json('XX');
      const at = valid.indexOf(0x58); // the first X of the name
      return new Uint8Array([...valid.slice(0, at), ...bytes, ...valid.slice(at + 2)]);
    };
    // A lone continuation byte, a truncated sequence, an overlong encoding, a surrogate, bytes never valid.
    for (const bad of [[0x80], [0xe4, 0xb8], [0xc0, 0xaf], [0xed, 0xa0, 0x80], [0xff, 0xfe]]) {
      const res = await fetch(`${base}/villages`, { method: 'POST', headers, body: withBytes(bad) });
      expect(res.status, bad.join(' ')).toBe(400);
      expect(res.headers.get('content-type')).toBe('application/problem+json');
      expect(((await res.json()) as { errors: unknown }).errors).toEqual([expect.objectContaining({ field: '(body)', in: 'body', message: expect.stringMatching(/UTF-8/) })]);
    }
    expect((await fetch(`${base}/villages/120225100202`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(404);
    const good = await fetch(`${base}/villages`, { method: 'POST', headers, body: json('西关村') });
    expect(good.status).toBe(201);
  });
});
