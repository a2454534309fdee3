import type { Schemas } from '../api/client';
import { beijingDateTime } from './dates';
import { name, roleNames } from './labels';

export type Timeline = Schemas['Timeline'];
export type TimelineEntry = Schemas['TimelineEntry'];

/** One line of a timeline as the console draws it. */
export interface TimelineRow {
  readonly key: string;
  readonly source: 'audit' | 'execution';
  /** Beijing time, minutes. */
  readonly when: string;
  readonly what: string;
  readonly who: string;
  /** Error and cause of a failed step, when there was one. */
  readonly problem?: string;
  readonly failed: boolean;
}

/** Step Functions history events in words; the rest keep their name (they are rare in a trail). */
const eventNames: Readonly<Record<string, string>> = {
  ExecutionStarted: '流程启动',
  ExecutionSucceeded: '流程完成',
  ExecutionFailed: '流程失败',
  ExecutionTimedOut: '流程超时',
  ExecutionAborted: '流程中止',
  ExecutionRedriven: '流程重新执行',
  TaskStateEntered: '进入步骤',
  TaskStateExited: '完成步骤',
  ChoiceStateEntered: '进入判断',
  ChoiceStateExited: '完成判断',
  PassStateEntered: '进入步骤',
  PassStateExited: '完成步骤',
  WaitStateEntered: '开始等待',
  WaitStateExited: '等待结束',
  ParallelStateEntered: '进入并行步骤',
  ParallelStateExited: '完成并行步骤',
  MapStateEntered: '进入批量步骤',
  MapStateExited: '完成批量步骤',
  SucceedStateEntered: '到达成功终点',
  FailStateEntered: '到达失败终点',
  TaskFailed: '步骤失败',
  TaskTimedOut: '步骤超时',
  LambdaFunctionFailed: '函数失败',
  LambdaFunctionTimedOut: '函数超时',
};

const failing = /Failed|TimedOut|Aborted/;

/**
 * A merged timeline (audit trail and workflow history, oldest first as the API sorts it) as rows:
 * audit entries say who did what in which role, execution entries which step of which workflow.
 */
export function timelineRows(timeline: Pick<Timeline, 'entries'>): TimelineRow[] {
  return timeline.entries.map((e, i) => {
    if (e.type === 'audit') {
      const roles = e.roles.map((r) => name(roleNames, r)).join('、') || '系统';
      return { key: `a${i}`, source: 'audit', when: beijingDateTime(e.at), what: e.action, who: `${e.actor}（${roles}）`, failed: false };
    }
    const event = eventNames[e.eventType] ?? e.eventType;
    const problem = [e.error, e.cause].filter(Boolean).join('：');
    return {
      key: `e${i}`,
      source: 'execution',
      when: beijingDateTime(e.at),
      what: e.state ? `${event}：${e.state}` : event,
      who: `流程 ${e.workflow}`,
      ...(problem ? { problem } : {}),
      failed: failing.test(e.eventType),
    };
  });
}

/** "village:120225100201" → the entity type and id GET /timeline takes; the id may itself hold colons. */
export function splitEntity(entity: string | undefined): { entity: string; id: string } | undefined {
  const at = entity?.indexOf(':') ?? -1;
  if (!entity || at <= 0 || at === entity.length - 1) return undefined;
  return { entity: entity.slice(0, at), id: entity.slice(at + 1) };
}
