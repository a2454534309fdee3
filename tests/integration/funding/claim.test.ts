import { beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../../functions/api/app.ts';
import { ledgerTotals } from '../../../functions/platform/store/ledger.ts';
import { call, tokenFor } from '../../support/api.ts';
import { useLocalStepFunctions } from '../../support/stepfunctions.ts';
import { seedDivisions, testTownships } from '../../support/registries/village-import-fixtures.ts';
import { runAwaitingApproval as awaitingApproval, fundingVillages, seedVillages } from '../../support/funding/fixtures.ts';

// Real runs of different policies, or of nested jurisdictions, must never both be approved for the
// same year: otherwise the same villages would be paid twice. Through the API, on DynamoDB Local
// and the real local Step Functions endpoint.

const app = buildApp();
const villages = fundingVillages(60);
let admin: string;
let finance: string;

useLocalStepFunctions({ waitScale: 0.001 });

beforeAll(async () => {
  admin = await tokenFor('admin', '120225');
  finance = await tokenFor('finance', '120225');
  await seedDivisions();
  await seedVillages(villages);
}, 120_000);

/** A real run of a new policy for `division` and `year`, brought to the point where finance decides. */
const runAwaitingApproval = (division: string, year: number, name: string) => awaitingApproval(app, { admin, finance }, { division, year, name });

const approve = (id: string) => call(app, 'POST', `/funding/runs/${id}/approve`, { token: finance, body: {} });

describe('one approved real run per jurisdiction and year', () => {
  it('refuses a second policy’s run for the same county, and a run of a township inside it', async () => {
    const first = await runAwaitingApproval('120225', 2026, 'first');
    const second = await runAwaitingApproval('120225', 2026, 'second');
    const township = await runAwaitingApproval(testTownships[0]!, 2026, 'township');

    expect((await approve(first)).status).toBe(200);
    const refused = await approve(second);
    expect(refused.status).toBe(409);
    expect(refused.body.detail).toContain(first);
    const inside = await approve(township);
    expect(inside.status).toBe(409);
    expect(inside.body.detail).toContain(first);

    // The refused runs still wait for a decision and can be rejected; nothing of theirs is paid.
    expect((await call(app, 'POST', `/funding/runs/${second}/reject`, { token: finance, body: { reason: 'superseded by an approved run' } })).status).toBe(200);
    expect(await ledgerTotals('funding', second)).toEqual({ count: 0, totalFen: 0 });
  });

  it('refuses a county run once a township inside it is approved, also when both are approved at once', async () => {
    const township = await runAwaitingApproval(testTownships[1]!, 2027, 'township first');
    const county = await runAwaitingApproval('120225', 2027, 'county after');
    expect((await approve(township)).status).toBe(200);
    const refused = await approve(county);
    expect(refused.status).toBe(409);
    expect(refused.body.detail).toMatch(/parts of 120225/);

    const a = await runAwaitingApproval('120225', 2028, 'race a');
    const b = await runAwaitingApproval(testTownships[2]!, 2028, 'race b');
    const answers = await Promise.all([approve(a), approve(b)]);
    expect(answers.map((r) => r.status).sort()).toEqual([200, 409]);
  });
});
