import { randomUUID } from 'node:crypto';
import * as z from 'zod';
import { ConflictError, ValidationError } from '../../../shared/errors.ts';
import { enterpriseKinds, type EnterpriseInput } from '../domain/entities.ts';
import type { Principal } from '../../../platform/principal.ts';
import { auditPut } from '../../../platform/store/audit.ts';
import { defineEntity } from '../../../platform/store/entity.ts';
import type { Page, PageRequest } from '../../../platform/store/pagination.ts';
import { checkItem, ifAbsent, ifPresent, named, putItem, TransactionConditionFailed, writeTransaction, type ExtraItems } from '../../../platform/store/transact.ts';
import { villages } from '../../../platform/registries/store/village.ts';

/**
 * Village enterprise (村级经营性实体). Keys: pk `REWARD_ENTERPRISE#<id>`, sk `ENTERPRISE`; gsi1
 * `ENTERPRISES#<county>` / `<village>#<id>` lists a county's enterprises, by village.
 */
export const enterpriseRecordSchema = z.object({
  id: z.string(),
  name: z.string(),
  kind: z.enum(enterpriseKinds),
  village: z.string(),
  version: z.number().int(),
  createdAt: z.string(),
});
export type EnterpriseRecord = z.infer<typeof enterpriseRecordSchema>;

/** The partition of an enterprise: its annual accounts are kept next to it. */
export const enterprisePartition = (id: string) => `REWARD_ENTERPRISE#${id}`;

const enterprises = defineEntity({
  type: 'reward-enterprise',
  schema: enterpriseRecordSchema,
  key: (p: { id: string }) => ({ pk: enterprisePartition(p.id), sk: 'ENTERPRISE' }),
  indexes: (pattern) => ({
    /** A county's enterprises by village (a township or village is a sort-key prefix). */
    byCounty: pattern({ index: 'gsi1', partition: (county: string) => `ENTERPRISES#${county}`, place: (e) => ({ partition: e.village.slice(0, 6), sort: `${e.village}#${e.id}` }) }),
  }),
});

/** Register an enterprise of a registered village (400 naming `village` otherwise), with its audit record. */
export async function createEnterprise(
  input: EnterpriseInput,
  actor: Pick<Principal, 'sub' | 'roles'>,
  options: { id?: string; extraItems?: ExtraItems<EnterpriseRecord>; now?: Date } = {},
): Promise<EnterpriseRecord> {
  const now = options.now ?? new Date();
  const record: EnterpriseRecord = { id: options.id ?? `ent-${randomUUID()}`, ...input, version: 1, createdAt: now.toISOString() };
  try {
    await writeTransaction([
      named('enterprise', putItem(enterprises.item(record), ifAbsent)),
      named('village', checkItem(villages.keyOf({ code: input.village }), ifPresent)),
      auditPut({ entityType: 'reward-enterprise', entityId: record.id, division: record.village, action: 'reward-enterprise.create', actor, after: input, at: now }),
      ...(options.extraItems?.(record) ?? []),
    ]);
  } catch (err) {
    if (err instanceof TransactionConditionFailed) {
      if (err.failed.includes('village')) throw new ValidationError([{ field: 'village', message: `village ${input.village} is not registered`, in: 'body' }]);
      if (err.failed.includes('enterprise')) throw new ConflictError(`Enterprise ${record.id} exists already`);
    }
    throw err;
  }
  return record;
}

export async function getEnterprise(id: string): Promise<EnterpriseRecord | undefined> {
  return enterprises.get({ id });
}

/** Enterprises of a county, or of a township/village by code prefix. */
export async function listEnterprises(division: string, page: PageRequest): Promise<Page<EnterpriseRecord>> {
  return enterprises.query.byCounty.page(division.slice(0, 6), page, { sortPrefix: division.length > 6 ? division : undefined });
}
