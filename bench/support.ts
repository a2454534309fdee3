import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { startDynamoDbLocal, type RunningDynamoDbLocal } from '../local/dynamodb.ts';
import { ensureTable } from '../local/table.ts';
import { freePort } from '../local/ports.ts';

export const benchRegion = 'cn-north-1';

/** The environment the application reads, for a benchmark table on the given DynamoDB Local. */
export function benchEnv(table: string, dynamodbEndpoint: string): Record<string, string> {
  return {
    TABLE_NAME: table,
    AWS_REGION: benchRegion,
    DYNAMODB_ENDPOINT: dynamodbEndpoint,
    STATE_MACHINE_ARN_PREFIX: `arn:aws:states:${benchRegion}:000000000000:stateMachine:village-flow-`,
    JWT_SECRET: 'bench-secret-bench-secret-bench-secret-0123',
    LOG_LEVEL: 'WARN',
  };
}

export interface BenchHost {
  readonly region: string;
  readonly dynamo: RunningDynamoDbLocal;
  /** A client of its own on DynamoDB Local, outside the application's (counted) client: floors and observers. */
  readonly raw: DynamoDBClient;
  readonly sfnEndpoint: string;
  /** Base URL of the API on @hono/node-server. */
  readonly api: string;
  stop(): Promise<void>;
}

/**
 * The local host in this process for a benchmark: an in-memory DynamoDB Local with `table` (the
 * application's) and `extraTables` (floors), the environment set, the registered workflows on the
 * local Step Functions endpoint, the SDK clients reset onto both, and the API served over real HTTP.
 */
export async function startBenchHost(o: { table: string; extraTables?: readonly string[]; waitScale?: number }): Promise<BenchHost> {
  const dynamo = await startDynamoDbLocal({ port: await freePort() });
  const region = benchRegion;
  Object.assign(process.env, benchEnv(o.table, dynamo.endpoint));
  const raw = new DynamoDBClient({ endpoint: dynamo.endpoint, region, credentials: { accessKeyId: 'l', secretAccessKey: 'l' } });
  for (const table of [o.table, ...(o.extraTables ?? [])]) await ensureTable(raw, table);

  // The API first: route modules that call .openapi() on store schemas need zod extended before
  // the task handlers (loaded by the Step Functions endpoint) create those schemas. Imported only
  // now so that every module sees the environment above.
  const { buildApp } = await import('../functions/api/app.ts');
  // The logger reads LOG_LEVEL once, when first imported; an earlier bench in this process (the
  // bundle bench reads the registry, which loads the task modules) may have imported it before the
  // environment above was set.
  const { logger } = await import('../functions/shared/logger.ts');
  logger.setLogLevel(benchEnv(o.table, dynamo.endpoint).LOG_LEVEL as 'WARN');
  const { resetConfig } = await import('../functions/shared/config.ts');
  const { resetClients } = await import('../functions/shared/clients.ts');
  const { startStepFunctionsLocal } = await import('../local/stepfunctions/index.ts');
  const { loadRegisteredWorkflows } = await import('../local/stepfunctions/registry.ts');
  const { stateMachines, handlers } = await loadRegisteredWorkflows(region);
  const sfnLocal = await startStepFunctionsLocal({
    port: 0,
    region,
    stateMachineArnPrefix: process.env.STATE_MACHINE_ARN_PREFIX!,
    stateMachines,
    handlers,
    ...(o.waitScale === undefined ? {} : { waitScale: o.waitScale }),
  });
  process.env.SFN_ENDPOINT = sfnLocal.endpoint;
  resetConfig();
  resetClients();

  const { serve } = await import('@hono/node-server');
  const port = await freePort();
  const server = serve({ fetch: buildApp().fetch, port, hostname: '127.0.0.1' });
  return {
    region,
    dynamo,
    raw,
    sfnEndpoint: sfnLocal.endpoint,
    api: `http://127.0.0.1:${port}`,
    async stop() {
      server.close();
      await sfnLocal.stop();
      raw.destroy();
      await dynamo.stop();
    },
  };
}

/**
 * Counts every DynamoDB request by command from now on (the API's and the tasks' requests all go
 * through the one shared client), for figures per village or per organisation.
 */
export async function countDynamoRequests(): Promise<Map<string, number>> {
  const { ddb } = await import('../functions/shared/clients.ts');
  const requests = new Map<string, number>();
  ddb().middlewareStack.add(
    (next, context) => async (args) => {
      requests.set(context.commandName ?? '?', (requests.get(context.commandName ?? '?') ?? 0) + 1);
      return next(args);
    },
    { step: 'initialize', name: 'benchRequestCounter' },
  );
  return requests;
}
