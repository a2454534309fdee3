import type { RewardPolicy } from '../functions/programs/reward/domain/policy.ts';
import type { Principal } from '../functions/platform/principal.ts';
import { createProgram, getProgram } from '../functions/programs/reward/store/program.ts';
import { createEnterprise, getEnterprise } from '../functions/programs/reward/store/enterprise.ts';
import { getAccount, putAccount } from '../functions/programs/reward/store/account.ts';
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

/**
 * A second, small program over the same accounts year (budget 50,000 yuan), so that the demo work
 * (local/demo-work.ts) can show a paid-out award and one left unfunded once the budget is used up.
 */
export const demoSmallRewardProgramId = 'rp-demo-small-2025';
export const demoSmallRewardPolicy: RewardPolicy = helanStylePolicy(5_000_000, { townshipDeadlineDays: 10, financeDeadlineDays: 15, twoApproverThresholdFen: 10_000_000 });

/**
 * Enterprises whose applications the demo work leaves at each step, one village each (the claim
 * allows one reward per enterprise and accounts year): [id, name, kind, village, program, 2024, 2025].
 */
export const demoWorkEnterprises = [
  // +100,000 yuan at 9 % → 9,000 yuan: waits for the 三签一审 of 常州村 (the v-* users).
  ['ent-demo-changzhou-homestay', '常州村民宿专业合作社', 'cooperative', '120225104201', demoRewardProgramId, [600_000, 50_000], [600_000, 150_000]],
  // +200,000 yuan at 9 % → 18,000 yuan: waits for the township of 下营镇 (the township user).
  ['ent-demo-huangyaguan-coop', '黄崖关村长城旅游专业合作社', 'cooperative', '120225104207', demoRewardProgramId, [850_000, 80_000], [900_000, 280_000]],
  // +250,000 yuan at 10 % → 25,000 yuan: waits for one finance approval.
  ['ent-demo-xijingyu-coop', '西井峪村石头村旅游专业合作社', 'cooperative', '120225100201', demoRewardProgramId, [1_400_000, 100_000], [1_500_000, 350_000]],
  // +1,000,000 yuan at 12 % → 120,000 yuan: two finance approvals, finance2's given.
  ['ent-demo-lianhe-company', '联合村集体经济发展有限公司', 'company', '120225102201', demoRewardProgramId, [5_500_000, 500_000], [6_000_000, 1_500_000]],
  // +300,000 yuan at 10 % → 30,000 yuan of the small program's 50,000: paid out (paying, instructed).
  ['ent-demo-bangjun-company', '邦均一街村集体经济发展有限公司', 'company', '120225105201', demoSmallRewardProgramId, [1_100_000, 200_000], [1_200_000, 500_000]],
  // +360,000 yuan at 10 % → 36,000 yuan: more than the 20,000 left, so unfunded.
  ['ent-demo-mashenqiao-coop', '马伸桥村农产品专业合作社', 'cooperative', '120225103203', demoSmallRewardProgramId, [1_900_000, 300_000], [2_000_000, 660_000]],
] as const;

export async function seedRewardDemo(seeder: Pick<Principal, 'sub' | 'roles'>): Promise<void> {
  if (!(await getProgram(demoRewardProgramId))) {
    await createProgram(
      { name: '2025年度以奖代补（2025年净利润比2024年增量）', jurisdiction: '120225', accountsYear: 2025, window: { opensOn: '2026-01-01', closesOn: demoWindowClose() }, policy: demoRewardPolicy },
      seeder,
      { id: demoRewardProgramId },
    );
  }
  if (!(await getProgram(demoSmallRewardProgramId))) {
    await createProgram(
      { name: '2025年度以奖代补（小额试点，预算5万元）', jurisdiction: '120225', accountsYear: 2025, window: { opensOn: '2026-01-01', closesOn: demoWindowClose() }, policy: demoSmallRewardPolicy },
      seeder,
      { id: demoSmallRewardProgramId },
    );
  }
  for (const [id, name, kind, y2024, y2025] of enterprises) {
    if (!(await getEnterprise(id))) await createEnterprise({ name, kind, village: demoRewardVillage }, seeder, { id });
    await putAccount({ entityId: id, year: 2024, operatingIncomeFen: y2024[0] * 100, netProfitFen: y2024[1] * 100 }, demoRewardVillage, seeder);
    await putAccount({ entityId: id, year: 2025, operatingIncomeFen: y2025[0] * 100, netProfitFen: y2025[1] * 100 }, demoRewardVillage, seeder);
  }
  for (const [id, name, kind, village, , y2024, y2025] of demoWorkEnterprises) {
    if (!(await getEnterprise(id))) await createEnterprise({ name, kind, village }, seeder, { id });
    // Only when absent: an account edit while an application is open sends it back for re-computation.
    if (!(await getAccount(id, 2024))) await putAccount({ entityId: id, year: 2024, operatingIncomeFen: y2024[0] * 100, netProfitFen: y2024[1] * 100 }, village, seeder);
    if (!(await getAccount(id, 2025))) await putAccount({ entityId: id, year: 2025, operatingIncomeFen: y2025[0] * 100, netProfitFen: y2025[1] * 100 }, village, seeder);
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
