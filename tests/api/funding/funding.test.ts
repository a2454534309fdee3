import { beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../../functions/api/app.ts';
import { fundingPolicyBodySchema, fundingPolicyValidateBodySchema } from '../../../functions/programs/funding/routes/policies.ts';
import { currentFundingBodySchema } from '../../../functions/programs/funding/routes/current.ts';
import { fundingApproveSchema, fundingExclusionSchema, fundingExclusionUndoSchema, fundingRejectSchema, fundingRunStartSchema } from '../../../functions/programs/funding/routes/runs.ts';
import { call, tokenFor } from '../../support/api.ts';
import { fuzzRoute, tableSnapshot, type FuzzTarget } from '../../support/fuzz.ts';
import { tianjinRuianRule } from '../../support/funding/fixtures.ts';

const app = buildApp();
let admin: string;
let finance: string;
const runId = `fr-${'0'.repeat(32)}`;
const village = { code: '120225100201', name: '东关村', population: 1200, economicallyWeak: true, category: '强基', operatingFundsFen: 16_000_000 };

/** The funding program's POST/PUT routes (tests/api/platform/fuzz.test.ts names them as fuzzed here). */
function targets(): FuzzTarget[] {
  return [
    { app, token: admin, method: 'POST', path: '/funding/policies', schema: fundingPolicyBodySchema, valid: { division: '120225', year: 2026, name: '2026年增量', rule: tianjinRuianRule } },
    { app, token: admin, method: 'PUT', path: `/funding/current/${village.code}/2026`, schema: currentFundingBodySchema, valid: { amountFen: 16_000_000, version: 1 } },
    { app, token: admin, method: 'POST', path: '/funding/runs', schema: fundingRunStartSchema, valid: { policyId: `fp-${'0'.repeat(8)}-0000-4000-8000-${'0'.repeat(12)}`, dryRun: true } },
    { app, token: finance, method: 'POST', path: `/funding/runs/${runId}/exclusions`, schema: fundingExclusionSchema, valid: { code: village.code, reason: '村账审计未完成' } },
    { app, token: finance, method: 'POST', path: `/funding/runs/${runId}/approve`, schema: fundingApproveSchema, valid: { comment: '同意' } },
    { app, token: finance, method: 'POST', path: `/funding/runs/${runId}/reject`, schema: fundingRejectSchema, valid: { reason: '需重新核定' } },
    { app, token: finance, method: 'POST', path: `/funding/runs/${runId}/exclusions/${village.code}/undo`, schema: fundingExclusionUndoSchema, valid: { reason: '审计已完成' } },
  ];
}

beforeAll(async () => {
  admin = await tokenFor('admin', '120225');
  finance = await tokenFor('finance', '120225');
  expect((await call(app, 'POST', '/divisions', { token: admin, body: { code: '120225', name: '蓟州区' } })).status).toBe(201);
  expect((await call(app, 'POST', '/divisions', { token: admin, body: { code: '120225100', name: '渔阳镇' } })).status).toBe(201);
  expect((await call(app, 'POST', '/villages', { token: admin, body: village })).status).toBe(201);
});

describe('funding routes refuse bad input with 4xx problems and write nothing', () => {
  it('starts from bodies the routes accept', () => {
    for (const t of targets()) expect(t.schema.safeParse(t.valid).success, `${t.method} ${t.path}`).toBe(true);
  });

  it.each([0, 1, 2, 3, 4, 5, 6])('route #%i: 200+ invalid bodies', async (i) => {
    const seen = await fuzzRoute({ ...targets()[i]!, runs: 200 });
    expect([...seen.keys()].every((s) => s >= 400 && s < 500)).toBe(true);
  });

  // Not fuzzed like the others: any JSON object is a valid question to this route (its answer lists
  // the problems), so only non-objects and broken JSON are bad requests.
  it('validate: a 400 for anything but a JSON object, a 200 listing the problems for any object', async () => {
    const before = await tableSnapshot();
    for (const raw of ['[]', '1', '"x"', 'null', '{', '']) {
      const answer = await call(app, 'POST', '/funding/policies/validate', { token: admin, rawBody: raw });
      expect(answer.status, raw).toBe(400);
    }
    for (const body of [{}, { rule: [] }, { division: '1', year: 1999, name: '', rule: { ...tianjinRuianRule, increaseFen: -1 } }]) {
      const answer = await call(app, 'POST', '/funding/policies/validate', { token: admin, body });
      expect(answer.status).toBe(200);
      expect(answer.body.valid).toBe(false);
      expect(answer.body.problems.length).toBeGreaterThan(0);
      expect(fundingPolicyValidateBodySchema.safeParse(body).success).toBe(true);
    }
    expect(await tableSnapshot()).toEqual(before);
  });

  it('refuses, at validation and at creation alike, tier labels that name properties of plain objects', async () => {
    const before = await tableSnapshot();
    for (const label of ['constructor', 'toString', 'hasOwnProperty']) {
      const body = { division: '120225', year: 2026, name: '2026年增量', rule: { ...tianjinRuianRule, floors: [{ minPopulation: 0, floorFen: 100, label }] } };
      const verdict = await call(app, 'POST', '/funding/policies/validate', { token: admin, body });
      expect(verdict.status).toBe(200);
      expect(verdict.body).toEqual({ valid: false, problems: [expect.objectContaining({ field: 'rule.floors.0.label' })] });
      const created = await call(app, 'POST', '/funding/policies', { token: admin, body });
      expect(created.status, label).toBe(400);
      expect(created.body.errors).toEqual([expect.objectContaining({ field: 'rule.floors.0.label' })]);
    }
    expect(await tableSnapshot()).toEqual(before);
  });

  it('refuses a current-funding CSV with any bad row as a whole, naming line and column', async () => {
    const before = await tableSnapshot();
    const csv = (text: string, type = 'text/csv') => call(app, 'POST', '/funding/current/2026', { token: admin, rawBody: text, headers: { 'content-type': type } });
    const bad = await csv('code,currentFundsYuan\n120225100201,160000\n120225100201,1\n120223100201,-5\n120225100299,1e5\n');
    expect(bad.status).toBe(422);
    expect(bad.body.errors).toEqual([
      { field: 'row 3: code', message: 'village 120225100201 already appears on row 2', in: 'body' },
      { field: 'row 4: code', message: 'village 120223100201 is outside your jurisdiction 120225', in: 'body' },
      { field: 'row 4: currentFundsYuan', message: expect.stringContaining('negative'), in: 'body' },
      { field: 'row 5: currentFundsYuan', message: expect.stringContaining('not an amount in yuan'), in: 'body' },
    ]);
    const unregistered = await csv('code,currentFundsYuan\n120225100201,160000\n120225100299,1\n');
    expect(unregistered.status).toBe(400);
    expect(unregistered.body.errors).toEqual([{ field: 'row 3: code', message: 'village 120225100299 is not registered', in: 'body' }]);
    expect((await csv('code,currentFundsYuan\n120225100201,1\n', 'application/json')).status).toBe(415);
    expect((await csv('')).status).toBe(400);
    expect((await csv(`code,currentFundsYuan\n${'120225100201,1\n'.repeat(80_000)}`)).status).toBe(413);
    expect(await tableSnapshot()).toEqual(before);
  });

  it('gives 404 for an unknown run and 400 for a malformed id', async () => {
    expect((await call(app, 'GET', `/funding/runs/${runId}`, { token: finance })).status).toBe(404);
    expect((await call(app, 'GET', '/funding/runs/nope', { token: finance })).status).toBe(400);
    expect((await call(app, 'GET', `/funding/runs/${runId}/allocations.csv`, { token: finance })).status).toBe(404);
  });
});
