import { describe, expect, it } from 'vitest';
import { DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { ensureTable } from '../../../local/table.ts';
import { tableDefinition } from '../../../functions/platform/store/table.ts';

describe('table definition on DynamoDB Local', () => {
  it('creates the table with every index of the shared definition, and is safe to repeat', async () => {
    const client = new DynamoDBClient({ endpoint: process.env.DYNAMODB_ENDPOINT, region: 'cn-north-1', credentials: { accessKeyId: 'l', secretAccessKey: 'l' } });
    await ensureTable(client, process.env.TABLE_NAME!);
    const { Table } = await client.send(new DescribeTableCommand({ TableName: process.env.TABLE_NAME }));
    expect(Table?.KeySchema?.map((k) => k.AttributeName)).toEqual([tableDefinition.partitionKey, tableDefinition.sortKey]);
    expect(Table?.GlobalSecondaryIndexes?.map((g) => g.IndexName).sort()).toEqual(tableDefinition.globalSecondaryIndexes.map((g) => g.indexName).sort());
    client.destroy();
  });
});
