import { SendEmailCommand, SESv2Client } from '@aws-sdk/client-sesv2';
import type { AttributeValue, DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { logger } from '../../shared/logger.ts';
import { getOutboxMessage, markOutboxSent, parseOutboxItem } from '../store/outbox.ts';
import { renderMail, type MailSettings, type RenderedMail } from './mail.ts';

/**
 * The AWS host's mail: a Lambda function on the table's stream (new outbox items only, by the event
 * source mapping's filter) that sends each message through SES (the same rendering as the local
 * host's .eml files, as raw content) and marks it sent. A message already marked sent is skipped,
 * so a redelivered record sends nothing twice; a failure between SES accepting the mail and the
 * mark can send it twice (at least once), with the same Message-ID. A record that fails is reported
 * back (partial batch response): the mapping retries it, halves the batch, and after its last
 * attempt sends its description to the dead-letter queue.
 *
 * Configuration: MAIL_FROM (a verified SES identity), MAIL_TO_DOMAIN, MAIL_LINK_BASE (optional).
 */

/** A stream image (DynamoDB JSON) as plain values. */
export function fromImage(image: Record<string, AttributeValue>): Record<string, unknown> {
  const value = (v: AttributeValue): unknown => {
    if (v.S !== undefined) return v.S;
    if (v.N !== undefined) return Number(v.N);
    if (v.BOOL !== undefined) return v.BOOL;
    if (v.NULL !== undefined) return null;
    if (v.M !== undefined) return fromImage(v.M);
    if (v.L !== undefined) return v.L.map(value);
    if (v.SS !== undefined) return v.SS;
    if (v.NS !== undefined) return v.NS.map(Number);
    return undefined;
  };
  return Object.fromEntries(Object.entries(image).map(([k, v]) => [k, value(v)]));
}

export type SendMail = (mail: RenderedMail) => Promise<void>;

export function mailSettingsFromEnv(env: NodeJS.ProcessEnv = process.env): MailSettings {
  const from = env.MAIL_FROM;
  const toDomain = env.MAIL_TO_DOMAIN;
  if (!from || !toDomain) throw new Error('MAIL_FROM and MAIL_TO_DOMAIN must be set');
  return { from, toDomain, linkBase: env.MAIL_LINK_BASE || undefined };
}

/** Deliver the outbox items of a stream batch; the records that failed, for the partial batch response. */
export async function deliverRecords(records: readonly DynamoDBRecord[], settings: MailSettings, send: SendMail): Promise<DynamoDBBatchResponse> {
  const batchItemFailures: DynamoDBBatchResponse['batchItemFailures'] = [];
  for (const record of records) {
    const image = record.dynamodb?.NewImage;
    if (!image) continue;
    try {
      const message = parseOutboxItem(fromImage(image as Record<string, AttributeValue>));
      const now = await getOutboxMessage(message);
      if (!now || now.sent) continue;
      await send(renderMail(message, settings));
      await markOutboxSent(message);
    } catch (err) {
      logger.error('mail not sent', { err, sequenceNumber: record.dynamodb?.SequenceNumber });
      if (record.dynamodb?.SequenceNumber) batchItemFailures.push({ itemIdentifier: record.dynamodb.SequenceNumber });
    }
  }
  return { batchItemFailures };
}

let ses: SESv2Client | undefined;

export const sesSend: SendMail = async (mail) => {
  ses ??= new SESv2Client({});
  await ses.send(
    new SendEmailCommand({
      FromEmailAddress: mail.from,
      Destination: { ToAddresses: [mail.to] },
      Content: { Raw: { Data: Buffer.from(mail.raw, 'utf8') } },
    }),
  );
};

export async function handler(event: DynamoDBStreamEvent): Promise<DynamoDBBatchResponse> {
  return deliverRecords(event.Records, mailSettingsFromEnv(), sesSend);
}
