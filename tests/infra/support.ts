import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { App } from 'aws-cdk-lib';
import { Annotations, Template } from 'aws-cdk-lib/assertions';
import { defineApp } from '../../infra/app.ts';
import type { VillageFlowStack, WorkflowRegistry } from '../../infra/stacks/village-flow-stack.ts';

export const testAccount = '123456789012';
export const testRegion = 'ap-southeast-1';

export interface Synthesized {
  readonly stack: VillageFlowStack;
  readonly template: Template;
  readonly annotations: Annotations;
  /** The raw template, for walks the matchers cannot express. */
  readonly json: { Resources: Record<string, CfnResource>; Outputs?: Record<string, unknown> };
}

export interface CfnResource {
  readonly Type: string;
  readonly Properties?: Record<string, unknown>;
  readonly DeletionPolicy?: string;
  readonly UpdateReplacePolicy?: string;
}

/** The hashed file of {@link consoleBuildFixture}. */
export const fixtureAssetKey = 'assets/index-Cq1x9f2A.js';

/**
 * A stand-in for the console's build (an index.html and one hashed asset): the infra tests check how
 * the build is hosted, not the build, so they neither need nor wait for `npm run build:console`.
 */
export function consoleBuildFixture(): string {
  const dir = mkdtempSync(join(tmpdir(), 'village-flow-console-'));
  mkdirSync(join(dir, 'assets'));
  writeFileSync(join(dir, 'index.html'), '<!doctype html><html lang="zh-CN"><head><script type="module" src="/assets/index-Cq1x9f2A.js"></script></head><body><div id="root"></div></body></html>\n');
  writeFileSync(join(dir, fixtureAssetKey), 'document.getElementById("root").textContent = "village-flow";\n');
  return dir;
}

let fixtureDir: string | undefined;

/**
 * Synthesize the app exactly as `cdk synth` does (same entry, same cdk-nag aspects), with fixed
 * context, but without bundling the functions (`aws:cdk:bundling-stacks`, the context key the CDK
 * CLI sets to bundle only the stacks it was asked for): the template is the same but for the
 * code's asset hashes.
 * Bundling runs esbuild once per function with `spawnSync`, about half a minute a synthesis that
 * blocks the test worker (long enough under load for vitest's 60 s worker calls to time out); the
 * bundles themselves are checked once, by {@link synthesizeWithBundles}.
 */
export function synthesize(context: Record<string, unknown> = {}, registry?: WorkflowRegistry): Synthesized {
  fixtureDir ??= consoleBuildFixture();
  const app = new App({ context: { stage: 'dev', region: testRegion, account: testAccount, consoleDir: fixtureDir, 'aws:cdk:bundling-stacks': [], ...context } });
  const stack = defineApp(app, { registry });
  const template = Template.fromStack(stack);
  return {
    stack,
    template,
    annotations: Annotations.fromStack(stack),
    json: template.toJSON() as Synthesized['json'],
  };
}

export interface Assembly {
  /** The cloud assembly's folder: templates, manifest and one `asset.<hash>` folder per bundle. */
  readonly outdir: string;
  readonly json: Synthesized['json'];
}

/**
 * The app's entry (`infra/bin/app.ts`, what `cdk synth` runs) in a child process, as the CDK CLI runs
 * it (context in `CDK_CONTEXT_JSON`, output folder in `CDK_OUTDIR`), with every function bundled.
 * Awaited, not blocking: the worker stays responsive during the bundling.
 */
export async function synthesizeWithBundles(context: Record<string, unknown> = {}): Promise<Assembly> {
  fixtureDir ??= consoleBuildFixture();
  const outdir = mkdtempSync(join(tmpdir(), 'village-flow-cdk-out-'));
  const cdkJson = JSON.parse(readFileSync('cdk.json', 'utf8')) as { context: Record<string, unknown> };
  const fullContext = { ...cdkJson.context, stage: 'dev', region: testRegion, account: testAccount, consoleDir: fixtureDir, ...context };
  await promisify(execFile)(process.execPath, ['--import', 'tsx', 'infra/bin/app.ts'], {
    env: { ...process.env, CDK_OUTDIR: outdir, CDK_CONTEXT_JSON: JSON.stringify(fullContext) },
    maxBuffer: 64 * 1024 * 1024,
  });
  const manifest = JSON.parse(readFileSync(join(outdir, 'manifest.json'), 'utf8')) as { artifacts: Record<string, { type: string; properties?: { templateFile?: string } }> };
  const stacks = Object.values(manifest.artifacts).filter((a) => a.type === 'aws:cloudformation:stack');
  if (stacks.length !== 1 || !stacks[0]?.properties?.templateFile) throw new Error(`expected one stack in ${outdir}, found ${stacks.length}`);
  return { outdir, json: JSON.parse(readFileSync(join(outdir, stacks[0].properties.templateFile), 'utf8')) as Synthesized['json'] };
}

