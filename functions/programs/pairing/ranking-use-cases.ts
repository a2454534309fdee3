import { createHash, randomUUID } from 'node:crypto';
import type { Actor } from '../../platform/principal.ts';
import { units } from '../../platform/registries/store/unit.ts';
import { getVillages } from '../../platform/registries/store/village.ts';
import { withinJurisdiction } from '../../platform/registries/domain/division.ts';
import { beijingDate } from '../../platform/calendar.ts';
import { ConflictError, ValidationError } from '../../shared/errors.ts';
import { inputProblems, rankVillages, type RankingCandidate, type RankingInputRow } from './domain/ranking.ts';
import { createRanking, getRanking, getRankingPolicy, maxRankedVillages, type RankingRecord } from './store/ranking.ts';
import { caseIdOf, newCase, openCase, saveCase, type CaseClosing, type CasePlan, type CaseRecord, type Recheck } from './store/rectification-case.ts';

/**
 * The yearly ranking as one use case rather than a workflow: its input comes in the request (at
 * most 2,000 villages: a county ranks a few hundred, and all Tianjin paired 1,344), ranking them is
 * a sort in memory, and the bottom share makes a few dozen cases. Every write is idempotent (the
 * ranking's guard per jurisdiction and year, the cases' ids per village and year), so the same
 * request again completes a run that stopped half-way instead of needing a workflow to resume it.
 * A province-wide ranking would page through villages in a Map like the funding run.
 */
export interface RankingRequest {
  readonly policyId: string;
  readonly division: string;
  readonly year: number;
  readonly villages: readonly RankingInputRow[];
}

const bad = (field: string, message: string) => new ValidationError([{ field, message, in: 'body' }]);

export async function runRanking(actor: Actor, request: RankingRequest): Promise<{ ranking: RankingRecord; created: boolean }> {
  const policy = await getRankingPolicy(request.policyId);
  if (!policy) throw bad('policyId', `ranking policy ${request.policyId} does not exist`);
  if (!withinJurisdiction(policy.division, request.division)) throw bad('division', `the policy is county ${policy.division}'s; the ranking's division must lie inside it`);
  if (request.villages.length > maxRankedVillages) throw bad('villages', `a ranking takes at most ${maxRankedVillages} villages`);
  const problems = inputProblems(policy.rule, request.villages);
  const registered = await getVillages(request.villages.map((v) => v.village));
  request.villages.forEach((row, i) => {
    if (!registered.has(row.village)) problems.push({ field: `villages.${i}.village`, message: `village ${row.village} is not registered` });
    else if (!withinJurisdiction(request.division, row.village)) problems.push({ field: `villages.${i}.village`, message: `village ${row.village} is outside ${request.division}` });
  });
  if (problems.length > 0) throw new ValidationError(problems.map((p) => ({ ...p, in: 'body' as const })));

  const candidates: RankingCandidate[] = request.villages.map((row) => ({ village: row.village, category: registered.get(row.village)!.category, values: row.values }));
  const inputHash = createHash('sha256').update(JSON.stringify([policy.id, request.division, request.year, [...candidates].sort((a, b) => (a.village < b.village ? -1 : 1))])).digest('base64url');
  const results = rankVillages(policy.rule, candidates).map((r) => (r.bottom ? { ...r, caseId: caseIdOf(request.year, r.village) } : r));
  const fresh: RankingRecord = {
    id: `rk-${randomUUID()}`,
    policyId: policy.id,
    division: request.division,
    year: request.year,
    rule: policy.rule,
    inputHash,
    results,
    version: 1,
    createdAt: new Date().toISOString(),
    createdBy: actor.sub,
  };
  const outcome = await createRanking(fresh, actor);
  let ranking = fresh;
  if (!outcome.created) {
    const existing = await getRanking(outcome.existingId);
    if (!existing || existing.inputHash !== inputHash) {
      throw new ConflictError(`${request.division} has a ranking for ${request.year} already (${outcome.existingId}); a different one is not made`);
    }
    ranking = existing;
  }
  // The bottom villages' cases. A village with a case for the year already (carried over from the
  // year before) keeps that case: the ranking's result names it.
  for (const r of ranking.results) {
    if (!r.bottom) continue;
    await openCase(newCase({ year: ranking.year, village: r.village, category: r.category, rankingId: ranking.id, score: r.score, rank: r.rank, inCategory: r.inCategory }, actor, new Date()), actor);
  }
  return { ranking, created: outcome.created };
}

/** The plan of an open case: measures, the responsible unit (registered) or work team, the deadline. */
export async function planCase(actor: Actor, before: CaseRecord, plan: CasePlan, expectedVersion: number | undefined): Promise<CaseRecord> {
  if (before.status !== 'open') throw new ConflictError(`Case ${before.id} is ${before.status}`);
  if (plan.responsible.kind === 'unit') {
    const [unit] = await units.getMany([{ id: plan.responsible.unitId }]);
    if (!unit) throw bad('responsible.unitId', `unit ${plan.responsible.unitId} is not registered`);
  }
  const { unitId: _previous, ...rest } = before;
  const changed: CaseRecord = { ...rest, measures: plan.measures, responsible: plan.responsible, deadline: plan.deadline, ...(plan.responsible.kind === 'unit' ? { unitId: plan.responsible.unitId } : {}) };
  return saveCase(before, changed, actor, { action: 'pairingRectificationCase.plan', expectedVersion });
}

/** A re-check of an open case (复查); several may be recorded, the latest last. */
export async function recheckCase(actor: Actor, before: CaseRecord, recheck: Recheck, expectedVersion: number | undefined): Promise<CaseRecord> {
  if (before.status !== 'open') throw new ConflictError(`Case ${before.id} is ${before.status}`);
  const opened = beijingDate(new Date(before.createdAt));
  if (recheck.date < opened) throw bad('date', `must not be before the case was opened (${opened}, Beijing time)`);
  const changed: CaseRecord = { ...before, rechecks: [...before.rechecks, { ...recheck, by: actor.sub, at: new Date().toISOString() }] };
  return saveCase(before, changed, actor, { action: 'pairingRectificationCase.recheck', expectedVersion });
}

/**
 * The county closes a case: promoted (晋位转化) needs a passed re-check; carried opens next year's
 * case for the village with the same plan, in the same transaction (409 if it has one already).
 */
export async function closeCase(actor: Actor, before: CaseRecord, closing: CaseClosing, expectedVersion: number | undefined): Promise<CaseRecord> {
  if (before.status !== 'open') throw new ConflictError(`Case ${before.id} is ${before.status}`);
  if (closing.outcome === 'promoted' && before.rechecks.at(-1)?.passed !== true) throw bad('outcome', 'a case is promoted (晋位转化) only after a passed re-check');
  const closed = { outcome: closing.outcome, ...(closing.comment ? { comment: closing.comment } : {}), by: actor.sub, at: new Date().toISOString() };
  if (closing.outcome === 'promoted') return saveCase(before, { ...before, status: 'promoted', closing: closed }, actor, { action: 'pairingRectificationCase.promote', expectedVersion });
  const next = newCase(
    {
      year: before.year + 1,
      village: before.village,
      category: before.category,
      carriedFrom: before.id,
      measures: before.measures,
      ...(before.responsible ? { responsible: before.responsible } : {}),
      ...(before.unitId ? { unitId: before.unitId } : {}),
    },
    actor,
    new Date(),
  );
  return saveCase(before, { ...before, status: 'carried', closing: closed, carriedTo: next.id }, actor, { action: 'pairingRectificationCase.carry', expectedVersion, extra: { record: next, action: 'pairingRectificationCase.carried-in' } });
}
