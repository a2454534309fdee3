import { inject, beforeAll } from 'vitest';
import { randomBytes } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { ensureTable } from '../../local/table.ts';
import { resetClients } from '../../functions/shared/clients.ts';
import { resetConfig } from '../../functions/shared/config.ts';

// Runs before each test file of the tiers that touch DynamoDB: a fresh table per file, so files
// never see each other's data, and the environment the handlers read, set before they load.
const endpoint = inject('dynamodbEndpoint');
if (!endpoint) throw new Error('Integration tests need DynamoDB Local: run them through vitest with its global setup.');

process.env.DYNAMODB_ENDPOINT = endpoint;
process.env.TABLE_NAME = `test-${randomBytes(6).toString('hex')}`;
process.env.AWS_REGION ??= 'cn-north-1';
process.env.STATE_MACHINE_ARN_PREFIX ??= 'arn:aws:states:cn-north-1:000000000000:stateMachine:village-flow-';
process.env.JWT_SECRET ??= 'test-secret-test-secret-test-secret-0123456789';
process.env.LOG_LEVEL ??= 'SILENT';
resetConfig();
resetClients();

beforeAll(async () => {
  const client = new DynamoDBClient({
    endpoint,
    region: process.env.AWS_REGION,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  await ensureTable(client, process.env.TABLE_NAME!);
  client.destroy();
});
