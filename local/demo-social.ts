import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { ddb, tableName } from '../functions/shared/clients.ts';
import { beijingDate } from '../functions/platform/calendar.ts';
import type { Principal } from '../functions/platform/principal.ts';
import type { Village } from '../functions/platform/registries/domain/village.ts';
import { socialCategories, type OrganisationInput } from '../functions/programs/social/domain/organisation.ts';
import { fiveAScale } from '../functions/programs/social/domain/grading.ts';
import { writeImportedOrganisations } from '../functions/programs/social/store/import.ts';
import { changeOrganisation, getOrganisation } from '../functions/programs/social/store/organisation.ts';
import { createRound, getRound, putScore, roundId } from '../functions/programs/social/store/grading.ts';
import { putAnnualReport } from '../functions/programs/social/store/annual-report.ts';
import { getBudget, raiseBudget } from '../functions/programs/social/store/budget.ts';
import { createVentureRound } from '../functions/programs/social/store/venture.ts';

/**
 * Social organisations in the demo township (下营镇, the demo township user's): its first village
 * above the 5–8 target with every category, the next at the target, the others below it; some
 * filed, most active, one suspended and one dissolved; last year's annual report for some; this
 * year's grading round open with scores given; the township's budget; a venture round open for
 * proposals. Applications waiting for
 * the township's review come from the walkthrough (POST /social/organisations), which starts their
 * filing workflow. Seeded once (marker `DEMO#social`); a seed interrupted half-way is written again
 * whole on the next start (the marker is written last, the organisations get new ids).
 */
const markerKey = { pk: 'DEMO#social', sk: 'DEMO' };
export const demoSocialTownship = '120225104';

const leaders = ['王建国', '李秀英', '张德明', '刘桂兰', '陈志强', '杨淑珍', '赵永福', '黄玉梅'];
const names: Record<string, string> = { 乡贤参事类: '乡贤参事会', 乡风文明类: '红白理事会', 志愿服务类: '志愿服务队', 矛盾调解类: '矛盾调解委员会', 行业协会类: '果品协会', 其他: '文体队' };

export async function seedSocialDemo(villages: readonly Village[], seeder: Pick<Principal, 'sub' | 'roles'>): Promise<void> {
  const { Item } = await ddb().send(new GetCommand({ TableName: tableName(), Key: markerKey, ConsistentRead: true }));
  if (Item) return;
  const own = villages.filter((v) => v.code.startsWith(demoSocialTownship));
  const perVillage = [6, 5, 3, 2, 1, 0];
  const rows: { organisation: OrganisationInput; status: 'filed' | 'active' }[] = [];
  own.forEach((v, i) => {
    for (let k = 0; k < (perVillage[i] ?? 0); k++) {
      const category = socialCategories[k % socialCategories.length]!;
      rows.push({
        status: k === 1 ? 'filed' : 'active',
        organisation: {
          village: v.code,
          name: `${v.name}${names[category]}`,
          category,
          ...(category === '其他' ? { categoryDescription: '广场舞、文艺演出' } : {}),
          leader: { name: leaders[(i + k) % leaders.length]!, partyMember: k % 2 === 0, returnedTalent: category === '乡贤参事类', fiveElders: k % 3 === 0 },
          members: 8 + ((i * 7 + k * 5) % 40),
          foundedOn: `20${18 + (k % 3)}-0${1 + (k % 9)}-15`,
          contact: `1380022${String(1000 + i * 10 + k)}`,
        },
      });
    }
  });
  const created = await writeImportedOrganisations(rows, seeder);
  // One suspended, one dissolved (a village below target because of it).
  const third = created.filter((o) => o.village === own[2]?.code);
  if (third[0]) {
    const o = await getOrganisation(third[0].id);
    if (o) await changeOrganisation(o, 'suspend', { statusReason: '负责人外出务工，暂停活动', statusDate: '2026-03-01' }, seeder, 'social-organisation.suspend');
  }
  if (third[1]) {
    const o = await getOrganisation(third[1].id);
    if (o) await changeOrganisation(o, 'dissolve', { statusReason: '成员合并入志愿服务队', statusDate: '2026-05-10' }, seeder, 'social-organisation.dissolve');
  }
  const year = Number(beijingDate(new Date()).slice(0, 4));
  // Last year's reports for the first village's organisations: they can be graded; the others are flagged.
  for (const o of created.filter((x) => x.village === own[0]?.code)) {
    await putAnnualReport(undefined, { organisationId: o.id, village: o.village, year: year - 1, filedOn: `${year}-03-20`, dueDate: `${year}-03-31`, onTime: true, submittedBy: 'demo-village-head' }, { activities: 12, peopleServed: 260, incomeFen: 1_200_000, spendingFen: 980_000 }, seeder);
  }
  // This year's grading round, scoring: the demo township user and a second scorer from another village.
  if (!(await getRound(roundId(demoSocialTownship, year)))) {
    const at = new Date().toISOString();
    const round = await createRound(
      { id: roundId(demoSocialTownship, year), township: demoSocialTownship, year, scale: fiveAScale, validityYears: 3, scorers: [{ sub: 'demo-township' }, { sub: 'demo-scorer-b', village: own[3]?.code }], status: 'scoring', version: 1, createdBy: 'demo-township', createdAt: at, updatedAt: at },
      seeder,
    );
    for (const [i, o] of created.filter((x) => x.village === own[0]?.code).entries()) {
      await putScore(round, { roundId: round.id, organisationId: o.id, scorer: 'demo-scorer-b', score: 940 - i * 60, at }, o.village, seeder);
    }
  }
  if (!(await getBudget(demoSocialTownship, year))) await raiseBudget(demoSocialTownship, year, 20_000_000, seeder);
  // A venture round open for proposals: a window of a week before to a month after the seeding day (Beijing).
  const day = (offset: number) => beijingDate(new Date(Date.now() + offset * 86_400_000));
  const at = new Date().toISOString();
  await createVentureRound(
    { id: 'svr-00000000-0000-4000-8000-0000000000d1', township: demoSocialTownship, year, name: `${year}年下营镇公益创投`, budgetFen: 8_000_000, opensOn: day(-7), closesOn: day(30), criteria: ['公益性', '可行性', '预算合理性'], reviewers: [{ sub: 'demo-township' }, { sub: 'demo-reviewer-b', village: own[4]?.code }], status: 'open', awards: [], skipped: [], createdBy: 'demo-township', version: 1, createdAt: at, updatedAt: at },
    seeder,
  ).catch((err: unknown) => {
    // Seeded by an earlier, interrupted run: it exists already.
    if (!(err instanceof Error && err.name === 'TransactionConditionFailed')) throw err;
  });
  await ddb().send(new PutCommand({ TableName: tableName(), Item: { ...markerKey, type: 'demoSeed', seededAt: new Date().toISOString() } }));
}
