import { Hono, type Context } from 'hono';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { AppEnv } from '../platform/http/context.ts';

/**
 * The API docs page (Swagger UI) with everything it loads served by the API itself, from the
 * `swagger-ui-dist` package: no CDN, so `/docs` works on a machine without internet.
 *
 * The files are read on the first request for them, not when the module loads, and kept in memory
 * (with a gzip copy). Node resolves them from `node_modules/swagger-ui-dist` here: locally the
 * project's own, on Lambda the copy the bundling step puts beside the bundle (see `runtimeFiles`
 * in infra/bundling.ts and {@link docsRuntimeFiles}), so the API bundle itself stays small.
 */

/** The package holding Swagger UI's files. */
const uiPackage = 'swagger-ui-dist';

/** The files the page loads, with the content type each is served as. */
const assets = {
  'swagger-ui-bundle.js': 'text/javascript; charset=utf-8',
  'swagger-ui.css': 'text/css; charset=utf-8',
  'favicon-32x32.png': 'image/png',
} as const satisfies Record<string, string>;
type AssetName = keyof typeof assets;

/** What the Lambda bundle must carry beside itself for the docs: the assets, the package manifest Node resolves through, and the licence. */
export const docsRuntimeFiles: Readonly<Record<string, readonly string[]>> = {
  [uiPackage]: ['package.json', 'LICENSE', 'NOTICE', ...Object.keys(assets)],
};

/** Every path the docs answer on; all public (no token), like /openapi.json. */
export const docsPaths: readonly string[] = ['/docs', ...Object.keys(assets).map((name) => `/docs/${name}`)];

interface LoadedAsset {
  readonly body: Uint8Array<ArrayBuffer>;
  readonly gzipped: Uint8Array<ArrayBuffer>;
  /** Short content hash: the `v` of the page's links and the ETag. */
  readonly hash: string;
}

const loaded = new Map<AssetName, LoadedAsset>();
const resolveFrom = createRequire(import.meta.url);

function packageDir(): string {
  try {
    return dirname(resolveFrom.resolve(`${uiPackage}/package.json`));
  } catch (err) {
    throw new Error(`The API docs need the ${uiPackage} package's files (node_modules/${uiPackage}), and they were not found`, { cause: err });
  }
}

/** Source map comments point at files not served; they only cause 404s in a browser's developer tools. */
const sourceMapComment = /\n?\/[/*]# sourceMappingURL=[^\n]*$/;

function asset(name: AssetName): LoadedAsset {
  let found = loaded.get(name);
  if (!found) {
    let body: Uint8Array<ArrayBuffer> = new Uint8Array(readFileSync(join(packageDir(), name)));
    if (assets[name].startsWith('text/')) body = new TextEncoder().encode(new TextDecoder().decode(body).replace(sourceMapComment, ''));
    found = { body, gzipped: new Uint8Array(gzipSync(body)), hash: createHash('sha256').update(body).digest('hex').slice(0, 16) };
    loaded.set(name, found);
  }
  return found;
}

/** The page. Links are relative ("docs/…" from "/docs"), so it also works behind a path prefix. */
function page(): string {
  const href = (name: AssetName) => `docs/${name}?v=${asset(name).hash}`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>village-flow API</title>
<link rel="icon" type="image/png" href="${href('favicon-32x32.png')}">
<link rel="stylesheet" href="${href('swagger-ui.css')}">
</head>
<body>
<div id="swagger-ui"></div>
<script src="${href('swagger-ui-bundle.js')}"></script>
<script>
window.ui = SwaggerUIBundle({ url: 'openapi.json', dom_id: '#swagger-ui', validatorUrl: 'none' });
</script>
</body>
</html>
`;
}

function serveAsset(c: Context<AppEnv>, name: AssetName): Response {
  const { body, gzipped, hash } = asset(name);
  const etag = `"${hash}"`;
  const headers: Record<string, string> = {
    'content-type': assets[name],
    etag,
    vary: 'accept-encoding',
    // The page links each file with its hash, so a linked URL never changes content; other URLs revalidate.
    'cache-control': c.req.query('v') === hash ? 'public, max-age=31536000, immutable' : 'public, no-cache',
    'x-content-type-options': 'nosniff',
  };
  if (c.req.header('if-none-match')?.split(',').some((t) => t.trim().replace(/^W\//, '') === etag)) return c.body(null, 304, headers);
  if (/\bgzip\b/.test(c.req.header('accept-encoding') ?? '')) return c.body(gzipped, 200, { ...headers, 'content-encoding': 'gzip' });
  return c.body(body, 200, headers);
}

/** The docs routes, mounted at the root of the API. */
export const docs = new Hono<AppEnv>();
docs.get('/docs', (c) => {
  c.header('cache-control', 'no-cache');
  return c.html(page());
});
for (const name of Object.keys(assets) as AssetName[]) docs.get(`/docs/${name}`, (c) => serveAsset(c, name));
