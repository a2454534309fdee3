import { beforeAll, describe, expect, it } from 'vitest';
import { App } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import { defineApp } from '../../../infra/app.ts';
import { callbackActions, tableActions } from '../../../infra/constructs/task-function.ts';
import { registryOf, type WorkflowRegistry } from '../../../workflows/registry.ts';
import { fixtureModule } from '../../fixtures/program/module.ts';
import { actionsOf, asList, consoleBuildFixture, functionNamed, productFunctions, render, resourcesOf, roleOfFunction, statementsOfRole, synthesize, type Synthesized } from '../support.ts';

// The stack is generic over the modules: a program it has never seen (the fixture program, which is
// only its folder and its module) is deployed with its functions, grants and alarms, without touching
// infra/. Synthesized once, as a prod stage, so the same file also checks what prod changes
// (retained data, MFA, e-mail alarms, the console at its own domain).
const fixtureRegistry: WorkflowRegistry = registryOf([fixtureModule]);
const fixtureDefinition = fixtureRegistry.definitionText(fixtureModule.workflows[0]!);

const consoleDomain = { domainName: 'console.example.org', certificateArn: 'arn:aws:acm:us-east-1:123456789012:certificate/0f6d6f4e-1c55-4d2a-9a57-1f2a3b4c5d6e' };
let synth: Synthesized;
beforeAll(() => {
  synth = synthesize({ stage: 'prod', logRetentionDays: '90', alarmEmail: 'ops@example.org', requireMfa: 'true', consoleDomain: JSON.stringify(consoleDomain) }, fixtureRegistry);
});

const prefix = 'village-flow-prod';
const statementsOf = (fnId: string) => statementsOfRole(synth.json, roleOfFunction(synth.json, functionNamed(synth.json, `${prefix}-${fnId}`)));

describe('a program the stack has never seen', () => {
  it('gets its functions, its state machine with the definition unchanged, and its alarms', () => {
    expect(productFunctions(synth.json)).toHaveLength(fixtureRegistry.taskFunctions.length + 1);
    synth.template.hasResourceProperties('AWS::StepFunctions::StateMachine', {
      StateMachineName: `${prefix}-fixture-review`,
      DefinitionString: fixtureDefinition,
      DefinitionSubstitutions: {
        FixtureLoadFunctionArn: { 'Fn::GetAtt': [functionNamed(synth.json, `${prefix}-fixture-load`), 'Arn'] },
        FixtureAwaitFunctionArn: { 'Fn::GetAtt': [functionNamed(synth.json, `${prefix}-fixture-await`), 'Arn'] },
      },
    });
    synth.template.hasResourceProperties('AWS::CloudWatch::Alarm', { AlarmName: `${prefix}-fixture-review-ExecutionsFailed` });
    synth.template.hasResourceProperties('AWS::Lambda::Function', { FunctionName: `${prefix}-fixture-load`, MemorySize: 256, Timeout: 30 });
    synth.template.hasResourceProperties('AWS::Lambda::Function', { FunctionName: `${prefix}-fixture-await`, MemorySize: 512, Timeout: 10 });
  });

  it('gives a read-only task read actions only, and no Step Functions access', () => {
    const statements = statementsOf('fixture-load');
    expect(actionsOf(statements, 'dynamodb').sort()).toEqual([...tableActions('read')].sort());
    expect(actionsOf(statements, 'dynamodb').some((a) => /Put|Update|Delete|Write|ConditionCheck/.test(a))).toBe(false);
    expect(actionsOf(statements, 'states')).toEqual([]);
  });

  it('gives a callback task the task-token actions on this stage’s state machines only', () => {
    const statements = statementsOf('fixture-await').filter((s) => actionsOf([s], 'states').length > 0);
    expect(actionsOf(statements, 'states').sort()).toEqual([...callbackActions].sort());
    expect(statements.flatMap((s) => asList(s.Resource)).map((r) => JSON.stringify(r))).toEqual([
      expect.stringContaining(`:stateMachine:${prefix}-fixture-review"`),
    ]);
  });

  it('refuses, naming the variable, a definition that uses a function the registry lacks', () => {
    const broken: WorkflowRegistry = { ...fixtureRegistry, taskFunctions: [], definitionText: () => fixtureDefinition };
    expect(() => defineApp(new App({ context: { stage: 'dev', region: 'ap-southeast-1', account: '123456789012', consoleDir: consoleBuildFixture() } }), { registry: broken })).toThrow(
      /no function for \$\{FixtureLoadFunctionArn\}/,
    );
  });
});