/** Resources of one type, by logical id. */
export function resourcesOf(json: Synthesized['json'], type: string): [string, CfnResource][] {
  return Object.entries(json.Resources).filter(([, r]) => r.Type === type);
}

export interface Statement {
  readonly Effect: string;
  readonly Action: string | string[];
  readonly Resource: unknown;
}

export const asList = <T>(value: T | T[]): T[] => (Array.isArray(value) ? value : [value]);

/** Every policy statement attached to a role (its inline policies and the AWS::IAM::Policy resources naming it). */
export function statementsOfRole(json: Synthesized['json'], roleLogicalId: string): Statement[] {
  const role = json.Resources[roleLogicalId];
  const inline = ((role?.Properties?.Policies as { PolicyDocument: { Statement: Statement[] } }[] | undefined) ?? []).flatMap(
    (p) => p.PolicyDocument.Statement,
  );
  const attached = resourcesOf(json, 'AWS::IAM::Policy')
    .filter(([, p]) => JSON.stringify(p.Properties?.Roles).includes(`"${roleLogicalId}"`))
    .flatMap(([, p]) => (p.Properties?.PolicyDocument as { Statement: Statement[] }).Statement);
  return [...inline, ...attached];
}

/** Logical id of a Lambda function's role. */
export function roleOfFunction(json: Synthesized['json'], functionLogicalId: string): string {
  const role = json.Resources[functionLogicalId]?.Properties?.Role as { 'Fn::GetAtt': [string, string] } | undefined;
  if (!role) throw new Error(`${functionLogicalId} has no role`);
  return role['Fn::GetAtt'][0];
}

/** Logical id of the function with a given physical name. */
export function functionNamed(json: Synthesized['json'], name: string): string {
  const found = resourcesOf(json, 'AWS::Lambda::Function').find(([, r]) => r.Properties?.FunctionName === name);
  if (!found) throw new Error(`No function named ${name} in the template`);
  return found[0];
}

export function actionsOf(statements: readonly Statement[], service: string): string[] {
  return statements.flatMap((s) => asList(s.Action)).filter((a) => a.startsWith(`${service}:`));
}

/**
 * The function behind the console's BucketDeployment custom resources: aws-cdk-lib's own (Python,
 * copies the build into the bucket at deploy time), not one of the product's functions, which the
 * tests hold to the product's rules (runtime, tracing, log groups, IAM without wildcards).
 */
export function consoleDeploymentHandler(json: Synthesized['json']): { readonly functionId: string; readonly roleId: string } {
  const tokens = new Set(
    resourcesOf(json, 'Custom::CDKBucketDeployment').map(([, d]) => (d.Properties?.ServiceToken as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0]),
  );
  if (tokens.size !== 1) throw new Error(`expected one BucketDeployment handler, found ${tokens.size}`);
  const [functionId] = [...tokens] as [string];
  return { functionId, roleId: roleOfFunction(json, functionId) };
}

/** The product's own functions (every Lambda function but the console's deployment handler), by logical id. */
export function productFunctions(json: Synthesized['json']): [string, CfnResource][] {
  const { functionId } = consoleDeploymentHandler(json);
  return resourcesOf(json, 'AWS::Lambda::Function').filter(([id]) => id !== functionId);
}

/** A CloudFormation value as text: `${Logical}` for a Ref, `${Logical.Attr}` for a GetAtt, joins joined. */
export function render(value: unknown): string {
  if (typeof value === 'string') return value;
  const v = value as { Ref?: string; 'Fn::GetAtt'?: [string, string]; 'Fn::Join'?: [string, unknown[]] };
  if (v.Ref) return `\${${v.Ref}}`;
  if (v['Fn::GetAtt']) return `\${${v['Fn::GetAtt'].join('.')}}`;
  if (v['Fn::Join']) return v['Fn::Join'][1].map(render).join(v['Fn::Join'][0]);
  throw new Error(`cannot render ${JSON.stringify(value)}`);
}
