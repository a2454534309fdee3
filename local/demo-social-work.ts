import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { ddb, tableName } from '../functions/shared/clients.ts';
import { beijingDate } from '../functions/platform/calendar.ts';
import type { OrganisationInput, OrganisationStatus, SocialCategory } from '../functions/programs/social/domain/organisation.ts';
import { socialDecisionId, type SocialStep } from '../functions/programs/social/steps.ts';
import { demoCaller, type Claims, type Fetch, type Json } from './demo-api.ts';
import { demoPrincipals } from './demo-data.ts';
import { demoOrganisationId, demoSocialTownship, demoVentureRoundId } from './demo-social.ts';

/**
 * Social organisations that go through the filing workflow (备案登记), made through the API after
 * the banner like local/demo-work.ts: the village submits (the `social-filing` execution starts on
 * the local Step Functions endpoint), and the township answers its review decision as a user would;
 * the workflow's File step gives the filing number. Each is left where it waits:
 *
 * | organisation | left | waits for |
 * | --- | --- | --- |
 * | 青山岭村乡风文明志愿队 | applied | `township` (下营镇): its review, in the inbox |
 * | 团山子村助老志愿服务队 | returned (名单不全) | the village of 团山子村: correct and resubmit |
 * | 小平安村邻里调解小组 | refused | nobody |
 * | 青山岭村果品产销协会 | filed (numbered by the workflow) | the township: activate |
 * | 团山子村新乡贤理事会 | active | nobody |
 * | 小平安村老年秧歌队 (其他) | suspended | the township: reactivate or dissolve |
 * | 青山岭村移风易俗理事会 | dissolved | nobody |
 *
 * Every category is among them, and the three villages stay below the target of 5. In the open
 * venture round, 常州村乡贤参事会 has proposed and the second reviewer has scored every criterion
 * (34 + 25 + 26 = 85); the township user's review is left to give. Safe to repeat:
 * an organisation is looked up by its village and name first and submitted only when absent (with
 * a fixed Idempotency-Key, whose replay also starts a workflow that a cut-off request did not), and
 * each answer depends on the status read just before it. A marker item, written last, says it is done.
 */
const markerKey = { pk: 'DEMO#social-work', sk: 'DEMO' };

export async function demoSocialWorkDone(): Promise<boolean> {
  const { Item } = await ddb().send(new GetCommand({ TableName: tableName(), Key: markerKey, ConsistentRead: true }));
  return Item !== undefined;
}

export type DemoFilingTarget = 'applied' | 'returned' | 'refused' | 'filed' | 'active' | 'suspended' | 'dissolved';

export const demoFilings: readonly { target: DemoFilingTarget; village: string; name: string; category: SocialCategory }[] = [
  { target: 'applied', village: '120225104206', name: '青山岭村乡风文明志愿队', category: '乡风文明类' },
  { target: 'returned', village: '120225104205', name: '团山子村助老志愿服务队', category: '志愿服务类' },
  { target: 'refused', village: '120225104204', name: '小平安村邻里调解小组', category: '矛盾调解类' },
  { target: 'filed', village: '120225104206', name: '青山岭村果品产销协会', category: '行业协会类' },
  { target: 'active', village: '120225104205', name: '团山子村新乡贤理事会', category: '乡贤参事类' },
  { target: 'suspended', village: '120225104204', name: '小平安村老年秧歌队', category: '其他' },
  { target: 'dissolved', village: '120225104206', name: '青山岭村移风易俗理事会', category: '乡风文明类' },
];

/** How far along the way to the target each status is (statuses off the way are not listed). */
const progress: Partial<Record<OrganisationStatus, number>> = { applied: 0, approved: 1, filed: 2, active: 3 };

/** 常州村's first organisation (imported, active) proposes in the demo venture round. */
export const demoVentureProposer = demoOrganisationId('120225104201#0');
const demoVentureReviewer: Claims = { sub: 'demo-reviewer-b', roles: ['township'], division: demoSocialTownship };

const villageUser = (village: string): Claims => (village === demoPrincipals.village.division ? demoPrincipals.village : { sub: `demo-village-${village}-head`, roles: ['village'], division: village, position: 'head' });

export interface DemoSocialWorkSummary {
  readonly organisations: Record<DemoFilingTarget, { id: string; status: string }>;
}

