import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { extname, join, normalize, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { AddressInfo } from 'node:net';
import { chromiumMissingMessage, hasChromium, launchBrowser } from '../tests/support/browser.ts';
import { distDir, ensureConsoleBuilt } from '../local/console-build.ts';

/**
 * The console in headless Chromium: the JavaScript the first screen loads (gzip; the charts must
 * not be among it), and the time from navigation to an interactive inbox of 500 items. Baseline,
 * same run: an empty Vite + React page built into a temporary folder from a tiny inline entry,
 * measured the same way (its JS, and navigation to its first render).
 *
 * The console is served from its build with a stand-in API (a finance user's token in the tab,
 * 500 inbox items in five pages of 100, empty answers elsewhere), so the figure is the console's
 * own work (download, parse, render), not the API's.
 */

const root = resolve(import.meta.dirname, '..');
const runs = 5;
const inboxSize = 500;

const types: Record<string, string> = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.css': 'text/css', '.json': 'application/json', '.svg': 'image/svg+xml' };

/** An unsigned token whose claims the console reads (it verifies nothing; the stand-in API asks nothing). */
function fakeToken(): string {
  const part = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
  return `${part({ alg: 'none' })}.${part({ sub: 'bench-finance', roles: ['finance'], division: '120225', exp: Math.floor(Date.now() / 1000) + 3600 })}.x`;
}

function inboxItem(i: number) {
  const id = `ra-bench-${String(i).padStart(4, '0')}`;
  return {
    id: `reward.finance-approval.${id}.r1`,
    kind: 'reward.finance-approval',
    role: 'finance',
    subjectType: 'reward-application',
    subjectId: id,
    subject: `/reward/applications/${id}`,
    division: `1202251${String(i % 20).padStart(2, '0')}${String(200 + (i % 30))}`,
    summary: { entityName: `合作社${i}`, amountFen: 1_000_000 + i * 137, programId: 'rp-bench', village: '120225104201' },
    actionable: true,
    partials: [],
    escalations: [],
    createdAt: new Date(Date.UTC(2026, 10, 1) + i * 60_000).toISOString(),
    deadline: new Date(Date.UTC(2026, 11, 20)).toISOString(),
    version: 1,
  };
}

function standInApi(req: IncomingMessage, res: ServerResponse, url: URL): void {
  const json = (body: unknown) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  };
  if (url.pathname === '/config.json') return json({ apiUrl: '', auth: { kind: 'local' } });
  if (url.pathname === '/inbox') {
    const from = Number(url.searchParams.get('cursor') ?? '0');
    const items = Array.from({ length: Math.min(100, inboxSize - from) }, (_, k) => inboxItem(from + k));
    const next = from + items.length;
    return json({ items, toDo: items.length, ...(next < inboxSize ? { nextCursor: String(next) } : {}) });
  }
  if (req.method === 'GET') return json({ items: [], unread: 0, toDo: 0 });
  res.writeHead(404, { 'content-type': 'application/json' });
  res.end('{}');
}

