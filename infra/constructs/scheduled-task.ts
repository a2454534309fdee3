import { Duration } from 'aws-cdk-lib';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { CfnSchedule } from 'aws-cdk-lib/aws-scheduler';
import { Construct } from 'constructs';
import type { TaskSchedule } from '../../functions/shared/task.ts';

export interface ScheduledTaskProps {
  readonly function: IFunction;
  readonly schedule: TaskSchedule;
  /** @default - generated */
  readonly scheduleName?: string;
}

/** How long the scheduler keeps retrying an invocation that fails to get through. */
const maxEventAge = Duration.hours(24);

/**
 * A task function invoked on a schedule (EventBridge Scheduler): the expression read in the task's
 * time zone (Beijing for calendar jobs), an empty payload, a role that may invoke this one function
 * and nothing else, and retries for a day. A job that fails raises the function's error alarm
 * (Monitoring); every scheduled job is idempotent, so an operator runs it again by hand.
 *
 * The L1 schedule rather than the L2 target: the L2 grants invoke on the function's versions too
 * (`<arn>:*`), which this unversioned function does not need.
 */
export class ScheduledTask extends Construct {
  readonly schedule: CfnSchedule;
  readonly role: Role;

  constructor(scope: Construct, id: string, props: ScheduledTaskProps) {
    super(scope, id);
    this.role = new Role(this, 'Role', { assumedBy: new ServicePrincipal('scheduler.amazonaws.com') });
    this.role.addToPrincipalPolicy(new PolicyStatement({ actions: ['lambda:InvokeFunction'], resources: [props.function.functionArn] }));
    this.schedule = new CfnSchedule(this, 'Schedule', {
      name: props.scheduleName,
      description: props.schedule.description,
      scheduleExpression: props.schedule.expression,
      scheduleExpressionTimezone: props.schedule.timezone,
      state: 'ENABLED',
      flexibleTimeWindow: { mode: 'OFF' },
      target: {
        arn: props.function.functionArn,
        roleArn: this.role.roleArn,
        input: '{}',
        retryPolicy: { maximumEventAgeInSeconds: maxEventAge.toSeconds(), maximumRetryAttempts: 10 },
      },
    });
  }
}
