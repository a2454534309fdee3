import * as z from 'zod';
import { fundingPolicySchema } from '../domain/policy.ts';
import { nameSchema } from '../../../platform/names.ts';
import type { Principal } from '../../../platform/principal.ts';
import { auditPut } from '../../../platform/store/audit.ts';
import { defineEntity } from '../../../platform/store/entity.ts';
import type { Page, PageRequest } from '../../../platform/store/pagination.ts';
import { ifAbsent, named, putItem, writeTransaction, type ExtraItems } from '../../../platform/store/transact.ts';
import { budgetYearSchema } from './village-funding.ts';

/**
 * A budget policy for the yearly increase, per jurisdiction (a county, or one township) and year.
 * Policies are immutable once created: a run copies its policy anyway, and an unchanging policy id
 * means the same thing in every run, audit record and report. A different rule is a new policy.
 *
 * Keys: pk `FUNDPOLICY#<id>`, sk `POLICY`; gsi1 `FUNDPOLICIES#<county>` / `<year>#<id>`.
 */
export const fundingPolicyIdSchema = z.string().regex(/^fp-[0-9a-f-]{36}$/, 'must be a funding policy id (fp-…)');

export const fundingPolicyJurisdictionSchema = z.string().regex(/^(\d{6}|\d{9})$/, 'must be a county (6-digit) or township (9-digit) division code');

export const fundingPolicyInputSchema = z.strictObject({
  division: fundingPolicyJurisdictionSchema,
  year: budgetYearSchema,
  name: nameSchema,
  rule: fundingPolicySchema,
});
export type FundingPolicyInput = z.infer<typeof fundingPolicyInputSchema>;

export const fundingPolicyRecordSchema = fundingPolicyInputSchema.extend({
  id: fundingPolicyIdSchema,
  version: z.number().int().min(1),
  createdAt: z.string(),
  createdBy: z.string(),
});
export type FundingPolicyRecord = z.infer<typeof fundingPolicyRecordSchema>;

const fundingPolicies = defineEntity({
  type: 'fundingPolicy',
  schema: fundingPolicyRecordSchema,
  key: (p: { id: string }) => ({ pk: `FUNDPOLICY#${p.id}`, sk: 'POLICY' }),
  indexes: (pattern) => ({
    /** A county's policies (a township's are its county's), by year then id. */
    byCounty: pattern({ index: 'gsi1', partition: (county: string) => `FUNDPOLICIES#${county}`, place: (p) => ({ partition: p.division.slice(0, 6), sort: `${p.year}#${p.id}` }) }),
  }),
});

export async function createFundingPolicy(
  input: FundingPolicyInput,
  actor: Pick<Principal, 'sub' | 'roles'>,
  options: { id: string; extraItems?: ExtraItems<FundingPolicyRecord>; now?: Date },
): Promise<FundingPolicyRecord> {
  const record: FundingPolicyRecord = { ...input, id: options.id, version: 1, createdAt: (options.now ?? new Date()).toISOString(), createdBy: actor.sub };
  await writeTransaction([
    named('policy', putItem(fundingPolicies.item(record), ifAbsent)),
    auditPut({ entityType: 'fundingPolicy', entityId: record.id, division: record.division, action: 'fundingPolicy.create', actor, after: record }),
    ...(options.extraItems?.(record) ?? []),
  ]);
  return record;
}

export async function getFundingPolicy(id: string): Promise<FundingPolicyRecord | undefined> {
  return fundingPolicies.get({ id }, { consistent: true });
}

/** A county's policies, by year then id; `year` narrows to one year. */
export async function listFundingPolicies(county: string, year: number | undefined, page: PageRequest): Promise<Page<FundingPolicyRecord>> {
  return fundingPolicies.query.byCounty.page(county, page, { sortPrefix: year !== undefined ? `${year}#` : undefined });
}
