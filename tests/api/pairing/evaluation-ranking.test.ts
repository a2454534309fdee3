import { beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../../functions/api/app.ts';
import { countyEvaluationBodySchema, selfAssessmentBodySchema } from '../../../functions/programs/pairing/routes/evaluations.ts';
import { rankingBodySchema, rankingPolicyBodySchema } from '../../../functions/programs/pairing/routes/rankings.ts';
import { caseCloseBodySchema, casePlanBodySchema, caseRecheckBodySchema } from '../../../functions/programs/pairing/routes/cases.ts';
import { call, tokenFor } from '../../support/api.ts';
import fc from 'fast-check';
import { fuzzRoute, tableSnapshot, type FuzzTarget } from '../../support/fuzz.ts';
import { county, pairingWorld, type PairingWorld } from '../../support/pairing/evaluation-fixtures.ts';

// The authorization matrix of the evaluation, ranking and rectification routes, and fuzzing of
// their POST/PUT bodies. (The evaluation workflow itself is in tests/integration/pairing.)
const app = buildApp();
let w: PairingWorld;
let policyId = '';
const missingEvaluation = 'pe-00000000-0000-4000-8000-000000000000';
const missingCase = 'rc-2026-120225100299';
const outcomes = { advanced: true, oneVillageOneIndustry: false, oneVillageOneCooperative: true, collectiveIncomeFen: 1 };
const rule = { indicators: [{ key: 'income', name: '村集体收入', weightBp: 10_000, direction: 'higher-better' }] };

beforeAll(async () => {
  w = await pairingWorld(app);
  const policy = await call(app, 'POST', '/pairing/ranking-policies', { token: w.admin, body: { division: county, name: '排名办法', rule } });
  expect(policy.status).toBe(201);
  policyId = policy.body.id;
  const ranked = await call(app, 'POST', '/pairing/rankings', { token: w.admin, body: { policyId, division: county, year: 2026, villages: [{ village: '120225100201', values: { income: 0 } }, { village: '120225100202', values: { income: 5 } }] } });
  expect(ranked.status).toBe(201);
});

describe('authorization matrix', () => {
  it('decides each role before anything is read: the same 403 for a missing and an existing subject', async () => {
    const finance = await tokenFor('finance', county);
    const village = await tokenFor('village', '120225100201');
    const unit = await tokenFor('unit', county, { unitId: w.unitA });
    const auditor = await tokenFor('auditor', county);
    const township = await tokenFor('township', '120225100');
    const existingCase = 'rc-2026-120225100201';
    const cases: [string, string, string, string, string, unknown?][] = [
      ['finance', finance, 'GET', `/pairing/cases/${existingCase}`, `/pairing/cases/${missingCase}`],
      ['finance', finance, 'GET', `/pairing/evaluations/${missingEvaluation}`, `/pairing/evaluations/${missingEvaluation}`],
      ['village', village, 'POST', `/pairing/pairings/${w.pairings['120225100201']}/evaluation`, '/pairing/pairings/pp-00000000-0000-4000-8000-000000000000/evaluation'],
      ['township', township, 'POST', `/pairing/evaluations/${missingEvaluation}/county-evaluation`, `/pairing/evaluations/${missingEvaluation}/county-evaluation`, { score: 80, outcomes }],
      ['auditor', auditor, 'POST', `/pairing/evaluations/${missingEvaluation}/self-assessment`, `/pairing/evaluations/${missingEvaluation}/self-assessment`, { text: 'x', outcomes }],
      ['unit', unit, 'GET', '/pairing/rankings?year=2026', '/pairing/rankings?year=2099'],
      ['unit', unit, 'PUT', `/pairing/cases/${existingCase}/plan`, `/pairing/cases/${missingCase}/plan`, { measures: ['x'], responsible: { kind: 'work-team', name: '工作队' }, deadline: '2026-12-31' }],
      ['township', township, 'POST', `/pairing/cases/${existingCase}/close`, `/pairing/cases/${missingCase}/close`, { outcome: 'carried' }],
      ['auditor', auditor, 'POST', '/pairing/rankings', '/pairing/rankings', { policyId, division: county, year: 2030, villages: [{ village: '120225100201', values: { income: 0 } }] }],
      ['village', village, 'GET', `/pairing/terms/${w.termId}/outcomes`, '/pairing/terms/pt-00000000-0000-4000-8000-000000000000/outcomes'],
    ];
    for (const [who, token, method, existing, missing, body] of cases) {
      const a = await call(app, method, existing, { token, ...(body === undefined ? {} : { body }) });
      const b = await call(app, method, missing, { token, ...(body === undefined ? {} : { body }) });
      expect([a.status, b.status], `${who} ${method} ${existing}`).toEqual([403, 403]);
    }
  });

  it('reads: auditor everything in its county, township its villages and the county’s ranking, finance the outcomes, another county nothing', async () => {
    const reads: [string, string, string, number][] = [
      ['auditor', await tokenFor('auditor', county), '/pairing/cases/rc-2026-120225100201', 200],
      ['auditor', await tokenFor('auditor', county), `/pairing/ranking-policies/${policyId}`, 200],
      ['auditor', await tokenFor('auditor', county), `/pairing/terms/${w.termId}/outcomes`, 200],
      ['township', await tokenFor('township', '120225100'), '/pairing/cases/rc-2026-120225100201', 200],
      ['township', await tokenFor('township', '120225100'), `/pairing/ranking-policies/${policyId}`, 200],
      ['other township', await tokenFor('township', '120225101'), '/pairing/cases/rc-2026-120225100201', 403],
      ['village', await tokenFor('village', '120225100201'), '/pairing/cases/rc-2026-120225100201', 200],
      ['other village', await tokenFor('village', '120225100202'), '/pairing/cases/rc-2026-120225100201', 403],
      ['finance', await tokenFor('finance', county), `/pairing/terms/${w.termId}/outcomes?format=csv`, 200],
      ['unit, not responsible', await tokenFor('unit', county, { unitId: w.unitA }), '/pairing/cases/rc-2026-120225100201', 403],
      ['other county admin', await tokenFor('admin', '120223'), '/pairing/cases/rc-2026-120225100201', 403],
      ['other county admin', await tokenFor('admin', '120223'), `/pairing/ranking-policies/${policyId}`, 403],
      ['admin, missing case', w.admin, `/pairing/cases/${missingCase}`, 404],
      ['admin, missing evaluation', w.admin, `/pairing/evaluations/${missingEvaluation}`, 404],
    ];
    for (const [who, token, path, status] of reads) expect((await call(app, 'GET', path, { token })).status, `${who} GET ${path}`).toBe(status);
  });
});

describe('evaluation, ranking and case routes refuse bad input with 4xx problems and write nothing', () => {
  /** These POST/PUT routes (tests/api/platform/fuzz.test.ts names them as fuzzed here). */
  const targets = (): FuzzTarget[] => [
    { app, token: w.admin, method: 'POST', path: `/pairing/evaluations/${missingEvaluation}/self-assessment`, schema: selfAssessmentBodySchema, valid: { text: '完成帮扶任务', outcomes } },
    { app, token: w.admin, method: 'POST', path: `/pairing/evaluations/${missingEvaluation}/county-evaluation`, schema: countyEvaluationBodySchema, valid: { score: 88, outcomes, comment: '良' } },
    { app, token: w.admin, method: 'POST', path: '/pairing/ranking-policies', schema: rankingPolicyBodySchema, valid: { division: county, name: '排名办法', rule: { ...rule, bottomShareBp: 1000, rounding: 'floor' } } },
    { app, token: w.admin, method: 'POST', path: '/pairing/rankings', schema: rankingBodySchema, valid: { policyId, division: county, year: 2031, villages: [{ village: '120225100201', values: { income: 3 } }] } },
    { app, token: w.admin, method: 'PUT', path: `/pairing/cases/${missingCase}/plan`, schema: casePlanBodySchema, valid: { measures: ['调整班子'], responsible: { kind: 'unit', unitId: w.unitA }, deadline: '2026-12-31', version: 1 } },
    { app, token: w.admin, method: 'POST', path: `/pairing/cases/${missingCase}/rechecks`, schema: caseRecheckBodySchema, valid: { result: '到位', passed: true, date: '2026-12-01', version: 1 } },
    { app, token: w.admin, method: 'POST', path: `/pairing/cases/${missingCase}/close`, schema: caseCloseBodySchema, valid: { outcome: 'carried', comment: '继续', version: 1 } },
  ];

  it('starts from bodies the routes accept', () => {
    for (const t of targets()) expect(t.schema.safeParse(t.valid).success, `${t.method} ${t.path}`).toBe(true);
  });

  it('the ranking CSV: random files and media types give 4xx problems and write nothing', async () => {
    const before = await tableSnapshot();
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('text/csv', 'text/csv; charset=utf-8', 'application/json', 'text/plain'),
        fc.oneof(
          fc.string({ maxLength: 300 }),
          fc.array(fc.array(fc.oneof(fc.string({ maxLength: 12 }), fc.constantFrom('120225100201', '120225999201', '-1', '1.5', '1e3', '')), { minLength: 1, maxLength: 3 }), { minLength: 1, maxLength: 5 }).map(
            (rows) => `village,income\n${rows.map((r) => r.join(',')).join('\n')}`,
          ),
        ),
        async (contentType, text) => {
          const answer = await call(app, 'POST', `/pairing/rankings/csv?policyId=${policyId}&division=${county}&year=2040`, { token: w.admin, rawBody: text, headers: { 'content-type': contentType } });
          // A file that happens to be valid is a real ranking: only the invalid ones are judged here.
          if (answer.status === 201) return;
          expect(answer.status).toBeGreaterThanOrEqual(400);
          expect(answer.status).toBeLessThan(500);
        },
      ),
      { numRuns: 100 },
    );
    const after = await tableSnapshot();
    // Nothing written unless one random file was a valid ranking for 2040 (its rows then differ only by it).
    if (JSON.stringify(after) !== JSON.stringify(before)) expect(JSON.stringify(after)).toContain('PAIRRANKKEY#120225#2040');
  });

  it.each([0, 1, 2, 3, 4, 5, 6])('route #%i: 100 invalid bodies', async (i) => {
    const seen = await fuzzRoute({ ...targets()[i]!, runs: 100 });
    expect([...seen.keys()].every((s) => s >= 400 && s < 500)).toBe(true);
  });
});
