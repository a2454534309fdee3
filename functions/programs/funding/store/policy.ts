import { GetCommand } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod';
import { ddb, tableName } from '../../../shared/clients.ts';
import { fundingPolicySchema } from '../domain/policy.ts';
import { nameSchema } from '../../../platform/names.ts';
import type { Principal } from '../../../platform/principal.ts';
import { auditPut } from '../../../platform/store/audit.ts';
import { queryPage, type Page, type PageRequest } from '../../../platform/store/pagination.ts';
import { writeTransaction, type ExtraItems } from '../../../platform/store/transact.ts';
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

const key = (id: string) => ({ pk: `FUNDPOLICY#${id}`, sk: 'POLICY' });

function fromItem(item: Record<string, unknown>): FundingPolicyRecord {
  const { pk: _pk, sk: _sk, gsi1pk: _g1, gsi1sk: _g2, type: _t, ...rest } = item;
  return fundingPolicyRecordSchema.parse(rest);
}

export async function createFundingPolicy(
  input: FundingPolicyInput,
  actor: Pick<Principal, 'sub' | 'roles'>,
  options: { id: string; extraItems?: ExtraItems<FundingPolicyRecord>; now?: Date },
): Promise<FundingPolicyRecord> {
  const record: FundingPolicyRecord = { ...input, id: options.id, version: 1, createdAt: (options.now ?? new Date()).toISOString(), createdBy: actor.sub };
  await writeTransaction([
    {
      Put: {
        TableName: tableName(),
        Item: { ...key(record.id), gsi1pk: `FUNDPOLICIES#${record.division.slice(0, 6)}`, gsi1sk: `${record.year}#${record.id}`, type: 'fundingPolicy', ...record },
        ConditionExpression: 'attribute_not_exists(pk)',
      },
    },
    auditPut({ entityType: 'fundingPolicy', entityId: record.id, division: record.division, action: 'fundingPolicy.create', actor, after: record }),
    ...(options.extraItems?.(record) ?? []),
  ]);
  return record;
}

export async function getFundingPolicy(id: string): Promise<FundingPolicyRecord | undefined> {
  const { Item } = await ddb().send(new GetCommand({ TableName: tableName(), Key: key(id), ConsistentRead: true }));
  return Item ? fromItem(Item) : undefined;
}

/** A county's policies, by year then id; `year` narrows to one year. */
export async function listFundingPolicies(county: string, year: number | undefined, page: PageRequest): Promise<Page<FundingPolicyRecord>> {
  return queryPage({ index: 'gsi1', partition: `FUNDPOLICIES#${county}`, ...(year !== undefined ? { sortPrefix: `${year}#` } : {}) }, page, fromItem);
}
