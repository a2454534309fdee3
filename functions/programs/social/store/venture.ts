import * as z from 'zod';
import type { Actor } from '../../../platform/principal.ts';
import { auditPut } from '../../../platform/store/audit.ts';
import { defineEntity, setOnce } from '../../../platform/store/entity.ts';
import { ledgerEntries, ledgerEntryPut } from '../../../platform/store/ledger.ts';
import { payoutCreateItems, preparePayouts } from '../../../platform/payments/store/payout.ts';
import { ifAbsent, ifVersion, named, putItem, TransactionConditionFailed, writeTransaction, type TransactItem } from '../../../platform/store/transact.ts';
import { ConflictError, NotFoundError } from '../../../shared/errors.ts';
import { faultRandom, maybeFail } from '../../../shared/faults.ts';
import type { Page, PageRequest } from '../../../platform/store/pagination.ts';
import { spendBudget } from './budget.ts';

/**
 * Public-interest venture rounds (公益创投): pk `SOCIAL_VENTURE#<id>`, sk `ROUND`; in the same
 * partition the proposals (`PROPOSAL#<orgId>`), the reviewers' scores (`REVIEW#<orgId>#<sub>`) and
 * each instalment paid (`PAID#<orgId>#<n>`, written with its ledger entry, payout and budget spend).
 * The round is listed per township on gsi1 (`SOCIAL_VENTURES#<township>` / `<year>#<createdAt>#<id>`),
 * so a township's rounds, or one year's, are one Query newest first; every put of the round
 * (`ventureRounds.item`) writes those keys.
 */
/** A criterion as data (domain: VentureCriterion). */
export const ventureCriterionSchema = z.object({ key: z.string(), name: z.string(), maxPoints: z.number().int() });

