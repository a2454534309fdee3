import { RemovalPolicy } from 'aws-cdk-lib';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { DefinitionBody, LogLevel, StateMachine, StateMachineType } from 'aws-cdk-lib/aws-stepfunctions';
import { NagSuppressions } from 'cdk-nag';
import { Construct } from 'constructs';

/** The `${Name}` variables of an ASL text, in order of first appearance. */
export function substitutionVariables(definition: string): string[] {
  return [...new Set([...definition.matchAll(/\$\{([A-Za-z0-9_]+)\}/g)].map((m) => m[1] as string))];
}

export interface WorkflowStateMachineProps {
  /** Physical name; the API builds ARNs from it, so it is fixed rather than generated. */
  readonly stateMachineName: string;
  /** The ASL text exactly as `workflows/` holds it, `${…}` variables included. */
  readonly definition: string;
  /** Function for each substitution variable; the definition may use a subset. */
  readonly functions: Readonly<Record<string, IFunction>>;
  /** @default RetentionDays.ONE_MONTH */
  readonly logRetention?: RetentionDays;
  /** @default RemovalPolicy.DESTROY */
  readonly logRemovalPolicy?: RemovalPolicy;
}

/**
 * A STANDARD state machine deployed from a definition text unchanged: CloudFormation replaces the
 * variables with function ARNs (`DefinitionSubstitutions`), so what runs on AWS is byte for byte what
 * the local host interprets. Logs every event with execution data, traces with X-Ray, and may invoke
 * exactly the functions its definition names.
 */
export class WorkflowStateMachine extends Construct {
  readonly stateMachine: StateMachine;
  readonly logGroup: LogGroup;
  /** The functions this definition invokes, by substitution variable. */
  readonly invokedFunctions: Readonly<Record<string, IFunction>>;

  constructor(scope: Construct, id: string, props: WorkflowStateMachineProps) {
    super(scope, id);
    const invoked: Record<string, IFunction> = {};
    for (const name of substitutionVariables(props.definition)) {
      const fn = props.functions[name];
      if (!fn) throw new Error(`State machine ${props.stateMachineName}: no function for \${${name}} (add it to taskFunctions in workflows/registry.ts)`);
      invoked[name] = fn;
    }
    this.invokedFunctions = invoked;

    // The vended-logs prefix keeps CloudWatch's resource policy for Step Functions from growing per log group.
    this.logGroup = new LogGroup(this, 'Logs', {
      logGroupName: `/aws/vendedlogs/states/${props.stateMachineName}`,
      retention: props.logRetention ?? RetentionDays.ONE_MONTH,
      removalPolicy: props.logRemovalPolicy ?? RemovalPolicy.DESTROY,
    });

    this.stateMachine = new StateMachine(this, 'StateMachine', {
      stateMachineName: props.stateMachineName,
      stateMachineType: StateMachineType.STANDARD,
      definitionBody: DefinitionBody.fromString(props.definition),
      definitionSubstitutions: Object.fromEntries(Object.entries(invoked).map(([name, fn]) => [name, fn.functionArn])),
      logs: { destination: this.logGroup, level: LogLevel.ALL, includeExecutionData: true },
      tracingEnabled: true,
    });

    const functionArns = Object.values(invoked).map((fn) => fn.functionArn);
    if (functionArns.length > 0) {
      // Unqualified ARNs only: the definitions invoke $LATEST, never a version or alias.
      this.stateMachine.addToRolePolicy(new PolicyStatement({ actions: ['lambda:InvokeFunction'], resources: functionArns }));
    }

    NagSuppressions.addResourceSuppressions(
      this.stateMachine,
      [
        {
          id: 'AwsSolutions-IAM5',
          reason:
            'Granted by CDK for logging and tracing: the CloudWatch Logs delivery actions and X-Ray PutTraceSegments/PutTelemetryRecords/GetSampling* support no resource-level permissions.',
          appliesTo: ['Resource::*'],
        },
      ],
      true,
    );
  }
}
