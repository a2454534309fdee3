import { beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../../functions/api/app.ts';
import { call, tokenFor } from '../../support/api.ts';
import { actors, enterprise, helanPolicy, openProgram, seedVillage } from '../../support/reward/fixtures.ts';

// Authorization is decided before existence is revealed: a caller whose roles may never do what a
// route does gets the same 403 whether the thing exists or not (a route's roleGate runs before it
// reads anything). Before, a unit user got 400 "program … does not exist" for a missing program and
// 403 for an existing one, and a township user 404 versus 403 on a funding run's approval.
const app = buildApp();
let programId = '';
let entityId = '';

beforeAll(async () => {
  await seedVillage();
  const t = await actors();
  programId = await openProgram(app, t, helanPolicy());
  entityId = await enterprise(app, t, [{ year: 2024, incomeYuan: 1_000_000, profitYuan: 100_000 }, { year: 2025, incomeYuan: 1_200_000, profitYuan: 400_000 }]);
});

describe('authorization before existence', () => {
  it('answers a role that may never act the same 403 for a missing and an existing subject', async () => {
    const unit = await tokenFor('unit', '120225', { unitId: 'u-1' });
    const township = await tokenFor('township', '120225100');
    const auditor = await tokenFor('auditor', '120225');
    const missingProgram = 'rp-00000000-0000-4000-8000-000000000000';
    const pairs: [string, string, string, string, unknown?][] = [
      [unit, 'GET', `/reward/programs/${programId}`, `/reward/programs/${missingProgram}`],
      [unit, 'POST', '/reward/applications', '/reward/applications', { programId: missingProgram, entityId }],
      [township, 'POST', `/reward/programs/${programId}/budget`, `/reward/programs/${missingProgram}/budget`, { raiseFen: 100 }],
      [township, 'POST', '/funding/runs/fr-missing/approve', '/funding/runs/fr-missing-too/approve', { comment: 'ok' }],
      [auditor, 'POST', '/decisions/reward.township-review.ra-x.r1', '/decisions/reward.township-review.ra-y.r1', { decision: 'approve' }],
    ];
    for (const [token, method, existing, missing, body] of pairs) {
      const a = await call(app, method, existing, { token, ...(body === undefined ? {} : { body }) });
      const b = await call(app, method, missing, { token, ...(body === undefined ? {} : { body }) });
      expect([a.status, b.status], `${method} ${existing} / ${missing}`).toEqual([403, 403]);
    }
    // The first application body names an existing program: still 403, not a 400 naming it.
    const real = await call(app, 'POST', '/reward/applications', { token: unit, body: { programId, entityId } });
    expect(real.status).toBe(403);
  });
});
