import * as z from 'zod';
import { defineTask } from '../../../shared/task.ts';
import { instalments } from '../domain/venture.ts';
import { organisationIdSchema } from '../domain/organisation.ts';
import { payInstalment, requireVentureRound } from '../store/venture.ts';
import { workflowActor } from '../../../platform/decisions/store.ts';

export const venturePayInputSchema = z.object({ roundId: z.string().min(1), organisationId: organisationIdSchema, n: z.union([z.literal(1), z.literal(2)]) });

/** The budget does not cover the instalment: nothing was written; the award's iteration ends there. */
export class VentureInstalmentUnfunded extends Error {
  override readonly name = 'VentureInstalmentUnfunded';
}

/** Pay instalment n of an award of an approved round exactly once (store/venture.ts: payInstalment). */
async function run({ roundId, organisationId, n }: z.infer<typeof venturePayInputSchema>): Promise<{ organisationId: string; n: number; amountFen: number; payoutId: string }> {
  const round = await requireVentureRound(roundId);
  const award = round.awards.find((a) => a.organisationId === organisationId);
  if (round.status !== 'approved' || !award) throw new Error(`Venture round ${roundId} has no approved award of ${organisationId}`);
  const paid = await payInstalment(round, award, n, instalments(award.amountFen)[n - 1]!, workflowActor);
  if (!paid) throw new VentureInstalmentUnfunded(`The township's ${round.year} budget does not cover instalment ${n} of ${organisationId}`);
  return { organisationId, n, amountFen: paid.amountFen, payoutId: paid.payoutId };
}

export const venturePayTask = defineTask({ id: 'social-venture-pay', file: import.meta.url, input: venturePayInputSchema, tableAccess: 'readWrite', run });
export const handler = venturePayTask.handler;
