import { expect } from 'vitest';
import { getDecision } from '../../../functions/platform/decisions/store.ts';
import { getEvaluation } from '../../../functions/programs/pairing/store/evaluation.ts';
import { evaluationDecisionId, type EvaluationStep } from '../../../functions/programs/pairing/evaluation-steps.ts';
import { call, tokenFor, type AppLike } from '../api.ts';
import { waitUntil } from '../wait.ts';

/** A county with two townships, three villages, two units and a term: what the evaluation and ranking tests pair. */
export const county = '120225';
export const villages = [
  { code: '120225100201', name: '东关村', population: 1200, economicallyWeak: true, category: '强基', operatingFundsFen: 16_000_000 },
  { code: '120225100202', name: '西关村', population: 800, economicallyWeak: true, category: '强基', operatingFundsFen: 16_000_000 },
  { code: '120225101201', name: '南关村', population: 900, economicallyWeak: false, category: '创优', operatingFundsFen: 16_000_000 },
] as const;

export const term = {
  name: '结对帮扶（2025—2028）',
  division: county,
  firstYear: 2025,
  lastYear: 2028,
  schedule: [{ periodType: 'monthly', due: { kind: 'day-in-period', day: 28 } }],
  targets: { advancedVillages: 2, oneVillageOneIndustry: 2, oneVillageOneCooperative: 2, collectiveIncomeFen: 20_000_000 },
};

export interface PairingWorld {
  readonly admin: string;
  readonly termId: string;
  readonly unitA: string;
  readonly unitB: string;
  /** Pairing ids by village code (unit A for every village; unit B also for the first). */
  readonly pairings: Record<string, string>;
  readonly second: string;
}

export async function pairingWorld(app: AppLike): Promise<PairingWorld> {
  const admin = await tokenFor('admin', county, { sub: 'admin-a' });
  for (const d of [{ code: county, name: '蓟州区' }, { code: '120225100', name: '渔阳镇' }, { code: '120225101', name: '洇溜镇' }]) {
    expect((await call(app, 'POST', '/divisions', { token: admin, body: d })).status).toBe(201);
  }
  for (const v of villages) expect((await call(app, 'POST', '/villages', { token: admin, body: v })).status).toBe(201);
  const unit = async (name: string) => (await call(app, 'POST', '/units', { token: admin, body: { name, level: 'city', kind: 'enterprise', division: county } })).body.id as string;
  const unitA = await unit('天津港（集团）有限公司');
  const unitB = await unit('天津市农业农村委员会');
  const created = await call(app, 'POST', '/pairing/terms', { token: admin, body: term });
  expect(created.status).toBe(201);
  const termId = created.body.id as string;
  const pairings: Record<string, string> = {};
  for (const v of villages) {
    const p = await call(app, 'POST', '/pairing/pairings', {
      token: admin,
      body: { termId, unitId: unitA, village: v.code, level: 'city', pledgedFenPerYear: 50_000_000, cadres: [{ name: '张伟', role: 'first-secretary', from: '2025-03-01' }] },
    });
    expect(p.status).toBe(201);
    pairings[v.code] = p.body.id;
  }
  const second = await call(app, 'POST', '/pairing/pairings', { token: admin, body: { termId, unitId: unitB, village: villages[0].code, level: 'district', pledgedFenPerYear: 10_000_000 } });
  expect(second.status).toBe(201);
  return { admin, termId, unitA, unitB, pairings, second: second.body.id };
}

/** Polls until the evaluation's decision of `step` is open in its current round; returns its id. */
export async function openEvaluationDecision(evaluationId: string, step: EvaluationStep): Promise<string> {
  const { id } = await waitUntil(
    async () => {
      const evaluation = await getEvaluation(evaluationId);
      if (!evaluation) return { done: false, seen: `evaluation ${evaluationId} does not exist` };
      const decisionId = evaluationDecisionId(evaluation, step);
      const d = await getDecision(decisionId);
      return d?.status === 'open' ? { done: true, seen: `${decisionId} is open`, id: decisionId } : { done: false, seen: `${evaluation.status}; ${decisionId} ${d ? d.status : 'does not exist'}` };
    },
    { what: `the ${step} decision to open`, timeoutMs: 20_000 },
  );
  return id;
}
