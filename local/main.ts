import './polyfills.ts';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { restrictToOwner, startDynamoDbLocal, type RunningDynamoDbLocal } from './dynamodb.ts';

/**
 * `npm start`: the whole product on one machine. DynamoDB Local (persisted under the data folder
 * unless --memory), the Step Functions-compatible endpoint running the registered workflows with
 * their handlers in-process, the API on @hono/node-server, and the mail sender (the notifications
 * outbox as .eml files under <data folder>/mail), and the web console under /console/ (built first when
 * missing or stale). Demo data on the first start.
 *
 * Flags win over environment variables, which win over defaults:
 *   --data-dir <dir>     DATA_DIR        .data
 *   --memory             MEMORY=1        (throw-away run: nothing written to disk)
 *   --port <n>           PORT            3000   the API
 *   --sfn-port <n>       SFN_PORT        8083   the Step Functions endpoint
 *   --dynamodb-port <n>  DYNAMODB_PORT   8000   DynamoDB Local
 *   --host <addr>        HOST            127.0.0.1
 *   --skip-console-build SKIP_CONSOLE_BUILD=1   (serve console/dist as it is, even stale or missing)
 */
interface Options {
  readonly dataDir: string;
  readonly memory: boolean;
  readonly port: number;
  readonly sfnPort: number;
  readonly dynamodbPort: number;
  readonly host: string;
  readonly skipConsoleBuild: boolean;
}

class StartupError extends Error {}

const stops: (() => Promise<void>)[] = [];

async function stopAll(): Promise<void> {
  for (const stop of stops.splice(0).reverse()) {
    try {
      await stop();
    } catch (err) {
      console.error(err);
    }
  }
}

/**
 * If a previous run was killed outright (SIGKILL, a crash), its DynamoDB Local may still hold the
 * data folder and port. Its pid was recorded there: stop it if it is still that Java process.
 */
async function stopOrphanedDynamoDb(pidFile: string): Promise<void> {
  if (!existsSync(pidFile)) return;
  const pid = Number(readFileSync(pidFile, 'utf8').trim());
  rmSync(pidFile, { force: true });
  if (!Number.isInteger(pid) || pid <= 1) return;
  let cmdline = '';
  try {
    cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
  } catch {
    return;
  }
  if (!cmdline.includes('DynamoDBLocal')) return;
  console.log(`Stopping DynamoDB Local (pid ${pid}) left running by a previous start…`);
  process.kill(pid, 'SIGTERM');
  for (let i = 0; i < 100 && existsSync(`/proc/${pid}`); i++) await new Promise((r) => setTimeout(r, 100));
  if (existsSync(`/proc/${pid}`)) process.kill(pid, 'SIGKILL');
}

