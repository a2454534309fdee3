import * as z from 'zod';
import { parentDivision } from '../../../platform/registries/domain/division.ts';
import { defineEntity } from '../../../platform/store/entity.ts';
import { named, updateItem, type TransactItem } from '../../../platform/store/transact.ts';

/**
 * Which approved real funding run pays a jurisdiction in a year. Different policies give different
 * runs, and nested jurisdictions (a county and one of its townships) overlap, so without this two
 * approved runs could pay the same villages twice in one year.
 *
 * One item per year and division: `runId` when a run of exactly that division was approved, and
 * `subClaims`, the number of approved runs strictly below it. Approving a run at D sets D's `runId`
 * (only if D has none and nothing below it is claimed) and adds one to `subClaims` of every
 * ancestor of D (only if the ancestor itself has no run) — all in the approval's transaction, so
 * overlapping approvals cannot both succeed, whatever the order or timing.
 */
export const fundingClaimSchema = z.object({
  division: z.string(),
  year: z.number().int(),
  /** The approved run of exactly this division. */
  runId: z.string().optional(),
  /** Approved runs strictly below this division. */
  subClaims: z.number().int().min(0).optional(),
});
export type FundingClaim = z.infer<typeof fundingClaimSchema>;

// Written by updates only (a claim moves by ADD and SET), so `item()` is never used: the type is set by hand.
const fundingClaims = defineEntity({
  type: 'fundingClaim',
  schema: fundingClaimSchema,
  key: (p: { year: number; division: string }) => ({ pk: `FUNDCLAIM#${p.year}#${p.division}`, sk: 'CLAIM' }),
});

function ancestors(division: string): string[] {
  const out: string[] = [];
  for (let p = parentDivision(division); p; p = parentDivision(p)) out.push(p);
  return out;
}

/** The transaction items that claim `division` for `runId` in `year` (see the module comment). */
export function fundingClaimItems(division: string, year: number, runId: string): TransactItem[] {
  return [
    named(
      'claim',
      updateItem(fundingClaims.keyOf({ year, division }), {
        UpdateExpression: 'SET runId = :run, #type = :type, division = :division, #year = :year',
        ConditionExpression: '(attribute_not_exists(runId) OR runId = :run) AND (attribute_not_exists(subClaims) OR subClaims = :zero)',
        ExpressionAttributeNames: { '#type': 'type', '#year': 'year' },
        ExpressionAttributeValues: { ':run': runId, ':type': fundingClaims.type, ':division': division, ':year': year, ':zero': 0 },
      }),
    ),
    ...ancestors(division).map((ancestor) =>
      named(
        'ancestor-claim',
        updateItem(fundingClaims.keyOf({ year, division: ancestor }), {
          UpdateExpression: 'ADD subClaims :one SET #type = :type, division = :division, #year = :year',
          ConditionExpression: 'attribute_not_exists(runId)',
          ExpressionAttributeNames: { '#type': 'type', '#year': 'year' },
          ExpressionAttributeValues: { ':one': 1, ':type': fundingClaims.type, ':division': ancestor, ':year': year },
        }),
      ),
    ),
  ];
}

/**
 * Why `runId` may not be approved for `division` in `year`, or undefined when nothing overlaps.
 * A read before the transaction, for a clear message; the transaction's conditions still decide.
 */
export async function fundingClaimConflict(division: string, year: number, runId: string): Promise<string | undefined> {
  const codes = [division, ...ancestors(division)];
  const found = new Map((await fundingClaims.getMany(codes.map((code) => ({ year, division: code })))).map((claim) => [claim.division, claim]));
  for (const code of codes) {
    const claimed = found.get(code)?.runId;
    if (claimed !== undefined && claimed !== runId) {
      return `run ${claimed} is already approved for ${code} in ${year}, which ${code === division ? 'is' : 'contains'} ${division}`;
    }
  }
  const below = found.get(division)?.subClaims ?? 0;
  if (below > 0) return `${below} run(s) for parts of ${division} are already approved in ${year}`;
  return undefined;
}
