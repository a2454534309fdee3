import { Aspects, Tags, type App } from 'aws-cdk-lib';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import { deployConfigSchema, parseDeployConfig, resourcePrefix } from './config.ts';
import { VillageFlowStack, type WorkflowRegistry } from './stacks/village-flow-stack.ts';

export interface DefineAppOptions {
  /** @default every module's workflows and tasks */
  readonly registry?: WorkflowRegistry;
}

/**
 * Add the village-flow stack to an app, configured from the app's context, with both cdk-nag packs
 * as aspects. `bin/app.ts` (the CLI's entry) and the infra tests both go through here, so the tests
 * check exactly what `cdk synth` produces.
 */
export function defineApp(app: App, options: DefineAppOptions = {}): VillageFlowStack {
  const context = Object.fromEntries(
    Object.keys(deployConfigSchema.shape)
      .map((key) => [key, app.node.tryGetContext(key) as unknown])
      .filter(([, value]) => value !== undefined),
  );
  const config = parseDeployConfig(context);
  const stack = new VillageFlowStack(app, resourcePrefix(config), {
    config,
    registry: options.registry,
    // Account from context, else the CLI's credentials; unset leaves the stack environment-agnostic.
    env: { region: config.region, account: config.account ?? process.env.CDK_DEFAULT_ACCOUNT },
    description: `village-flow (${config.stage}): workflows, API and data for rural assistance programs`,
  });
  Tags.of(stack).add('project', 'village-flow');
  Tags.of(stack).add('stage', config.stage);

  // An unsuppressed finding becomes an error annotation, which fails `cdk synth` and the infra tests.
  Aspects.of(app).add(new AwsSolutionsChecks({ verbose: true }));
  Aspects.of(app).add(new ServerlessChecks({ verbose: true }));
  return stack;
}
