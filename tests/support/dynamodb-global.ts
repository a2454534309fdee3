import type { TestProject } from 'vitest/node';
import { freePort } from '../../local/ports.ts';
import { startDynamoDbLocal, type RunningDynamoDbLocal } from '../../local/dynamodb.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    dynamodbEndpoint: string;
  }
}

export { freePort };

let running: RunningDynamoDbLocal | undefined;

/** One DynamoDB Local (in memory) for the whole run; every test file makes its own table in it. */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  running = await startDynamoDbLocal({ port: await freePort() });
  project.provide('dynamodbEndpoint', running.endpoint);
  return async () => {
    await running?.stop();
  };
}
