import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { ddb, tableName } from '../functions/shared/clients.ts';
import { evaluationDecisionId, type EvaluationStep } from '../functions/programs/pairing/evaluation-steps.ts';
import { demoCaller, type Claims, type Fetch, type Json } from './demo-api.ts';
import { demoPrincipals, demoUnitId, demoVillages } from './demo-data.ts';

/**
 * Demo work of the pairing program's end-of-term evaluation and yearly ranking, made through the
 * API like local/demo-work.ts: the previous round's term (2021–2024) whose evaluations are under
 * way in 下营镇, and the 2026 ranking of the district's villages with its open rectification cases.
 *
 * | pairing | left | waits for |
 * | --- | --- | --- |
 * | 天津港（集团） – 船舱峪村 | awaiting-self-assessment | `unit` (the banner's unit user) |
 * | 天津港（集团） – 团山子村 | awaiting-township | `township` (下营镇) |
 * | 天津农学院 – 小平安村 | awaiting-county | `admin` |
 * | 蓟州区农业农村委员会 – 青山岭村 | evaluated (82, 良好) | nobody: counted in the term's outcomes |
 *
 * Safe to repeat: the term, the pairings and the policy are posted with fixed Idempotency-Keys (a
 * 409 for a pairing that exists finds it by listing), starting an evaluation finds the one there,
 * each step depends on the status read just before it, and the ranking's same input finds the same
 * ranking. A marker item, written last, says it is done.
 */
const markerKey = { pk: 'DEMO#pairing-evaluation', sk: 'DEMO' };

export async function demoPairingEvaluationDone(): Promise<boolean> {
  const { Item } = await ddb().send(new GetCommand({ TableName: tableName(), Key: markerKey, ConsistentRead: true }));
  return Item !== undefined;
}


const unitUser = (name: string): Claims =>
  name === '天津港（集团）有限公司' ? demoPrincipals.unit : { sub: `demo-unit-${demoUnitId(name).slice(0, 8)}`, roles: ['unit'], division: '120225', unitId: demoUnitId(name) };

type Target = 'awaiting-self-assessment' | 'awaiting-township' | 'awaiting-county' | 'evaluated';
const demoEvaluations: readonly { village: string; unit: string; target: Target }[] = [
  { village: '120225104203', unit: '天津港（集团）有限公司', target: 'awaiting-self-assessment' },
  { village: '120225104205', unit: '天津港（集团）有限公司', target: 'awaiting-township' },
  { village: '120225104204', unit: '天津农学院', target: 'awaiting-county' },
  { village: '120225104206', unit: '蓟州区农业农村委员会', target: 'evaluated' },
];
const order: Record<Target, number> = { 'awaiting-self-assessment': 0, 'awaiting-township': 1, 'awaiting-county': 2, evaluated: 3 };
const stepOf: Record<Exclude<Target, 'evaluated'>, EvaluationStep> = {
  'awaiting-self-assessment': 'self-assessment',
  'awaiting-township': 'township-opinion',
  'awaiting-county': 'county-evaluation',
};

export const demoPreviousTerm = {
  name: '上一轮结对帮扶（2021—2024）',
  division: '120225',
  firstYear: 2021,
  lastYear: 2024,
  schedule: [
    { periodType: 'monthly', due: { kind: 'day-in-period', day: 28 } },
    { periodType: 'yearly', due: { kind: 'days-after-end', days: 5 } },
  ],
  targets: { advancedVillages: 3, oneVillageOneIndustry: 3, oneVillageOneCooperative: 4, collectiveIncomeFen: 60_000_000 },
};

export interface DemoPairingEvaluationSummary {
  readonly evaluations: string[];
  readonly rankingId: string;
  readonly openCases: number;
}

