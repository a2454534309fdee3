import { describe, expect, it } from 'vitest';
import { demoVillages } from '../../../local/demo-data.ts';
import { demoSocialTownship, seedSocialDemo } from '../../../local/demo-social.ts';
import { beijingDate } from '../../../functions/platform/calendar.ts';
import { createVillage } from '../../../functions/platform/registries/store/village.ts';
import { createDivision } from '../../../functions/platform/registries/store/division.ts';
import { allOrganisations } from '../../../functions/programs/social/store/organisation.ts';
import { getRound, roundId } from '../../../functions/programs/social/store/grading.ts';
import { villageCoverage } from '../../../functions/programs/social/store/coverage.ts';
import { requireVentureRound } from '../../../functions/programs/social/store/venture.ts';

describe('social demo data', () => {
  it('seeds every working state, villages below target and a grading round in progress, once', async () => {
    const seeder = { sub: 'demo-seed', roles: ['admin' as const], division: '120225' };
    await createDivision({ code: '120225', name: '蓟州区' }, seeder);
    await createDivision({ code: demoSocialTownship, name: '下营镇' }, seeder);
    for (const v of demoVillages.filter((x) => x.code.startsWith(demoSocialTownship))) await createVillage(v, seeder);
    await seedSocialDemo(demoVillages, seeder);
    await seedSocialDemo(demoVillages, seeder);
    const orgs = [];
    for await (const o of allOrganisations(demoSocialTownship)) orgs.push(o);
    expect(orgs).toHaveLength(17);
    expect(new Set(orgs.map((o) => o.status))).toEqual(new Set(['filed', 'active', 'suspended', 'dissolved']));
    expect(new Set(orgs.map((o) => o.category)).size).toBe(6);
    const coverage = await villageCoverage(demoSocialTownship, { consistent: true });
    expect([...coverage.values()].filter((c) => c.total >= 5)).toHaveLength(2);
    expect((await getRound(roundId(demoSocialTownship, Number(beijingDate(new Date()).slice(0, 4)))))?.status).toBe('scoring');
    expect((await requireVentureRound('svr-00000000-0000-4000-8000-0000000000d1')).status).toBe('open');
  });
});
