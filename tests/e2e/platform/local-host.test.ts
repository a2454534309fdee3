import { afterAll, describe, expect, it } from 'vitest';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { join, resolve } from 'node:path';
import { createServer } from 'node:net';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { DescribeExecutionCommand, GetExecutionHistoryCommand, SFNClient } from '@aws-sdk/client-sfn';
import { DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
import { cleanUpLocalHosts, exitCode, freePorts, spawnLocalHost, startLocalHost, tmpDataDir, type LocalHost, type LocalHostPorts } from '../../support/local-host.ts';
import { parseVillageCsv, toVillageCsv } from '../../../functions/platform/registries/domain/village-csv.ts';
import type { Village } from '../../../functions/platform/registries/domain/village.ts';
import { demoTownships, demoVillages } from '../../../local/demo-data.ts';
import { waitUntil } from '../../support/wait.ts';

const root = resolve(import.meta.dirname, '../../..');

type Host = LocalHost & { readonly adminToken: string };

async function startHost(p: LocalHostPorts, extra: string[]): Promise<Host> {
  const host = await startLocalHost(p, extra);
  return { ...host, adminToken: host.token('admin') };
}

async function api(host: Host, method: string, path: string, body?: string, headers: Record<string, string> = {}) {
  const res = await fetch(`${host.api}${path}`, {
    method,
    headers: { authorization: `Bearer ${host.adminToken}`, ...(body !== undefined ? { 'content-type': 'text/csv' } : {}), ...headers },
    ...(body !== undefined ? { body } : {}),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

/**
 * Run the `npm run token` command the banner offers ("new ones: …") the way a user pastes it into a
 * shell in the project folder, and return the token it prints.
 */
async function tokenFromBannerCommand(host: Host): Promise<{ command: string; token: string }> {
  const command = /\(new ones: (npm run token -- .+)\):$/m.exec(host.output())?.[1];
  if (!command) throw new Error(`no token command in the banner:\n${host.output()}`);
  const { stdout } = await promisify(execFile)('sh', ['-c', command], { cwd: root });
  const token = stdout.trim().split('\n').at(-1)!.trim();
  expect(token).toMatch(/^eyJ[\w-]+\.[\w-]+\.[\w-]+$/);
  return { command, token };
}

async function waitForImport(host: Host, id: string): Promise<Record<string, unknown>> {
  const { body } = await waitUntil(
    async () => {
      const { status, body } = await api(host, 'GET', `/imports/${id}`);
      expect(status).toBe(200);
      return { done: ['succeeded', 'rejected', 'failed'].includes(String(body.status)), seen: `import ${id} is ${String(body.status)}`, body };
    },
    { what: 'succeeded, rejected or failed', timeoutMs: 120_000, intervalMs: 250 },
  );
  return body;
}

const demoCsv = readFileSync(join(root, 'local/demo/villages.csv'), 'utf8');

/** `count` villages in the demo townships with codes neither the demo data nor the demo CSV use. */
function bigImport(count: number): Village[] {
  const out: Village[] = [];
  const used = new Set([...demoVillages.map((v) => v.code), ...parseVillageCsv(demoCsv).rows.map((r) => r.village.code)]);
  for (let n = 100; n <= 999 && out.length < count; n++) {
    for (const t of demoTownships) {
      const code = `${t.code}${n}`;
      if (used.has(code) || out.length >= count) continue;
      out.push({ code, name: `${t.name}第${n}村`, population: 300 + ((n * 7) % 2700), economicallyWeak: n % 9 === 0, category: '创优', operatingFundsFen: 15_000_000 + n * 100 });
    }
  }
  if (out.length < count) throw new Error('not enough free codes');
  return out;
}

async function countItems(host: Host, prefix: string): Promise<number> {
  const client = new DynamoDBClient({ endpoint: host.dynamodbEndpoint, region: 'cn-north-1', credentials: { accessKeyId: 'l', secretAccessKey: 'l' } });
  let total = 0;
  let start: Record<string, never> | undefined;
  do {
    const out = await client.send(
      new ScanCommand({
        TableName: 'village-flow',
        Select: 'COUNT',
        FilterExpression: 'begins_with(pk, :p)',
        ExpressionAttributeValues: { ':p': { S: prefix } },
        ExclusiveStartKey: start,
      }),
    );
    total += out.Count ?? 0;
    start = out.LastEvaluatedKey as typeof start;
  } while (start);
  client.destroy();
  return total;
}

afterAll(cleanUpLocalHosts);

/**
 * POST 2 MiB (over the 1 MiB limits) to `url` and resolve with the status, even when the server
 * answers before reading it all and the rest of the upload then fails (fetch would report an error).
 * Kept small: the API's server (@hono/node-server) discards a refused body for at most 500 ms and then
 * closes the connection, which on a busy machine could cut a larger upload before its answer is read.
 */
function oversizedPost(url: string, headers: Record<string, string>): Promise<number> {
  return new Promise((done, fail) => {
    const body = Buffer.alloc(2 * 1024 * 1024, 'a');
    const req = httpRequest(url, { method: 'POST', agent: false, headers: { ...headers, 'content-length': String(body.length) } });
    // The server may close the connection after answering, while the upload is still being written.
    req.on('socket', (socket) => socket.on('error', () => undefined));
    let status: number | undefined;
    req.on('response', (res) => {
      status = res.statusCode;
      res.resume();
      res.on('end', () => done(status!));
      res.on('error', () => done(status!));
    });
    req.on('error', (err) => (status === undefined ? fail(err) : done(status)));
    req.end(body);
  });
}

describe('the local host (npm start) as a child process', () => {
  it('imports over HTTP, survives SIGKILL mid-workflow, finishes with exact counts, keeps data without re-seeding', async () => {
    const dataDir = tmpDataDir();
    const p = await freePorts();
    const first = await startHost(p, ['--data-dir', dataDir]);
    expect(first.output()).toMatch(/demo data seeded/);
    expect(first.output()).toContain(`http://127.0.0.1:${p.sfnPort}`);
    expect(await fetch(`${first.api}/health`).then((r) => r.json())).toEqual({ status: 'ok' });
    expect(first.output()).not.toMatch(/WARNING/);
    // One oversized request to each endpoint is refused and the host stays up (review finding B).
    expect(await oversizedPost(first.sfnEndpoint, { 'x-amz-target': 'AWSStepFunctions.StartExecution', 'content-type': 'application/x-amz-json-1.0' })).toBe(413);
    expect(await oversizedPost(`${first.api}/imports/villages`, { 'content-type': 'application/json' })).toBe(413);
    expect(await fetch(`${first.api}/health`).then((r) => r.status)).toBe(200);

    const small = await api(first, 'POST', '/imports/villages', demoCsv);
    expect(small.status).toBe(202);
    const smallDone = await waitForImport(first, String(small.body.id));
    expect(smallDone).toMatchObject({ status: 'succeeded', counts: { created: 8, updated: 0, unchanged: 0 } });

    const villages = bigImport(5_000);
    const big = await api(first, 'POST', '/imports/villages', toVillageCsv(villages));
    expect(big.status).toBe(202);
    const executionArn = String(big.body.executionArn);
    const sfn = new SFNClient({ endpoint: first.sfnEndpoint, region: 'cn-north-1', credentials: { accessKeyId: 'l', secretAccessKey: 'l' } });
    // Kill once some pages are written but not all: the execution is RUNNING in the middle of its Map.
    await waitUntil(
      async () => {
        const d = await sfn.send(new DescribeExecutionCommand({ executionArn }));
        expect(d.status).toBe('RUNNING');
        const h = await sfn.send(new GetExecutionHistoryCommand({ executionArn, maxResults: 1000 }));
        const succeeded = (h.events ?? []).filter((e) => e.type === 'TaskSucceeded').length;
        return { done: succeeded >= 2, seen: `the import's execution is RUNNING with ${succeeded} TaskSucceeded events` };
      },
      { what: '2 TaskSucceeded events', timeoutMs: 60_000, intervalMs: 50 },
    );
    sfn.destroy();
    first.child.kill('SIGKILL');
    await exitCode(first);

    // Fresh ports: the data folder is what must carry over, and a port the killed host held may have
    // been taken meanwhile by another test's server.
    const second = await startHost(await freePorts(), ['--data-dir', dataDir]);
    expect(second.output()).not.toMatch(/demo data seeded/);
    // The token command of the banner names this data folder, and its token is accepted.
    const made = await tokenFromBannerCommand(second);
    expect(made.command).toContain(`--data-dir ${dataDir}`);
    expect((await fetch(`${second.api}/villages?division=120225104`, { headers: { authorization: `Bearer ${made.token}` } })).status).toBe(200);
    const bigDone = await waitForImport(second, String(big.body.id));
    expect(bigDone).toMatchObject({ status: 'succeeded', rowCount: 5_000, counts: { created: 5_000, updated: 0, unchanged: 0 } });

    const expected = demoVillages.length + 8 + 5_000;
    expect(await countItems(second, 'VILLAGE#')).toBe(expected);
    expect(await countItems(second, 'AUDIT#village#')).toBe(expected);
    const execution = await api(second, 'GET', `/workflows/executions/${encodeURIComponent(executionArn)}`);
    expect(execution.body).toMatchObject({ status: 'SUCCEEDED' });

    second.child.kill('SIGTERM');
    expect(await exitCode(second)).toBe(0);
    expect(existsSync(join(dataDir, 'dynamodb.pid'))).toBe(false);
    // Secrets, journal and DynamoDB Local's database are the owner's only (review finding A).
    const loose: string[] = [];
    const walk = (path: string) => {
      const st = statSync(path);
      if ((st.mode & 0o077) !== 0) loose.push(`${path} ${(st.mode & 0o777).toString(8)}`);
      if (st.isDirectory()) for (const e of readdirSync(path)) walk(join(path, e));
    };
    walk(dataDir);
    expect(loose).toEqual([]);
  });

  it('--memory comes up, serves the demo data, accepts the tokens the banner says how to make, writes nothing to disk, and stops on SIGTERM', async () => {
    const dataDir = join(tmpDataDir(), 'never');
    const host = await startHost(await freePorts(), ['--memory', '--data-dir', dataDir, '--host', '0.0.0.0']);
    expect(host.output()).toMatch(/in memory/);
    // Listening beyond loopback is allowed, but never silently.
    expect(host.output()).toMatch(/WARNING: the API listens on 0\.0\.0\.0, so other machines can reach it/);
    const village = await fetch(`${host.api}/villages/${demoVillages[0]!.code}`, { headers: { authorization: `Bearer ${host.adminToken}` } });
    expect(village.status).toBe(200);
    expect(await village.json()).toMatchObject({ code: demoVillages[0]!.code, name: demoVillages[0]!.name });

    // No secret file to share: the command hands npm run token this run's own secret.
    const made = await tokenFromBannerCommand(host);
    expect(made.command).toMatch(/ --secret [\w-]{32,}$/);
    const asFinance = await fetch(`${host.api}/villages?division=120225104`, { headers: { authorization: `Bearer ${made.token}` } });
    expect(asFinance.status).toBe(200);
    const forged = await fetch(`${host.api}/villages?division=120225104`, { headers: { authorization: `Bearer ${made.token.slice(0, -4)}AAAA` } });
    expect(forged.status).toBe(401);
    host.child.kill('SIGTERM');
    expect(await exitCode(host)).toBe(0);
    expect(existsSync(dataDir)).toBe(false);
  });

  it('names the flag to change when a port is taken', async () => {
    const blocker = createServer();
    const taken = await new Promise<number>((done) => blocker.listen(0, '127.0.0.1', () => done((blocker.address() as { port: number }).port)));
    const p = { ...(await freePorts()), sfnPort: taken };
    const host = spawnLocalHost(p, ['--memory']);
    const code = await exitCode(host);
    const out = host.output();
    blocker.close();
    expect(code).toBe(1);
    expect(out).toContain(`Port ${taken} is already in use`);
    expect(out).toContain('--sfn-port');
  });
});
