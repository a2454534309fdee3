import { expect } from 'vitest';
import { beijingDate } from '../../../functions/platform/calendar.ts';
import { StartExecutionCommand, type HistoryEvent } from '@aws-sdk/client-sfn';
import { sfn } from '../../../functions/shared/clients.ts';
import { stateMachineArn } from '../../../functions/shared/config.ts';
import type { ApplicationState } from '../../../functions/programs/reward/domain/state.ts';
import type { RewardPolicy } from '../../../functions/programs/reward/domain/policy.ts';
import { createApplication, getApplication, type ApplicationRecord } from '../../../functions/programs/reward/store/application.ts';
import { rewardDecisionId, type RewardStep } from '../../../functions/programs/reward/steps.ts';
import { getDecision } from '../../../functions/platform/decisions/store.ts';
import { putAccount } from '../../../functions/programs/reward/store/account.ts';
import { createEnterprise } from '../../../functions/programs/reward/store/enterprise.ts';
import { getProgram } from '../../../functions/programs/reward/store/program.ts';
import { createVillage, getVillage } from '../../../functions/platform/registries/store/village.ts';
import { call, tokenFor, type AppLike } from '../api.ts';
import { seedDivisions } from '../registries/village-import-fixtures.ts';
import { helanStylePolicy } from '../../../local/reward-policy.ts';
import { executionEnded, history } from '../stepfunctions.ts';
import { waitUntil } from '../wait.ts';

/** Helan-style tiers (8/9/10/12 %), minimum income 100,000 yuan; deadlines and threshold as given. */
export function helanPolicy(overrides: Partial<RewardPolicy['approval']> & { capFen?: number; budgetCeilingFen?: number } = {}): RewardPolicy {
  const { capFen = 50_000_000, budgetCeilingFen = 200_000_000, ...approval } = overrides;
  return helanStylePolicy(budgetCeilingFen, { townshipDeadlineDays: 365, financeDeadlineDays: 365, twoApproverThresholdFen: 10_000_000, ...approval }, capFen);
}

export const village = '120225100201';
export const township = '120225100';

export async function seedVillage(code = village): Promise<void> {
  await seedDivisions();
  if (!(await getVillage(code))) {
    await createVillage({ code, name: `村${code.slice(-3)}`, population: 800, economicallyWeak: false, category: '示范', operatingFundsFen: 16_000_000 }, { sub: 'seed', roles: ['admin'] });
  }
}

export interface Actors {
  admin: string;
  finance1: string;
  finance2: string;
  township: string;
  villageSubmitter: string;
  signers: Record<'handler' | 'bookkeeper' | 'head' | 'supervisor', string>;
}

export async function actors(code = village): Promise<Actors> {
  const signer = (position: 'handler' | 'bookkeeper' | 'head' | 'supervisor') => tokenFor('village', code, { sub: `v-${position}-${code}`, position });
  return {
    admin: await tokenFor('admin', '120225', { sub: 'admin-a' }),
    finance1: await tokenFor('finance', '120225', { sub: 'finance-a' }),
    finance2: await tokenFor('finance', '120225', { sub: 'finance-b' }),
    township: await tokenFor('township', code.slice(0, 9), { sub: 'township-a' }),
    villageSubmitter: await tokenFor('village', code, { sub: `v-submitter-${code}` }),
    signers: { handler: await signer('handler'), bookkeeper: await signer('bookkeeper'), head: await signer('head'), supervisor: await signer('supervisor') },
  };
}

// A window around today on the Beijing calendar (the date the API judges by), a day either side so a
// run that crosses midnight in Beijing still finds it open.
const day = 86_400_000;
const openWindow = { opensOn: beijingDate(new Date(Date.now() - day)), closesOn: beijingDate(new Date(Date.now() + day)) };

/** A program of the test county for the accounts of `accountsYear` (their increase over the year before). */
export async function openProgram(app: AppLike, t: Actors, policy: RewardPolicy, accountsYear = 2025): Promise<string> {
  const res = await call(app, 'POST', '/reward/programs', {
    token: t.admin,
    body: { name: `${accountsYear}年度以奖代补`, jurisdiction: '120225', accountsYear, window: openWindow, policy },
  });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body.id as string;
}

/** An enterprise with accounts for year-1 and year (yuan amounts). */
export async function enterprise(app: AppLike, t: Actors, accounts: { year: number; incomeYuan: number; profitYuan: number }[], code = village): Promise<string> {
  const res = await call(app, 'POST', '/reward/enterprises', { token: t.township, body: { name: `合作社${Math.random().toString(36).slice(2, 8)}`, kind: 'cooperative', village: code } });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  const id = res.body.id as string;
  for (const a of accounts) {
    const put = await call(app, 'PUT', `/reward/enterprises/${id}/accounts/${a.year}`, { token: t.township, body: { operatingIncomeFen: a.incomeYuan * 100, netProfitFen: a.profitYuan * 100 } });
    expect(put.status, JSON.stringify(put.body)).toBe(200);
  }
  return id;
}

