import { App, Aspects, Tags } from 'aws-cdk-lib';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import { parseDeployConfig, resourcePrefix } from '../config.ts';
import { VillageFlowStack } from '../stacks/village-flow-stack.ts';

// Entry of `cdk synth` / `cdk deploy`. Settings come from context (cdk.json, overridable with
// `-c stage=prod -c region=…`); nothing here looks anything up, so synthesis works offline.
const app = new App();
const keys = ['stage', 'region', 'account', 'logRetentionDays', 'corsOrigin', 'alarmEmail', 'requireMfa', 'throttleRateLimit', 'throttleBurstLimit', 'logLevel'];
const config = parseDeployConfig(
  Object.fromEntries(keys.map((key) => [key, app.node.tryGetContext(key) as unknown]).filter(([, value]) => value !== undefined)),
);

const stack = new VillageFlowStack(app, resourcePrefix(config), {
  config,
  env: { region: config.region, account: config.account ?? process.env.CDK_DEFAULT_ACCOUNT },
  description: `village-flow (${config.stage}): workflows, API and data for rural assistance programs`,
});
Tags.of(stack).add('project', 'village-flow');
Tags.of(stack).add('stage', config.stage);

// cdk-nag on every synth: an unsuppressed finding fails `cdk synth` with an error annotation.
Aspects.of(app).add(new AwsSolutionsChecks({ verbose: true }));
Aspects.of(app).add(new ServerlessChecks({ verbose: true }));
