import { describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { buildApp } from '../../../functions/api/app.ts';
import { ddb, resetClients, tableName } from '../../../functions/shared/clients.ts';
import { resetConfig } from '../../../functions/shared/config.ts';
import { demoVillages } from '../../../local/demo-data.ts';
import { demoSocialTownship, demoVentureRoundId, seedSocialDemo, socialSeedStepCount } from '../../../local/demo-social.ts';
import { demoFilings, demoVentureProposer, prepareDemoSocialWork } from '../../../local/demo-social-work.ts';
import { ensureTable } from '../../../local/table.ts';
import { beijingDate } from '../../../functions/platform/calendar.ts';
import { getDecision } from '../../../functions/platform/decisions/store.ts';
import { createVillage } from '../../../functions/platform/registries/store/village.ts';
import { createDivision } from '../../../functions/platform/registries/store/division.ts';
import { allOrganisations, type OrganisationRecord } from '../../../functions/programs/social/store/organisation.ts';
import { getRound, roundId } from '../../../functions/programs/social/store/grading.ts';
import { villageCoverage } from '../../../functions/programs/social/store/coverage.ts';
import { requireVentureRound, roundReviews } from '../../../functions/programs/social/store/venture.ts';
import { socialDecisionId } from '../../../functions/programs/social/steps.ts';
import { filingEnded } from '../../support/social/fixtures.ts';
import { useLocalStepFunctions } from '../../support/stepfunctions.ts';
import { call, tokenFor } from '../../support/api.ts';

useLocalStepFunctions();

const seeder = { sub: 'demo-seed', roles: ['admin' as const], division: '120225' };

async function registerTownship(): Promise<void> {
  await createDivision({ code: '120225', name: '蓟州区' }, seeder);
  await createDivision({ code: demoSocialTownship, name: '下营镇' }, seeder);
  for (const v of demoVillages.filter((x) => x.code.startsWith(demoSocialTownship))) await createVillage(v, seeder);
}

async function organisationsOfTownship(): Promise<OrganisationRecord[]> {
  const orgs: OrganisationRecord[] = [];
  for await (const o of allOrganisations(demoSocialTownship)) orgs.push(o);
  return orgs;
}

/** Move the application onto a fresh table of its own (a clean seed to compare with). */
async function freshTable(): Promise<void> {
  process.env.TABLE_NAME = `test-${randomBytes(6).toString('hex')}`;
  const client = new DynamoDBClient({ endpoint: process.env.DYNAMODB_ENDPOINT, region: process.env.AWS_REGION, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
  await ensureTable(client, process.env.TABLE_NAME);
  client.destroy();
  resetConfig();
  resetClients();
  await registerTownship();
}

/** The table's content without what differs between two runs by nature: instants (also inside keys) and the audit records' random keys. */
async function snapshot(): Promise<string[]> {
  const out: string[] = [];
  const volatile = new Set(['createdAt', 'updatedAt', 'at', 'seededAt', 'filedAt', 'submittedAt', 'statusDate']);
  for (let start: Record<string, unknown> | undefined, first = true; first || start; first = false) {
    const page = await ddb().send(new ScanCommand({ TableName: tableName(), ConsistentRead: true, ExclusiveStartKey: start }));
    for (const item of page.Items ?? []) {
      if (item.type === 'audit') out.push(`audit ${String(item.entityId)} ${String(item.action)}`);
      else {
        const kept = Object.entries(item).filter(([k, v]) => !volatile.has(k) && !(typeof v === 'string' && /^\d{4}-\d{2}-\d{2}T/.test(v)));
        // An instant inside a key (a list's sort key `<year>#<createdAt>#<id>`) differs the same way.
        const stable = kept.map(([k, v]) => [k, typeof v === 'string' ? v.replace(/\d{4}-\d{2}-\d{2}T[\d:.]+Z/g, '<instant>') : v] as const);
        out.push(JSON.stringify(Object.fromEntries(stable.sort(([a], [b]) => a.localeCompare(b)))));
      }
    }
    start = page.LastEvaluatedKey;
  }
  return out.sort();
}

describe('social demo data', () => {
  it('seeds every working state, villages below target and a grading round in progress, once; the filings go through the workflow', async () => {
    await registerTownship();
    await seedSocialDemo(demoVillages, seeder);
    await seedSocialDemo(demoVillages, seeder);
    const imported = await organisationsOfTownship();
    expect(imported).toHaveLength(17);
    expect(new Set(imported.map((o) => o.status))).toEqual(new Set(['filed', 'active', 'suspended', 'dissolved']));
    expect(new Set(imported.map((o) => o.category)).size).toBe(6);
    expect((await getRound(roundId(demoSocialTownship, Number(beijingDate(new Date()).slice(0, 4)))))?.status).toBe('scoring');
    expect((await requireVentureRound(demoVentureRoundId)).status).toBe('open');

    // The filings, through the API and the filing workflow, twice: nothing is made twice.
    const app = buildApp();
    const work = await prepareDemoSocialWork(app.fetch, process.env.JWT_SECRET!, { timeoutMs: 50_000 });
    const again = await prepareDemoSocialWork(app.fetch, process.env.JWT_SECRET!, { timeoutMs: 50_000 });
    expect(again).toEqual(work);
    const orgs = await organisationsOfTownship();
    expect(orgs).toHaveLength(17 + demoFilings.length);
    for (const f of demoFilings) expect(work.organisations[f.target].status, f.name).toBe(f.target);
    const byTarget = (t: keyof typeof work.organisations) => orgs.find((o) => o.id === work.organisations[t].id)!;
    expect(new Set(orgs.map((o) => o.status))).toEqual(new Set(['applied', 'returned', 'refused', 'filed', 'active', 'suspended', 'dissolved']));
    // Every category among the workflow's ones too.
    expect(new Set(demoFilings.map((f) => f.category)).size).toBe(6);
    // Waiting in inboxes: the township's review of the applied one, the village's resubmission of the returned one.
    expect((await getDecision(socialDecisionId(byTarget('applied'), 'township-review')))?.status).toBe('open');
    expect((await getDecision(socialDecisionId(byTarget('returned'), 'resubmission')))?.status).toBe('open');
    expect(byTarget('returned').statusReason).toBeTruthy();
    expect(byTarget('refused').statusReason).toBeTruthy();
    // Filed by the workflow's File step, with the township's number; the filing executions succeeded.
    for (const t of ['filed', 'active', 'suspended', 'dissolved'] as const) {
      expect(byTarget(t).filingNumber).toMatch(new RegExp(`^${demoSocialTownship}-\\d{4}-\\d{4}$`));
      expect(byTarget(t).origin).toBe('application');
      expect((await filingEnded(byTarget(t).id)).status).toBe('SUCCEEDED');
    }
    expect((await filingEnded(byTarget('refused').id)).status).toBe('SUCCEEDED');
    // The venture round: one proposal, scored per criterion by the second reviewer, waiting for the township's review.
    const reviews = await roundReviews(demoVentureRoundId);
    expect(reviews.map((r) => [r.organisationId, r.reviewer, r.scores, r.score])).toEqual([[demoVentureProposer, 'demo-reviewer-b', { impact: 34, feasibility: 25, budget: 26 }, 85]]);
    // Villages below target: only the first two reach 5.
    const coverage = await villageCoverage(demoSocialTownship, { consistent: true });
    expect([...coverage.values()].filter((c) => c.total >= 5)).toHaveLength(2);
    expect([...coverage.values()].reduce((a, c) => a + c.total, 0)).toBe(orgs.filter((o) => o.status === 'filed' || o.status === 'active').length);
    // The township's annual-report screen: last year's reports of the first village show as filed,
    // every other working organisation as not filed (cannot be graded).
    const lastYear = Number(beijingDate(new Date()).slice(0, 4)) - 1;
    const reports = await call(app, 'GET', `/social/townships/${demoSocialTownship}/reports/${lastYear}`, { token: await tokenFor('township', demoSocialTownship) });
    expect(reports.status).toBe(200);
    const working = orgs.filter((o) => o.status === 'filed' || o.status === 'active');
    expect(reports.body.totals.expected).toBe(working.length);
    const firstVillage = working.filter((o) => o.village === working.map((w) => w.village).sort()[0]).length;
    expect(reports.body.totals.filed).toBeGreaterThan(0);
    expect(reports.body.totals.filed).toBeLessThanOrEqual(firstVillage);
    expect(reports.body.totals.missing).toBe(working.length - reports.body.totals.filed);
  });

  it('a seed stopped after any step and run again ends with the same data as one clean run', async () => {
    await freshTable();
    await seedSocialDemo(demoVillages, seeder);
    const clean = await snapshot();
    const steps = socialSeedStepCount(demoVillages, seeder);
    for (const stopAfter of [1, 3, steps - 1]) {
      await freshTable();
      await seedSocialDemo(demoVillages, seeder, { stopAfter });
      // Stopped again half-way through the rerun, then finished.
      await seedSocialDemo(demoVillages, seeder, { stopAfter: stopAfter + 1 });
      await seedSocialDemo(demoVillages, seeder);
      expect(await snapshot(), `stopped after ${stopAfter} steps`).toEqual(clean);
    }
  });
});
