import { DynamoDBClient, GetItemCommand, type AttributeValue } from '@aws-sdk/client-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';
import { afterAll, describe, expect, it } from 'vitest';
import { config } from '../../../functions/shared/config.ts';
import { deliverRecords } from '../../../functions/platform/notifications/ses-sender.ts';
import type { RenderedMail } from '../../../functions/platform/notifications/mail.ts';
import { workflowActor } from '../../../functions/platform/decisions/store.ts';
import { getOutboxMessage, outboxItems } from '../../../functions/platform/store/outbox.ts';
import { writeTransaction } from '../../../functions/platform/store/transact.ts';

// The AWS sender's logic on DynamoDB Local, with SES replaced by a recorder: a stream record of a
// new outbox item is sent once and marked sent; a redelivered record sends nothing; a failure is
// reported as that record's failure (partial batch response), the others still go.
const raw = new DynamoDBClient({ region: config().AWS_REGION, endpoint: config().DYNAMODB_ENDPOINT, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
afterAll(() => raw.destroy());
const settings = { from: 'notifications@county.example.cn', toDomain: 'county.example.cn' };

async function streamRecord(recipient: string, key: string, sequence: string): Promise<DynamoDBRecord> {
  await writeTransaction(outboxItems({ recipient, topic: 'payments.failed', key, division: '120225', subject: '支付失败', body: {} }, workflowActor));
  const { Item } = await raw.send(new GetItemCommand({ TableName: config().TABLE_NAME, Key: { pk: { S: `OUTBOX#${recipient}` }, sk: { S: `payments.failed#${key}` } } }));
  return { eventName: 'INSERT', dynamodb: { SequenceNumber: sequence, NewImage: Item as Record<string, AttributeValue> as never } };
}

describe('SES sender (stream → mail)', () => {
  it('sends a new outbox item once and marks it sent; a redelivery sends nothing', async () => {
    const record = await streamRecord('role:finance@120225', 'pb-1#imp-1', '100');
    const sent: RenderedMail[] = [];
    const send = async (mail: RenderedMail) => void sent.push(mail);
    expect(await deliverRecords([record], settings, send)).toEqual({ batchItemFailures: [] });
    expect(sent.map((m) => m.to)).toEqual(['finance.120225@county.example.cn']);
    expect(sent[0]!.raw).toContain('From: =?UTF-8?B?');
    expect(await getOutboxMessage({ recipient: 'role:finance@120225', topic: 'payments.failed', key: 'pb-1#imp-1' })).toMatchObject({ sent: true });
    expect(await deliverRecords([record], settings, send)).toEqual({ batchItemFailures: [] });
    expect(sent).toHaveLength(1);
  });

  it('reports the records SES refused, sends the rest, and leaves the refused unsent for the retry', async () => {
    const bad = await streamRecord('division:120225104201', 'pb-2#imp-1', '200');
    const good = await streamRecord('user:f-1', 'pb-2#imp-1', '201');
    const sent: string[] = [];
    const send = async (mail: RenderedMail) => {
      if (mail.to.startsWith('division.')) throw new Error('MessageRejected');
      sent.push(mail.to);
    };
    expect(await deliverRecords([bad, good], settings, send)).toEqual({ batchItemFailures: [{ itemIdentifier: '200' }] });
    expect(sent).toEqual(['user.f-1@county.example.cn']);
    expect(await getOutboxMessage({ recipient: 'division:120225104201', topic: 'payments.failed', key: 'pb-2#imp-1' })).toMatchObject({ sent: false });
  });
});
