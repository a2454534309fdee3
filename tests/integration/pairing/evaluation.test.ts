import { beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../../functions/api/app.ts';
import type { App } from '../../../functions/platform/http/context.ts';
import { stateMachineArn } from '../../../functions/shared/config.ts';
import { listOutbox } from '../../../functions/platform/store/outbox.ts';
import { listEntityAudit } from '../../../functions/platform/store/audit.ts';
import { call, tokenFor } from '../../support/api.ts';
import { endedExecution, useLocalStepFunctions } from '../../support/stepfunctions.ts';
import { county, openEvaluationDecision, pairingWorld, villages, type PairingWorld } from '../../support/pairing/evaluation-fixtures.ts';

// The evaluation workflow on the local host: DynamoDB Local, the local Step Functions endpoint
// running the real definition and task handlers, the API through app.request() with real JWTs.
let app: App;
let w: PairingWorld;
let unitA: string;
let townshipA: string;

useLocalStepFunctions();

beforeAll(async () => {
  app = buildApp();
  w = await pairingWorld(app);
  unitA = await tokenFor('unit', county, { sub: 'unit-a-user', unitId: w.unitA });
  townshipA = await tokenFor('township', '120225100', { sub: 'township-a' });
});

const executionArn = (id: string) => `${stateMachineArn('pairing-evaluation').replace(':stateMachine:', ':execution:')}:${id}`;
const claimed = { advanced: true, oneVillageOneIndustry: true, oneVillageOneCooperative: false, collectiveIncomeFen: 8_000_000 };

describe('pairing evaluation workflow', () => {
  it('self-assessment → township returns → self-assessment again → township agrees → county evaluates: path from the history, counters, audit', async () => {
    const pairingId = w.pairings[villages[0].code]!;
    await call(app, 'POST', `/pairing/pairings/${pairingId}/investments`, { token: unitA, body: { date: '2026-05-20', amountFen: 30_000_000, purpose: '食用菌大棚' } });
    const started = await call(app, 'POST', `/pairing/pairings/${pairingId}/evaluation`, { token: w.admin });
    expect(started.status).toBe(201);
    const id = started.body.id as string;
    expect(started.body).toMatchObject({ status: 'awaiting-self-assessment', round: 1, gradeCutoffs: { excellent: 90, good: 75, pass: 60 } });
    // Starting again finds the same evaluation and the same execution.
    const again = await call(app, 'POST', `/pairing/pairings/${pairingId}/evaluation`, { token: w.admin });
    expect(again.status).toBe(200);
    expect(again.body.id).toBe(id);

    await openEvaluationDecision(id, 'self-assessment');
    // The unit's inbox shows its own step; another unit does not see it.
    const inbox = await call(app, 'GET', '/inbox', { token: unitA });
    expect(inbox.body.items.map((d: { kind: string; subjectId: string }) => [d.kind, d.subjectId])).toContainEqual(['pairing.self-assessment', id]);
    const otherUnit = await tokenFor('unit', county, { sub: 'unit-b-user', unitId: w.unitB });
    expect((await call(app, 'GET', '/inbox', { token: otherUnit })).body.items.filter((d: { subjectId: string }) => d.subjectId === id)).toEqual([]);
    expect((await call(app, 'POST', `/pairing/evaluations/${id}/self-assessment`, { token: otherUnit, body: { text: '自评', outcomes: claimed } })).status).toBe(403);

    const first = await call(app, 'POST', `/pairing/evaluations/${id}/self-assessment`, { token: unitA, body: { text: '完成帮扶任务。', outcomes: claimed } });
    expect(first.status).toBe(200);
    expect(first.body.status).toBe('awaiting-township');

    const opinion1 = await openEvaluationDecision(id, 'township-opinion');
    // A return needs a reason.
    expect((await call(app, 'POST', `/decisions/${opinion1}`, { token: townshipA, body: { decision: 'return' } })).status).toBe(400);
    const returned = await call(app, 'POST', `/decisions/${opinion1}`, { token: townshipA, body: { decision: 'return', comment: '请补充村集体收入证明材料' } });
    expect(returned.status).toBe(200);

    await openEvaluationDecision(id, 'self-assessment');
    const second = await call(app, 'POST', `/pairing/evaluations/${id}/self-assessment`, { token: unitA, body: { text: '完成帮扶任务，附收入证明。', outcomes: claimed } });
    expect(second.status).toBe(200);
    expect(second.body.round).toBe(2);

    const opinion2 = await openEvaluationDecision(id, 'township-opinion');
    expect(opinion2).not.toBe(opinion1);
    expect((await call(app, 'POST', `/decisions/${opinion2}`, { token: townshipA, body: { decision: 'agree', comment: '同意' } })).status).toBe(200);

    await openEvaluationDecision(id, 'county-evaluation');
    expect((await call(app, 'POST', `/pairing/evaluations/${id}/county-evaluation`, { token: townshipA, body: { score: 80, outcomes: claimed } })).status).toBe(403);
    const evaluated = await call(app, 'POST', `/pairing/evaluations/${id}/county-evaluation`, { token: w.admin, body: { score: 90, outcomes: { ...claimed, oneVillageOneCooperative: true } } });
    expect(evaluated.status).toBe(200);
    expect(evaluated.body).toMatchObject({ status: 'evaluated', county: { score: 90, grade: '优秀', investedFen: 30_000_000, cadres: 1 } });
    // Evaluated once: a second county evaluation is refused and counts nothing.
    expect((await call(app, 'POST', `/pairing/evaluations/${id}/county-evaluation`, { token: w.admin, body: { score: 10, outcomes: claimed } })).status).toBe(409);

    const run = await endedExecution(executionArn(id), { timeoutMs: 20_000 });
    expect(run.status).toBe('SUCCEEDED');
    expect(run.path).toEqual(['SelfAssessment', 'TownshipOpinion', 'TownshipRoute', 'SelfAssessment', 'TownshipOpinion', 'TownshipRoute', 'CountyEvaluation', 'Notify', 'Done']);

    const read = await call(app, 'GET', `/pairing/evaluations/${id}`, { token: unitA });
    expect(read.body.selfAssessments.map((s: { round: number }) => s.round)).toEqual([1, 2]);
    expect(read.body.townshipOpinions).toEqual([
      expect.objectContaining({ round: 1, decision: 'return', comment: '请补充村集体收入证明材料' }),
      expect.objectContaining({ round: 2, decision: 'agree' }),
    ]);
    // Newest first.
    const audit = await listEntityAudit('pairingEvaluation', id, { limit: 50 });
    expect(audit.items.map((a) => a.action).reverse()).toEqual([
      'pairingEvaluation.start',
      'pairingEvaluation.self-assessed',
      'pairingEvaluation.township-returned',
      'pairingEvaluation.self-assessed',
      'pairingEvaluation.township-agreed',
      'pairingEvaluation.county-evaluated',
    ]);

    const stats = await call(app, 'GET', `/pairing/terms/${w.termId}/outcomes`, { token: await tokenFor('finance', county) });
    expect(stats.status).toBe(200);
    expect(stats.body.rows).toEqual([
      expect.objectContaining({ division: county, evaluated: 1, villages: 1, advanced: 1, oneVillageOneIndustry: 1, oneVillageOneCooperative: 1, collectiveIncomeFen: 8_000_000, investedFen: 30_000_000, cadres: 1, gradeExcellent: 1 }),
      expect.objectContaining({ division: '120225100', evaluated: 1, advanced: 1, investedFen: 30_000_000 }),
    ]);
    // A township reads its own row only.
    const own = await call(app, 'GET', `/pairing/terms/${w.termId}/outcomes`, { token: townshipA });
    expect(own.body.rows.map((r: { division: string }) => r.division)).toEqual(['120225100']);
    const csv = await call(app, 'GET', `/pairing/terms/${w.termId}/outcomes?format=csv`, { token: w.admin });
    expect(csv.body).toContain('区划代码,层级,已考核结对数,已考核村数,跨入先进行列村数,一村一业村数,一村一社村数,村集体收入（元）,投入资金（元）,驻村干部人数');
    expect(csv.body).toContain('120225,区县,1,1,1,1,1,80000.00,300000.00,1,1,0,0,0');
    const xlsx = await call(app, 'GET', `/pairing/terms/${w.termId}/outcomes?format=xlsx`, { token: w.admin });
    expect(xlsx.status).toBe(200);
    expect(xlsx.headers.get('content-type')).toContain('spreadsheetml');

    const messages = await listOutbox('role:township@120225100', { limit: 10 });
    expect(messages.items.map((m) => m.topic)).toContain('pairing.evaluation');
  });

  it('the second pairing of the same village: the pairing, its funds and cadres count again, the village, its outcomes and its income do not', async () => {
    const unitB = await tokenFor('unit', county, { sub: 'unit-b-user', unitId: w.unitB });
    const started = await call(app, 'POST', `/pairing/pairings/${w.second}/evaluation`, { token: w.admin });
    expect(started.status).toBe(201);
    const id = started.body.id as string;
    await openEvaluationDecision(id, 'self-assessment');
    expect((await call(app, 'POST', `/pairing/evaluations/${id}/self-assessment`, { token: unitB, body: { text: '协助发展合作社。', outcomes: claimed } })).status).toBe(200);
    expect((await call(app, 'POST', `/decisions/${await openEvaluationDecision(id, 'township-opinion')}`, { token: townshipA, body: { decision: 'agree' } })).status).toBe(200);
    await openEvaluationDecision(id, 'county-evaluation');
    const evaluated = await call(app, 'POST', `/pairing/evaluations/${id}/county-evaluation`, { token: w.admin, body: { score: 59, outcomes: claimed } });
    expect(evaluated.body.county).toMatchObject({ grade: '不合格', investedFen: 0, cadres: 0 });
    const stats = await call(app, 'GET', `/pairing/terms/${w.termId}/outcomes`, { token: w.admin });
    expect(stats.body.rows[0]).toMatchObject({ division: county, evaluated: 2, villages: 1, advanced: 1, oneVillageOneIndustry: 1, oneVillageOneCooperative: 1, collectiveIncomeFen: 8_000_000, investedFen: 30_000_000, cadres: 1, gradeExcellent: 1, gradeFail: 1 });
    expect((await endedExecution(executionArn(id), { timeoutMs: 20_000 })).status).toBe('SUCCEEDED');
  });

  it('starts every pairing’s evaluation of a term in a jurisdiction, a page at a time, safe to repeat', async () => {
    const first = await call(app, 'POST', `/pairing/terms/${w.termId}/evaluations?division=${county}`, { token: w.admin });
    expect(first.status).toBe(200);
    // Four pairings: the two of 东关村 were started above, 西关村's and 南关村's now.
    expect(first.body).toEqual({ started: 2, existing: 2 });
    expect((await call(app, 'POST', `/pairing/terms/${w.termId}/evaluations?division=${county}`, { token: w.admin })).body).toEqual({ started: 0, existing: 4 });
    expect((await call(app, 'POST', `/pairing/terms/${w.termId}/evaluations?division=120225101`, { token: townshipA })).status).toBe(403);
    const listed = await call(app, 'GET', `/pairing/evaluations?termId=${w.termId}&status=awaiting-self-assessment`, { token: w.admin });
    expect(listed.body.items.map((e: { village: string }) => e.village)).toEqual([villages[1].code, villages[2].code]);
  });
});
