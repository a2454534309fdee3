import { afterAll, describe, expect, it } from 'vitest';
import { DescribeTableCommand, DescribeTimeToLiveCommand, DynamoDBClient, type TableDescription } from '@aws-sdk/client-dynamodb';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { ensureTable } from '../../../local/table.ts';
import { VillageFlowTable } from '../../../infra/constructs/table.ts';

// The local host and the AWS host must build the same table. The local one is created by
// `ensureTable` in DynamoDB Local and described by DynamoDB itself; the AWS one is what the CDK
// construct synthesizes (the construct the stack uses). Their keys, attributes, indexes and TTL
// must agree; ordering differences are not differences.

interface CfnKey {
  AttributeName: string;
  KeyType: string;
}
interface CfnTableProperties {
  KeySchema: CfnKey[];
  AttributeDefinitions: { AttributeName: string; AttributeType: string }[];
  GlobalSecondaryIndexes?: { IndexName: string; KeySchema: CfnKey[]; Projection: { ProjectionType: string } }[];
  TimeToLiveSpecification?: { AttributeName: string; Enabled: boolean };
  BillingMode?: string;
}

function synthesizedTable(): CfnTableProperties {
  const stack = new Stack(new App(), 'TableOnly');
  new VillageFlowTable(stack, 'Data');
  const tables = Object.values(Template.fromStack(stack).findResources('AWS::DynamoDB::Table')) as { Properties: CfnTableProperties }[];
  expect(tables).toHaveLength(1);
  return (tables[0] as { Properties: CfnTableProperties }).Properties;
}

const keys = (schema: readonly { AttributeName?: string; KeyType?: string }[] | undefined) => (schema ?? []).map((k) => `${k.AttributeName}:${k.KeyType}`);
const attributes = (defs: readonly { AttributeName?: string; AttributeType?: string }[] | undefined) =>
  (defs ?? []).map((a) => `${a.AttributeName}:${a.AttributeType}`).sort();
const indexes = (gsis: readonly { IndexName?: string; KeySchema?: CfnKey[] | TableDescription['KeySchema']; Projection?: { ProjectionType?: string } }[] | undefined) =>
  (gsis ?? []).map((g) => ({ name: g.IndexName, keys: keys(g.KeySchema), projection: g.Projection?.ProjectionType })).sort((a, b) => String(a.name).localeCompare(String(b.name)));

const client = new DynamoDBClient({
  endpoint: process.env.DYNAMODB_ENDPOINT,
  region: process.env.AWS_REGION,
  credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
});
afterAll(() => client.destroy());

describe('local table and CDK table', () => {
  it('have the same key schema, attribute definitions, global secondary indexes, billing mode and TTL attribute', async () => {
    const tableName = process.env.TABLE_NAME as string;
    await ensureTable(client, tableName);
    const local = (await client.send(new DescribeTableCommand({ TableName: tableName }))).Table;
    const ttl = (await client.send(new DescribeTimeToLiveCommand({ TableName: tableName }))).TimeToLiveDescription;
    const cdk = synthesizedTable();

    expect(local).toBeDefined();
    expect(keys(local?.KeySchema)).toEqual(keys(cdk.KeySchema));
    expect(attributes(local?.AttributeDefinitions)).toEqual(attributes(cdk.AttributeDefinitions));
    expect(indexes(local?.GlobalSecondaryIndexes)).toEqual(indexes(cdk.GlobalSecondaryIndexes));
    expect(indexes(cdk.GlobalSecondaryIndexes).length).toBeGreaterThan(0);
    expect(local?.BillingModeSummary?.BillingMode).toBe(cdk.BillingMode);
    expect(cdk.TimeToLiveSpecification?.Enabled).toBe(true);
    expect(ttl?.AttributeName).toBe(cdk.TimeToLiveSpecification?.AttributeName);
    expect(ttl?.TimeToLiveStatus).toMatch(/^(ENABLED|ENABLING)$/);
  });
});
