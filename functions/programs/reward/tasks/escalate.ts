import { defineTask } from '../../../shared/task.ts';
import * as z from 'zod';
import { applicationIdSchema } from '../domain/entities.ts';
import { getApplication } from '../store/application.ts';
import { rewardDecisionId } from '../steps.ts';
import { markEscalated, workflowActor } from '../../../platform/decisions/store.ts';
import { outboxItems } from '../../../platform/store/outbox.ts';

export const escalateInputSchema = z.object({
  applicationId: applicationIdSchema,
  step: z.enum(['township-review', 'finance-approval']),
  /** Which deadline period was missed (1 = the first deadline); the state machine counts them. */
  period: z.number().int().min(1).default(1),
});

const stepWords: Record<z.infer<typeof escalateInputSchema>['step'], string> = { 'township-review': '镇级审核', 'finance-approval': '财政审批' };

/** The escalation's key on the decision: one per missed period, so a retried step records it once. */
export function escalationKey(step: string, period: number): string {
  return period === 1 ? `${step}-deadline` : `${step}-deadline-${period}`;
}

/**
 * A human step missed its deadline (again): notify the level above (the county admin, through the
 * outbox), record the escalation on the decision with an audit record; the step keeps waiting and
 * the state machine waits one more deadline period before escalating again, so an untouched
 * decision is brought up once per period, not once and then forgotten. Nothing happens when it was
 * answered meanwhile; a repeat of the same period records nothing twice.
 */
async function run({ applicationId, step, period }: z.infer<typeof escalateInputSchema>): Promise<{ escalated: boolean; nextPeriod: number }> {
  const app = await getApplication(applicationId);
  if (!app) throw new Error(`Application ${applicationId} does not exist`);
  const id = rewardDecisionId(app, step);
  const key = escalationKey(step, period);
  const notified = `role:admin@${app.jurisdiction.slice(0, 6)}`;
  const escalated = await markEscalated(id, {
    key,
    notified,
    note: `${step} of ${app.id} (${app.entityName}) missed its deadline${period > 1 ? ` (period ${period})` : ''}`,
    extraItems: outboxItems(
      {
        recipient: notified,
        topic: 'reward.escalation',
        key: `${id}#${key}`,
        division: app.village,
        subject: `逾期提醒：以奖代补申请${stepWords[step]}超过期限（${app.entityName}）`,
        text: `${app.entityName}的${app.year}年度以奖代补申请，${stepWords[step]}已超过办理期限${period > 1 ? `（第${period}个期限）` : ''}，请督促办理。`,
        link: `/reward/applications/${app.id}`,
        body: { applicationId: app.id, decisionId: id, step },
      },
      workflowActor,
    ),
  });
  return { escalated, nextPeriod: period + 1 };
}

export const escalateTask = defineTask({ id: 'reward-escalate', file: import.meta.url, input: escalateInputSchema, tableAccess: 'readWrite', run });
export const handler = escalateTask.handler;
