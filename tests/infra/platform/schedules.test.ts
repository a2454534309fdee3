import { beforeAll, describe, expect, it } from 'vitest';
import { Match } from 'aws-cdk-lib/assertions';
import { taskFunctions } from '../../../workflows/registry.ts';
import { asList, functionNamed, resourcesOf, roleOfFunction, statementsOfRole, synthesize, type Synthesized } from '../support.ts';

// Scheduled tasks on AWS: the pairing periods open by themselves, daily at 00:05 Beijing time, through
// EventBridge Scheduler invoking the task's function with `{}`, under a role that may invoke that one
// function and nothing else; cdk-nag stays clean (asserted for the whole stack in stack.test.ts, and
// here for the schedule's own resources).
const prefix = 'village-flow-dev';
let synth: Synthesized;
beforeAll(() => {
  synth = synthesize();
});

describe('scheduled tasks', () => {
  it('has one schedule per task that declares one, and the pairing periods’ start is one of them', () => {
    const scheduled = taskFunctions.filter((t) => t.schedule);
    expect(scheduled.map((t) => t.id)).toContain('pairing-open-due-periods');
    synth.template.resourceCountIs('AWS::Scheduler::Schedule', scheduled.length);
  });

  it('runs the pairing start daily at 00:05 in Asia/Shanghai, invoking its function with an empty payload, retrying for a day', () => {
    const fn = functionNamed(synth.json, `${prefix}-pairing-open-due-periods`);
    synth.template.hasResourceProperties('AWS::Scheduler::Schedule', {
      Name: `${prefix}-pairing-open-due-periods`,
      ScheduleExpression: 'cron(5 0 * * ? *)',
      ScheduleExpressionTimezone: 'Asia/Shanghai',
      State: 'ENABLED',
      FlexibleTimeWindow: { Mode: 'OFF' },
      Target: Match.objectLike({
        Arn: { 'Fn::GetAtt': [fn, 'Arn'] },
        Input: '{}',
        RetryPolicy: { MaximumEventAgeInSeconds: 24 * 3600, MaximumRetryAttempts: 10 },
      }),
    });
  });

  it('lets the scheduler’s role invoke exactly that function, and nothing else', () => {
    const fn = functionNamed(synth.json, `${prefix}-pairing-open-due-periods`);
    const [, schedule] = resourcesOf(synth.json, 'AWS::Scheduler::Schedule').find(([, s]) => (s.Properties as { Name?: string }).Name === `${prefix}-pairing-open-due-periods`)!;
    const roleRef = (schedule.Properties as { Target: { RoleArn: { 'Fn::GetAtt': [string, string] } } }).Target.RoleArn['Fn::GetAtt'][0];
    const role = synth.json.Resources[roleRef]!;
    expect(JSON.stringify(role.Properties?.AssumeRolePolicyDocument)).toContain('scheduler.amazonaws.com');
    const statements = statementsOfRole(synth.json, roleRef);
    expect(statements.flatMap((s) => asList(s.Action))).toEqual(['lambda:InvokeFunction']);
    expect(statements.flatMap((s) => asList(s.Resource))).toEqual([{ 'Fn::GetAtt': [fn, 'Arn'] }]);
  });

  it('gives the task function read access to the table and may start (not read or stop) the project’s executions', () => {
    const statements = statementsOfRole(synth.json, roleOfFunction(synth.json, functionNamed(synth.json, `${prefix}-pairing-open-due-periods`)));
    const actions = statements.flatMap((s) => asList(s.Action));
    expect(actions).toContain('states:StartExecution');
    expect(actions).not.toContain('dynamodb:PutItem');
    expect(actions).not.toContain('states:StopExecution');
  });
});

// Annual-report reminders (social) start by themselves too: the same daily 00:05 Beijing schedule
// (platform/reporting/scheduled-start.ts), a task that writes its start markers and starts executions.
describe('the social annual-report reminders’ scheduled start', () => {
  const name = `${prefix}-social-start-due-reminders`;

  it('runs daily at 00:05 in Asia/Shanghai, invoking its function with an empty payload under a role that may invoke only it', () => {
    expect(taskFunctions.filter((t) => t.schedule).map((t) => t.id)).toContain('social-start-due-reminders');
    const fn = functionNamed(synth.json, name);
    synth.template.hasResourceProperties('AWS::Scheduler::Schedule', {
      Name: name,
      ScheduleExpression: 'cron(5 0 * * ? *)',
      ScheduleExpressionTimezone: 'Asia/Shanghai',
      State: 'ENABLED',
      Target: Match.objectLike({ Arn: { 'Fn::GetAtt': [fn, 'Arn'] }, Input: '{}', RetryPolicy: { MaximumEventAgeInSeconds: 24 * 3600, MaximumRetryAttempts: 10 } }),
    });
    const [, schedule] = resourcesOf(synth.json, 'AWS::Scheduler::Schedule').find(([, s]) => (s.Properties as { Name?: string }).Name === name)!;
    const roleRef = (schedule.Properties as { Target: { RoleArn: { 'Fn::GetAtt': [string, string] } } }).Target.RoleArn['Fn::GetAtt'][0];
    const statements = statementsOfRole(synth.json, roleRef);
    expect(statements.flatMap((s) => asList(s.Action))).toEqual(['lambda:InvokeFunction']);
    expect(statements.flatMap((s) => asList(s.Resource))).toEqual([{ 'Fn::GetAtt': [fn, 'Arn'] }]);
  });

  it('lets the task write its markers and start (not stop) executions', () => {
    const actions = statementsOfRole(synth.json, roleOfFunction(synth.json, functionNamed(synth.json, name))).flatMap((s) => asList(s.Action));
    expect(actions).toContain('states:StartExecution');
    expect(actions).toContain('dynamodb:PutItem');
    expect(actions).not.toContain('states:StopExecution');
  });
});
