import { fork, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon, { type Result } from 'autocannon';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { startDynamoDbLocal } from '../local/dynamodb.ts';
import { ensureTable } from '../local/table.ts';
import { signToken } from '../local/jwt.ts';
import { resetClients } from '../functions/shared/clients.ts';
import { resetConfig } from '../functions/shared/config.ts';
import { createDivision } from '../functions/platform/registries/store/division.ts';
import { createVillage } from '../functions/platform/registries/store/village.ts';
import { freePort } from '../local/ports.ts';
import { benchEnv, benchRegion } from './support.ts';

// Requests/s and p50/p99 latency of an authenticated GET /villages/{code} at 32 connections
// (autocannon), through @hono/node-server on an in-memory DynamoDB Local, against a bare Hono
// route doing the same GetItem with no auth, validation or logging. Targets: ratio ≥ 0.5, p99 < 50 ms.
// The real API logs its access line at INFO to stdout (discarded), as it would in Lambda.
const here = dirname(fileURLToPath(import.meta.url));
const CONNECTIONS = 32;
const DURATION_S = Number(process.env.API_BENCH_SECONDS ?? 8);
const ROUNDS = Number(process.env.API_BENCH_ROUNDS ?? 3);
const WARMUP_S = Number(process.env.API_BENCH_WARMUP_SECONDS ?? 8);
const LOG_LEVEL = process.env.API_BENCH_LOG_LEVEL ?? 'INFO';

async function startServer(mode: 'app' | 'bare', env: NodeJS.ProcessEnv): Promise<{ url: string; child: ChildProcess }> {
  const child = fork(join(here, 'api-server.ts'), [mode], { execArgv: ['--import', 'tsx'], env, stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
  const port = await new Promise<number>((resolve, reject) => {
    child.once('message', (m) => resolve((m as { port: number }).port));
    child.once('exit', (code) => reject(new Error(`${mode} server exited with ${code}`)));
  });
  return { url: `http://127.0.0.1:${port}`, child };
}

const run = (url: string, headers: Record<string, string>, duration: number) => autocannon({ url, connections: CONNECTIONS, duration, headers });

/** Mean over rounds of requests/s, p50 and p99 (rounds alternate between the two servers). */
function combine(results: Result[]): Result {
  const mean = (f: (r: Result) => number) => results.reduce((a, r) => a + f(r), 0) / results.length;
  const first = results[0]!;
  return {
    ...first,
    requests: { ...first.requests, average: mean((r) => r.requests.average), total: mean((r) => r.requests.total) },
    latency: { ...first.latency, p50: mean((r) => r.latency.p50), p99: mean((r) => r.latency.p99) },
    non2xx: results.reduce((a, r) => a + r.non2xx, 0),
    errors: results.reduce((a, r) => a + r.errors, 0),
  };
}

const row = (name: string, r: Result) =>
  `${name.padEnd(28)} ${r.requests.average.toFixed(0).padStart(7)} req/s   p50 ${r.latency.p50.toFixed(1).padStart(5)} ms   p99 ${r.latency.p99.toFixed(1).padStart(5)} ms   non-2xx ${r.non2xx}  errors ${r.errors}`;

export default async function (): Promise<void> {
  const dynamo = await startDynamoDbLocal({ port: await freePort() });
  const secret = randomBytes(48).toString('base64url');
  const env: NodeJS.ProcessEnv = { ...process.env, ...benchEnv(`bench-api-${randomBytes(4).toString('hex')}`, dynamo.endpoint), JWT_SECRET: secret, LOG_LEVEL };
  Object.assign(process.env, env);
  resetConfig();
  resetClients();
  const servers: ChildProcess[] = [];
  try {
    const client = new DynamoDBClient({ endpoint: dynamo.endpoint, region: benchRegion, credentials: { accessKeyId: 'l', secretAccessKey: 'l' } });
    await ensureTable(client, env.TABLE_NAME!);
    client.destroy();
    const actor = { sub: 'bench', roles: ['admin' as const], division: '120225' };
    await createDivision({ code: '120225', name: '蓟州区' }, actor);
    await createDivision({ code: '120225100', name: '渔阳镇' }, actor);
    await createVillage({ code: '120225100201', name: '东关村', population: 1320, economicallyWeak: true, category: '强基', operatingFundsFen: 16_000_000 }, actor);

    const token = await signToken({ sub: 'bench-finance', roles: ['finance'], division: '120225' }, secret);
    const bare = await startServer('bare', env);
    servers.push(bare.child);
    const app = await startServer('app', env);
    servers.push(app.child);

    const path = '/villages/120225100201';
    const bareTarget = [`${bare.url}${path}`, {}] as const;
    const apiTarget = [`${app.url}${path}`, { authorization: `Bearer ${token}` }] as const;
    // Warm-up (DynamoDB Local's JIT above all, then both servers), then alternate rounds so that
    // drift in the machine's load affects both sides alike.
    await run(...bareTarget, WARMUP_S);
    await run(...apiTarget, WARMUP_S);
    const baselineRounds: Result[] = [];
    const apiRounds: Result[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      baselineRounds.push(await run(...bareTarget, DURATION_S));
      apiRounds.push(await run(...apiTarget, DURATION_S));
    }
    const baseline = combine(baselineRounds);
    const api = combine(apiRounds);
    console.log(`GET ${path}, ${CONNECTIONS} connections, ${ROUNDS} alternating rounds of ${DURATION_S} s, DynamoDB Local in memory, API log level ${LOG_LEVEL}`);
    console.log(row('bare Hono + GetItem (base)', baseline));
    console.log(row('API (auth, zod, logs, authz)', api));
    const ratio = api.requests.average / baseline.requests.average;
    console.log(`ratio API/baseline: ${ratio.toFixed(2)} (target ≥ 0.5)   API p99 ${api.latency.p99.toFixed(1)} ms (target < 50 ms)`);
    if (api.non2xx > 0 || baseline.non2xx > 0) console.log('WARNING: non-2xx answers during the run; the figures are not valid');
  } finally {
    for (const child of servers) child.disconnect();
    resetClients();
    await dynamo.stop();
  }
}
