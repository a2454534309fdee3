import { Duration } from 'aws-cdk-lib';
import type { HttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import { Alarm, ComparisonOperator, Dashboard, GraphWidget, TreatMissingData, type IMetric } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { Topic } from 'aws-cdk-lib/aws-sns';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import type { StateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import { NagSuppressions } from 'cdk-nag';
import { Construct } from 'constructs';

export interface MonitoringProps {
  /** Prefix of alarm and dashboard names. */
  readonly namePrefix: string;
  /** Functions by a short, stable name. */
  readonly functions: Readonly<Record<string, IFunction>>;
  /** State machines by workflow name. */
  readonly stateMachines: Readonly<Record<string, StateMachine>>;
  readonly api: HttpApi;
  /** Dead-letter queues by a short name: an alarm on their first message. @default - none */
  readonly deadLetterQueues?: Readonly<Record<string, IQueue>>;
  /** Subscribed to the topic when given. @default - no subscription */
  readonly alarmEmail?: string;
}

/**
 * Alarms that notify one SNS topic: any failed or timed-out execution, any function error or
 * throttle, any 5xx from the API — each of these means a payout or a decision did not go through,
 * so the threshold is one occurrence in five minutes. Plus a dashboard of the same metrics.
 */
export class Monitoring extends Construct {
  readonly topic: Topic;
  readonly alarms: Alarm[] = [];
  readonly dashboard: Dashboard;

  constructor(scope: Construct, id: string, props: MonitoringProps) {
    super(scope, id);
    // Not KMS-encrypted: it carries only alarm state changes (no personal or payment data), and
    // CloudWatch cannot publish to a topic encrypted with the AWS-managed SNS key.
    this.topic = new Topic(this, 'AlarmTopic', { displayName: `${props.namePrefix} alarms`, enforceSSL: true });
    if (props.alarmEmail) {
      const subscription = new EmailSubscription(props.alarmEmail);
      this.topic.addSubscription(subscription);
      NagSuppressions.addResourceSuppressions(
        this.topic,
        [{ id: 'Serverless-SNSRedrivePolicy', reason: 'E-mail subscription for operators; an undeliverable alarm e-mail is visible in the alarm history.' }],
        true,
      );
    }
    const action = new SnsAction(this.topic);
    const period = Duration.minutes(5);

    const alarm = (id: string, metric: IMetric, description: string) => {
      const created = new Alarm(this, id, {
        alarmName: `${props.namePrefix}-${id}`,
        alarmDescription: description,
        metric,
        threshold: 1,
        evaluationPeriods: 1,
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      });
      created.addAlarmAction(action);
      this.alarms.push(created);
    };

    const dashboard = new Dashboard(this, 'Dashboard', { dashboardName: props.namePrefix });
    for (const [name, sm] of Object.entries(props.stateMachines)) {
      alarm(`${name}-ExecutionsFailed`, sm.metricFailed({ period }), `An execution of ${name} failed`);
      alarm(`${name}-ExecutionsTimedOut`, sm.metricTimedOut({ period }), `An execution of ${name} timed out`);
      dashboard.addWidgets(
        new GraphWidget({
          title: `workflow ${name}`,
          left: [sm.metricStarted({ period }), sm.metricSucceeded({ period }), sm.metricFailed({ period }), sm.metricTimedOut({ period })],
        }),
      );
    }
    for (const [name, fn] of Object.entries(props.functions)) {
      alarm(`${name}-Errors`, fn.metricErrors({ period }), `Function ${name} returned errors`);
      alarm(`${name}-Throttles`, fn.metricThrottles({ period }), `Function ${name} was throttled`);
      dashboard.addWidgets(
        new GraphWidget({
          title: `function ${name}`,
          left: [fn.metricInvocations({ period }), fn.metricErrors({ period }), fn.metricThrottles({ period })],
          right: [fn.metricDuration({ period, statistic: 'p95' })],
        }),
      );
    }
    for (const [name, queue] of Object.entries(props.deadLetterQueues ?? {})) {
      alarm(`${name}-DeadLetters`, queue.metricApproximateNumberOfMessagesVisible({ period, statistic: 'Maximum' }), `${name} gave up on a message: it is in its dead-letter queue`);
    }
    alarm('Api-5xx', props.api.metricServerError({ period }), 'The HTTP API answered with a 5xx');
    dashboard.addWidgets(
      new GraphWidget({
        title: 'HTTP API',
        left: [props.api.metricCount({ period }), props.api.metricClientError({ period }), props.api.metricServerError({ period })],
        right: [props.api.metricLatency({ period, statistic: 'p95' })],
      }),
    );
    this.dashboard = dashboard;
  }
}
