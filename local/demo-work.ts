import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { ddb, tableName } from '../functions/shared/clients.ts';
import { rewardDecisionId, type RewardStep } from '../functions/programs/reward/steps.ts';
import { demoCaller, type Claims, type Fetch, type Json } from './demo-api.ts';
import { demoPrincipals, demoWorkFundingPolicyId } from './demo-data.ts';
import { demoRewardPrincipals, demoWorkEnterprises } from './demo-reward.ts';

/**
 * Work waiting in every demo inbox, made by the product itself: after the host is up, the demo
 * users (and a few more village and township users) submit, sign and approve through the API, and
 * the real workflows on the local Step Functions endpoint move the applications, a funding run and
 * a village import to where they wait for someone:
 *
 * | what | waits for |
 * | --- | --- |
 * | 常州村民宿专业合作社 (9,000 yuan) | the 三签一审 of 常州村: v-handler, v-bookkeeper, v-head (= village), v-supervisor |
 * | 黄崖关村长城旅游专业合作社 (18,000) | the township review of 下营镇: township |
 * | 西井峪村石头村旅游专业合作社 (25,000) | one finance approval: finance or finance2 |
 * | 联合村集体经济发展有限公司 (120,000) | the second finance approval (finance2 gave the first): finance |
 * | 邦均一街村集体经济发展有限公司 (30,000, small program) | paid out: `paying`, its instruction ready for a payment batch (finance) |
 * | 马伸桥村农产品专业合作社 (36,000, small program) | `unfunded`, the budget used up: admin closes it, or finance raises the budget |
 * | the 2027 funding run | finance's approval |
 * | an import of `local/demo/villages-with-errors.csv` | nobody: `rejected`, its errors to read (admin, auditor) |
 *
 * Every step is safe to repeat: applications are submitted with a fixed Idempotency-Key (and the
 * claim allows one per enterprise and accounts year), the funding run's id is fixed by its policy and
 * year, the import has a fixed Idempotency-Key, and each action depends on the state read just
 * before it. A start interrupted half-way completes on the next start; a marker item, written
 * last, says the work is done, so later starts leave the data alone.
 */

const markerKey = { pk: 'DEMO#work', sk: 'DEMO' };
export const demoWorkVersion = 1;

/** The Idempotency-Key of the demo import (as the admin): the same file posted with it shows that import again. */
export const demoImportKey = 'demo-work-import-errors';
export const demoImportCsvPath = resolve(import.meta.dirname, 'demo/villages-with-errors.csv');

/** Whether the demo work has been prepared in this table already. */
export async function demoWorkDone(): Promise<boolean> {
  const { Item } = await ddb().send(new GetCommand({ TableName: tableName(), Key: markerKey, ConsistentRead: true }));
  return Item !== undefined;
}

type Target = 'village-signoff' | 'township' | 'finance' | 'finance-second' | 'paying' | 'unfunded';

/** Where each demo-work enterprise's application is left. */
const targets: Record<(typeof demoWorkEnterprises)[number][0], Target> = {
  'ent-demo-changzhou-homestay': 'village-signoff',
  'ent-demo-huangyaguan-coop': 'township',
  'ent-demo-xijingyu-coop': 'finance',
  'ent-demo-lianhe-company': 'finance-second',
  'ent-demo-bangjun-company': 'paying',
  'ent-demo-mashenqiao-coop': 'unfunded',
};

/** How far along the way to payment a status is (statuses off that way are not listed). */
const progress: Record<string, number> = {
  computing: 0,
  'awaiting-village-signoff': 1,
  'awaiting-township': 2,
  'awaiting-finance': 3,
  unfunded: 4,
  reserved: 5,
  paying: 6,
  paid: 7,
};
const targetStatus: Record<Target, string> = {
  'village-signoff': 'awaiting-village-signoff',
  township: 'awaiting-township',
  finance: 'awaiting-finance',
  'finance-second': 'awaiting-finance',
  paying: 'paying',
  unfunded: 'unfunded',
};


const positions = ['handler', 'bookkeeper', 'head', 'supervisor'] as const;