export async function prepareDemoSocialWork(fetch: Fetch, secret: string, { timeoutMs = 300_000 } = {}): Promise<DemoSocialWorkSummary> {
  const call = demoCaller(fetch, secret);
  const township = demoPrincipals.township;
  const deadline = Date.now() + timeoutMs;
  const stillTime = (what: string) => {
    if (Date.now() > deadline) throw new Error(`demo social work: ${what} did not happen within ${timeoutMs / 1000} s`);
  };
  const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));
  const decisionOf = (org: Json, step: SocialStep) => socialDecisionId({ id: String(org.id), round: Number(org.round) }, step);
  const decisionOpen = async (who: Claims, id: string) => (await call(who, 'GET', `/decisions/${encodeURIComponent(id)}`)).body.status === 'open';

  const filing = async (f: (typeof demoFilings)[number]): Promise<{ id: string; status: string }> => {
    const villager = villageUser(f.village);
    const input: OrganisationInput = {
      village: f.village,
      name: f.name,
      category: f.category,
      ...(f.category === '其他' ? { categoryDescription: '秧歌、腰鼓表演' } : {}),
      leader: { name: '孙玉珍', partyMember: f.target !== 'refused', returnedTalent: f.category === '乡贤参事类', fiveElders: true },
      members: 12,
      foundedOn: '2025-04-01',
      contact: '13800229000',
    };
    const listed = await call(township, 'GET', `/social/organisations?division=${f.village}&limit=100`);
    let org = (listed.body.items as Json[] | undefined)?.find((o) => o.name === f.name);
    // Absent, or there but never reviewed (a request cut off before its workflow started): the same key replays.
    if (!org || (org.status === 'applied' && org.round === 1 && !(await decisionOpen(township, decisionOf(org, 'township-review'))))) {
      const submitted = await call(villager, 'POST', '/social/organisations', input, { 'idempotency-key': `demo-social-work-${f.target}` });
      if (submitted.status !== 201) throw new Error(`demo social work: submitting ${f.name} answered ${submitted.status}: ${JSON.stringify(submitted.body)}`);
      org = submitted.body;
    }
    const id = String(org.id);
    const today = beijingDate(new Date());
    for (;;) {
      const read = await call(township, 'GET', `/social/organisations/${id}`);
      if (read.status !== 200) {
        stillTime(`reading ${id}`);
        await sleep(200);
        continue;
      }
      const o = read.body;
      const status = String(o.status) as OrganisationStatus;
      if (status === f.target) {
        // Waiting in an inbox only once the decision is open there.
        if (f.target === 'applied' && !(await decisionOpen(township, decisionOf(o, 'township-review')))) {
          stillTime(`${f.name}'s review opening`);
          await sleep(100);
          continue;
        }
        if (f.target === 'returned' && !(await decisionOpen(villager, decisionOf(o, 'resubmission')))) {
          stillTime(`${f.name}'s resubmission opening`);
          await sleep(100);
          continue;
        }
        return { id, status };
      }
      // Off the way (someone else acted meanwhile): leave it.
      if (progress[status] === undefined) return { id, status };
      const review = (decision: string, comment?: string) => call(township, 'POST', `/decisions/${decisionOf(o, 'township-review')}`, { decision, ...(comment ? { comment } : {}) });
      const move = (event: string, reason?: string) => call(township, 'POST', `/social/organisations/${id}/${event}`, { date: today, version: o.version, ...(reason ? { reason } : {}) });
      if (status === 'applied') {
        // Not answerable until the workflow has opened the review: read again.
        if (f.target === 'returned') await review('return', '成员名单不全，请补充成员身份信息');
        else if (f.target === 'refused') await review('refuse', '与本村已备案的矛盾调解委员会职能重复');
        else if (f.target !== 'applied') await review('approve');
      } else if (status === 'filed' && f.target === 'active') await move('activate');
      else if ((status === 'filed' || status === 'active') && f.target === 'suspended') await move('suspend', '负责人外出务工，暂停活动');
      else if ((status === 'filed' || status === 'active') && f.target === 'dissolved') await move('dissolve', '成员并入本村志愿服务队');
      stillTime(`${f.name} reaching ${f.target}`);
      await sleep(100);
    }
  };

  const done = await Promise.all(demoFilings.map(async (f) => [f.target, await filing(f)] as const));

  // The open venture round: 常州村's 乡贤参事会 proposes, the second reviewer scores every criterion;
  // the township user's review is the one left (a repeat: 409 for the proposal, the same scores again).
  // A data folder seeded before criteria were data (or whose window has closed) is left as it is.
  const round = (await call(township, 'GET', `/social/venture-rounds/${demoVentureRoundId}`)).body.round as Json | undefined;
  const today = beijingDate(new Date());
  const scores = { impact: 34, feasibility: 25, budget: 26 };
  const current = round && round.status === 'open' && round.opensOn <= today && today <= round.closesOn && Object.keys(scores).every((k) => (round.criteria as Json[]).some((c) => c.key === k));
  if (current) {
    const proposed = await call(demoPrincipals.village, 'POST', `/social/venture-rounds/${demoVentureRoundId}/proposals`, { organisationId: demoVentureProposer, title: '关爱留守老人“银龄互助”项目', requestedFen: 3_000_000 });
    if (proposed.status !== 201 && proposed.status !== 409) throw new Error(`demo social work: the venture proposal answered ${proposed.status}: ${JSON.stringify(proposed.body)}`);
    const reviewed = await call(demoVentureReviewer, 'PUT', `/social/venture-rounds/${demoVentureRoundId}/reviews/${demoVentureProposer}`, { scores });
    if (reviewed.status !== 200) throw new Error(`demo social work: the venture review answered ${reviewed.status}: ${JSON.stringify(reviewed.body)}`);
  }
  await ddb().send(new PutCommand({ TableName: tableName(), Item: { ...markerKey, type: 'demoSeed', seededAt: new Date().toISOString() } }));
  return { organisations: Object.fromEntries(done) as DemoSocialWorkSummary['organisations'] };
}

