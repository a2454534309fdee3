import { expect } from 'vitest';
import { randomUUID } from 'node:crypto';
import { fiveAScale } from '../../../functions/programs/social/domain/grading.ts';
import { changeRound, createRound, roundId as gradingRoundId, saveResults, type GradingResult } from '../../../functions/programs/social/store/grading.ts';
import { createVillage, getVillage } from '../../../functions/platform/registries/store/village.ts';
import { getDecision } from '../../../functions/platform/decisions/store.ts';
import { executionArnFor } from '../../../functions/shared/executions.ts';
import type { OrganisationInput, OrganisationStatus } from '../../../functions/programs/social/domain/organisation.ts';
import { getOrganisation, type OrganisationRecord } from '../../../functions/programs/social/store/organisation.ts';
import { socialDecisionId, type SocialStep } from '../../../functions/programs/social/steps.ts';
import { call, tokenFor, type AppLike } from '../api.ts';
import { seedDivisions } from '../registries/village-import-fixtures.ts';
import { endedExecution, type EndedExecution } from '../stepfunctions.ts';
import { waitUntil } from '../wait.ts';

export const township = '120225100';
/** Villages 120225100201 … of the test township. */
export const socialVillage = (i: number) => `${township}${String(201 + i)}`;

export async function seedSocialVillages(count: number, population = 1200): Promise<string[]> {
  await seedDivisions();
  const codes = Array.from({ length: count }, (_, i) => socialVillage(i));
  for (const code of codes) {
    if (!(await getVillage(code))) {
      await createVillage({ code, name: `村${code.slice(-3)}`, population, economicallyWeak: false, category: '示范', operatingFundsFen: 16_000_000 }, { sub: 'seed', roles: ['admin'] });
    }
  }
  return codes;
}

export interface SocialActors {
  readonly admin: string;
  readonly township: string;
  readonly finance: string;
  readonly auditor: string;
  village(code: string): Promise<string>;
}

export async function socialActors(): Promise<SocialActors> {
  return {
    admin: await tokenFor('admin', '120225', { sub: 'admin-s' }),
    township: await tokenFor('township', township, { sub: 'township-s' }),
    finance: await tokenFor('finance', '120225', { sub: 'finance-s' }),
    auditor: await tokenFor('auditor', '120225', { sub: 'auditor-s' }),
    village: (code) => tokenFor('village', code, { sub: `village-${code}` }),
  };
}

export function organisationInput(village: string, overrides: Partial<OrganisationInput> = {}): OrganisationInput {
  return {
    village,
    name: '东关村乡贤参事会',
    category: '乡贤参事类',
    leader: { name: '王建国', partyMember: true, returnedTalent: true, fiveElders: false },
    members: 15,
    foundedOn: '2019-05-01',
    contact: '13800000000',
    ...overrides,
  };
}

export async function submitOrganisation(app: AppLike, t: SocialActors, input: OrganisationInput): Promise<string> {
  const res = await call(app, 'POST', '/social/organisations', { token: await t.village(input.village), body: input });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body.id as string;
}

const waitMs = 20_000;

/** Waits until the organisation's decision of `step` (current round) is open; its id. */
export async function openSocialDecision(id: string, step: SocialStep, timeoutMs = waitMs): Promise<string> {
  const { decision } = await waitUntil(
    async () => {
      const org = await getOrganisation(id);
      if (!org) return { done: false, seen: `${id} does not exist` };
      const d = await getDecision(socialDecisionId(org, step));
      return d?.status === 'open' ? { done: true, seen: `${d.id} open`, decision: d.id } : { done: false, seen: `${id} is ${org.status}, decision ${d?.status ?? 'absent'}` };
    },
    { what: `the ${step} decision to open`, timeoutMs },
  );
  return decision;
}

export async function untilStatus(id: string, status: OrganisationStatus): Promise<OrganisationRecord> {
  const { org } = await waitUntil(
    async () => {
      const org = await getOrganisation(id);
      return org?.status === status ? { done: true, seen: status, org } : { done: false, seen: `${id} is ${org?.status ?? 'absent'}` };
    },
    { what: `organisation ${id} to be ${status}`, timeoutMs: waitMs },
  );
  return org;
}

export async function decideSocial(app: AppLike, token: string, decisionId: string, decision: string, comment?: string) {
  return call(app, 'POST', `/decisions/${decisionId}`, { token, body: { decision, ...(comment ? { comment } : {}) } });
}

export async function filingEnded(id: string, timeoutMs = waitMs): Promise<EndedExecution> {
  return endedExecution(executionArnFor('social-filing', id), { timeoutMs });
}

/** Submit, approve and wait until filed. */
export async function filedOrganisation(app: AppLike, t: SocialActors, input: OrganisationInput): Promise<OrganisationRecord> {
  const id = await submitOrganisation(app, t, input);
  const decision = await openSocialDecision(id, 'township-review');
  expect((await decideSocial(app, t.township, decision, 'approve')).status).toBe(200);
  return untilStatus(id, 'filed');
}

/**
 * A published grading round of `township` and `year` with `count` results, written straight to the
 * store (the grading itself is tested in social.test.ts): results cycle 5A, 4A, 5A, 3A, 4A,
 * no-annual-report, so a table of 5A and 4A rewards two thirds of them. Organisation ids are
 * random, so pages of the run cut across villages.
 */
export async function seedPublishedRound(townshipCode: string, year: number, count: number): Promise<{ roundId: string; results: GradingResult[] }> {
  const roundId = gradingRoundId(townshipCode, year);
  const at = new Date().toISOString();
  const seeder = { sub: 'seed', roles: ['admin' as const] };
  const round = await createRound({ id: roundId, township: townshipCode, year, scale: fiveAScale, validityYears: 3, scorers: [{ sub: 'scorer-a' }, { sub: 'scorer-b' }], status: 'scoring', version: 1, createdBy: 'seed', createdAt: at, updatedAt: at }, seeder);
  const cycle = ['5A', '4A', '5A', '3A', '4A', undefined] as const;
  const results: GradingResult[] = Array.from({ length: count }, (_, i) => {
    const grade = cycle[i % cycle.length];
    const base = { roundId, organisationId: `org-${randomUUID()}`, name: `组织${i}`, village: `${townshipCode}${String(201 + (i % 20))}`, scorers: 2, excellent: grade === '5A' };
    return grade === undefined ? { ...base, outcome: 'no-annual-report' as const } : { ...base, outcome: 'graded' as const, grade, mean: grade === '5A' ? 920 : grade === '4A' ? 850 : 750, validUntil: year + 2 };
  });
  const graded = await saveResults(round, results, seeder);
  await changeRound(graded, { status: 'published', publishedAt: at }, seeder, 'social-grading-round.publish');
  return { roundId, results };
}

/** The reward table of the tests: 200 yuan for 5A, 100 for 4A (3A gets nothing). */
export const rewardTable = [
  { grade: '5A', amountFen: 20_000 },
  { grade: '4A', amountFen: 10_000 },
];
