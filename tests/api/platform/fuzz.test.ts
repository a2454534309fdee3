import { beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../../functions/api/app.ts';
import { divisionBodySchema, divisionUpdateSchema } from '../../../functions/platform/registries/routes/divisions.ts';
import { villageBodySchema, villageUpdateSchema } from '../../../functions/platform/registries/routes/villages.ts';
import { unitBodySchema, unitUpdateSchema } from '../../../functions/platform/registries/routes/units.ts';
import fc from 'fast-check';
import { nameSchema } from '../../../functions/platform/names.ts';
import { calendarDateSchema } from '../../../functions/platform/calendar.ts';
import { call, tokenFor } from '../../support/api.ts';
import { badDate, badName, fuzzRoute, type FuzzTarget } from '../../support/fuzz.ts';

const app = buildApp();
let token: string;
let unitId: string;

const validVillage = { code: '120225100201', name: '东关村', population: 1200, economicallyWeak: true, category: '强基', operatingFundsFen: 16_000_000 };
const validUnit = { name: '蓟州区财政局', level: 'district', kind: 'agency', division: '120225', contact: { name: '李华', phone: '022-29142000' } };

/** Every POST/PUT route and its fuzz target; routes fuzzed in another file are named in `fuzzedElsewhere`. */
function targets(): FuzzTarget[] {
  const { code: _code, ...villageFields } = validVillage;
  return [
    { app, token, method: 'POST', path: '/divisions', schema: divisionBodySchema, valid: { code: '120225101', name: '洇溜镇' } },
    { app, token, method: 'PUT', path: '/divisions/120225100', schema: divisionUpdateSchema, valid: { name: '渔阳镇', version: 1 } },
    { app, token, method: 'POST', path: '/villages', schema: villageBodySchema, valid: { ...validVillage, code: '120225100202' } },
    { app, token, method: 'PUT', path: '/villages/120225100201', schema: villageUpdateSchema, valid: { ...villageFields, version: 1 } },
    { app, token, method: 'POST', path: '/units', schema: unitBodySchema, valid: validUnit },
    { app, token, method: 'PUT', path: `/units/${unitId}`, schema: unitUpdateSchema, valid: { ...validUnit, version: 1 } },
  ];
}
const fuzzedElsewhere: readonly string[] = [
  'POST /imports/villages', // a CSV body: fuzzed in tests/api/registries/imports.test.ts
  'POST /funding/policies', 'POST /funding/policies/validate', 'PUT /funding/current/{code}/{year}', 'POST /funding/current/{year}', // tests/api/funding/funding.test.ts
  'POST /funding/runs', 'POST /funding/runs/{id}/exclusions', 'POST /funding/runs/{id}/approve', 'POST /funding/runs/{id}/reject', // tests/api/funding/funding.test.ts
  'POST /funding/runs/{id}/exclusions/{code}/undo', // tests/api/funding/funding.test.ts
  'POST /reward/programs', 'PUT /reward/programs/{id}/policy', 'POST /reward/programs/{id}/budget', 'POST /reward/enterprises', // tests/api/reward/reward.test.ts
  'PUT /reward/enterprises/{id}/accounts/{year}', 'POST /reward/accounts', 'POST /reward/applications', 'POST /reward/applications/{id}/signatures', // tests/api/reward/reward.test.ts
  'POST /decisions/{decisionId}', 'POST /decisions/bulk', // tests/api/reward/reward.test.ts (bulk by selection also in tests/api/platform/decision-selections.test.ts)
  'POST /decisions/selections', // tests/api/platform/decision-selections.test.ts
  'POST /pairing/terms', 'POST /pairing/pairings', 'PUT /pairing/pairings/{id}', 'POST /pairing/pairings/{id}/cadres', // tests/api/pairing/pairing.test.ts
  'PUT /pairing/pairings/{id}/cadres/{cadreId}', 'POST /pairing/pairings/{id}/investments', 'POST /pairing/pairings/{id}/projects', // tests/api/pairing/pairing.test.ts
  'PUT /pairing/pairings/{id}/projects/{projectId}', 'POST /pairing/pairings/import', // tests/api/pairing/pairing.test.ts (a CSV body, fuzzed as such)
  // pairing: evaluation, ranking and rectification
  'POST /pairing/evaluations/{id}/self-assessment', 'POST /pairing/evaluations/{id}/county-evaluation', 'POST /pairing/ranking-policies', // tests/api/pairing/evaluation-ranking.test.ts
  'POST /pairing/rankings', 'POST /pairing/rankings/csv', 'PUT /pairing/cases/{id}/plan', 'POST /pairing/cases/{id}/rechecks', 'POST /pairing/cases/{id}/close', // tests/api/pairing/evaluation-ranking.test.ts
  'POST /pairing/pairings/{id}/evaluation', 'POST /pairing/terms/{id}/evaluations', // take no body (nothing to fuzz): every answer they give is in tests/integration/pairing/evaluation.test.ts and tests/api/pairing/evaluation-ranking.test.ts
  'POST /social/organisations', 'PUT /social/organisations/{id}', 'POST /social/organisations/{id}/activate', 'POST /social/organisations/{id}/suspend', // tests/api/social/social.test.ts
  'POST /social/organisations/{id}/reactivate', 'POST /social/organisations/{id}/dissolve', 'PUT /social/organisations/{id}/reports/{year}', // tests/api/social/social.test.ts
  'POST /social/grading-rounds', 'PUT /social/grading-rounds/{id}/scores/{organisationId}', 'POST /social/organisations/import', // tests/api/social/social.test.ts (the import a CSV body, fuzzed as such)
  'POST /social/budgets/{township}/{year}/raise', 'POST /social/reward-runs', 'POST /social/reward-runs/{id}/approve', // tests/api/social/social.test.ts
  'POST /social/venture-rounds', 'POST /social/venture-rounds/{id}/proposals', 'PUT /social/venture-rounds/{id}/reviews/{organisationId}', // tests/api/social/social.test.ts
  'POST /social/service-contracts', // tests/api/social/social.test.ts
  // Take no body (nothing to fuzz); every answer they give is in tests/api/social/social.test.ts:
  'POST /social/grading-rounds/{id}/grade', 'POST /social/grading-rounds/{id}/publish',
  'POST /social/venture-rounds/{id}/award', 'POST /social/venture-rounds/{id}/approve', 'POST /social/venture-rounds/{id}/proposals/{organisationId}/accept',
  'POST /social/service-contracts/{id}/deliverables/{n}/accept',
  'POST /social/schedule/run', // tests/integration/social/scheduled-reminders.test.ts (authorization, the date named, fuzzing)
  'POST /social/townships/{township}/reports/{year}/reminders', // takes no body (nothing to fuzz): every answer it gives is in tests/integration/social/annual-report-reminders.test.ts
  'POST /payments/payees/{payeeId}/account-changes', 'POST /payments/payees/{payeeId}/account-changes/{changeId}/reject', // tests/api/payments/payments.test.ts
  'POST /payments/batches', 'POST /payments/batches/{id}/approve', 'POST /payments/batches/{id}/reject', 'POST /payments/batches/{id}/results', // tests/api/payments/payments.test.ts
  // Take no body (nothing to fuzz); every answer they give is in tests/integration/payments/loop.test.ts and tests/api/payments/payments.test.ts:
  'POST /payments/payees/{payeeId}/account-changes/{changeId}/approve', 'POST /payments/batches/{id}/export', 'POST /payments/payouts/{payoutId}/reissue',
  'POST /workflows/executions/{id}/redrive', // takes no body (nothing to fuzz): every answer it gives is in tests/api/platform/workflows-redrive.test.ts
  'POST /notifications/{id}/read', 'POST /notifications/read-all', // take no body (nothing to fuzz): every answer they give is in tests/api/platform/notifications.test.ts
  // pairing: periodic reports
  'PUT /pairing/reports/{id}', 'POST /pairing/reports/{id}/review', 'POST /pairing/terms/{termId}/periods/{periodId}/acceptance', // tests/api/pairing/reports.test.ts
  // Take no body (nothing to fuzz); every answer they give is in tests/api/pairing/reports.test.ts:
  'POST /pairing/terms/{termId}/periods/{periodId}/open', 'POST /pairing/terms/{termId}/periods/{periodId}/close', 'POST /pairing/terms/{termId}/periods/{periodId}/workflow',
  'POST /pairing/schedule/run', // tests/integration/pairing/scheduled-start.test.ts (authorization, the date named, fuzzing)
];

beforeAll(async () => {
  token = await tokenFor('admin', '120225');
  expect((await call(app, 'POST', '/divisions', { token, body: { code: '120225', name: '蓟州区' } })).status).toBe(201);
  expect((await call(app, 'POST', '/divisions', { token, body: { code: '120225100', name: '渔阳镇' } })).status).toBe(201);
  expect((await call(app, 'POST', '/villages', { token, body: validVillage })).status).toBe(201);
  const unit = await call(app, 'POST', '/units', { token, body: validUnit });
  expect(unit.status).toBe(201);
  unitId = unit.body.id;
});

describe('fuzzing every POST/PUT route with invalid bodies', () => {
  it('has a fuzz target for every POST/PUT route in the OpenAPI document', async () => {
    const doc = await call(app, 'GET', '/openapi.json');
    const writes = Object.entries(doc.body.paths as Record<string, Record<string, unknown>>).flatMap(([path, ops]) =>
      Object.keys(ops)
        .filter((m) => m === 'post' || m === 'put' || m === 'patch')
        .map((m) => `${m.toUpperCase()} ${path}`),
    );
    const covered = new Set([
      ...fuzzedElsewhere,
      ...targets().map((t) => `${t.method} ${t.path.replace(/\/120225\d*$/, '/{code}').replace(unitId, '{id}')}`),
    ]);
    expect(writes.filter((w) => !covered.has(w))).toEqual([]);
  });

  it('starts from bodies the routes accept (so the variants are near-valid)', () => {
    for (const t of targets()) expect(t.schema.safeParse(t.valid).success, `${t.method} ${t.path}`).toBe(true);
  });

  it.each([0, 1, 2, 3, 4, 5])('route #%i: 200+ invalid bodies give only 4xx problems and leave the table unchanged', async (i) => {
    const target = targets()[i]!;
    const seen = await fuzzRoute({ ...target, runs: 200 });
    const total = [...seen.values()].reduce((a, b) => a + b, 0);
    expect(total).toBeGreaterThanOrEqual(200);
    expect([...seen.keys()].every((s) => s >= 400 && s < 500)).toBe(true);
  });
});

describe('the one name schema and the one calendar date schema', () => {
  it('refuses every blank, over-long, control- or invisible-character name, and keeps printable ones', () => {
    fc.assert(fc.property(badName, (name) => {
      expect(nameSchema.safeParse(name).success, JSON.stringify(name)).toBe(false);
    }), { numRuns: 500 });
    for (const name of ['东关村', '蓟州区财政局', 'Village No. 3', '李 华', '🏘村']) expect(nameSchema.parse(name)).toBe(name);
  });

  it('accepts exactly the days of the calendar', () => {
    fc.assert(fc.property(badDate, (date) => {
      expect(calendarDateSchema.safeParse(date).success, date).toBe(false);
    }), { numRuns: 500 });
    const day = fc.date({ min: new Date('0001-01-01T00:00:00Z'), max: new Date('9999-12-31T23:59:59Z'), noInvalidDate: true });
    fc.assert(fc.property(day, (d) => {
      expect(calendarDateSchema.safeParse(d.toISOString().slice(0, 10)).success).toBe(true);
    }), { numRuns: 500 });
    // Any YYYY-MM-DD text is valid exactly when the date it names round-trips through Date.
    const text = fc.tuple(fc.integer({ min: 1, max: 9999 }), fc.integer({ min: 0, max: 13 }), fc.integer({ min: 0, max: 32 })).map(([y, m, d]) => `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`);
    fc.assert(
      fc.property(text, (t) => {
        const [y, m, d] = t.split('-').map(Number) as [number, number, number];
        const date = new Date(0);
        date.setUTCFullYear(y, m - 1, d);
        const exists = date.getUTCFullYear() === y && date.getUTCMonth() === m - 1 && date.getUTCDate() === d;
        expect(calendarDateSchema.safeParse(t).success, t).toBe(exists);
      }),
      { numRuns: 1000 },
    );
  });
});