/** Serves `dir` under `base` (index.html for any path below it) and the stand-in API elsewhere. */
async function serve(dir: string, base: string): Promise<{ server: Server; origin: string }> {
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (!url.pathname.startsWith(base)) return standInApi(req, res, url);
    const rel = normalize(decodeURIComponent(url.pathname.slice(base.length)) || 'index.html');
    let file = join(dir, rel);
    let body: Buffer;
    try {
      body = readFileSync(file);
    } catch {
      file = join(dir, 'index.html');
      body = readFileSync(file);
    }
    res.writeHead(200, { 'content-type': types[extname(file)] ?? 'application/octet-stream', 'cache-control': 'no-store' });
    res.end(body);
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  return { server, origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

/** The empty page: React rendering one heading, built with Vite and the React plugin as the console is. */
async function buildBaseline(): Promise<string> {
  // Inside node_modules so that its imports of react resolve to the project's copy.
  const cacheDir = join(root, 'node_modules', '.cache');
  mkdirSync(cacheDir, { recursive: true });
  const dir = mkdtempSync(join(cacheDir, 'bench-empty-react-'));
  writeFileSync(join(dir, 'index.html'), '<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>空白页</title></head><body><div id="root"></div><script type="module" src="./main.tsx"></script></body></html>');
  writeFileSync(join(dir, 'main.tsx'), "import { createRoot } from 'react-dom/client';\ncreateRoot(document.getElementById('root')!).render(<h1>空白页</h1>);\n");
  const { build } = await import('vite');
  const react = (await import('@vitejs/plugin-react')).default;
  await build({ root: dir, base: '/empty/', configFile: false, logLevel: 'warn', plugins: [react()], build: { outDir: join(dir, 'dist'), emptyOutDir: true } });
  return dir;
}

interface Measured {
  readonly jsFiles: string[];
  readonly jsGzipBytes: number;
  readonly medianMs: number;
  readonly allMs: number[];
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;

/**
 * Loads `url` `runs` times in a fresh tab with an empty cache, timing navigation until `ready`
 * resolves, and records the scripts the first load fetched (gzip of each file from `dir`).
 */
async function measure(url: string, dir: string, base: string, ready: (page: import('playwright-core').Page) => Promise<void>, token?: string): Promise<Measured> {
  const browser = await launchBrowser();
  try {
    if (token) await browser.context.addInitScript({ content: `sessionStorage.setItem('village-flow.token', ${JSON.stringify(token)});` });
    const allMs: number[] = [];
    let jsFiles: string[] = [];
    for (let i = 0; i < runs; i++) {
      const page = await browser.context.newPage();
      const cdp = await browser.context.newCDPSession(page);
      await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
      const scripts: string[] = [];
      page.on('request', (r) => {
        if (r.resourceType() === 'script') scripts.push(new URL(r.url()).pathname);
      });
      const t0 = performance.now();
      await page.goto(url);
      await ready(page);
      allMs.push(performance.now() - t0);
      if (i === 0) {
        await page.waitForLoadState('networkidle');
        jsFiles = [...new Set(scripts)];
      }
      await page.close();
    }
    const jsGzipBytes = jsFiles.reduce((sum, p) => sum + gzipSync(readFileSync(join(dir, p.slice(base.length)))).length, 0);
    return { jsFiles, jsGzipBytes, medianMs: median(allMs), allMs };
  } finally {
    await browser.close();
  }
}

const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;
const ms = (m: number) => `${m.toFixed(0)} ms`;

export default async function (): Promise<void> {
  if (!hasChromium) {
    console.log(chromiumMissingMessage);
    return;
  }
  await ensureConsoleBuilt();
  const baselineDir = await buildBaseline();
  const consoleSite = await serve(distDir, '/console/');
  const emptySite = await serve(join(baselineDir, 'dist'), '/empty/');
  try {
    const empty = await measure(`${emptySite.origin}/empty/`, join(baselineDir, 'dist'), '/empty/', (p) => p.getByRole('heading', { name: '空白页' }).waitFor());
    const token = fakeToken();
    const home = await measure(`${consoleSite.origin}/console/#/home`, distDir, '/console/', (p) => p.getByRole('heading', { name: '首页' }).waitFor(), token);
    // Interactive: the 500 items counted, and the bulk selection enabled (the table's rows rendered).
    const inbox = await measure(
      `${consoleSite.origin}/console/#/inbox`,
      distDir,
      '/console/',
      async (p) => {
        await p.getByText(`共 ${inboxSize} 项（可处理 ${inboxSize} 项）`).waitFor();
        await p.getByRole('button', { name: `选择本页全部可批量处理的 ${inboxSize} 项` }).click();
        await p.getByText(`已选择 ${inboxSize} 项`).waitFor();
      },
      token,
    );
    const charts = home.jsFiles.filter((f) => /echarts/i.test(f));
    console.log(`empty Vite + React page: JS ${kb(empty.jsGzipBytes)} gzip in ${empty.jsFiles.length} file(s); navigation → first render ${ms(empty.medianMs)} (median of ${runs}: ${empty.allMs.map(ms).join(', ')})`);
    console.log(`console, first screen (home): JS ${kb(home.jsGzipBytes)} gzip in ${home.jsFiles.length} files (target ≤ 350 KB; ${(home.jsGzipBytes / empty.jsGzipBytes).toFixed(1)}× the empty page); charts loaded: ${charts.length ? charts.join(', ') : 'none'}; navigation → home ${ms(home.medianMs)}`);
    console.log(`console, inbox of ${inboxSize} items: navigation → interactive (all counted, all selected) ${ms(inbox.medianMs)} (median of ${runs}: ${inbox.allMs.map(ms).join(', ')}; target < 1000 ms; ${(inbox.medianMs / empty.medianMs).toFixed(1)}× the empty page); JS ${kb(inbox.jsGzipBytes)} gzip`);
  } finally {
    consoleSite.server.close();
    emptySite.server.close();
    rmSync(baselineDir, { recursive: true, force: true });
  }
}