export async function prepareDemoPairingEvaluation(fetch: Fetch, secret: string, { timeoutMs = 300_000 } = {}): Promise<DemoPairingEvaluationSummary> {
  const call = demoCaller(fetch, secret);
  const deadline = Date.now() + timeoutMs;
  const stillTime = (what: string) => {
    if (Date.now() > deadline) throw new Error(`demo pairing evaluation: ${what} did not happen within ${timeoutMs / 1000} s`);
  };
  const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));
  const admin = demoPrincipals.admin;
  const must = (what: string, answer: { status: number; body: Json }, ok: readonly number[] = [200, 201]) => {
    if (!ok.includes(answer.status)) throw new Error(`demo pairing evaluation: ${what} answered ${answer.status}: ${JSON.stringify(answer.body)}`);
    return answer.body;
  };

  // The term: found by name when the key's record has expired.
  const created = await call(admin, 'POST', '/pairing/terms', demoPreviousTerm, { 'idempotency-key': 'demo-peval-term' });
  let termId = created.status === 201 ? String(created.body.id) : undefined;
  if (!termId) {
    const terms = must('listing terms', await call(admin, 'GET', '/pairing/terms?division=120225&limit=100'));
    termId = (terms.items as Json[]).find((t) => t.name === demoPreviousTerm.name)?.id as string | undefined;
    if (!termId) throw new Error(`demo pairing evaluation: creating the term answered ${created.status}`);
  }

  const evaluations: string[] = [];
  for (const [i, e] of demoEvaluations.entries()) {
    const unitId = demoUnitId(e.unit);
    const body = {
      termId,
      unitId,
      village: e.village,
      level: i < 3 ? 'city' : 'district',
      pledgedFenPerYear: 20_000_000,
      cadres: [{ name: ['张伟', '李明', '王芳', '赵强'][i]!, role: 'first-secretary', from: '2021-03-01', to: '2024-12-31' }],
    };
    const paired = await call(admin, 'POST', '/pairing/pairings', body, { 'idempotency-key': `demo-peval-pairing-${e.village}` });
    let pairingId = paired.status === 201 ? String(paired.body.id) : undefined;
    if (!pairingId) {
      const listed = must('listing pairings', await call(admin, 'GET', `/pairing/pairings?termId=${termId}&unitId=${unitId}&division=${e.village}`));
      pairingId = (listed.items as Json[] | undefined)?.[0]?.id as string | undefined;
      if (!pairingId) throw new Error(`demo pairing evaluation: pairing ${e.village} answered ${paired.status}: ${JSON.stringify(paired.body)}`);
      // Invested once, with the pairing (a repeat finds the pairing and skips this).
    } else {
      must('recording an investment', await call(admin, 'POST', `/pairing/pairings/${pairingId}/investments`, { date: '2023-06-18', amountFen: 15_000_000 * (i + 1), purpose: '村集体产业项目' }));
    }
    const started = must('starting the evaluation', await call(admin, 'POST', `/pairing/pairings/${pairingId}/evaluation`));
    const id = String(started.id);
    evaluations.push(id);
    const unit = unitUser(e.unit);
    const claimed = { advanced: i % 2 === 1, oneVillageOneIndustry: true, oneVillageOneCooperative: i !== 0, collectiveIncomeFen: 6_000_000 + i * 1_500_000 };
    for (;;) {
      const read = await call(admin, 'GET', `/pairing/evaluations/${id}`);
      const status = String(read.body.status) as Target;
      if (read.status !== 200 || !(status in order)) {
        stillTime(`reading ${id}`);
        await sleep(200);
        continue;
      }
      const round = Number(read.body.round);
      const decisionOpen = async () => {
        if (status === 'evaluated') return true;
        const d = await call(admin, 'GET', `/decisions/${encodeURIComponent(evaluationDecisionId({ id, round }, stepOf[status]))}`);
        return d.status === 200 && d.body.status === 'open';
      };
      if (!(await decisionOpen())) {
        stillTime(`the ${status} step of ${id} opening`);
        await sleep(150);
        continue;
      }
      if (order[status] >= order[e.target]) break;
      if (status === 'awaiting-self-assessment') {
        await call(unit, 'POST', `/pairing/evaluations/${id}/self-assessment`, { text: '三年来围绕村集体增收，投入资金建设产业项目，派驻第一书记常驻村开展工作。', outcomes: claimed });
      } else if (status === 'awaiting-township') {
        await call(demoPrincipals.township, 'POST', `/decisions/${encodeURIComponent(evaluationDecisionId({ id, round }, 'township-opinion'))}`, { decision: 'agree', comment: '情况属实，同意上报' });
      } else if (status === 'awaiting-county') {
        await call(admin, 'POST', `/pairing/evaluations/${id}/county-evaluation`, { score: 82, outcomes: claimed, comment: '完成主要帮扶目标' });
      }
    }
  }

  // The 2026 ranking of the district's villages: values made up from each village's registry data.
  const policy = must(
    'creating the ranking policy',
    await call(
      admin,
      'POST',
      '/pairing/ranking-policies',
      {
        division: '120225',
        name: '2026年度村级组织建设排名办法',
        rule: {
          indicators: [
            { key: 'collectiveIncome', name: '村集体经营性收入（分）', weightBp: 6000, direction: 'higher-better' },
            { key: 'reportsOnTimeBp', name: '帮扶报表按时率（基点）', weightBp: 2500, direction: 'higher-better' },
            { key: 'complaints', name: '信访件数', weightBp: 1500, direction: 'lower-better' },
          ],
        },
      },
      { 'idempotency-key': 'demo-peval-ranking-policy' },
    ),
    [201],
  );
  const villages = demoVillages.map((v, i) => ({
    village: v.code,
    values: { collectiveIncome: v.operatingFundsFen * (v.economicallyWeak ? 1 : 3) + v.population * 1000, reportsOnTimeBp: 10_000 - (i % 5) * 700, complaints: (i * 7) % 4 },
  }));
  const ranking = must('running the ranking', await call(admin, 'POST', '/pairing/rankings', { policyId: policy.id, division: '120225', year: 2026, villages }));
  const bottom = (ranking.results as Json[]).filter((r) => r.bottom === true);
  // The first case gets a plan, so both kinds (planned and not yet) are there to see.
  const first = bottom[0];
  if (first) {
    const read = await call(admin, 'GET', `/pairing/cases/${String(first.caseId)}`);
    if (read.status === 200 && read.body.version === 1) {
      await call(admin, 'PUT', `/pairing/cases/${String(first.caseId)}/plan`, {
        measures: ['调整充实村“两委”班子', '发展特色种植，壮大集体经济'],
        responsible: { kind: 'unit', unitId: demoUnitId('天津港（集团）有限公司') },
        deadline: '2026-12-31',
        version: 1,
      });
    }
  }
  await ddb().send(new PutCommand({ TableName: tableName(), Item: { ...markerKey, type: 'demoWork', preparedAt: new Date().toISOString() } }));
  return { evaluations, rankingId: String(ranking.id), openCases: bottom.length };
}
