import { describe, expect, it } from 'vitest';
import { gunzipSync } from 'node:zlib';
import { buildApp } from '../../../functions/api/app.ts';

// The docs page must work without internet: everything it loads comes from the API itself.
const app = buildApp();
const origin = 'http://api.test';
const page = new URL('/docs', origin);

const expectedType: Readonly<Record<string, RegExp>> = {
  '.js': /^text\/javascript; charset=utf-8$/,
  '.css': /^text\/css; charset=utf-8$/,
  '.png': /^image\/png$/,
  '.json': /^application\/json/,
};

/** Every URL the page's HTML names: src and href attributes, and the spec URL handed to Swagger UI. */
function referencesOf(html: string): string[] {
  const attributes = [...html.matchAll(/\b(?:src|href)\s*=\s*["']([^"']*)["']/gi)].map((m) => m[1]!);
  const specUrls = [...html.matchAll(/\burls?\s*:\s*["']([^"']*)["']/g)].map((m) => m[1]!);
  return [...attributes, ...specUrls];
}

/** Every url(…) of a stylesheet that is not inline data. */
function stylesheetReferences(css: string): string[] {
  return [...css.matchAll(/url\(\s*(["']?)(.*?)\1\s*\)/g)].map((m) => m[2]!).filter((u) => !u.startsWith('data:'));
}

function sameOrigin(ref: string): URL {
  expect(ref, `${ref} names a scheme or another host`).not.toMatch(/^(?:[a-z][a-z0-9+.-]*:|\/\/)/i);
  const url = new URL(ref, page);
  expect(url.origin).toBe(origin);
  return url;
}

const get = (url: URL, headers: Record<string, string> = {}) => app.request(`${url.pathname}${url.search}`, { headers });

describe('API docs (/docs), served without internet and without a token', () => {
  it('loads only files the API serves itself, each with its content type', async () => {
    const res = await get(page);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    const html = await res.text();
    expect(html).not.toMatch(/cdn|https?:\/\//i);

    const refs = referencesOf(html);
    const urls = refs.map(sameOrigin);
    const paths = urls.map((u) => u.pathname);
    expect(paths).toEqual(expect.arrayContaining(['/docs/swagger-ui-bundle.js', '/docs/swagger-ui.css', '/openapi.json']));

    for (const url of urls) {
      const asset = await get(url);
      expect(asset.status, url.pathname).toBe(200);
      const ext = /\.[a-z]+$/.exec(url.pathname)?.[0] ?? '';
      expect(asset.headers.get('content-type'), url.pathname).toMatch(expectedType[ext] ?? /^$/);
      const body = await asset.text();
      expect(body.length, url.pathname).toBeGreaterThan(0);
      if (ext === '.css') for (const ref of stylesheetReferences(body)) sameOrigin(ref);
      if (ext === '.js') expect(body).toContain('SwaggerUIBundle');
    }
  });

  it('lets browsers cache the linked files for good, revalidate others, and fetch them gzipped', async () => {
    const html = await (await get(page)).text();
    expect((await get(page)).headers.get('cache-control')).toBe('no-cache');
    const linked = referencesOf(html).map(sameOrigin).find((u) => u.pathname === '/docs/swagger-ui.css')!;
    expect(linked.searchParams.get('v')).toMatch(/^[0-9a-f]{16}$/);

    const first = await get(linked);
    expect(first.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    const etag = first.headers.get('etag')!;
    expect(etag).toBe(`"${linked.searchParams.get('v')}"`);
    const plain = await first.text();

    const unversioned = await get(new URL(linked.pathname, origin));
    expect(unversioned.headers.get('cache-control')).toBe('public, no-cache');
    const revalidated = await get(new URL(linked.pathname, origin), { 'if-none-match': etag });
    expect(revalidated.status).toBe(304);

    const zipped = await get(linked, { 'accept-encoding': 'gzip, deflate, br' });
    expect(zipped.headers.get('content-encoding')).toBe('gzip');
    expect(zipped.headers.get('vary')).toMatch(/accept-encoding/i);
    const bytes = Buffer.from(await zipped.arrayBuffer());
    expect(bytes.length).toBeLessThan(plain.length / 3);
    expect(gunzipSync(bytes).toString('utf8')).toBe(plain);
  });

  it('answers other paths under /docs like any unknown path: 401 without a token', async () => {
    const res = await app.request('/docs/index.html');
    expect(res.status).toBe(401);
  });
});
