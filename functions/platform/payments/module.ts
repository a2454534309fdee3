import { OpenAPIHono } from '@hono/zod-openapi';
import type { AppEnv } from '../http/context.ts';
import { amountInSummary, secondApproverStanding, type ProgramModule } from '../module.ts';
import { batchRoutes } from './routes/batches.ts';
import { payeeRoutes } from './routes/payees.ts';
import { payoutRoutes } from './routes/payouts.ts';
import { paymentSteps } from './steps.ts';
import { getBatch } from './store/batch.ts';
import { decideBatch, paymentBatchWorkflow } from './use-cases.ts';
import { collectTask } from './tasks/collect.ts';
import { summariseTask } from './tasks/summarise.ts';
import { requestDecisionTask } from './tasks/request-decision.ts';
import { unbatchTask } from './tasks/unbatch.ts';
import { markSentTask } from './tasks/mark-sent.ts';
import { escalateTask } from './tasks/escalate.ts';
import { settlePageTask } from './tasks/settle-page.ts';
import { finishImportTask } from './tasks/finish-import.ts';
import { readImportTask } from './tasks/read-import.ts';

const batchPath = (id: string) => `/payments/batches/${id}`;
// Every step of a batch decides on its whole amount, stored with the decision (tasks/request-decision.ts).
const batchAmount = amountInSummary('totalFen');

/**
 * Payments, one module of the platform that every program pays through: payees' bank accounts
 * (changed only by two people), one payout per approved payment with its payment instruction,
 * batches that finance approves and sends as a bank or treasury file, and the bank's results that
 * settle each payout exactly once. Programs create payouts (store/payout.ts) in the transaction
 * that records their approval; nothing here knows a program.
 */
export const paymentsModule = {
  name: 'payments',
  title: '支付与对账',
  routes: { basePath: '/payments' as const, app: new OpenAPIHono<AppEnv>().route('/', payeeRoutes).route('/', batchRoutes).route('/', payoutRoutes) },
  workflows: [
    {
      name: paymentBatchWorkflow,
      definitionFile: 'payment-batch.asl.json',
      description: 'Payment batch: collect instructions, finance approval, payment file, bank results until every line is settled',
      subjectDivision: async (batchId) => (await getBatch(batchId))?.division,
    },
  ],
  tasks: [collectTask, summariseTask, requestDecisionTask, unbatchTask, markSentTask, escalateTask, readImportTask, settlePageTask, finishImportTask],
  decisions: [
    {
      kind: paymentSteps.approval.kind,
      subjectType: 'payment-batch',
      subjectPath: batchPath,
      readAction: 'payment:read',
      answers: ['approve', 'reject'],
      refusals: ['reject'],
      standingFor: secondApproverStanding,
      amountFen: batchAmount,
      answer: async (principal, decision, input) => {
        const result = await decideBatch(principal, decision.subjectId, input.decision === 'approve' ? 'approve' : 'reject', input.comment);
        return { decisionId: decision.id, status: result.status, applicationStatus: result.batch.status, ...(result.remaining !== undefined ? { remaining: result.remaining } : {}) };
      },
    },
    { kind: paymentSteps.export.kind, subjectType: 'payment-batch', subjectPath: batchPath, readAction: 'payment:read', amountFen: batchAmount, answers: [], answeredThrough: 'POST /payments/batches/{id}/export' },
    { kind: paymentSteps.results.kind, subjectType: 'payment-batch', subjectPath: batchPath, readAction: 'payment:read', amountFen: batchAmount, answers: [], answeredThrough: 'POST /payments/batches/{id}/results' },
  ],
} satisfies ProgramModule;