function options(): Options {
  const { values } = parseArgs({
    options: {
      'data-dir': { type: 'string' },
      memory: { type: 'boolean' },
      port: { type: 'string' },
      'sfn-port': { type: 'string' },
      'dynamodb-port': { type: 'string' },
      host: { type: 'string' },
      'skip-console-build': { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
  if (values.help) {
    console.log('Usage: npm start -- [--memory] [--data-dir .data] [--port 3000] [--sfn-port 8083] [--dynamodb-port 8000] [--host 127.0.0.1] [--skip-console-build]');
    process.exit(0);
  }
  const port = (flag: string, value: string | undefined, env: string, fallback: number) => {
    const text = value ?? process.env[env] ?? String(fallback);
    const n = Number(text);
    if (!Number.isInteger(n) || n < 1 || n > 65535) throw new StartupError(`--${flag} (or ${env}) must be a port number, got "${text}"`);
    return n;
  };
  const env = process.env;
  return {
    dataDir: resolve(values['data-dir'] ?? env.DATA_DIR ?? '.data'),
    memory: values.memory ?? ['1', 'true', 'yes'].includes((env.MEMORY ?? '').toLowerCase()),
    port: port('port', values.port, 'PORT', 3000),
    sfnPort: port('sfn-port', values['sfn-port'], 'SFN_PORT', 8083),
    dynamodbPort: port('dynamodb-port', values['dynamodb-port'], 'DYNAMODB_PORT', 8000),
    host: values.host ?? env.HOST ?? '127.0.0.1',
    skipConsoleBuild: values['skip-console-build'] ?? ['1', 'true', 'yes'].includes((env.SKIP_CONSOLE_BUILD ?? '').toLowerCase()),
  };
}

/** Fail before starting anything if a port is taken, naming the flag that moves it. */
async function ensurePortFree(port: number, host: string, flag: string): Promise<void> {
  await new Promise<void>((done, fail) => {
    const srv = createServer();
    srv.once('error', (err: NodeJS.ErrnoException) =>
      fail(
        new StartupError(
          err.code === 'EADDRINUSE'
            ? `Port ${port} is already in use. Stop what uses it, or choose another with ${flag} <port>.`
            : `Cannot listen on ${host}:${port} (${err.code ?? err.message}); choose another with ${flag} <port>.`,
        ),
      ),
    );
    srv.listen(port, host, () => srv.close(() => done()));
  });
}

/**
 * Owner-only permissions on what the host keeps in the data folder (also one made 0644 by an older
 * version). Only its own entries: --data-dir may name a folder that holds other things too.
 */
function restrictDataFolder(dataDir: string): void {
  for (const entry of ['jwt-secret', 'dynamodb.pid', 'dynamodb', 'stepfunctions', 'mail']) restrictToOwner(resolve(dataDir, entry));
}

/** True for addresses only this machine can reach. */
function isLoopback(host: string): boolean {
  const h = host.toLowerCase().replace(/^\[|\]$/g, '');
  return h === 'localhost' || h === '::1' || /^127(\.\d{1,3}){3}$/.test(h) || /^::ffff:127(\.\d{1,3}){3}$/.test(h);
}

/** `word` as one shell word: quoted only when it has characters a shell would act on. */
function shellWord(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replaceAll("'", `'\\''`)}'`;
}

function ensureJava(): void {
  const probe = spawnSync('java', ['-version'], { encoding: 'utf8' });
  if (probe.error || probe.status !== 0) {
    throw new StartupError(
      'Java 17 or newer is needed to run DynamoDB Local, and `java` was not found on the PATH.\n' +
        '  Debian/Ubuntu: sudo apt-get install -y openjdk-17-jre-headless\n' +
        '  macOS (Homebrew): brew install openjdk@17',
    );
  }
}

async function main(): Promise<void> {
  const started = performance.now();
  const o = options();
  // Everything the host writes (secrets, journal, DynamoDB Local's database, created by the Java child
  // which inherits this) is for this user only: files 0600, folders 0700.
  process.umask(0o077);
  if (!o.memory) {
    mkdirSync(o.dataDir, { recursive: true, mode: 0o700 });
    restrictDataFolder(o.dataDir);
  }
  const pidFile = resolve(o.dataDir, 'dynamodb.pid');
  if (!o.memory) await stopOrphanedDynamoDb(pidFile);
  await ensurePortFree(o.port, o.host, '--port');
  await ensurePortFree(o.sfnPort, '127.0.0.1', '--sfn-port');
  await ensurePortFree(o.dynamodbPort, '127.0.0.1', '--dynamodb-port');
  ensureJava();
  // Before anything starts: a build is the slow part of a first start, and shows its own progress.
  // Tests that start many hosts at once skip it (the console then answers 503 until it is built).
  const { ensureConsoleBuilt, distDir } = await import('./console-build.ts');
  if (!o.skipConsoleBuild) await ensureConsoleBuilt();

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`\n${signal}: stopping…`);
    await stopAll();
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));

  const dynamo: RunningDynamoDbLocal = await startDynamoDbLocal({ port: o.dynamodbPort, ...(o.memory ? {} : { dataDir: resolve(o.dataDir, 'dynamodb') }) });
  stops.push(() => dynamo.stop());
  if (!o.memory && dynamo.process.pid) {
    mkdirSync(o.dataDir, { recursive: true });
    writeFileSync(pidFile, `${dynamo.process.pid}\n`);
    stops.push(async () => rmSync(pidFile, { force: true }));
  }

  // The handlers read their configuration from the environment, so it is set before they load.
  const { hostJwtSecret, signToken } = await import('./jwt.ts');
  const jwt = hostJwtSecret(o.dataDir, o.memory);
  const region = process.env.AWS_REGION ?? 'cn-north-1';
  const sfnEndpoint = `http://127.0.0.1:${o.sfnPort}`;
  Object.assign(process.env, {
    TABLE_NAME: process.env.TABLE_NAME ?? 'village-flow',
    AWS_REGION: region,
    DYNAMODB_ENDPOINT: dynamo.endpoint,
    SFN_ENDPOINT: sfnEndpoint,
    STATE_MACHINE_ARN_PREFIX: `arn:aws:states:${region}:000000000000:stateMachine:village-flow-`,
    JWT_SECRET: jwt.secret,
  });
  const { config } = await import('../functions/shared/config.ts');
  const { ensureTable } = await import('./table.ts');
  const { DynamoDBClient } = await import('@aws-sdk/client-dynamodb');
  const admin = new DynamoDBClient({ endpoint: dynamo.endpoint, region, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
  await ensureTable(admin, config().TABLE_NAME);
  admin.destroy();

  const { startStepFunctionsLocal } = await import('./stepfunctions/index.ts');
  const { loadRegisteredWorkflows } = await import('./stepfunctions/registry.ts');
  const { stateMachines, handlers } = await loadRegisteredWorkflows(region);
  const stepFunctions = await startStepFunctionsLocal({
    port: o.sfnPort,
    region,
    stateMachineArnPrefix: config().STATE_MACHINE_ARN_PREFIX,
    stateMachines,
    handlers,
    ...(o.memory ? {} : { dataDir: resolve(o.dataDir, 'stepfunctions') }),
  });
  stops.push(() => stepFunctions.stop());

  const { seedDemoData, demoPrincipals } = await import('./demo-data.ts');
  const seeded = await seedDemoData();
  const { demoWorkDone, prepareDemoWork } = await import('./demo-work.ts');
  const workToPrepare = !(await demoWorkDone());
  // pairing: evaluation and ranking demo
  const { demoPairingEvaluationDone, prepareDemoPairingEvaluation } = await import('./demo-pairing-evaluation.ts');
  const pairingEvaluationToPrepare = !(await demoPairingEvaluationDone());
  // social: organisations through the filing workflow
  const { demoSocialWorkDone, prepareDemoSocialWork } = await import('./demo-social-work.ts');
  const socialWorkToPrepare = !(await demoSocialWorkDone());

  const { serve } = await import('@hono/node-server');
  const { buildApp } = await import('../functions/api/app.ts');
  const app = buildApp();
  // The console, its /config.json and the local sign-in are answered first; everything else is the API.
  const { consoleHostRoutes, consoleBasePath } = await import('./console-host.ts');
  const host = consoleHostRoutes({ secret: config().JWT_SECRET!, distDir });
  host.all('*', (c) => app.fetch(c.req.raw));
  const server = await new Promise<ReturnType<typeof serve>>((done, fail) => {
    const s = serve({ fetch: host.fetch, port: o.port, hostname: o.host }, () => done(s));
    s.once('error', fail);
  });
  stops.push(() => new Promise<void>((done) => server.close(() => done())));

  // Notifications: the outbox becomes .eml files under the data folder, every 2 s.
  const { LocalMailSender } = await import('./mail.ts');
  const mailDir = o.memory ? undefined : resolve(o.dataDir, 'mail');
  stops.push(new LocalMailSender({ mailDir }).start(2000));
  if (!o.memory) restrictDataFolder(o.dataDir);

  const api = `http://${o.host.includes(':') ? `[${o.host}]` : o.host}:${o.port}`;
  const tokens: string[] = [];
  for (const [role, p] of Object.entries(demoPrincipals)) {
    const token = await signToken({ ...p, roles: [...p.roles] }, config().JWT_SECRET!, 12 * 3600);
    tokens.push(`  ${role.padEnd(9)} (${p.division}) ${token}`);
  }
  const { demoRewardPrincipals } = await import('./demo-reward.ts');
  for (const [name, p] of Object.entries(demoRewardPrincipals)) {
    const token = await signToken({ ...p, roles: [...p.roles] }, config().JWT_SECRET!, 12 * 3600);
    tokens.push(`  ${name.padEnd(12)} (${p.division}) ${token}`);
  }
  const adminToken = tokens[0]!.trim().split(' ').at(-1)!;
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  console.log(
    [
      '',
      `village-flow is up (${seconds} s) — ${o.memory ? 'in memory: nothing is kept after you stop' : `data in ${o.dataDir}`}${seeded ? '; demo data seeded (蓟州区 120225)' : ''}`,
      ...(workToPrepare ? ['Demo work being prepared in the background (applications, a funding run, an import): a line says when every inbox has it.'] : []),
      '',
      `  Console                  ${api}${consoleBasePath}   (sign in as any demo user; npm run dev:console for hot reload)`,
      `  API                      ${api}`,
      `  API docs                 ${api}/docs   (OpenAPI: ${api}/openapi.json)`,
      `  Step Functions endpoint  ${sfnEndpoint}   (aws stepfunctions list-state-machines --endpoint-url ${sfnEndpoint})`,
      `  DynamoDB Local           ${dynamo.endpoint}   (aws dynamodb scan --table-name ${config().TABLE_NAME} --endpoint-url ${dynamo.endpoint})`,
      `  Mail (notifications)     ${mailDir ? `${mailDir}/<address>/<topic>-<key>.eml` : 'kept in memory (--memory: no files)'}, every 2 s   (addresses: finance.120225@village-flow.local, division.120225104201@…, user.<sub>@…)`,
      '',
      `Tokens for the demo district, valid 12 h (new ones: ${['npm run token -- --role finance --division 120225 --sub f1', ...jwt.tokenArgs.map(shellWord)].join(' ')}):`,
      ...tokens,
      '',
      'Try (as the admin):',
      `  export TOKEN=${adminToken}`,
      `  curl -s -H "Authorization: Bearer $TOKEN" "${api}/villages?division=120225104"`,
      `  curl -s -X POST -H "Authorization: Bearer $TOKEN" -H "Content-Type: text/csv" --data-binary @local/demo/villages.csv ${api}/imports/villages`,
      '',
      'Ctrl-C to stop.',
    ].join('\n'),
  );
  if (!isLoopback(o.host)) {
    console.error(
      [
        '',
        `WARNING: the API listens on ${o.host}, so other machines can reach it (--host ${o.host}).`,
        '  Anyone who can reach it and holds a token signed with this host\'s secret acts with that token\'s roles.',
        '  The demo tokens above are such tokens. The Step Functions endpoint and DynamoDB Local stay on 127.0.0.1.',
        '  Use --host 127.0.0.1 (the default) unless you mean to share this host.',
      ].join('\n'),
    );
  }
  if (!dynamo.loopbackOnly) {
    console.error(
      [
        '',
        `WARNING: DynamoDB Local listens on EVERY network interface (port ${o.dynamodbPort}), not only 127.0.0.1:`,
        '  anyone who can reach this machine can read and write the whole table (ledger, task tokens) without credentials.',
        '  The loopback launcher (local/dynamodb-local/LoopbackDynamoDbLocal.java) needs a full JDK (the jdk.compiler module);',
        '  install one (Debian/Ubuntu: apt-get install -y openjdk-17-jdk-headless) or firewall the port.',
      ].join('\n'),
    );
  }
  void stepFunctions.resumed.then(
    () => undefined,
    (err: unknown) => console.error('resuming unfinished executions failed:', err),
  );
  if (workToPrepare) {
    // Through the API's own handler and the real workflows, after the banner: start-up does not wait for it.
    const began = performance.now();
    void prepareDemoWork(app.fetch, config().JWT_SECRET!).then(
      (work) => {
        const apps = Object.values(work.applications).map((a) => a.status);
        console.log(
          `Demo work ready (${((performance.now() - began) / 1000).toFixed(1)} s): ${apps.length} reward applications (${apps.join(', ')}), ` +
            `funding run ${work.fundingRun.id} ${work.fundingRun.status}, import ${work.import.id} ${work.import.status} with ${work.import.errorCount} errors.`,
        );
      },
      (err: unknown) => {
        if (!stopping) console.error('preparing the demo work failed (the next start tries again):', err);
      },
    );
  }
  // pairing: evaluation and ranking demo
  if (pairingEvaluationToPrepare) {
    const began = performance.now();
    void prepareDemoPairingEvaluation(app.fetch, config().JWT_SECRET!).then(
      (work) =>
        console.log(
          `Demo pairing evaluations ready (${((performance.now() - began) / 1000).toFixed(1)} s): ${work.evaluations.length} evaluations of 上一轮结对帮扶（2021—2024）(unit, township, admin each have one), ranking ${work.rankingId} with ${work.openCases} rectification cases.`,
        ),
      (err: unknown) => {
        if (!stopping) console.error('preparing the demo pairing evaluations failed (the next start tries again):', err);
      },
    );
  }
  // social: organisations through the filing workflow
  if (socialWorkToPrepare) {
    const began = performance.now();
    void prepareDemoSocialWork(app.fetch, config().JWT_SECRET!).then(
      (work) =>
        console.log(
          `Demo social organisations ready (${((performance.now() - began) / 1000).toFixed(1)} s): ${Object.keys(work.organisations).length} filings of 下营镇 through the filing workflow (${Object.values(work.organisations).map((o) => o.status).join(', ')}); township has the applied one's review, 团山子村 the returned one to correct.`,
        ),
      (err: unknown) => {
        if (!stopping) console.error('preparing the demo social organisations failed (the next start tries again):', err);
      },
    );
  }
}

main().catch(async (err: unknown) => {
  if (err instanceof StartupError) console.error(`\nCannot start village-flow: ${err.message}`);
  else console.error('\nCannot start village-flow:', err);
  await stopAll();
  process.exit(1);
});
