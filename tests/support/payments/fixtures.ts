import { expect } from 'vitest';
import { parse } from 'csv-parse/sync';
import { call, type AppLike } from '../api.ts';
import { waitUntil } from '../wait.ts';
import { lastStatesEntered } from '../stepfunctions.ts';
import { stateMachineArn } from '../../../functions/shared/config.ts';

export const batchExecutionArn = (batchId: string) => `${stateMachineArn('payment-batch').replace(':stateMachine:', ':execution:')}:${batchId}`;
import { getDecision } from '../../../functions/platform/decisions/store.ts';
import { approvalDecisionId, exportDecisionId, resultsDecisionId } from '../../../functions/platform/payments/steps.ts';
import { proposeAccountChange, decideAccountChange } from '../../../functions/platform/payments/store/payee.ts';
import type { BatchStatus } from '../../../functions/platform/payments/domain/batch.ts';

const waitOptions = { timeoutMs: 45_000, intervalMs: 50 };

/** A bank account for a village, proposed by one finance user and approved by another (the store, not the API). */
export async function seedAccount(payeeId: string, accountNumber = `6222${payeeId}`, validFrom = '2020-01-01'): Promise<void> {
  const change = await proposeAccountChange(
    { payeeId, kind: 'village', division: payeeId, proposed: { accountName: `${payeeId}股份经济合作社`, bank: '中国农业银行蓟州支行', accountNumber, validFrom } },
    { sub: 'seed-proposer', roles: ['finance'] },
  );
  await decideAccountChange(payeeId, change.changeId, 'approved', { sub: 'seed-approver', roles: ['finance'] }, undefined);
}

export async function waitForBatch(app: AppLike, token: string, batchId: string, statuses: readonly BatchStatus[]) {
  const { batch } = await waitUntil(
    async () => {
      const res = await call(app, 'GET', `/payments/batches/${batchId}`, { token });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      return { done: statuses.includes(res.body.status), seen: `batch ${batchId} is ${res.body.status}`, batch: res.body };
    },
    { what: `batch ${batchId} to be ${statuses.join(' or ')}`, ...waitOptions },
  );
  return batch;
}

/** Waits until the batch's decision of `step` is open (the workflow reached it). */
export async function waitForBatchStep(batchId: string, step: 'approval' | 'export' | 'results', round = 0): Promise<string> {
  const id = step === 'approval' ? approvalDecisionId(batchId) : step === 'export' ? exportDecisionId(batchId) : resultsDecisionId(batchId, round);
  await waitUntil(
    async () => {
      const d = await getDecision(id);
      const done = d?.status === 'open';
      return { done, seen: `decision ${id} ${d ? `is ${d.status}` : 'does not exist'}${done ? '' : `; the batch's workflow: ${await lastStatesEntered(batchExecutionArn(batchId))}`}` };
    },
    { what: `decision ${id} to open`, ...waitOptions },
  );
  return id;
}

export interface FileRow {
  readonly instruction: string;
  readonly amount: string;
  readonly accountNumber: string;
  readonly accountName: string;
}

/** Export a batch in the treasury layout and read its lines back. */
export async function exportTreasuryCsv(app: AppLike, token: string, batchId: string): Promise<FileRow[]> {
  const res = await app.request(`/payments/batches/${batchId}/export?template=treasury&format=csv`, { method: 'POST', headers: { authorization: `Bearer ${token}` } });
  const text = await res.text();
  expect(res.status, text).toBe(200);
  const rows = parse(text, { bom: true, columns: true }) as Record<string, string>[];
  return rows.map((r) => ({ instruction: r['支付指令号']!, amount: r['金额（元）']!, accountNumber: r['收款人账号']!, accountName: r['收款人全称']! }));
}

export interface ResultLine {
  readonly instruction: string;
  readonly amount: string;
  readonly status: 'paid' | 'failed' | string;
  readonly bankReference?: string;
  readonly valueDate?: string;
  readonly reason?: string;
}

export function resultsCsv(lines: readonly ResultLine[]): string {
  return ['instruction,amount,status,bankReference,valueDate,reason', ...lines.map((l) => [l.instruction, l.amount, l.status, l.bankReference ?? '', l.valueDate ?? '', l.reason ?? ''].join(','))].join('\n') + '\n';
}

export async function importResultsFile(app: AppLike, token: string, batchId: string, csv: string) {
  return call(app, 'POST', `/payments/batches/${batchId}/results`, { token, rawBody: csv, headers: { 'content-type': 'text/csv' } });
}
