import { beforeAll, describe, expect, it } from 'vitest';
import { App } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import { defineApp } from '../../../infra/app.ts';
import { callbackActions, tableActions } from '../../../infra/constructs/task-function.ts';
import { registryOf, type WorkflowRegistry } from '../../../workflows/registry.ts';
import { fixtureModule } from '../../fixtures/program/module.ts';
import { actionsOf, asList, functionNamed, resourcesOf, roleOfFunction, statementsOfRole, synthesize, type Synthesized } from '../support.ts';

// The stack is generic over the modules: a program it has never seen (the fixture program, which is
// only its folder and its module) is deployed with its functions, grants and alarms, without touching
// infra/. Synthesized once, as a prod stage, so the same file also checks what prod changes
// (retained data, MFA, e-mail alarms).
const fixtureRegistry: WorkflowRegistry = registryOf([fixtureModule]);
const fixtureDefinition = fixtureRegistry.definitionText(fixtureModule.workflows[0]!);

let synth: Synthesized;
beforeAll(() => {
  synth = synthesize({ stage: 'prod', logRetentionDays: '90', alarmEmail: 'ops@example.org', requireMfa: 'true', corsOrigin: 'https://console.example.org' }, fixtureRegistry);
});

const prefix = 'village-flow-prod';
const statementsOf = (fnId: string) => statementsOfRole(synth.json, roleOfFunction(synth.json, functionNamed(synth.json, `${prefix}-${fnId}`)));

describe('a program the stack has never seen', () => {
  it('gets its functions, its state machine with the definition unchanged, and its alarms', () => {
    synth.template.resourceCountIs('AWS::Lambda::Function', fixtureRegistry.taskFunctions.length + 1);
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
    expect(() => defineApp(new App({ context: { stage: 'dev', region: 'ap-southeast-1', account: '123456789012' } }), { registry: broken })).toThrow(
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

  it('keeps logs for the configured retention, allows the configured origin, and mails alarms', () => {
    for (const [id, group] of resourcesOf(synth.json, 'AWS::Logs::LogGroup')) expect(group.Properties?.RetentionInDays, id).toBe(90);
    synth.template.hasResourceProperties('AWS::ApiGatewayV2::Api', { CorsConfiguration: Match.objectLike({ AllowOrigins: ['https://console.example.org'] }) });
    synth.template.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'ops@example.org' });
  });

  it('is clean under both cdk-nag packs without the MFA suppression', () => {
    for (const pack of ['AwsSolutions', 'Serverless']) {
      expect(synth.annotations.findError('*', Match.stringLikeRegexp(`${pack}-.*`)).map((m) => m.id)).toEqual([]);
      expect(synth.annotations.findWarning('*', Match.stringLikeRegexp(`${pack}-.*`)).map((m) => m.id)).toEqual([]);
    }
    expect(JSON.stringify(synth.json)).not.toContain('AwsSolutions-COG2');
  });

  it('refuses a log retention CloudWatch does not offer', () => {
    expect(() => defineApp(new App({ context: { logRetentionDays: '31' } }), { registry: { ...fixtureRegistry, workflows: [], taskFunctions: [] } })).toThrow(/logRetentionDays=31/);
  });
});
