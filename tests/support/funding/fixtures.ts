import { TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { ddb } from '../../../functions/shared/clients.ts';
import type { Village } from '../../../functions/platform/registries/domain/village.ts';
import { villageWrite } from '../../../functions/platform/registries/store/village.ts';
import { testVillageCode } from '../registries/village-import-fixtures.ts';
import { expect } from 'vitest';
import { call, type AppLike } from '../api.ts';
import { waitUntil } from '../wait.ts';

const seeder = { sub: 'test-seeder', roles: ['admin' as const] };

/**
 * `count` villages of the test county (codes from testVillageCode), deterministic by index: a
 * spread of populations (356–2,950) and operating funds around Tianjin's 160,000-yuan average,
 * every fifth village economically weak with lower funds.
 */
export function fundingVillages(count: number, offset = 0): Village[] {
  return Array.from({ length: count }, (_, k) => {
    const i = k + offset;
    const weak = i % 5 === 0;
    return {
      code: testVillageCode(i),
      name: `测试${i}村`,
      population: 356 + ((i * 37) % 2600),
      economicallyWeak: weak,
      category: weak ? '强基' : (['示范', '创优'] as const)[i % 2]!,
      operatingFundsFen: weak ? 2_000_000 + (i % 9) * 500_000 : 14_000_000 + (i % 9) * 500_000,
    };
  });
}

/** Register villages directly (49 to a transaction, with their audit records), 4 transactions in flight. */
export async function seedVillages(villages: readonly Village[]): Promise<void> {
  const chunks: Village[][] = [];
  for (let i = 0; i < villages.length; i += 49) chunks.push(villages.slice(i, i + 49));
  let next = 0;
  const worker = async () => {
    for (let n = next++; n < chunks.length; n = next++) {
      await ddb().send(new TransactWriteCommand({ TransactItems: chunks[n]!.flatMap((v) => villageWrite(v, undefined, seeder, 'village.create')) }));
    }
  };
  await Promise.all(Array.from({ length: 4 }, worker));
}

/** The demo policy: Tianjin's +40,000 yuan with 50,000 earmarked, Rui'an's floors for weak villages. */
export const tianjinRuianRule = {
  increaseFen: 4_000_000,
  floors: [
    { minPopulation: 0, floorFen: 5_000_000, label: '1500人及以下' },
    { minPopulation: 1501, floorFen: 10_000_000, label: '1500人以上' },
  ],
  floorsApplyTo: 'economically-weak' as const,
  earmarkMinimumFen: 5_000_000,
};

export interface RunPolicy {
  readonly division: string;
  readonly year: number;
  readonly name: string;
  readonly rule?: object;
}

/**
 * A real run of a new policy, started by `starter` (default: the admin), brought to the point where
 * finance decides: awaiting approval and in finance's inbox.
 */
export async function runAwaitingApproval(app: AppLike, tokens: { admin: string; finance: string; starter?: string }, policy: RunPolicy): Promise<string> {
  const created = await call(app, 'POST', '/funding/policies', { token: tokens.admin, body: { division: policy.division, year: policy.year, name: policy.name, rule: policy.rule ?? tianjinRuianRule } });
  expect(created.status).toBe(201);
  const started = await call(app, 'POST', '/funding/runs', { token: tokens.starter ?? tokens.admin, body: { policyId: created.body.id } });
  expect(started.status).toBe(201);
  const id = started.body.id as string;
  await waitUntil(
    async () => {
      const run = await call(app, 'GET', `/funding/runs/${id}`, { token: tokens.admin });
      if (run.body.status === 'failed') throw new Error(JSON.stringify(run.body.failure));
      if (run.body.status !== 'awaiting-approval') return { done: false, seen: `run ${id} is ${run.body.status}` };
      const inbox = await call(app, 'GET', '/inbox?role=finance', { token: tokens.finance });
      const listed = (inbox.body.items as { subjectId: string }[]).some((d) => d.subjectId === id);
      return { done: listed, seen: `run ${id} is awaiting-approval, ${listed ? '' : 'not yet '}in finance's inbox` };
    },
    { what: 'awaiting-approval in finance’s inbox', timeoutMs: 20_000, intervalMs: 50 },
  );
  return id;
}

/** A real run approved by finance (one approver: below the policy's threshold) and disbursed: every payout issued. */
export async function disbursedRun(app: AppLike, tokens: { admin: string; finance: string }, policy: RunPolicy): Promise<string> {
  const id = await runAwaitingApproval(app, tokens, policy);
  expect((await call(app, 'POST', `/funding/runs/${id}/approve`, { token: tokens.finance, body: {} })).status).toBe(200);
  await waitUntil(
    async () => {
      const run = await call(app, 'GET', `/funding/runs/${id}`, { token: tokens.finance });
      if (run.body.status === 'failed') throw new Error(JSON.stringify(run.body.failure));
      return { done: run.body.status === 'paid', seen: `run ${id} is ${run.body.status}` };
    },
    { what: `run ${id} disbursed`, timeoutMs: 90_000, intervalMs: 50 },
  );
  return id;
}