export const ventureRoundSchema = z.object({
  id: z.string(),
  township: z.string(),
  year: z.number().int(),
  name: z.string(),
  budgetFen: z.number().int(),
  opensOn: z.string(),
  closesOn: z.string(),
  // Rounds stored before criteria were data kept their names only: read as 100-point criteria c1, c2, ….
  criteria: z.preprocess((v) => (Array.isArray(v) ? v.map((c: unknown, i) => (typeof c === 'string' ? { key: `c${i + 1}`, name: c, maxPoints: 100 } : c)) : v), z.array(ventureCriterionSchema)),
  reviewers: z.array(z.object({ sub: z.string(), village: z.string().optional() })),
  status: z.enum(['open', 'awarded', 'approved', 'rejected']),
  awards: z.array(z.object({ organisationId: z.string(), village: z.string(), name: z.string(), amountFen: z.number().int(), score: z.number().int() })),
  skipped: z.array(z.string()),
  createdBy: z.string(),
  approvedBy: z.string().optional(),
  rejection: z.object({ by: z.string(), at: z.string(), reason: z.string() }).optional(),
  /** The social-venture-round execution: finance's approval, then each award's instalments. */
  executionArn: z.string().optional(),
  version: z.number().int().min(1),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type VentureRound = z.infer<typeof ventureRoundSchema>;

export const proposalSchema = z.object({ roundId: z.string(), organisationId: z.string(), village: z.string(), name: z.string(), title: z.string(), requestedFen: z.number().int(), submittedAt: z.string(), accepted: z.boolean() });
export type Proposal = z.infer<typeof proposalSchema>;
/** A reviewer's points per criterion (`scores`; none in reviews stored before criteria were data) and their sum (`score`, the reviewer's total). */
export const reviewSchema = z.object({ roundId: z.string(), organisationId: z.string(), reviewer: z.string(), scores: z.record(z.string(), z.number().int()).default({}), score: z.number().int(), at: z.string() });
export type VentureReview = z.infer<typeof reviewSchema>;
export const instalmentSchema = z.object({ roundId: z.string(), organisationId: z.string(), n: z.number().int(), amountFen: z.number().int(), payoutId: z.string(), at: z.string() });
export type Instalment = z.infer<typeof instalmentSchema>;

const partition = (id: string) => `SOCIAL_VENTURE#${id}`;
export const ventureRounds = defineEntity({
  type: 'socialVentureRound',
  schema: ventureRoundSchema,
  key: (p: { id: string }) => ({ pk: partition(p.id), sk: 'ROUND' }),
  indexes: (pattern) => ({
    byTownship: pattern({ index: 'gsi1', partition: (township: string) => `SOCIAL_VENTURES#${township}`, place: (r) => ({ partition: r.township, sort: `${r.year}#${r.createdAt}#${r.id}` }) }),
  }),
});
export const proposals = defineEntity({
  type: 'socialProposal',
  schema: proposalSchema,
  key: (p: { roundId: string; organisationId: string }) => ({ pk: partition(p.roundId), sk: `PROPOSAL#${p.organisationId}` }),
  indexes: (pattern) => ({ ofRound: pattern({ index: 'table', partition, sortPrefix: 'PROPOSAL#' }) }),
});
export const reviews = defineEntity({
  type: 'socialVentureReview',
  schema: reviewSchema,
  key: (p: { roundId: string; organisationId: string; reviewer: string }) => ({ pk: partition(p.roundId), sk: `REVIEW#${p.organisationId}#${p.reviewer}` }),
  indexes: (pattern) => ({ ofRound: pattern({ index: 'table', partition, sortPrefix: 'REVIEW#' }) }),
});
export const instalments = defineEntity({
  type: 'socialInstalment',
  schema: instalmentSchema,
  key: (p: { roundId: string; organisationId: string; n: number }) => ({ pk: partition(p.roundId), sk: `PAID#${p.organisationId}#${p.n}` }),
  indexes: (pattern) => ({ ofRound: pattern({ index: 'table', partition, sortPrefix: 'PAID#' }) }),
});

async function all<T>(gen: AsyncGenerator<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of gen) out.push(x);
  return out;
}

export async function requireVentureRound(id: string): Promise<VentureRound> {
  const round = await ventureRounds.get({ id }, { consistent: true });
  if (!round) throw new NotFoundError(`Venture round ${id} does not exist`);
  return round;
}
export const roundProposals = (id: string) => all(proposals.query.ofRound.all(id, { consistent: true }));
export const roundReviews = (id: string) => all(reviews.query.ofRound.all(id, { consistent: true }));
export const roundInstalments = (id: string) => all(instalments.query.ofRound.all(id, { consistent: true }));
/** A page of the township's rounds (one year's when `year` is given), newest first. */
export const listVentureRounds = (township: string, year: number | undefined, page: PageRequest): Promise<Page<VentureRound>> =>
  ventureRounds.query.byTownship.page(township, page, { newestFirst: true, sortPrefix: year === undefined ? undefined : `${year}#` });
export const getProposal = (roundId: string, organisationId: string) => proposals.get({ roundId, organisationId }, { consistent: true });

export async function createVentureRound(round: VentureRound, actor: Actor): Promise<VentureRound> {
  await writeTransaction([putItem(ventureRounds.item(round), ifAbsent), auditPut({ entityType: 'social-venture-round', entityId: round.id, division: round.township, action: 'social-venture-round.create', actor, after: round })]);
  return round;
}

export async function putProposal(proposal: Proposal, actor: Actor): Promise<Proposal> {
  try {
    await writeTransaction([named('proposal', putItem(proposals.item(proposal), ifAbsent)), auditPut({ entityType: 'social-organisation', entityId: proposal.organisationId, division: proposal.village, action: 'social-venture.propose', actor, after: proposal })]);
  } catch (err) {
    if (err instanceof TransactionConditionFailed) throw new ConflictError(`Organisation ${proposal.organisationId} has a proposal in round ${proposal.roundId} already`);
    throw err;
  }
  return proposal;
}

export async function putReview(review: VentureReview, village: string, actor: Actor): Promise<VentureReview> {
  await writeTransaction([putItem(reviews.item(review)), auditPut({ entityType: 'social-organisation', entityId: review.organisationId, division: village, action: 'social-venture.review', actor, after: review })]);
  return review;
}

/** The round's change (a put under its version) with its audit record: for a transaction of the caller's. */
export function roundChangeItems(before: VentureRound, changes: Partial<VentureRound>, actor: Actor, action: string, now = new Date()): { next: VentureRound; items: TransactItem[] } {
  const next: VentureRound = { ...before, ...changes, version: before.version + 1, updatedAt: now.toISOString() };
  return {
    next,
    items: [named('round', putItem(ventureRounds.item(next), ifVersion(before.version))), auditPut({ entityType: 'social-venture-round', entityId: before.id, division: before.township, action, actor, before: { status: before.status }, after: { status: next.status, awards: next.awards }, at: now })],
  };
}

export async function saveRound(before: VentureRound, changes: Partial<VentureRound>, actor: Actor, action: string): Promise<VentureRound> {
  const { next, items } = roundChangeItems(before, changes, actor, action);
  try {
    await writeTransaction(items);
  } catch (err) {
    if (err instanceof TransactionConditionFailed) throw new ConflictError(`Venture round ${before.id} was changed concurrently; read it again`);
    throw err;
  }
  return next;
}

/** Record the execution that runs the round's payments (set once). */
export async function setVentureExecutionArn(id: string, executionArn: string): Promise<void> {
  if (!(await setOnce(ventureRounds.keyOf({ id }), 'executionArn', executionArn))) throw new ConflictError(`Venture round ${id} already runs as another execution`);
}

/** The proposal marked accepted (验收) with its audit record: for the acceptance decision's transaction. */
export function acceptedItems(proposal: Proposal, actor: Actor): TransactItem[] {
  return [putItem(proposals.item({ ...proposal, accepted: true })), auditPut({ entityType: 'social-organisation', entityId: proposal.organisationId, division: proposal.village, action: 'social-venture.accept', actor, after: { roundId: proposal.roundId } })];
}

/**
 * Pay instalment `n` of an award exactly once: the instalment marker, the ledger entry, the payout
 * (payee `org-…`) and the budget's conditional spend in one transaction. Undefined when the budget
 * does not cover it (nothing written).
 */
export async function payInstalment(round: VentureRound, award: VentureRound['awards'][number], n: 1 | 2, amountFen: number, actor: Actor, now = new Date()): Promise<Instalment | undefined> {
  const existing = await instalments.get({ roundId: round.id, organisationId: award.organisationId, n }, { consistent: true });
  if (existing) return existing;
  const entry = { program: 'social', programId: round.id, sourceId: `${award.organisationId}#${n}`, division: award.village, amountFen, purpose: `公益创投 ${round.name} ${award.name} 第${n}期` };
  const [payout] = await preparePayouts([{ ...entry, payeeId: award.organisationId, subject: { type: 'social-venture-round', id: round.id, path: `/social/venture-rounds/${round.id}` }, ledgerKey: ledgerEntries.keyOf(entry), approvedAt: now }], now);
  if (!payout) throw new Error('no payout prepared');
  const paid: Instalment = { roundId: round.id, organisationId: award.organisationId, n, amountFen, payoutId: payout.payoutId, at: now.toISOString() };
  try {
    await writeTransaction([named('instalment', putItem(instalments.item(paid), ifAbsent)), spendBudget(round.township, round.year, amountFen, now), ledgerEntryPut(entry), ...payoutCreateItems(payout, actor, now)]);
  } catch (err) {
    if (!(err instanceof TransactionConditionFailed)) throw err;
    if (err.failed.includes('instalment')) return instalments.get({ roundId: round.id, organisationId: award.organisationId, n }, { consistent: true });
    if (err.failed.includes('budget')) return undefined;
    throw err;
  }
  maybeFail('social-venture-pay', faultRandom('social-venture-pay', `${round.id}#${award.organisationId}#${n}`));
  return paid;
}