export async function submit(app: AppLike, t: Actors, programId: string, entityId: string): Promise<string> {
  const res = await call(app, 'POST', '/reward/applications', { token: t.villageSubmitter, body: { programId, entityId }, headers: { 'idempotency-key': `submit-${entityId}` } });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body.id as string;
}

/** How long the reward helpers wait for one step by default: well inside a 60-s test. */
export const rewardWaitMs = 20_000;

export interface WaitFor {
  /** Give up after this long (default {@link rewardWaitMs}). */
  readonly timeoutMs?: number;
}

const describeApplication = (id: string, app: ApplicationRecord | undefined): string =>
  app ? `${id} is ${app.status} (round ${app.round})` : `${id} does not exist`;

/** Polls until the application reaches one of `states`; a timeout names the status it was in. */
export async function until(id: string, states: ApplicationState | readonly ApplicationState[], options: WaitFor = {}): Promise<ApplicationRecord> {
  const wanted: readonly ApplicationState[] = typeof states === 'string' ? [states] : states;
  const { app } = await waitUntil(
    async () => {
      const app = await getApplication(id);
      return app && wanted.includes(app.status) ? { done: true, seen: describeApplication(id, app), app } : { done: false, seen: describeApplication(id, app) };
    },
    { what: wanted.join(' or '), timeoutMs: options.timeoutMs ?? rewardWaitMs },
  );
  return app;
}

/** Polls until the decision of `step` is open, and returns its id; a timeout names the decision's and the application's state. */
export async function openDecision(id: string, step: RewardStep, options: WaitFor = {}): Promise<string> {
  const { decision } = await waitUntil(
    async () => {
      const app = await getApplication(id);
      if (!app) return { done: false, seen: describeApplication(id, app) };
      const decisionId = rewardDecisionId(app, step);
      const d = await getDecision(decisionId);
      if (d?.status === 'open') return { done: true, seen: `${d.id} is open`, decision: d.id };
      return { done: false, seen: `${describeApplication(id, app)}; decision ${decisionId} ${d ? `is ${d.status}` : 'does not exist'}` };
    },
    { what: `the ${step} decision to open`, timeoutMs: options.timeoutMs ?? rewardWaitMs },
  );
  return decision;
}

export async function signAll(app: AppLike, t: Actors, id: string): Promise<void> {
  await openDecision(id, 'village-signoff');
  for (const position of ['handler', 'bookkeeper', 'head', 'supervisor'] as const) {
    const res = await call(app, 'POST', `/reward/applications/${id}/signatures`, { token: t.signers[position], body: { decision: 'sign' } });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
  }
}

export async function decide(app: AppLike, token: string, decisionId: string, decision: string, comment?: string) {
  return call(app, 'POST', `/decisions/${decisionId}`, { token, body: { decision, ...(comment ? { comment } : {}) } });
}

const executionArn = (id: string) => `${stateMachineArn('reward-application').replace(':stateMachine:', ':execution:')}:${id}`;

/** Waits for the execution to end; returns its status and the names of the top-level and branch states entered, in order. */
export async function finished(id: string, options: WaitFor = {}): Promise<{ status: string; states: string[]; events: HistoryEvent[] }> {
  const d = await executionEnded(executionArn(id), { timeoutMs: options.timeoutMs ?? rewardWaitMs });
  const events = await history(executionArn(id));
  return { status: d.status ?? '', states: events.flatMap((e) => (e.stateEnteredEventDetails?.name ? [e.stateEnteredEventDetails.name] : [])), events };
}

/** Runs `work` over `items`, `width` at a time. */
export async function pool<T>(items: readonly T[], width: number, work: (item: T, index: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(width, items.length) }, async () => {
      for (let i = next++; i < items.length; i = next++) await work(items[i]!, i);
    }),
  );
}

/**
 * Applications that are not what is under test, 16 at a time: for each id an enterprise of
 * `village` with 2024 and 2025 accounts (+300,000 yuan on 1.2M yuan income → 30,000 yuan), the
 * application written through the stores, and its execution started as the API starts it.
 */
export async function seedApplications(programId: string, ids: readonly string[], enterpriseName: (index: number) => string): Promise<void> {
  const program = (await getProgram(programId))!;
  const seeder = { sub: 'seed', roles: ['township' as const] };
  await pool(ids, 16, async (id, i) => {
    const ent = await createEnterprise({ name: enterpriseName(i), kind: 'cooperative', village }, seeder);
    await putAccount({ entityId: ent.id, year: 2024, operatingIncomeFen: 100_000_000, netProfitFen: 10_000_000 }, village, seeder);
    await putAccount({ entityId: ent.id, year: 2025, operatingIncomeFen: 120_000_000, netProfitFen: 40_000_000 }, village, seeder);
    await createApplication(
      { id, programId, policyVersion: program.policyVersion, jurisdiction: program.jurisdiction, entityId: ent.id, entityName: ent.name, village, year: program.accountsYear, submitter: `v-submitter-${village}`, createdAt: new Date().toISOString() },
      { sub: `v-submitter-${village}`, roles: ['village'] },
    );
    await sfn().send(new StartExecutionCommand({ stateMachineArn: stateMachineArn('reward-application'), name: id, input: JSON.stringify({ applicationId: id }) }));
  });
}
