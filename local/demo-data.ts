import { createHash } from 'node:crypto';
import { GetCommand, PutCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { ddb, tableName } from '../functions/shared/clients.ts';
import { createDivision, getDivision } from '../functions/platform/registries/store/division.ts';
import { createUnit, getUnit } from '../functions/platform/registries/store/unit.ts';
import { getVillages, villageWrite } from '../functions/platform/registries/store/village.ts';
import type { Village } from '../functions/platform/registries/domain/village.ts';
import type { UnitInput } from '../functions/platform/registries/domain/unit.ts';
import { createFundingPolicy, getFundingPolicy, type FundingPolicyInput } from '../functions/programs/funding/store/policy.ts';
import { seedRewardDemo } from './demo-reward.ts';
import { seedPaymentsDemo } from './demo-payments.ts';
import { seedPairingDemo } from './demo-pairing.ts';
import { seedSocialDemo } from './demo-social.ts';

/**
 * Demo data for the local host, modelled on Tianjin's Jizhou district (蓟州区, 120225): six of its
 * townships, 37 villages with realistic populations and operating funds (Tianjin's average is
 * 160,000 yuan a village; weak villages sit below it), and assisting units of the 双五百 pairing
 * programme at city and district level. Seeded on the first start only (a marker item records
 * it); every write goes through the same store functions as the API, audit records included.
 */
export const demoDistrict = { code: '120225', name: '蓟州区' } as const;

export const demoTownships = [
  { code: '120225100', name: '渔阳镇' },
  { code: '120225102', name: '官庄镇' },
  { code: '120225103', name: '马伸桥镇' },
  { code: '120225104', name: '下营镇' },
  { code: '120225105', name: '邦均镇' },
  { code: '120225122', name: '穿芳峪镇' },
] as const;

type Category = Village['category'];

/** [township, number, name, population, weak, category, operating funds in yuan] */
const villageRows: readonly [string, number, string, number, boolean, Category, number][] = [
  ['120225100', 201, '西井峪村', 1260, false, '示范', 172000],
  ['120225100', 202, '桃花寺村', 980, false, '创优', 160000],
  ['120225100', 203, '东后子峪村', 612, true, '强基', 128000],
  ['120225100', 204, '小龙扒村', 455, true, '强基', 118500],
  ['120225100', 205, '刘庄子村', 2130, false, '创优', 165000],
  ['120225100', 206, '南环路村', 2890, false, '示范', 180000],
  ['120225102', 201, '联合村', 1540, false, '示范', 168000],
  ['120225102', 202, '莲花岭村', 732, true, '强基', 126000],
  ['120225102', 203, '塔院村', 1105, false, '创优', 158000],
  ['120225102', 204, '营房村', 864, false, '创优', 155000],
  ['120225102', 205, '砖瓦窑村', 398, true, '强基', 112000],
  ['120225102', 206, '官庄村', 2476, false, '示范', 176000],
  ['120225103', 201, '西葛岑村', 1680, false, '创优', 162000],
  ['120225103', 202, '东葛岑村', 1422, false, '创优', 160000],
  ['120225103', 203, '马伸桥村', 2950, false, '示范', 185000],
  ['120225103', 204, '北赵各庄村', 690, true, '强基', 124000],
  ['120225103', 205, '杨庄子村', 517, true, '强基', 120000],
  ['120225103', 206, '淋河村', 1036, false, '创优', 157500],
  ['120225104', 201, '常州村', 1860, false, '示范', 178000],
  ['120225104', 202, '郭家沟村', 356, false, '示范', 166000],
  ['120225104', 203, '船舱峪村', 468, true, '强基', 121000],
  ['120225104', 204, '小平安村', 742, false, '创优', 154000],
  ['120225104', 205, '团山子村', 521, true, '强基', 119000],
  ['120225104', 206, '青山岭村', 603, false, '创优', 152000],
  ['120225104', 207, '黄崖关村', 824, false, '示范', 170000],
  ['120225105', 201, '邦均一街村', 2710, false, '示范', 182000],
  ['120225105', 202, '朱官屯村', 1318, false, '创优', 159000],
  ['120225105', 203, '东小屯村', 947, false, '创优', 156000],
  ['120225105', 204, '西小屯村', 588, true, '强基', 123500],
  ['120225105', 205, '兴隆庄村', 1192, false, '创优', 161000],
  ['120225105', 206, '邦均二街村', 2384, false, '示范', 174000],
  ['120225122', 201, '小穿芳峪村', 486, false, '示范', 169000],
  ['120225122', 202, '毛家峪村', 412, false, '示范', 171000],
  ['120225122', 203, '东水厂村', 655, true, '强基', 125000],
  ['120225122', 204, '英歌寨村', 1003, false, '创优', 158500],
  ['120225122', 205, '大巨各庄村', 1467, false, '创优', 163000],
  ['120225122', 206, '穿芳峪村', 1734, false, '示范', 167000],
];

export const demoVillages: readonly Village[] = villageRows.map(([township, n, name, population, economicallyWeak, category, yuan]) => ({
  code: `${township}${n}`,
  name,
  population,
  economicallyWeak,
  category,
  operatingFundsFen: yuan * 100,
}));

export const demoUnits: readonly UnitInput[] = [
  { name: '天津市农业农村委员会', level: 'city', kind: 'agency', division: '120225' },
  { name: '天津市财政局', level: 'city', kind: 'agency', division: '120225' },
  { name: '天津市委组织部', level: 'city', kind: 'agency', division: '120225' },
  { name: '天津港（集团）有限公司', level: 'city', kind: 'enterprise', division: '120225', contact: { name: '王建国', phone: '022-2570 6000' } },
  { name: '天津农村商业银行', level: 'city', kind: 'enterprise', division: '120225' },
  { name: '天津医科大学总医院', level: 'city', kind: 'institution', division: '120225' },
  { name: '天津农学院', level: 'city', kind: 'institution', division: '120225' },
  { name: '蓟州区农业农村委员会', level: 'district', kind: 'agency', division: '120225' },
  { name: '蓟州区财政局', level: 'district', kind: 'agency', division: '120225', contact: { name: '李红', phone: '022-2914 2000' } },
  { name: '蓟州区供销合作社', level: 'district', kind: 'enterprise', division: '120225' },
  { name: '蓟州区人民医院', level: 'district', kind: 'institution', division: '120225' },
  { name: '蓟州区职业教育中心', level: 'district', kind: 'institution', division: '120225' },
];

/** A stable UUID (version-5 layout) per unit name, so the seed is repeatable and tokens can name a unit. */
export function demoUnitId(name: string): string {
  const h = createHash('sha1').update(`village-flow demo unit ${name}`).digest('hex');
  const variant = ((parseInt(h[16]!, 16) & 0x3) | 0x8).toString(16);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** Whom the demo tokens stand for: one per role, inside the demo district. */
export const demoPrincipals = {
  admin: { sub: 'demo-admin', roles: ['admin'], division: '120225' },
  finance: { sub: 'demo-finance', roles: ['finance'], division: '120225' },
  township: { sub: 'demo-township', roles: ['township'], division: '120225104' },
  village: { sub: 'demo-village-head', roles: ['village'], division: '120225104201', position: 'head' },
  unit: { sub: 'demo-unit', roles: ['unit'], division: '120225', unitId: demoUnitId('天津港（集团）有限公司') },
  auditor: { sub: 'demo-auditor', roles: ['auditor'], division: '120225' },
} as const;

const seeder = { sub: 'demo-seed', roles: ['admin' as const], division: demoDistrict.code };

/**
 * The district's 2026 budget policy for village operating funds (村级组织运转经费), modelled on
 * Tianjin (+40,000 yuan a village, at least 50,000 of each total earmarked for serving the masses)
 * and Rui'an (economically weak villages brought to at least 50,000 yuan, those of more than 1,500
 * people to 100,000).
 */
export const demoFundingPolicyId = `fp-${demoUnitId('funding-policy-2026')}`;
export const demoFundingPolicy: FundingPolicyInput = {
  division: demoDistrict.code,
  year: 2026,
  name: '2026年村级组织运转经费增量（每村增4万元，薄弱村保底）',
  rule: {
    increaseFen: 4_000_000,
    floors: [
      { minPopulation: 0, floorFen: 5_000_000, label: '1500人及以下' },
      { minPopulation: 1501, floorFen: 10_000_000, label: '1500人以上' },
    ],
    floorsApplyTo: 'economically-weak',
    earmarkMinimumFen: 5_000_000,
  },
};
/**
 * The district's draft policy for 2027, the same rule: the demo work (local/demo-work.ts) starts its
 * run, which waits for finance's approval. A year of its own, so the 2026 policy's run stays the
 * walkthrough's to start, and approving one never blocks the other (a claim is per division and year).
 */
export const demoWorkFundingPolicyId = `fp-${demoUnitId('funding-policy-2027')}`;
export const demoWorkFundingPolicy: FundingPolicyInput = {
  ...demoFundingPolicy,
  year: 2027,
  name: '2027年村级组织运转经费增量（每村增4万元，薄弱村保底）',
};
/** The demo village whose bank account waits for finance's approval (the others have one). */
export const demoPendingAccountVillage = '120225104202';
const markerKey = { pk: 'DEMO#seed', sk: 'DEMO' };
export const demoSeedVersion = 1;

/** Whether the demo data has been seeded into this table already. */
export async function demoSeeded(): Promise<boolean> {
  const { Item } = await ddb().send(new GetCommand({ TableName: tableName(), Key: markerKey, ConsistentRead: true }));
  return Item !== undefined;
}

/**
 * Seed the demo data unless the marker says it is there. Each piece is created only if absent, so
 * a seed interrupted half-way completes on the next start; the marker is written last.
 * Returns whether anything was seeded.
 */
export async function seedDemoData(): Promise<boolean> {
  // Checked on every start (a fixed id), so data folders seeded before the policy existed get it too.
  if (!(await getFundingPolicy(demoFundingPolicyId))) await createFundingPolicy(demoFundingPolicy, seeder, { id: demoFundingPolicyId });
  if (!(await getFundingPolicy(demoWorkFundingPolicyId))) await createFundingPolicy(demoWorkFundingPolicy, seeder, { id: demoWorkFundingPolicyId });
  if (await demoSeeded()) {
    // Also on later starts (fixed ids, created if absent), so data folders seeded before the reward program get it.
    await seedRewardDemo(seeder);
    await seedPaymentsDemo(demoVillages, demoPendingAccountVillage);
    await seedPairingDemo(seeder);
    await seedSocialDemo(demoVillages, seeder);
    return false;
  }
  if (!(await getDivision(demoDistrict.code, true))) await createDivision(demoDistrict, seeder);
  for (const t of demoTownships) {
    if (!(await getDivision(t.code, true))) await createDivision(t, seeder);
  }
  const existing = await getVillages(demoVillages.map((v) => v.code));
  const missing = demoVillages.filter((v) => !existing.has(v.code));
  for (let i = 0; i < missing.length; i += 49) {
    await ddb().send(new TransactWriteCommand({ TransactItems: missing.slice(i, i + 49).flatMap((v) => villageWrite(v, undefined, seeder, 'village.create')) }));
  }
  for (const u of demoUnits) {
    const id = demoUnitId(u.name);
    if (!(await getUnit(id, true))) await createUnit(u, seeder, { id });
  }
  await seedRewardDemo(seeder);
  await seedPaymentsDemo(demoVillages, demoPendingAccountVillage);
  await seedPairingDemo(seeder);
  await seedSocialDemo(demoVillages, seeder);
  await ddb().send(
    new PutCommand({ TableName: tableName(), Item: { ...markerKey, type: 'demoSeed', version: demoSeedVersion, seededAt: new Date().toISOString() } }),
  );
  return true;
}