/** The village users of `village` in the four positions: 常州村's are the banner's v-* users. */
function villageUsers(village: string): Claims[] {
  if (village === demoRewardPrincipals['v-head'].division) {
    return positions.map((p) => demoRewardPrincipals[`v-${p}`]);
  }
  return positions.map((position) => ({ sub: `demo-village-${village}-${position}`, roles: ['village'], division: village, position }));
}

/** The township user who reviews `village`'s applications: 下营镇's is the banner's township user. */
function townshipUser(village: string): Claims {
  const township = village.slice(0, 9);
  if (township === demoPrincipals.township.division) return demoPrincipals.township;
  return { sub: `demo-township-${township}`, roles: ['township'], division: township };
}

const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

export interface DemoWorkSummary {
  readonly applications: Record<string, { id: string; status: string }>;
  readonly fundingRun: { id: string; status: string };
  readonly import: { id: string; status: string; errorCount: number };
}

/**
 * Prepare the demo work through `fetch` (the API's own handler), signing tokens with `secret`.
 * Gives up on one piece after `timeoutMs` (the rest still completes on the next start).
 */
export async function prepareDemoWork(fetch: Fetch, secret: string, { timeoutMs = 300_000 } = {}): Promise<DemoWorkSummary> {
  const call = demoCaller(fetch, secret);
  const deadline = Date.now() + timeoutMs;
  const stillTime = (what: string) => {
    if (Date.now() > deadline) throw new Error(`demo work: ${what} did not happen within ${timeoutMs / 1000} s`);
  };
  const admin = demoPrincipals.admin;

  /** The decision that `who` must see open before the item counts as waiting in their inbox. */
  const decisionOpen = async (who: Claims, id: string) => {
    for (;;) {
      const d = await call(who, 'GET', `/decisions/${encodeURIComponent(id)}`);
      if (d.status === 200 && d.body.status === 'open') return;
      stillTime(`decision ${id} opening`);
      await sleep(100);
    }
  };

  const application = async ([entityId, , , village, programId]: (typeof demoWorkEnterprises)[number]): Promise<{ id: string; status: string }> => {
    const target = targets[entityId];
    const signers = villageUsers(village);
    // Posted again on every start with the same key: a replay starts the workflow if the first
    // request was cut off between storing the application and starting it.
    const submitted = await call(signers[0]!, 'POST', '/reward/applications', { programId, entityId }, { 'idempotency-key': `demo-work-${entityId}` });
    let id = submitted.status === 201 ? String(submitted.body.id) : undefined;
    if (!id) {
      // The key's record gone (it lives a day) but the application there: the claim refused a second one.
      const listed = await call(admin, 'GET', `/reward/applications?programId=${programId}&entityId=${entityId}`);
      id = (listed.body.items as Json[] | undefined)?.[0]?.id as string | undefined;
      if (!id) throw new Error(`demo work: submitting ${entityId} answered ${submitted.status}: ${JSON.stringify(submitted.body)}`);
    }
    for (;;) {
      const read = await call(admin, 'GET', `/reward/applications/${id}`);
      if (read.status !== 200) {
        // A passing failure (a busy DynamoDB Local): read again rather than judge by it.
        stillTime(`reading ${id}`);
        await sleep(200);
        continue;
      }
      const app = read.body;
      const decisionOf = (step: RewardStep) => rewardDecisionId(app as { id: string; round: number; unfundedCount: number }, step);
      const status = String(app.status);
      const reached = status === targetStatus[target] && (target !== 'finance-second' || (app.financeApprovals as string[]).includes(demoRewardPrincipals.finance2.sub));
      // Past the target (someone acted meanwhile) or off the way (returned, rejected, closed): leave it.
      if (reached || !(status in progress) || progress[status]! > progress[targetStatus[target]]!) {
        const step: RewardStep | undefined = reached ? ({ 'village-signoff': 'village-signoff', township: 'township-review', finance: 'finance-approval', 'finance-second': 'finance-approval', unfunded: 'unfunded' } as const)[target as Exclude<Target, 'paying'>] : undefined;
        if (step) {
          const who = { 'village-signoff': demoRewardPrincipals['v-head'], 'township-review': demoPrincipals.township, 'finance-approval': demoPrincipals.finance, unfunded: admin }[step as string]!;
          await decisionOpen(who, decisionOf(step));
        }
        return { id, status };
      }
      if (status === 'awaiting-village-signoff') {
        const signed = new Set((app.signatures as { userId: string }[]).map((s) => s.userId));
        for (const signer of signers.filter((s) => !signed.has(s.sub))) {
          const res = await call(signer, 'POST', `/reward/applications/${id}/signatures`, { decision: 'sign' });
          if (res.status !== 200) break; // not open yet: read again
        }
      } else if (status === 'awaiting-township') {
        await call(townshipUser(village), 'POST', `/decisions/${decisionOf('township-review')}`, { decision: 'approve' });
      } else if (status === 'awaiting-finance') {
        const approvers = target === 'finance-second' ? [demoRewardPrincipals.finance2] : [demoPrincipals.finance];
        const given = new Set(app.financeApprovals as string[]);
        for (const approver of approvers.filter((a) => !given.has(a.sub))) {
          await call(approver, 'POST', `/decisions/${decisionOf('finance-approval')}`, { decision: 'approve' });
        }
      }
      stillTime(`${entityId} reaching ${targetStatus[target]}`);
      await sleep(100);
    }
  };

  const fundingRun = async (): Promise<{ id: string; status: string }> => {
    const started = await call(admin, 'POST', '/funding/runs', { policyId: demoWorkFundingPolicyId });
    if (started.status !== 201 && started.status !== 200) throw new Error(`demo work: starting the funding run answered ${started.status}: ${JSON.stringify(started.body)}`);
    const id = String(started.body.id);
    for (;;) {
      const read = await call(admin, 'GET', `/funding/runs/${id}`);
      const run = read.body;
      const status = read.status === 200 ? String(run.status) : 'snapshotting';
      if (status === 'failed') throw new Error(`demo work: funding run ${id} failed`);
      if (status !== 'snapshotting' && status !== 'computing') {
        if (status === 'awaiting-approval' && run.approvalDecisionId) await decisionOpen(demoPrincipals.finance, String(run.approvalDecisionId));
        return { id, status };
      }
      stillTime(`funding run ${id} awaiting approval`);
      await sleep(200);
    }
  };

  const villageImport = async (): Promise<{ id: string; status: string; errorCount: number }> => {
    const posted = await call(admin, 'POST', '/imports/villages', readFileSync(demoImportCsvPath, 'utf8'), { 'idempotency-key': demoImportKey });
    if (posted.status !== 202) throw new Error(`demo work: the import answered ${posted.status}: ${JSON.stringify(posted.body)}`);
    const id = String(posted.body.id);
    for (;;) {
      const { status: code, body: imp } = await call(admin, 'GET', `/imports/${id}`);
      if (code === 200 && ['succeeded', 'rejected', 'failed'].includes(String(imp.status))) return { id, status: String(imp.status), errorCount: Number(imp.errorCount ?? 0) };
      stillTime(`import ${id} being checked`);
      await sleep(200);
    }
  };

  const byTarget = (t: Target) => demoWorkEnterprises.find(([id]) => targets[id] === t)!;
  const [others, smallProgram, run, imp] = await Promise.all([
    Promise.all((['village-signoff', 'township', 'finance', 'finance-second'] as const).map((t) => application(byTarget(t)))),
    // One after the other: the paid one takes the small budget first, so the second finds it short.
    (async () => [await application(byTarget('paying')), await application(byTarget('unfunded'))])(),
    fundingRun(),
    villageImport(),
  ]);
  const applications: Record<string, { id: string; status: string }> = {};
  for (const [i, t] of (['village-signoff', 'township', 'finance', 'finance-second'] as const).entries()) applications[byTarget(t)[0]] = others[i]!;
  applications[byTarget('paying')[0]] = smallProgram[0]!;
  applications[byTarget('unfunded')[0]] = smallProgram[1]!;
  await ddb().send(new PutCommand({ TableName: tableName(), Item: { ...markerKey, type: 'demoWork', version: demoWorkVersion, preparedAt: new Date().toISOString() } }));
  return { applications, fundingRun: run, import: imp };
}
