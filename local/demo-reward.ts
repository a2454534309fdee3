import type { RewardPolicy } from '../functions/programs/reward/domain/policy.ts';
import type { Principal } from '../functions/platform/principal.ts';
import { createProgram, getProgram } from '../functions/programs/reward/store/program.ts';
import { createEnterprise, getEnterprise } from '../functions/programs/reward/store/enterprise.ts';
import { putAccount } from '../functions/programs/reward/store/account.ts';
import { helanStylePolicy } from './reward-policy.ts';
import { beijingDate } from '../functions/platform/calendar.ts';

/**
 * Demo data of the reward program (以奖代补) for the local host: a program over the demo district
 * for the 2025 accounts (accountsYear 2025: the 2025 profit increase over 2024, applications taken
 * from 2026; Helan-style tiers 8/9/10/12 %, minimum income 100,000 yuan,
 * cap 500,000 yuan, budget 2,000,000 yuan, township 10 / finance 15 days, two approvers from
 * 100,000 yuan), three enterprises of 常州村 (120225104201) with 2024 and 2025 accounts. Fixed ids, each
 * piece created only if absent, so it is safe on every start.
 *
 * Until issue 12 the demo program was `rp-demo-2026`, which read as "the 2026 increase"; a data folder
 * seeded then keeps it (its stored `year` reads as `accountsYear`) and gets this one beside it.
 */
export const demoRewardProgramId = 'rp-demo-accounts-2025';
export const demoRewardVillage = '120225104201';

export const demoRewardPolicy: RewardPolicy = helanStylePolicy(200_000_000, { townshipDeadlineDays: 10, financeDeadlineDays: 15, twoApproverThresholdFen: 10_000_000 });

/** [id, name, kind, [income 2024, profit 2024], [income 2025, profit 2025]] in yuan. */
const enterprises = [
  // +300,000 yuan at 10 % → 30,000 yuan: one finance approval.
  ['ent-demo-changzhou-coop', '常州村农家院旅游专业合作社', 'cooperative', [1_000_000, 100_000], [1_200_000, 400_000]],
  // +1,200,000 yuan at 12 % → 144,000 yuan: two finance approvals.
  ['ent-demo-changzhou-company', '常州村集体经济发展有限公司', 'company', [4_800_000, 600_000], [5_600_000, 1_800_000]],
  // Income below 100,000 yuan: ineligible, with the reason shown.
  ['ent-demo-changzhou-orchard', '常州村果品专业合作社', 'cooperative', [80_000, 10_000], [95_000, 30_000]],
] as const;

/**
 * The demo program takes applications until the end of the current year on the Beijing calendar
 * (at least 2026), so a demo seeded later still leaves the village something to submit.
 */
function demoWindowClose(): string {
  const year = Math.max(2026, Number(beijingDate(new Date()).slice(0, 4)));
  return `${year}-12-31`;
}

export const demoRewardEnterpriseIds = enterprises.map(([id]) => id);

export async function seedRewardDemo(seeder: Pick<Principal, 'sub' | 'roles'>): Promise<void> {
  if (!(await getProgram(demoRewardProgramId))) {
    await createProgram(
      { name: '2025年度以奖代补（2025年净利润比2024年增量）', jurisdiction: '120225', accountsYear: 2025, window: { opensOn: '2026-01-01', closesOn: demoWindowClose() }, policy: demoRewardPolicy },
      seeder,
      { id: demoRewardProgramId },
    );
  }
  for (const [id, name, kind, y2024, y2025] of enterprises) {
    if (!(await getEnterprise(id))) await createEnterprise({ name, kind, village: demoRewardVillage }, seeder, { id });
    await putAccount({ entityId: id, year: 2024, operatingIncomeFen: y2024[0] * 100, netProfitFen: y2024[1] * 100 }, demoRewardVillage, seeder);
    await putAccount({ entityId: id, year: 2025, operatingIncomeFen: y2025[0] * 100, netProfitFen: y2025[1] * 100 }, demoRewardVillage, seeder);
  }
}

/** Village users of 常州村 for the four sign-off positions (the handler also submits), and a second finance approver. */
export const demoRewardPrincipals = {
  'v-handler': { sub: 'demo-village-handler', roles: ['village'], division: demoRewardVillage, position: 'handler' },
  'v-bookkeeper': { sub: 'demo-village-bookkeeper', roles: ['village'], division: demoRewardVillage, position: 'bookkeeper' },
  'v-head': { sub: 'demo-village-head', roles: ['village'], division: demoRewardVillage, position: 'head' },
  'v-supervisor': { sub: 'demo-village-supervisor', roles: ['village'], division: demoRewardVillage, position: 'supervisor' },
  finance2: { sub: 'demo-finance-2', roles: ['finance'], division: '120225' },
} as const;
