import { beforeAll, describe, expect, it } from 'vitest';
import { Match } from 'aws-cdk-lib/assertions';
import type { SynthesisMessage } from 'aws-cdk-lib/cx-api';
import { taskFunctions } from '../../../workflows/registry.ts';
import { parseDeployConfig } from '../../../infra/config.ts';
import { asList, functionNamed, productFunctions, resourcesOf, roleOfFunction, statementsOfRole, synthesize, testAccount, testRegion, type Synthesized } from '../support.ts';

// Notifications by mail on AWS: off by default (no stream, no sender, no queue); with context
// `mail` a stream-fed sender with retries, a dead-letter queue and an SES grant scoped to the sender.
const mail = { enabled: true, from: 'notifications@county.example.cn', toDomain: 'county.example.cn' };
let off: Synthesized;
let on: Synthesized;
beforeAll(() => {
  off = synthesize();
  // As the command line gives it: a JSON string.
  on = synthesize({ mail: JSON.stringify(mail) });
});

describe('mail off (the default)', () => {
  it('has no table stream, no sender function, no queue', () => {
    const [, table] = resourcesOf(off.json, 'AWS::DynamoDB::Table')[0]!;
    expect(table.Properties?.StreamSpecification).toBeUndefined();
    expect(productFunctions(off.json)).toHaveLength(taskFunctions.length + 1);
    off.template.resourceCountIs('AWS::Lambda::EventSourceMapping', 0);
    off.template.resourceCountIs('AWS::SQS::Queue', 0);
    expect(() => functionNamed(off.json, 'village-flow-dev-mail-sender')).toThrow();
    expect(JSON.stringify(off.json)).not.toContain('ses:');
  });
});

describe('mail on', () => {
  it('streams new images and feeds only new outbox items to the sender', () => {
    on.template.hasResourceProperties('AWS::DynamoDB::Table', { StreamSpecification: { StreamViewType: 'NEW_IMAGE' } });
    const sender = functionNamed(on.json, 'village-flow-dev-mail-sender');
    on.template.resourceCountIs('AWS::Lambda::EventSourceMapping', 1);
    const [, mapping] = resourcesOf(on.json, 'AWS::Lambda::EventSourceMapping')[0]!;
    expect(mapping.Properties).toMatchObject({
      FunctionName: { Ref: sender },
      StartingPosition: 'TRIM_HORIZON',
      MaximumRetryAttempts: 5,
      BisectBatchOnFunctionError: true,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': [expect.stringMatching(/^MailDeadLetters/), 'Arn'] } } },
    });
    const filters = (mapping.Properties?.FilterCriteria as { Filters: { Pattern: string }[] }).Filters.map((f) => JSON.parse(f.Pattern) as unknown);
    expect(filters).toEqual([{ eventName: ['INSERT'], dynamodb: { NewImage: { type: { S: ['outbox'] } } } }]);
    const env = (on.json.Resources[sender]!.Properties?.Environment as { Variables: Record<string, unknown> }).Variables;
    expect(env).toMatchObject({ MAIL_FROM: mail.from, MAIL_TO_DOMAIN: mail.toDomain });
  });

  it('has an encrypted dead-letter queue that refuses plain HTTP, with an alarm', () => {
    on.template.resourceCountIs('AWS::SQS::Queue', 1);
    on.template.hasResourceProperties('AWS::SQS::Queue', { SqsManagedSseEnabled: true, MessageRetentionPeriod: 14 * 24 * 3600 });
    on.template.hasResourceProperties('AWS::SQS::QueuePolicy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]) },
    });
    on.template.hasResourceProperties('AWS::CloudWatch::Alarm', { AlarmName: 'village-flow-dev-mail-sender-DeadLetters', MetricName: 'ApproximateNumberOfMessagesVisible' });
  });

  it('may send only from the configured address, through its identities', () => {
    const sender = functionNamed(on.json, 'village-flow-dev-mail-sender');
    const statements = statementsOfRole(on.json, roleOfFunction(on.json, sender)).filter((s) => asList(s.Action).some((a) => a.startsWith('ses:')));
    expect(statements).toHaveLength(1);
    const ses = statements[0]! as { Action: string[]; Resource: unknown; Condition?: unknown };
    expect([...asList(ses.Action)].sort()).toEqual(['ses:SendEmail', 'ses:SendRawEmail']);
    expect(ses.Condition).toEqual({ StringEquals: { 'ses:FromAddress': mail.from } });
    const resources = JSON.stringify(ses.Resource);
    expect(resources).not.toContain('"*"');
    for (const name of ['county.example.cn', 'notifications@county.example.cn']) expect(resources).toContain(`:ses:${testRegion}:${testAccount}:identity/${name}`);
    // No other function may send mail.
    for (const [id, fn] of resourcesOf(on.json, 'AWS::Lambda::Function')) {
      if (id === sender || !fn.Properties?.Role) continue;
      expect(JSON.stringify(statementsOfRole(on.json, roleOfFunction(on.json, id)))).not.toContain('ses:');
    }
  });

  it.each(['AwsSolutions', 'Serverless'])('cdk-nag %s: no unsuppressed errors or warnings', (pack) => {
    const describeAll = (messages: SynthesisMessage[]) => messages.map((m) => `${m.id}: ${String(m.entry.data).split('\n')[0]}`);
    expect(describeAll(on.annotations.findError('*', Match.stringLikeRegexp(`${pack}-.*`)))).toEqual([]);
    expect(describeAll(on.annotations.findWarning('*', Match.stringLikeRegexp(`${pack}-.*`)))).toEqual([]);
  });
});

describe('mail settings', () => {
  it('are off by default and need a sender and a domain when on', () => {
    expect(parseDeployConfig({}).mail).toEqual({ enabled: false });
    expect(() => parseDeployConfig({ mail: { enabled: true } })).toThrow(/mail.enabled needs mail.from and mail.toDomain/);
    expect(() => parseDeployConfig({ mail: '{"enabled":"true","from":"x","toDomain":"d.cn"}' })).toThrow(/mail.from/);
    expect(parseDeployConfig({ mail: { ...mail, enabled: 'true' } }).mail).toMatchObject({ enabled: true, from: mail.from });
  });
});
