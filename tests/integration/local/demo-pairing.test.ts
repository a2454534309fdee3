import { describe, expect, it } from 'vitest';
import { buildApp } from '../../../functions/api/app.ts';
import { addDays, periodContaining } from '../../../functions/programs/pairing/domain/period.ts';
import { reportingPeriod, tianjinSchedule } from '../../../functions/programs/pairing/domain/schedule.ts';
import { demoPrincipals, seedDemoData } from '../../../local/demo-data.ts';
import { demoPairingTermId, seedPairingDemo } from '../../../local/demo-pairing.ts';
import { call, tokenFor } from '../../support/api.ts';
import { tableSnapshot } from '../../support/fuzz.ts';

// The demo district's pairing data, seeded as `npm start` seeds it: the unit, the township and the
// county each find something to do, and a second seed changes nothing.
const app = buildApp();
const now = new Date();
const current = reportingPeriod(tianjinSchedule[0]!, now).id;
const previous = periodContaining('monthly', addDays(reportingPeriod(tianjinSchedule[0]!, now).start, -1)).id;

describe('pairing demo data', () => {
  it('gives the unit reports to file and one to correct, the township one to review, the county approved reports to accept', async () => {
    await seedDemoData();
    const unit = await tokenFor('unit', '120225', { sub: 'demo-unit', unitId: demoPrincipals.unit.unitId });
    const pairings = await call(app, 'GET', '/pairing/pairings', { token: unit });
    expect(pairings.body.items).toHaveLength(2);
    const mine = await call(app, 'GET', `/pairing/reports?termId=${demoPairingTermId}&periodId=${current}`, { token: unit });
    expect(mine.body.items.map((r: { status: string }) => r.status)).toEqual(['expected', 'expected']);
    const before = await call(app, 'GET', `/pairing/reports?termId=${demoPairingTermId}&periodId=${previous}`, { token: unit });
    expect(before.body.items.map((r: { status: string; overdue: boolean }) => [r.status, r.overdue]).sort()).toEqual([
      ['expected', true],
      ['returned', false],
    ]);
    const township = await tokenFor('township', '120225104');
    const toReview = await call(app, 'GET', `/pairing/reports?termId=${demoPairingTermId}&periodId=${current}`, { token: township });
    expect(toReview.body.items.filter((r: { status: string }) => r.status === 'submitted')).toHaveLength(1);
    const admin = await tokenFor('admin', '120225');
    const view = await call(app, 'GET', `/pairing/terms/${demoPairingTermId}/views?by=township&periodId=${previous}`, { token: admin });
    expect(view.body.total.counters).toMatchObject({ expected: 10, filed: 8, onTime: 6, late: 2, missing: 2, returned: 1, approved: 5, accepted: 1, nil: 1 });
    const snapshot = await tableSnapshot();
    await seedPairingDemo({ sub: 'demo-seed', roles: ['admin'] });
    expect(await tableSnapshot()).toEqual(snapshot);
  });
});
