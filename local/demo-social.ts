import { createHash } from 'node:crypto';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { ddb, tableName } from '../functions/shared/clients.ts';
import { beijingDate } from '../functions/platform/calendar.ts';
import type { Principal } from '../functions/platform/principal.ts';
import type { Village } from '../functions/platform/registries/domain/village.ts';
import { socialCategories, type OrganisationInput } from '../functions/programs/social/domain/organisation.ts';
import { fiveAScale } from '../functions/programs/social/domain/grading.ts';
import { writeImportedOrganisations } from '../functions/programs/social/store/import.ts';
import { changeOrganisation, getOrganisation, organisations } from '../functions/programs/social/store/organisation.ts';
import { createRound, getRound, putScore, roundId, scores } from '../functions/programs/social/store/grading.ts';
import { getAnnualReport, putAnnualReport } from '../functions/programs/social/store/annual-report.ts';
import { getBudget, raiseBudget } from '../functions/programs/social/store/budget.ts';
import { createVentureRound, ventureRounds } from '../functions/programs/social/store/venture.ts';

/**
 * Social organisations in the demo township (下营镇, the demo township user's) that exist on paper
 * (imported): its first village above the 5–8 target with every category, the next at the target,
 * the others below it; some filed, most active, one suspended and one dissolved; last year's annual
 * report for some; this year's grading round open with scores given; the township's budget; a
 * venture round open for proposals. Organisations that go through the filing workflow (waiting for
 * the township's review, returned, refused, filed by it) are the demo work's
 * (local/demo-social-work.ts), made through the API after the banner.
 *
 * Idempotent step by step: every organisation has a fixed id (from its village and place), each
 * step writes only what is absent or not yet moved (read just before), and the marker
 * (`DEMO#social`) is written last. A seed stopped after any step and run again ends with the same
 * data as one clean run (tests/integration/social/demo.test.ts).
 */
const markerKey = { pk: 'DEMO#social', sk: 'DEMO' };
export const demoSocialTownship = '120225104';
export const demoVentureRoundId = 'svr-00000000-0000-4000-8000-0000000000d1';

const leaders = ['王建国', '李秀英', '张德明', '刘桂兰', '陈志强', '杨淑珍', '赵永福', '黄玉梅'];
const names: Record<string, string> = { 乡贤参事类: '乡贤参事会', 乡风文明类: '红白理事会', 志愿服务类: '志愿服务队', 矛盾调解类: '矛盾调解委员会', 行业协会类: '果品协会', 其他: '文体队' };

