import { beforeAll, describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { docsRuntimeFiles } from '../../../functions/api/docs.ts';
import { Match } from 'aws-cdk-lib/assertions';
import type { SynthesisMessage } from 'aws-cdk-lib/cx-api';
import { tableDefinition } from '../../../functions/platform/store/table.ts';
import { roles } from '../../../functions/platform/principal.ts';
import { definitionText, taskFunctions, workflows } from '../../../workflows/registry.ts';
import { callbackActions, executionActions, tableActions } from '../../../infra/constructs/task-function.ts';
import { protectedMethods, publicRoutes } from '../../../infra/constructs/api.ts';
import { substitutionVariables } from '../../../infra/constructs/workflow.ts';
import { allStates, functionVariable, isLambdaTask, type AslMachine } from '../asl.ts';
import {
  actionsOf,
  asList,
  consoleDeploymentHandler,
  functionNamed,
  productFunctions,
  resourcesOf,
  roleOfFunction,
  statementsOfRole,
  synthesize,
  synthesizeWithBundles,
  testRegion,
  type Synthesized,
} from '../support.ts';

// One synthesis for the whole file (without bundles; the bundle test makes its own).
let synth: Synthesized;
beforeAll(() => {
  synth = synthesize();
});

const prefix = 'village-flow-dev';
// Cognito's `iss` claim, scheme included (the pool's ProviderURL attribute has none).
const issuerParts: unknown[] = [`https://cognito-idp.${testRegion}.`, { Ref: 'AWS::URLSuffix' }, '/', { Ref: expect.stringMatching(/^AuthUserPool/) as unknown }];
const issuer = { 'Fn::Join': ['', issuerParts] };
const apiFunctionName = `${prefix}-api`;
// Actions that support no resource-level permissions, so `Resource: *` is the narrowest possible grant.
const resourceless = new Set([
  'xray:PutTraceSegments',
  'xray:PutTelemetryRecords',
  'xray:GetSamplingRules',
  'xray:GetSamplingTargets',
  'logs:CreateLogDelivery',
  'logs:GetLogDelivery',
  'logs:UpdateLogDelivery',
  'logs:DeleteLogDelivery',
  'logs:ListLogDeliveries',
  'logs:PutResourcePolicy',
  'logs:DescribeResourcePolicies',
  'logs:DescribeLogGroups',
]);

describe('resources', () => {
  it('has one function per task function plus the API, and no custom resources but the console upload', () => {
    // No LogRetention or AwsCustomResource helpers: log groups are explicit, nothing is looked up at
    // deploy. The one custom resource type copies the console's build into its bucket (BucketDeployment).
    expect(productFunctions(synth.json)).toHaveLength(taskFunctions.length + 1);
    synth.template.resourceCountIs('AWS::Lambda::Function', taskFunctions.length + 2);
    const custom = Object.values(synth.json.Resources).filter((r) => r.Type.startsWith('Custom::') || r.Type === 'AWS::CloudFormation::CustomResource');
    expect(custom.map((r) => r.Type)).toEqual(['Custom::CDKBucketDeployment', 'Custom::CDKBucketDeployment']);
    for (const fn of taskFunctions) functionNamed(synth.json, `${prefix}-${fn.id}`);
    functionNamed(synth.json, apiFunctionName);
  });

  it('has one state machine per workflow, one table, one user pool with a group per role, one HTTP API', () => {
    synth.template.resourceCountIs('AWS::StepFunctions::StateMachine', workflows.length);
    synth.template.resourceCountIs('AWS::DynamoDB::Table', 1);
    synth.template.resourceCountIs('AWS::Cognito::UserPool', 1);
    // The CLI's client and the web console's.
    synth.template.resourceCountIs('AWS::Cognito::UserPoolClient', 2);
    synth.template.resourceCountIs('AWS::Cognito::UserPoolGroup', roles.length);
    for (const role of roles) synth.template.hasResourceProperties('AWS::Cognito::UserPoolGroup', { GroupName: role });
    synth.template.resourceCountIs('AWS::ApiGatewayV2::Api', 1);
  });

  it('lets users write only harmless attributes of their own: never their jurisdiction, and no admin scope', () => {
    const clients = resourcesOf(synth.json, 'AWS::Cognito::UserPoolClient');
    expect(clients).toHaveLength(2);
    for (const [id, client] of clients) {
      const props = client.Properties as { ClientName?: string; WriteAttributes?: string[]; AllowedOAuthScopes?: string[]; AllowedOAuthFlowsUserPoolClient?: boolean };
      expect([...(props.WriteAttributes ?? [])].sort(), id).toEqual(['locale', 'name', 'zoneinfo']);
      for (const attribute of ['custom:division', 'custom:unitId', 'custom:position']) expect(props.WriteAttributes, id).not.toContain(attribute);
      expect(props.AllowedOAuthScopes ?? [], id).not.toContain('aws.cognito.signin.user.admin');
      // Only the web console signs in through OAuth (tests/infra/console/hosting.test.ts).
      expect(props.AllowedOAuthFlowsUserPoolClient ?? false, id).toBe(props.ClientName === 'web-console');
    }
  });

  it('alarms on failed and timed-out executions, on errors and throttles of every function, and on API 5xx', () => {
    const functionCount = taskFunctions.length + 1;
    synth.template.resourceCountIs('AWS::CloudWatch::Alarm', workflows.length * 2 + functionCount * 2 + 1);
    const metrics = resourcesOf(synth.json, 'AWS::CloudWatch::Alarm').map(([, a]) => `${String(a.Properties?.Namespace)}/${String(a.Properties?.MetricName)}`);
    expect(metrics.filter((m) => m === 'AWS/States/ExecutionsFailed')).toHaveLength(workflows.length);
    expect(metrics.filter((m) => m === 'AWS/States/ExecutionsTimedOut')).toHaveLength(workflows.length);
    expect(metrics.filter((m) => m === 'AWS/Lambda/Errors')).toHaveLength(functionCount);
    expect(metrics.filter((m) => m === 'AWS/Lambda/Throttles')).toHaveLength(functionCount);
    expect(metrics.filter((m) => m === 'AWS/ApiGateway/5xx')).toHaveLength(1);
    for (const [, alarm] of resourcesOf(synth.json, 'AWS::CloudWatch::Alarm')) {
      expect(alarm.Properties?.AlarmActions).toEqual([{ Ref: expect.stringMatching(/^MonitoringAlarmTopic/) as unknown }]);
    }
  });

  it('outputs the API URL, user pool and client ids, table name and every state machine ARN', () => {
    const outputs = Object.keys(synth.json.Outputs ?? {});
    expect(outputs).toEqual(expect.arrayContaining(['ApiUrl', 'UserPoolId', 'UserPoolClientId', 'TableName', 'AlarmTopicArn']));
    expect(outputs.filter((o) => /^StateMachine.*Arn$/.test(o))).toHaveLength(workflows.length);
  });
});

describe('table', () => {
  it('is built from the shared definition: keys, indexes, TTL, on-demand, PITR, encryption, no stream', () => {
    const attributes = new Set<string>([tableDefinition.partitionKey, tableDefinition.sortKey]);
    for (const gsi of tableDefinition.globalSecondaryIndexes) {
      attributes.add(gsi.partitionKey);
      attributes.add(gsi.sortKey);
    }
    synth.template.hasResourceProperties('AWS::DynamoDB::Table', {
      KeySchema: [
        { AttributeName: tableDefinition.partitionKey, KeyType: 'HASH' },
        { AttributeName: tableDefinition.sortKey, KeyType: 'RANGE' },
      ],
      AttributeDefinitions: Match.arrayEquals([...attributes].map((AttributeName) => ({ AttributeName, AttributeType: 'S' }))),
      GlobalSecondaryIndexes: tableDefinition.globalSecondaryIndexes.map((gsi) => ({
        IndexName: gsi.indexName,
        KeySchema: [
          { AttributeName: gsi.partitionKey, KeyType: 'HASH' },
          { AttributeName: gsi.sortKey, KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: 'ALL' },
      })),
      BillingMode: 'PAY_PER_REQUEST',
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      SSESpecification: { SSEEnabled: true },
      TimeToLiveSpecification: { AttributeName: tableDefinition.timeToLiveAttribute, Enabled: true },
      StreamSpecification: Match.absent(),
    });
  });

  it('can be torn down in dev (no deletion protection, removed with the stack)', () => {
    synth.template.hasResource('AWS::DynamoDB::Table', {
      DeletionPolicy: 'Delete',
      Properties: Match.objectLike({ DeletionProtectionEnabled: false }),
    });
  });
});

describe('functions', () => {
  const byName = (name: string) => synth.json.Resources[functionNamed(synth.json, name)]?.Properties ?? {};

  it('run Node.js 22 on arm64 as bundled ESM with X-Ray tracing and their own log group', () => {
    for (const [id, fn] of productFunctions(synth.json)) {
      expect(fn.Properties, id).toMatchObject({
        Runtime: 'nodejs22.x',
        Architectures: ['arm64'],
        Handler: 'index.handler',
        TracingConfig: { Mode: 'Active' },
        LoggingConfig: { LogGroup: { Ref: expect.stringMatching(/LogGroup/) as unknown } },
      });
    }
    for (const [, group] of resourcesOf(synth.json, 'AWS::Logs::LogGroup')) expect(group.Properties?.RetentionInDays).toBe(30);
  });

  it('take memory and timeout from the registry, with documented defaults', () => {
    for (const fn of taskFunctions) {
      expect(byName(`${prefix}-${fn.id}`), fn.id).toMatchObject({ MemorySize: fn.memoryMb ?? 512, Timeout: fn.timeoutSeconds ?? 30 });
    }
  });

  it('get their configuration from the environment config.ts reads', () => {
    const prefixArn = { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:states:${testRegion}:123456789012:stateMachine:${prefix}-`]] };
    for (const name of [...taskFunctions.map((fn) => `${prefix}-${fn.id}`), apiFunctionName]) {
      expect((byName(name).Environment as { Variables: unknown }).Variables, name).toMatchObject({
        TABLE_NAME: { Ref: expect.stringMatching(/^DataTable/) as unknown },
        STATE_MACHINE_ARN_PREFIX: prefixArn,
        LOG_LEVEL: 'INFO',
        NODE_OPTIONS: '--enable-source-maps',
        AWS_NODEJS_CONNECTION_REUSE_ENABLED: '1',
      });
    }
    const api = (byName(apiFunctionName).Environment as { Variables: Record<string, unknown> }).Variables;
    expect(api.JWT_ISSUER).toEqual(issuer);
    expect(api.JWKS_URL).toEqual({ 'Fn::Join': ['', [...issuerParts, '/.well-known/jwks.json']] });
    // Both app clients, comma-separated: the CLI's and the web console's.
    expect(api.JWT_AUDIENCE).toEqual({
      'Fn::Join': [',', [{ Ref: expect.stringMatching(/^AuthUserPoolConsoleClient/) as unknown }, { Ref: expect.stringMatching(/^AuthUserPoolWebConsoleClient/) as unknown }]],
    });
  });

  it('ship Swagger UI beside the API bundle for /docs (resolvable from node_modules), and beside no task bundle', async () => {
    const { outdir, json } = await synthesizeWithBundles();
    const code = (name: string) => json.Resources[functionNamed(json, name)]?.Properties?.Code as { S3Key: string };
    const assetDir = (name: string) => join(outdir, `asset.${code(name).S3Key.replace(/\.zip$/, '')}`);
    const api = assetDir(apiFunctionName);
    expect(existsSync(join(api, 'index.mjs'))).toBe(true);
    for (const [pkg, files] of Object.entries(docsRuntimeFiles)) {
      for (const file of files) expect(existsSync(join(api, 'node_modules', pkg, file)), `${pkg}/${file}`).toBe(true);
    }
    for (const fn of taskFunctions) expect(existsSync(join(assetDir(`${prefix}-${fn.id}`), 'node_modules')), fn.id).toBe(false);
  });
});

describe('IAM', () => {
  const everyStatement = () =>
    [...resourcesOf(synth.json, 'AWS::IAM::Role'), ...resourcesOf(synth.json, 'AWS::IAM::Policy')].flatMap(([id]) =>
      synth.json.Resources[id]?.Type === 'AWS::IAM::Role'
        ? statementsOfRole(synth.json, id).map((s) => ({ id, s }))
        : [],
    );

  it('never grants a wildcard action, and grants Resource * only to actions that cannot be narrowed', () => {
    const statements = everyStatement();
    expect(statements.length).toBeGreaterThan(0);
    // aws-cdk-lib's BucketDeployment grants its own handler object wildcards (s3:GetObject*, s3:List*,
    // …); they must reach no further than the asset bucket and the console's bucket.
    const deployer = consoleDeploymentHandler(synth.json).roleId;
    const deployerResources = statements.filter(({ id }) => id === deployer).flatMap(({ s }) => asList(s.Resource).map((r) => JSON.stringify(r)));
    expect(deployerResources.length).toBeGreaterThan(0);
    for (const r of deployerResources) expect(r).toMatch(/cdk-hnb659fds-assets-|ConsoleSite/);
    for (const { id, s } of statements.filter((st) => st.id !== deployer)) {
      for (const action of asList(s.Action)) {
        expect(action, id).not.toMatch(/\*/);
        expect(action, id).not.toMatch(/^(dynamodb|states|lambda):\*$/);
      }
      if (asList(s.Resource).includes('*')) {
        expect(asList(s.Action).filter((a) => !resourceless.has(a)), `${id} grants on *`).toEqual([]);
      }
    }
  });

  it("grants each task function exactly its registry entry's table actions, on the table and its indexes only", () => {
    for (const fn of taskFunctions) {
      const statements = statementsOfRole(synth.json, roleOfFunction(synth.json, functionNamed(synth.json, `${prefix}-${fn.id}`)));
      expect(actionsOf(statements, 'dynamodb').sort(), fn.id).toEqual([...tableActions(fn.tableAccess)].sort());
      const resources = statements.filter((s) => actionsOf([s], 'dynamodb').length > 0).flatMap((s) => asList(s.Resource));
      expect(JSON.stringify(resources)).not.toContain('*');
      expect(resources).toHaveLength(1 + tableDefinition.globalSecondaryIndexes.length);
      const states = actionsOf(statements, 'states');
      expect(states.sort(), fn.id).toEqual(fn.usesStepFunctions ? [...callbackActions].sort() : []);
    }
  });

  it('lets a read-only task read and nothing else', () => {
    expect(tableActions('read').every((a) => /:(Get|BatchGet|Query|Scan)/.test(a))).toBe(true);
    expect(tableActions('readWrite')).toEqual(expect.arrayContaining(['dynamodb:ConditionCheckItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem']));
  });

  it("scopes the API's Step Functions actions to this stage's state machines and their executions", () => {
    const statements = statementsOfRole(synth.json, roleOfFunction(synth.json, functionNamed(synth.json, apiFunctionName)));
    expect(actionsOf(statements, 'states').sort()).toEqual([...callbackActions, 'states:ListExecutions', ...executionActions].sort());
    expect(actionsOf(statements, 'dynamodb').sort()).toEqual([...tableActions('readWrite')].sort());
    for (const s of statements.filter((st) => actionsOf([st], 'states').length > 0)) {
      for (const resource of asList(s.Resource)) {
        const text = JSON.stringify(resource);
        const names = workflows.map((wf) => `${prefix}-${wf.name}`);
        expect(names.some((n) => text.includes(`:stateMachine:${n}"`) || text.includes(`:execution:${n}:*"`)), text).toBe(true);
      }
    }
  });

  it('lets each state machine invoke exactly the functions its definition names', () => {
    for (const wf of workflows) {
      const [id] = resourcesOf(synth.json, 'AWS::StepFunctions::StateMachine').find(([, sm]) => sm.Properties?.StateMachineName === `${prefix}-${wf.name}`) ?? [];
      const roleId = (synth.json.Resources[id as string]?.Properties?.RoleArn as { 'Fn::GetAtt': [string] })['Fn::GetAtt'][0];
      const invoke = statementsOfRole(synth.json, roleId).filter((s) => asList(s.Action).includes('lambda:InvokeFunction'));
      const granted = invoke.flatMap((s) => asList(s.Resource)).map((r) => (r as { 'Fn::GetAtt': [string] })['Fn::GetAtt'][0]).sort();
      const expected = substitutionVariables(definitionText(wf))
        .map((v) => taskFunctions.find((fn) => fn.substitution === v))
        .map((fn) => functionNamed(synth.json, `${prefix}-${fn?.id}`))
        .sort();
      expect(granted, wf.name).toEqual(expected);
    }
  });
});

describe('state machines', () => {
  const machine = (wfName: string) => {
    const found = resourcesOf(synth.json, 'AWS::StepFunctions::StateMachine').find(([, sm]) => sm.Properties?.StateMachineName === `${prefix}-${wfName}`);
    if (!found) throw new Error(`no state machine for ${wfName}`);
    return found[1].Properties ?? {};
  };

  it('are STANDARD, log ALL events with execution data to a log group, and trace with X-Ray', () => {
    for (const wf of workflows) {
      expect(machine(wf.name), wf.name).toMatchObject({
        StateMachineType: 'STANDARD',
        LoggingConfiguration: {
          Level: 'ALL',
          IncludeExecutionData: true,
          Destinations: [{ CloudWatchLogsLogGroup: { LogGroupArn: { 'Fn::GetAtt': [expect.stringMatching(/Logs/) as unknown, 'Arn'] } } }],
        },
        TracingConfiguration: { Enabled: true },
      });
    }
  });

  it('deploy the definition the local host runs, byte for byte', () => {
    for (const wf of workflows) expect(machine(wf.name).DefinitionString, wf.name).toBe(definitionText(wf));
  });

  it('map every Lambda task state to a function of this stack through definitionSubstitutions', () => {
    for (const wf of workflows) {
      const props = machine(wf.name);
      const substitutions = props.DefinitionSubstitutions as Record<string, { 'Fn::GetAtt': [string, string] }>;
      const tasks = [...allStates(JSON.parse(definitionText(wf)) as AslMachine)].filter(({ state }) => isLambdaTask(state));
      expect(tasks.length, wf.name).toBeGreaterThan(0);
      for (const { path, state } of tasks) {
        const variable = functionVariable(state);
        expect(variable, `${wf.name}/${path}`).toBeDefined();
        const target = substitutions[variable as string];
        expect(target, `${wf.name}/${path}: \${${variable}} has no substitution`).toBeDefined();
        const [logicalId, attribute] = target?.['Fn::GetAtt'] ?? [];
        expect(attribute).toBe('Arn');
        const fn = synth.json.Resources[logicalId as string];
        expect(fn?.Type, `${wf.name}/${path}`).toBe('AWS::Lambda::Function');
        const entry = taskFunctions.find((t) => t.substitution === variable);
        expect(fn?.Properties?.FunctionName, `${wf.name}/${path}`).toBe(`${prefix}-${entry?.id}`);
      }
      // Nothing substituted that the definition does not use.
      expect(Object.keys(substitutions).sort()).toEqual(substitutionVariables(definitionText(wf)).sort());
    }
  });
});

describe('HTTP API', () => {
  const publicKeys = new Set(publicRoutes.map((r) => `${r.method} ${r.path}`));

  it('requires a Cognito JWT on every route except health and documentation, and leaves preflights to CORS', () => {
    const routes = resourcesOf(synth.json, 'AWS::ApiGatewayV2::Route');
    const keys = routes.map(([, r]) => r.Properties?.RouteKey as string);
    expect(keys).toEqual(expect.arrayContaining([...publicKeys, ...protectedMethods.map((m) => `${m} /{proxy+}`)]));
    // Preflights must reach API Gateway's own CORS handling, not an authorized route.
    expect(keys.filter((k) => /^(ANY|OPTIONS) /.test(k))).toEqual([]);
    for (const [, route] of routes) {
      const key = route.Properties?.RouteKey as string;
      if (publicKeys.has(key)) {
        expect(route.Properties?.AuthorizationType, key).toBe('NONE');
      } else {
        expect(route.Properties, key).toMatchObject({ AuthorizationType: 'JWT', AuthorizerId: { Ref: expect.stringMatching(/CognitoAuthorizer/) as unknown } });
      }
    }
    expect([...publicKeys].sort()).toEqual(['GET /docs', 'GET /docs/{proxy+}', 'GET /health', 'GET /openapi.json']);
  });

  it("validates tokens against the user pool's issuer and the app client", () => {
    const authorizers = resourcesOf(synth.json, 'AWS::ApiGatewayV2::Authorizer');
    expect(authorizers).toHaveLength(1);
    expect(authorizers[0]?.[1].Properties).toMatchObject({
      AuthorizerType: 'JWT',
      IdentitySource: ['$request.header.Authorization'],
      JwtConfiguration: {
        Audience: [{ Ref: expect.stringMatching(/^AuthUserPoolConsoleClient/) as unknown }, { Ref: expect.stringMatching(/^AuthUserPoolWebConsoleClient/) as unknown }],
        Issuer: issuer,
      },
    });
  });

  it('logs access as JSON, throttles the stage, and allows the console origin (its distribution)', () => {
    synth.template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      StageName: '$default',
      AutoDeploy: true,
      DefaultRouteSettings: { ThrottlingRateLimit: 50, ThrottlingBurstLimit: 100 },
      AccessLogSettings: { DestinationArn: Match.anyValue(), Format: Match.stringLikeRegexp('"requestId":"\\$context.requestId"') },
    });
    synth.template.hasResourceProperties('AWS::ApiGatewayV2::Api', {
      ProtocolType: 'HTTP',
      CorsConfiguration: Match.objectLike({
        AllowOrigins: [{ 'Fn::Join': ['', ['https://', { 'Fn::GetAtt': [Match.stringLikeRegexp('^ConsoleDistribution'), 'DomainName'] }]] }],
        AllowHeaders: Match.arrayWith(['authorization', 'content-type', 'idempotency-key']),
      }),
    });
  });

  it('gives Cognito the custom attributes the app maps to its principal, and the CLI sign-in flow', () => {
    synth.template.hasResourceProperties('AWS::Cognito::UserPool', {
      Schema: Match.arrayWith(['division', 'unitId', 'position'].map((Name) => Match.objectLike({ Name, AttributeDataType: 'String', Mutable: true }))),
      AdminCreateUserConfig: { AllowAdminCreateUserOnly: true },
    });
    synth.template.hasResourceProperties('AWS::Cognito::UserPoolClient', {
      ExplicitAuthFlows: Match.arrayWith(['ALLOW_USER_PASSWORD_AUTH']),
      GenerateSecret: false,
    });
  });
});

describe('cdk-nag', () => {
  const findings = (level: 'error' | 'warning', pack: string): SynthesisMessage[] =>
    level === 'error'
      ? synth.annotations.findError('*', Match.stringLikeRegexp(`${pack}-.*`))
      : synth.annotations.findWarning('*', Match.stringLikeRegexp(`${pack}-.*`));
  const describeAll = (messages: SynthesisMessage[]) => messages.map((m) => `${m.id}: ${String(m.entry.data).split('\n')[0]}`);

  it.each(['AwsSolutions', 'Serverless'])('%s: no unsuppressed errors or warnings', (pack) => {
    expect(describeAll(findings('error', pack))).toEqual([]);
    expect(describeAll(findings('warning', pack))).toEqual([]);
  });

  it('records a reason with every suppression', () => {
    const suppressions = Object.values(synth.json.Resources).flatMap(
      (r) => ((r as { Metadata?: { cdk_nag?: { rules_to_suppress?: { id: string; reason: string }[] } } }).Metadata?.cdk_nag?.rules_to_suppress ?? []),
    );
    expect(suppressions.length).toBeGreaterThan(0);
    for (const s of suppressions) expect(s.reason.length, s.id).toBeGreaterThan(40);
  });
});