describe('prod stage', () => {
  it('retains and protects the table, and retains the user pool', () => {
    synth.template.hasResource('AWS::DynamoDB::Table', {
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
      Properties: Match.objectLike({ DeletionProtectionEnabled: true }),
    });
    synth.template.hasResource('AWS::Cognito::UserPool', { DeletionPolicy: 'Retain', Properties: Match.objectLike({ DeletionProtection: 'ACTIVE', MfaConfiguration: 'ON' }) });
  });

  it('keeps logs for the configured retention, allows the console at its own domain, and mails alarms', () => {
    for (const [id, group] of resourcesOf(synth.json, 'AWS::Logs::LogGroup')) expect(group.Properties?.RetentionInDays, id).toBe(90);
    synth.template.hasResourceProperties('AWS::ApiGatewayV2::Api', { CorsConfiguration: Match.objectLike({ AllowOrigins: ['https://console.example.org'] }) });
    synth.template.hasResourceProperties('AWS::S3::Bucket', { LifecycleConfiguration: { Rules: [{ ExpirationInDays: 90, Status: 'Enabled' }] } });
    synth.template.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'ops@example.org' });
  });

  it('is clean under both cdk-nag packs without the MFA suppression', () => {
    for (const pack of ['AwsSolutions', 'Serverless']) {
      expect(synth.annotations.findError('*', Match.stringLikeRegexp(`${pack}-.*`)).map((m) => m.id)).toEqual([]);
      expect(synth.annotations.findWarning('*', Match.stringLikeRegexp(`${pack}-.*`)).map((m) => m.id)).toEqual([]);
    }
    expect(JSON.stringify(synth.json)).not.toContain('AwsSolutions-COG2');
    // At its own domain the console has a modern TLS policy: nothing to suppress.
    expect(JSON.stringify(synth.json)).not.toContain('AwsSolutions-CFR4');
  });

  it('serves the console at its own domain with TLSv1.2_2021, naming the API exactly in the CSP, and keeps its files', () => {
    synth.template.hasResourceProperties('AWS::CloudFront::Distribution', {
      DistributionConfig: Match.objectLike({
        Aliases: ['console.example.org'],
        ViewerCertificate: { AcmCertificateArn: consoleDomain.certificateArn, MinimumProtocolVersion: 'TLSv1.2_2021', SslSupportMethod: 'sni-only' },
      }),
    });
    synth.template.hasResourceProperties('AWS::Cognito::UserPoolClient', { ClientName: 'web-console', CallbackURLs: ['https://console.example.org/'], LogoutURLs: ['https://console.example.org/'] });
    // The origin is known before the distribution exists, so the CSP can name the API itself.
    const [, headers] = resourcesOf(synth.json, 'AWS::CloudFront::ResponseHeadersPolicy')[0]!;
    const csp = render((headers.Properties?.ResponseHeadersPolicyConfig as { SecurityHeadersConfig: { ContentSecurityPolicy: { ContentSecurityPolicy: unknown } } }).SecurityHeadersConfig.ContentSecurityPolicy.ContentSecurityPolicy);
    expect(csp).toMatch(/connect-src 'self' \$\{ApiHttpApi[0-9A-F]+\.ApiEndpoint\} https:\/\/\$\{AuthUserPoolDomain[0-9A-F]+\}\.auth\.ap-southeast-1\.amazoncognito\.com https:\/\/cognito-idp\./);
    for (const [id, bucket] of resourcesOf(synth.json, 'AWS::S3::Bucket')) expect(bucket.DeletionPolicy, id).toBe('Retain');
    for (const [id, deployment] of resourcesOf(synth.json, 'Custom::CDKBucketDeployment')) expect(deployment.Properties?.RetainOnDelete, id).toBe(true);
    expect(JSON.stringify(synth.json)).not.toContain('localhost');
  });

  it('refuses a log retention CloudWatch does not offer', () => {
    expect(() => defineApp(new App({ context: { logRetentionDays: '31' } }), { registry: { ...fixtureRegistry, workflows: [], taskFunctions: [] } })).toThrow(/logRetentionDays=31/);
  });
});