/** A stable organisation id (UUID in the version-5 layout) per demo name, so a repeated seed finds what it wrote. */
export function demoOrganisationId(name: string): string {
  const h = createHash('sha1').update(`village-flow demo social organisation ${name}`).digest('hex');
  const variant = ((parseInt(h[16]!, 16) & 0x3) | 0x8).toString(16);
  return `org-${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

type Seeder = Pick<Principal, 'sub' | 'roles'>;

/** The imported organisations: 6, 5, 3, 2, 1 and 0 in the township's first six villages. */
function importedRows(own: readonly Village[]): { organisation: OrganisationInput; status: 'filed' | 'active'; id: string }[] {
  const perVillage = [6, 5, 3, 2, 1, 0];
  const rows: { organisation: OrganisationInput; status: 'filed' | 'active'; id: string }[] = [];
  own.forEach((v, i) => {
    for (let k = 0; k < (perVillage[i] ?? 0); k++) {
      const category = socialCategories[k % socialCategories.length]!;
      const name = `${v.name}${names[category]}`;
      rows.push({
        id: demoOrganisationId(`${v.code}#${k}`),
        status: k === 1 ? 'filed' : 'active',
        organisation: {
          village: v.code,
          name,
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
  return rows;
}

/** The seed's steps in order; each is safe to run again after any of them. */
function socialSeedSteps(villages: readonly Village[], seeder: Seeder): { name: string; run: () => Promise<void> }[] {
  const own = villages.filter((v) => v.code.startsWith(demoSocialTownship));
  const rows = importedRows(own);
  const year = Number(beijingDate(new Date()).slice(0, 4));
  const ofVillage = (i: number) => rows.filter((r) => r.organisation.village === own[i]?.code);
  /** One move of an imported organisation, unless it has made it already. */
  const move = async (id: string | undefined, event: 'suspend' | 'dissolve', reason: string, date: string) => {
    const o = id ? await getOrganisation(id) : undefined;
    if (o && (o.status === 'filed' || o.status === 'active')) await changeOrganisation(o, event, { statusReason: reason, statusDate: date }, seeder, `social-organisation.${event}`);
  };
  return [
    {
      name: 'organisations',
      run: async () => {
        // Only the rows not written yet (an interrupted seed wrote whole transactions or nothing).
        const there = new Set((await organisations.getMany(rows.map((r) => ({ id: r.id })))).map((o) => o.id));
        await writeImportedOrganisations(rows.filter((r) => !there.has(r.id)), seeder);
      },
    },
    // One suspended, one dissolved (a village below target because of it).
    { name: 'suspend', run: () => move(ofVillage(2)[0]?.id, 'suspend', '负责人外出务工，暂停活动', '2026-03-01') },
    { name: 'dissolve', run: () => move(ofVillage(2)[1]?.id, 'dissolve', '成员合并入志愿服务队', '2026-05-10') },
    {
      // Last year's reports for the first village's organisations: they can be graded; the others are flagged.
      name: 'annual-reports',
      run: async () => {
        for (const o of ofVillage(0)) {
          if (await getAnnualReport(o.id, year - 1)) continue;
          await putAnnualReport(undefined, { organisationId: o.id, village: o.organisation.village, year: year - 1, filedOn: `${year}-03-20`, filedAt: `${year}-03-20T02:00:00.000Z`, dueDate: `${year}-03-31`, onTime: true, submittedBy: 'demo-village-head' }, { activities: 12, peopleServed: 260, incomeFen: 1_200_000, spendingFen: 980_000 }, seeder);
        }
      },
    },
    {
      // This year's grading round, scoring: the demo township user and a second scorer from another village.
      name: 'grading-round',
      run: async () => {
        const id = roundId(demoSocialTownship, year);
        let round = await getRound(id);
        if (!round) {
          const at = new Date().toISOString();
          round = await createRound({ id, township: demoSocialTownship, year, scale: fiveAScale, validityYears: 3, scorers: [{ sub: 'demo-township' }, { sub: 'demo-scorer-b', village: own[3]?.code }], status: 'scoring', version: 1, createdBy: 'demo-township', createdAt: at, updatedAt: at }, seeder);
        }
        for (const [i, o] of ofVillage(0).entries()) {
          if (await scores.get({ roundId: round.id, organisationId: o.id, scorer: 'demo-scorer-b' }, { consistent: true })) continue;
          await putScore(round, { roundId: round.id, organisationId: o.id, scorer: 'demo-scorer-b', score: 940 - i * 60, at: new Date().toISOString() }, o.organisation.village, seeder);
        }
      },
    },
    {
      name: 'budget',
      run: async () => {
        if (!(await getBudget(demoSocialTownship, year))) await raiseBudget(demoSocialTownship, year, 20_000_000, seeder);
      },
    },
    {
      // A venture round open for proposals: a window of a week before to a month after the seeding day (Beijing).
      name: 'venture-round',
      run: async () => {
        if (await ventureRounds.get({ id: demoVentureRoundId }, { consistent: true })) return;
        const day = (offset: number) => beijingDate(new Date(Date.now() + offset * 86_400_000));
        const at = new Date().toISOString();
        await createVentureRound(
          { id: demoVentureRoundId, township: demoSocialTownship, year, name: `${year}年下营镇公益创投`, budgetFen: 8_000_000, opensOn: day(-7), closesOn: day(30), criteria: [{ key: 'impact', name: '公益性', maxPoints: 40 }, { key: 'feasibility', name: '可行性', maxPoints: 30 }, { key: 'budget', name: '预算合理性', maxPoints: 30 }], reviewers: [{ sub: 'demo-township' }, { sub: 'demo-reviewer-b', village: own[4]?.code }], status: 'open', awards: [], skipped: [], createdBy: 'demo-township', version: 1, createdAt: at, updatedAt: at },
          seeder,
        );
      },
    },
  ];
}

/**
 * Seed the imported social organisations unless the marker says they are there. `stopAfter` stops
 * after that many steps without the marker, as an interrupted start would (for the tests).
 */
export async function seedSocialDemo(villages: readonly Village[], seeder: Seeder, options: { stopAfter?: number } = {}): Promise<void> {
  const { Item } = await ddb().send(new GetCommand({ TableName: tableName(), Key: markerKey, ConsistentRead: true }));
  if (Item) return;
  const steps = socialSeedSteps(villages, seeder);
  for (const [i, step] of steps.entries()) {
    if (options.stopAfter !== undefined && i >= options.stopAfter) return;
    await step.run();
  }
  await ddb().send(new PutCommand({ TableName: tableName(), Item: { ...markerKey, type: 'demoSeed', seededAt: new Date().toISOString() } }));
}

/** How many steps the seed has (for the tests that stop it after each). */
export const socialSeedStepCount = (villages: readonly Village[], seeder: Seeder): number => socialSeedSteps(villages, seeder).length;
