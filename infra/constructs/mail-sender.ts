import { ArnFormat, Duration, Stack } from 'aws-cdk-lib';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { FilterCriteria, FilterRule, StartingPosition } from 'aws-cdk-lib/aws-lambda';
import { DynamoEventSource, SqsDlq } from 'aws-cdk-lib/aws-lambda-event-sources';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { NagSuppressions } from 'cdk-nag';
import { Construct } from 'constructs';
import { outboxItemType } from '../../functions/platform/store/outbox.ts';
import { TaskFunction, type TaskFunctionProps } from './task-function.ts';

export interface MailSenderProps extends Omit<TaskFunctionProps, 'entry' | 'tableAccess' | 'environment' | 'noDlqReason'> {
  /** Sender address, of an identity verified in SES. */
  readonly from: string;
  /** Domain the recipients are addressed under. */
  readonly toDomain: string;
  /** Origin of the web console, put before links. @default - links shown as paths */
  readonly linkBase?: string;
  /** Retries of a failed batch before its records go to the dead-letter queue. @default 5 */
  readonly retryAttempts?: number;
}

/** The sender's handler, relative to the project root. */
export const mailSenderEntry = 'functions/platform/notifications/ses-sender.ts';

/**
 * Notifications by mail on AWS: a function on the table's stream, filtered to new outbox items,
 * sending through SES. Failed records are retried (the batch halved each time, so one bad record
 * does not hold the others back) and, after the last attempt, described in an encrypted
 * dead-letter queue (kept 14 days; an alarm fires on its first message).
 */
export class MailSender extends Construct {
  readonly sender: TaskFunction;
  readonly deadLetters: Queue;

  constructor(scope: Construct, id: string, props: MailSenderProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const { from, toDomain, linkBase, retryAttempts, ...common } = props;

    this.deadLetters = new Queue(this, 'DeadLetters', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    NagSuppressions.addResourceSuppressions(this.deadLetters, [
      { id: 'AwsSolutions-SQS3', reason: 'This queue is itself the dead-letter queue (on-failure destination) of the mail sender\'s stream mapping.' },
      { id: 'Serverless-SQSRedrivePolicy', reason: 'This queue is itself the dead-letter queue (on-failure destination) of the mail sender\'s stream mapping; nothing consumes it but an operator.' },
    ]);

    this.sender = new TaskFunction(this, 'Sender', {
      ...common,
      entry: mailSenderEntry,
      tableAccess: 'readWrite',
      timeout: Duration.seconds(60),
      environment: { MAIL_FROM: from, MAIL_TO_DOMAIN: toDomain, ...(linkBase ? { MAIL_LINK_BASE: linkBase } : {}) },
      noDlqReason: 'Invoked by a DynamoDB stream event source mapping, whose on-failure destination is the dead-letter queue of this construct (a function DLQ applies to asynchronous invocation only).',
    });

    this.sender.function.addEventSource(
      new DynamoEventSource(props.table.table, {
        startingPosition: StartingPosition.TRIM_HORIZON,
        batchSize: 10,
        retryAttempts: retryAttempts ?? 5,
        bisectBatchOnError: true,
        reportBatchItemFailures: true,
        maxRecordAge: Duration.days(1),
        onFailure: new SqsDlq(this.deadLetters),
        filters: [FilterCriteria.filter({ eventName: FilterRule.isEqual('INSERT'), dynamodb: { NewImage: { type: { S: FilterRule.isEqual(outboxItemType) } } } })],
      }),
    );

    // SES checks the sending identity (the address or its domain) and, in the sandbox, the
    // recipients' identity too: those identities, and only mail from the configured address.
    const fromDomain = from.slice(from.lastIndexOf('@') + 1);
    const identity = (name: string) => stack.formatArn({ service: 'ses', resource: 'identity', resourceName: name, arnFormat: ArnFormat.SLASH_RESOURCE_NAME });
    this.sender.role.addToPrincipalPolicy(
      new PolicyStatement({
        actions: ['ses:SendEmail', 'ses:SendRawEmail'],
        resources: [...new Set([identity(fromDomain), identity(from), identity(toDomain)])],
        conditions: { StringEquals: { 'ses:FromAddress': from } },
      }),
    );
    NagSuppressions.addResourceSuppressions(
      this.sender.role,
      [
        {
          id: 'AwsSolutions-IAM5',
          reason: 'dynamodb:ListStreams supports no resource-level permission (the stream event source grants it on *); the stream actions themselves are on this table\'s stream.',
          appliesTo: ['Resource::*'],
        },
      ],
      true,
    );
  }
}
