import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

/**
 * The map from workflows to the code their Task states run, read by both hosts:
 * the CDK stack builds one Lambda function per task function and substitutes its ARN into the
 * definition; the local Step Functions endpoint substitutes a local ARN and calls the same handler
 * in-process.
 */
export interface TaskFunction {
  /** Stable id: Lambda construct id on AWS, function name suffix on both hosts. */
  readonly id: string;
  /** Variable in the ASL definition (`${VillageImportValidateFunctionArn}`) replaced by the function's ARN. */
  readonly substitution: string;
  /** Source file, relative to the repository root, exporting `handler`. */
  readonly entry: string;
  /** Least privilege: what the function does with the table. */
  readonly tableAccess: 'read' | 'readWrite';
  /** Whether it calls Step Functions (to answer task tokens or start executions). */
  readonly usesStepFunctions?: boolean;
  /** Lambda timeout in seconds (default 30). */
  readonly timeoutSeconds?: number;
  /** Lambda memory in MB (default 512). */
  readonly memoryMb?: number;
}

export interface Workflow {
  /** State machine name suffix; also the key used by the API to start executions. */
  readonly name: string;
  /** ASL file in this folder. */
  readonly definitionFile: string;
  readonly description: string;
}

export const workflows: readonly Workflow[] = [
  { name: 'village-import', definitionFile: 'village-import.asl.json', description: 'Validate a village CSV and write its villages in pages, idempotently' },
  { name: 'reward-application', definitionFile: 'reward-application.asl.json', description: 'Reward instead of subsidy: compute, sign-off, review, approval, reserve, disburse exactly once, notify' },
  { name: 'funding-run', definitionFile: 'funding-run.asl.json', description: 'Yearly village operating-funds increase: snapshot, allocate in pages, finance approval, paged disbursement' },
];

export const taskFunctions: readonly TaskFunction[] = [
  { id: 'village-import-validate', substitution: 'VillageImportValidateFunctionArn', entry: 'functions/platform/registries/tasks/village-import-validate.ts', tableAccess: 'readWrite', timeoutSeconds: 120, memoryMb: 1024 },
  { id: 'village-import-write-page', substitution: 'VillageImportWritePageFunctionArn', entry: 'functions/platform/registries/tasks/village-import-write-page.ts', tableAccess: 'readWrite', timeoutSeconds: 120 },
  { id: 'village-import-finish', substitution: 'VillageImportFinishFunctionArn', entry: 'functions/platform/registries/tasks/village-import-finish.ts', tableAccess: 'readWrite' },
  { id: 'village-import-mark-failed', substitution: 'VillageImportMarkFailedFunctionArn', entry: 'functions/platform/registries/tasks/village-import-mark-failed.ts', tableAccess: 'readWrite' },
  { id: 'reward-compute', substitution: 'RewardComputeFunctionArn', entry: 'functions/programs/reward/tasks/compute.ts', tableAccess: 'readWrite' },
  { id: 'reward-await', substitution: 'RewardAwaitFunctionArn', entry: 'functions/programs/reward/tasks/await.ts', tableAccess: 'readWrite', usesStepFunctions: true },
  { id: 'reward-decision-outcome', substitution: 'RewardDecisionOutcomeFunctionArn', entry: 'functions/programs/reward/tasks/decision-outcome.ts', tableAccess: 'read' },
  { id: 'reward-escalate', substitution: 'RewardEscalateFunctionArn', entry: 'functions/programs/reward/tasks/escalate.ts', tableAccess: 'readWrite' },
  { id: 'reward-reserve', substitution: 'RewardReserveFunctionArn', entry: 'functions/programs/reward/tasks/reserve.ts', tableAccess: 'readWrite' },
  { id: 'reward-disburse', substitution: 'RewardDisburseFunctionArn', entry: 'functions/programs/reward/tasks/disburse.ts', tableAccess: 'readWrite' },
  { id: 'reward-notify', substitution: 'RewardNotifyFunctionArn', entry: 'functions/programs/reward/tasks/notify.ts', tableAccess: 'readWrite' },
  { id: 'funding-run-snapshot', substitution: 'FundingRunSnapshotFunctionArn', entry: 'functions/programs/funding/tasks/snapshot.ts', tableAccess: 'readWrite', timeoutSeconds: 900, memoryMb: 1024 },
  { id: 'funding-run-compute-page', substitution: 'FundingRunComputePageFunctionArn', entry: 'functions/programs/funding/tasks/compute-page.ts', tableAccess: 'readWrite', timeoutSeconds: 120 },
  { id: 'funding-run-summarise', substitution: 'FundingRunSummariseFunctionArn', entry: 'functions/programs/funding/tasks/summarise.ts', tableAccess: 'readWrite', timeoutSeconds: 120 },
  { id: 'funding-run-request-approval', substitution: 'FundingRunRequestApprovalFunctionArn', entry: 'functions/programs/funding/tasks/request-approval.ts', tableAccess: 'readWrite', usesStepFunctions: true },
  { id: 'funding-run-disburse-page', substitution: 'FundingRunDisbursePageFunctionArn', entry: 'functions/programs/funding/tasks/disburse-page.ts', tableAccess: 'readWrite', timeoutSeconds: 120 },
  { id: 'funding-run-mark-paid', substitution: 'FundingRunMarkPaidFunctionArn', entry: 'functions/programs/funding/tasks/mark-paid.ts', tableAccess: 'readWrite' },
  { id: 'funding-run-mark-failed', substitution: 'FundingRunMarkFailedFunctionArn', entry: 'functions/programs/funding/tasks/mark-failed.ts', tableAccess: 'readWrite' },
];

const here = dirname(fileURLToPath(import.meta.url));

/** The raw ASL text with `${…}` substitution variables still in place: exactly what CDK deploys. */
export function definitionText(workflow: Workflow): string {
  return readFileSync(join(here, workflow.definitionFile), 'utf8');
}

/** Replace `${Name}` variables as Step Functions' definitionSubstitutions does; unknown names are an error. */
export function substitute(definition: string, values: Readonly<Record<string, string>>): string {
  return definition.replace(/\$\{([A-Za-z0-9_]+)\}/g, (_, name: string) => {
    const value = values[name];
    if (value === undefined) throw new Error(`No substitution for \${${name}}`);
    return value;
  });
}

/** Local (non-AWS) Lambda ARN for a task function; the local endpoint maps it back to the handler. */
export function localFunctionArn(fn: TaskFunction, region = 'cn-north-1'): string {
  return `arn:aws:lambda:${region}:000000000000:function:village-flow-${fn.id}`;
}
