import type { TestProject } from 'vitest/node';
import { createServer } from 'node:net';
import { startDynamoDbLocal, type RunningDynamoDbLocal } from '../../local/dynamodb.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    dynamodbEndpoint: string;
  }
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

let running: RunningDynamoDbLocal | undefined;

/** One DynamoDB Local (in memory) for the whole run; every test file makes its own table in it. */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  running = await startDynamoDbLocal({ port: await freePort() });
  project.provide('dynamodbEndpoint', running.endpoint);
  return async () => {
    await running?.stop();
  };
}
