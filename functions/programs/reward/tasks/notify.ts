import { defineTask } from '../../../shared/task.ts';
import * as z from 'zod';
import { applicationIdSchema } from '../domain/entities.ts';
import { formatYuan } from '../../../platform/money.ts';
import { applicationChange, getApplication, releaseClaimUpdate } from '../store/application.ts';
import { outboxItems } from '../../../platform/store/outbox.ts';
import { workflowActor } from '../../../platform/decisions/store.ts';
import { TransactionConditionFailed, writeTransaction, type TransactItem } from '../../../platform/store/transact.ts';

/** How an outcome reads in a message. */
const outcomeWords: Partial<Record<string, string>> = {
  paying: '已批准，正在支付',
  paid: '已支付',
  rejected: '未获批准',
  closed: '已关闭',
  ineligible: '不符合条件，已关闭',
  unfunded: '因预算不足暂未拨付',
  returned: '已退回',
};

export const notifyInputSchema = z.object({ applicationId: applicationIdSchema });

/**
 * Step 7: the outcome for the village and the applicant (outbox), and the last state change: an
 * ineligible application is closed, and one that ends without a payout gives its entity's year back.
 * Safe to repeat: the outbox records are keyed by application and outcome.
 */
async function run({ applicationId }: z.infer<typeof notifyInputSchema>): Promise<{ status: string }> {
  let app = await getApplication(applicationId);
  if (!app) throw new Error(`Application ${applicationId} does not exist`);
  const items: TransactItem[] = [];
  if (app.status === 'ineligible') {
    const change = applicationChange(app, 'close', { closedReason: 'ineligible' }, workflowActor, 'reward-application.closed');
    items.push(...change.items);
    app = change.next;
  }
  const ended = app.status === 'closed' || app.status === 'rejected';
  if (ended) items.push(releaseClaimUpdate(app));
  const reasons = app.computation?.reasons?.map((r) => r.message);
  const body = { applicationId: app.id, status: app.status, ...(app.status === 'paid' && app.amountFen !== undefined ? { amountYuan: formatYuan(app.amountFen) } : {}), ...(reasons ? { reasons } : {}) };
  const outcome = outcomeWords[app.status] ?? app.status;
  const subject = `以奖代补申请${outcome}：${app.entityName}（${app.year}年度）`;
  const text = [
    `${app.entityName}的${app.year}年度以奖代补申请${outcome}。`,
    app.status === 'paid' && app.amountFen !== undefined ? `奖励金额 ${formatYuan(app.amountFen)} 元。` : '',
    app.status === 'paying' && app.amountFen !== undefined ? `奖励金额 ${formatYuan(app.amountFen)} 元，待银行支付结果。` : '',
    reasons && reasons.length > 0 ? `原因：${reasons.join('；')}` : '',
  ].join('');
  const link = `/reward/applications/${app.id}`;
  for (const recipient of [`division:${app.village}`, `user:${app.submitter}`]) {
    items.push(...outboxItems({ recipient, topic: 'reward.outcome', key: `${app.id}#${app.round}#${app.status}`, division: app.village, subject, text, link, body }, workflowActor));
  }
  try {
    await writeTransaction(items);
  } catch (err) {
    // Already notified by an earlier run of this step.
    if (!(err instanceof TransactionConditionFailed)) throw err;
    const now = await getApplication(applicationId);
    return { status: now?.status ?? app.status };
  }
  return { status: app.status };
}

export const notifyTask = defineTask({ id: 'reward-notify', file: import.meta.url, input: notifyInputSchema, tableAccess: 'readWrite', run });
export const handler = notifyTask.handler;
