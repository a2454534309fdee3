import { isAbsolute, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ArnFormat, CfnOutput, Duration, Fn, Lazy, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { StateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import type { Construct } from 'constructs';
import { Construct as Group } from 'constructs';
import { registryOf, type Workflow, type WorkflowRegistry } from '../../workflows/registry.ts';
import { roles } from '../../functions/platform/principal.ts';
import { docsRuntimeFiles } from '../../functions/api/docs.ts';
import { resourcePrefix, type DeployConfig } from '../config.ts';
import { Api } from '../constructs/api.ts';
import { Auth, consoleScopes } from '../constructs/auth.ts';
import { assertConsoleBuild, ConsoleHosting } from '../constructs/console-hosting.ts';
import { MailSender } from '../constructs/mail-sender.ts';
import { Monitoring } from '../constructs/monitoring.ts';
import { VillageFlowTable } from '../constructs/table.ts';
import { TaskFunction } from '../constructs/task-function.ts';
import { ScheduledTask } from '../constructs/scheduled-task.ts';
import { WorkflowStateMachine } from '../constructs/workflow.ts';

export type { WorkflowRegistry };

export interface VillageFlowStackProps extends StackProps {
  readonly config: DeployConfig;
  /** @default every module's workflows and tasks (`registryOf()` in workflows/registry.ts) */
  readonly registry?: WorkflowRegistry;
  /** Folder holding package.json; function entries are relative to it. @default the repository root */
  readonly projectRoot?: string;
  /** The API's Lambda entry, relative to `projectRoot`. @default 'functions/api/handler.ts' */
  readonly apiEntry?: string;
}

const repositoryRoot = fileURLToPath(new URL('../../', import.meta.url));

/** The Vite dev server (`npm run dev:console`), allowed only with context consoleDevelopment=true. */
export const consoleDevServerOrigin = 'http://localhost:5173';

/** CloudWatch Logs accepts only certain retention periods; refuse others at synth time. */
function retentionDays(days: number): RetentionDays {
  const allowed = Object.values(RetentionDays).filter((v): v is number => typeof v === 'number');
  if (!allowed.includes(days)) throw new Error(`logRetentionDays=${days} is not a CloudWatch retention period (${allowed.join(', ')})`);
  return days as RetentionDays;
}

/** State machine name of a workflow in a stage: `village-flow-<stage>-<workflow>`. */
export function stateMachineName(config: Pick<DeployConfig, 'stage'>, workflow: Pick<Workflow, 'name'>): string {
  return `${resourcePrefix(config)}-${workflow.name}`;
}

/**
 * The whole product on AWS: the table, one function per task handler, one state machine per workflow,
 * the HTTP API with its Cognito user pool, the web console behind CloudFront, and the alarms. Generic
 * over the registry: a module's workflow (functions/programs/index.ts) is deployed without touching
 * this file.
 */
export class VillageFlowStack extends Stack {
  readonly table: VillageFlowTable;
  readonly taskFunctions: Readonly<Record<string, TaskFunction>>;
  /** The schedules of the tasks that declare one, by task id. */
  readonly scheduledTasks: Readonly<Record<string, ScheduledTask>>;
  readonly apiFunction: TaskFunction;
  readonly stateMachines: Readonly<Record<string, WorkflowStateMachine>>;
  readonly auth: Auth;
  readonly api: Api;
  readonly console: ConsoleHosting;
  readonly monitoring: Monitoring;
  /** Present when mail is enabled (context `mail`). */
  readonly mailSender?: MailSender;

  constructor(scope: Construct, id: string, props: VillageFlowStackProps) {
    super(scope, id, props);
    const { config } = props;
    const reg = props.registry ?? registryOf();
    const projectRoot = props.projectRoot ?? repositoryRoot;
    const prefix = resourcePrefix(config);
    const isProd = config.stage === 'prod';
    const dataRemoval = isProd ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY;
    const logRetention = retentionDays(config.logRetentionDays);
    // Checked before anything is bundled, so a missing console build fails in a second, not after every function.
    const consoleDir = isAbsolute(config.consoleDir) ? config.consoleDir : join(projectRoot, config.consoleDir);
    assertConsoleBuild(consoleDir);
    if (isProd && config.consoleDevelopment) throw new Error('consoleDevelopment=true lets a local dev server sign in; it is refused for stage prod');
    const stateMachineNames = reg.workflows.map((wf) => stateMachineName(config, wf));
    const stateMachineArnPrefix = this.formatArn({
      service: 'states',
      resource: 'stateMachine',
      resourceName: `${prefix}-`,
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    });

    this.table = new VillageFlowTable(this, 'Data', {
      deletionProtection: isProd,
      removalPolicy: dataRemoval,
      stream: config.mail.enabled,
    });

    const common = {
      projectRoot,
      table: this.table,
      stateMachineArnPrefix,
      logLevel: config.logLevel,
      logRetention,
      logRemovalPolicy: dataRemoval,
    };

    const tasks = new Group(this, 'Tasks');
    const taskFunctions: Record<string, TaskFunction> = {};
    for (const entry of reg.taskFunctions) {
      taskFunctions[entry.id] = new TaskFunction(tasks, entry.id, {
        ...common,
        entry: entry.entry,
        functionName: `${prefix}-${entry.id}`,
        description: `village-flow task ${entry.id}`,
        tableAccess: entry.tableAccess,
        stepFunctions: entry.usesStepFunctions ? { level: 'callback', stateMachineNames } : undefined,
        memorySize: entry.memoryMb,
        timeout: entry.timeoutSeconds === undefined ? undefined : Duration.seconds(entry.timeoutSeconds),
        ...(entry.schedule ? { noDlqReason: 'Invoked asynchronously only by its EventBridge Scheduler schedule, which retries for a day; a failure raises the function error alarm, and the job is idempotent, so it is run again by hand.' } : {}),
      });
    }
    this.taskFunctions = taskFunctions;

    // Tasks that run on a schedule (a daily job in Beijing time): one EventBridge Scheduler schedule each.
    const scheduled = new Group(this, 'Schedules');
    const scheduledTasks: Record<string, ScheduledTask> = {};
    for (const entry of reg.taskFunctions) {
      if (!entry.schedule) continue;
      scheduledTasks[entry.id] = new ScheduledTask(scheduled, entry.id, { function: (taskFunctions[entry.id] as TaskFunction).function, schedule: entry.schedule, scheduleName: `${prefix}-${entry.id}` });
    }
    this.scheduledTasks = scheduledTasks;

    const bySubstitution: Record<string, IFunction> = Object.fromEntries(
      reg.taskFunctions.map((entry) => [entry.substitution, (taskFunctions[entry.id] as TaskFunction).function]),
    );
    const workflowsGroup = new Group(this, 'Workflows');
    const stateMachines: Record<string, WorkflowStateMachine> = {};
    for (const wf of reg.workflows) {
      stateMachines[wf.name] = new WorkflowStateMachine(workflowsGroup, wf.name, {
        stateMachineName: stateMachineName(config, wf),
        definition: reg.definitionText(wf),
        functions: bySubstitution,
        logRetention,
        logRemovalPolicy: dataRemoval,
      });
    }
    this.stateMachines = stateMachines;

    this.auth = new Auth(this, 'Auth', {
      userPoolName: prefix,
      groups: roles,
      requireMfa: config.requireMfa,
      removalPolicy: dataRemoval,
      domainPrefix: config.authDomainPrefix ?? prefix,
    });
    const { userPool, client } = this.auth;

    // The API in the console's connect-src. CORS must name the console's origin, so the API depends on
    // the distribution; at the distribution's own cloudfront.net name the distribution's headers cannot
    // name the API in turn (a cycle), and the CSP allows the region's execute-api hosts instead. At a
    // custom domain the origin is known before anything is created and the CSP names the API exactly.
    const apiSource = config.consoleDomain
      ? Lazy.string({ produce: () => this.api.httpApi.apiEndpoint })
      : `https://*.execute-api.${this.region}.${this.urlSuffix}`;
    this.console = new ConsoleHosting(this, 'Console', {
      assetDir: consoleDir,
      apiSource,
      authDomainUrl: this.auth.domainUrl,
      issuerOrigin: `https://cognito-idp.${this.region}.${this.urlSuffix}`,
      customDomain: config.consoleDomain,
      logRetentionDays: config.logRetentionDays,
      removalPolicy: dataRemoval,
    });
    const devOrigins = config.consoleDevelopment ? [consoleDevServerOrigin] : [];
    const consoleClient = this.auth.addConsoleClient({ urls: [this.console.url, ...devOrigins.map((o) => `${o}/`)] });

    this.apiFunction = new TaskFunction(this, 'ApiFunction', {
      ...common,
      entry: props.apiEntry ?? 'functions/api/handler.ts',
      functionName: `${prefix}-api`,
      description: 'village-flow HTTP API (Hono)',
      tableAccess: 'readWrite',
      stepFunctions: { level: 'operator', stateMachineNames },
      memorySize: 1024,
      timeout: Duration.seconds(29),
      // Swagger UI for /docs, read from files beside the bundle rather than bundled into it.
      runtimeFiles: docsRuntimeFiles,
      environment: {
        JWKS_URL: this.auth.jwksUrl,
        JWT_ISSUER: this.auth.issuer,
        JWT_AUDIENCE: Fn.join(',', this.auth.clientIds),
      },
    });

    this.api = new Api(this, 'Api', {
      apiName: prefix,
      handler: this.apiFunction.function,
      auth: this.auth,
      corsOrigins: [this.console.origin, ...devOrigins],
      throttleRateLimit: config.throttleRateLimit,
      throttleBurstLimit: config.throttleBurstLimit,
      logRetention,
      logRemovalPolicy: dataRemoval,
    });

    const { url: consoleUrl } = this.console;
    this.console.deploy({
      apiUrl: this.api.url,
      auth: {
        kind: 'cognito',
        authority: this.auth.issuer,
        clientId: consoleClient.userPoolClientId,
        redirectUri: consoleUrl,
        postLogoutRedirectUri: consoleUrl,
        scope: consoleScopes.map((s) => s.scopeName).join(' '),
      },
    });

    // Notifications by mail (SES), only when configured: no stream, no sender otherwise.
    const { mail } = config;
    if (mail.enabled && mail.from && mail.toDomain) {
      this.mailSender = new MailSender(this, 'Mail', {
        ...common,
        functionName: `${prefix}-mail-sender`,
        description: 'village-flow notifications: outbox → SES',
        from: mail.from,
        toDomain: mail.toDomain,
        linkBase: mail.linkBase,
      });
    }

    const machines: Record<string, StateMachine> = Object.fromEntries(
      Object.entries(stateMachines).map(([name, wf]) => [name, wf.stateMachine]),
    );
    this.monitoring = new Monitoring(this, 'Monitoring', {
      namePrefix: prefix,
      functions: {
        api: this.apiFunction.function,
        ...Object.fromEntries(Object.entries(taskFunctions).map(([name, fn]) => [name, fn.function])),
        ...(this.mailSender ? { 'mail-sender': this.mailSender.sender.function } : {}),
      },
      deadLetterQueues: this.mailSender ? { 'mail-sender': this.mailSender.deadLetters } : {},
      stateMachines: machines,
      api: this.api.httpApi,
      alarmEmail: config.alarmEmail,
    });

    new CfnOutput(this, 'ApiUrl', { value: this.api.url, description: 'Base URL of the HTTP API' });
    new CfnOutput(this, 'UserPoolId', { value: userPool.userPoolId });
    new CfnOutput(this, 'UserPoolClientId', { value: client.userPoolClientId, description: "The CLI's app client (USER_PASSWORD_AUTH)" });
    new CfnOutput(this, 'ConsoleUrl', { value: this.console.url, description: 'The web console (sign-in through Cognito managed login)' });
    new CfnOutput(this, 'CognitoDomain', { value: this.auth.domainUrl, description: 'Managed-login domain of the user pool' });
    new CfnOutput(this, 'ConsoleClientId', { value: consoleClient.userPoolClientId, description: "The web console's app client (authorization code with PKCE)" });
    new CfnOutput(this, 'TableName', { value: this.table.table.tableName });
    new CfnOutput(this, 'AlarmTopicArn', { value: this.monitoring.topic.topicArn });
    new CfnOutput(this, 'StateMachineArnPrefix', { value: stateMachineArnPrefix });
    if (this.mailSender) new CfnOutput(this, 'MailDeadLetterQueueUrl', { value: this.mailSender.deadLetters.queueUrl, description: 'Notifications SES could not take after every retry' });
    for (const [name, wf] of Object.entries(stateMachines)) {
      const outputId = `StateMachine${name.replace(/[^A-Za-z0-9]/g, '')}Arn`;
      new CfnOutput(this, outputId, { value: wf.stateMachine.stateMachineArn, description: `State machine of workflow ${name}` });
    }
  }
}
