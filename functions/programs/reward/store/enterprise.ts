import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { randomUUID } from 'node:crypto';
import { ddb, tableName } from '../../../shared/clients.ts';
import { ConflictError, ValidationError } from '../../../shared/errors.ts';
import type { EnterpriseInput } from '../domain/entities.ts';
import type { Principal } from '../../../platform/principal.ts';
import { auditPut } from '../../../platform/store/audit.ts';
import { queryPage, type Page, type PageRequest } from '../../../platform/store/pagination.ts';
import { named, TransactionConditionFailed, writeTransaction, type ExtraItems } from '../../../platform/store/transact.ts';
import { villages } from '../../../platform/registries/store/village.ts';

/**
 * Village enterprise (村级经营性实体). Keys: pk `REWARD_ENTERPRISE#<id>`, sk `ENTERPRISE`; gsi1
 * `ENTERPRISES#<county>` / `<village>#<id>` lists a county's enterprises, by village.
 */
export interface EnterpriseRecord extends EnterpriseInput {
  readonly id: string;
  readonly version: number;
  readonly createdAt: string;
}

export const enterpriseKey = (id: string) => ({ pk: `REWARD_ENTERPRISE#${id}`, sk: 'ENTERPRISE' });

function fromItem(item: Record<string, unknown>): EnterpriseRecord {
  return {
    id: String(item.id),
    name: String(item.name),
    kind: item.kind as EnterpriseRecord['kind'],
    village: String(item.village),
    version: Number(item.version),
    createdAt: String(item.createdAt),
  };
}

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
      named('enterprise', {
        Put: {
          TableName: tableName(),
          Item: { ...enterpriseKey(record.id), gsi1pk: `ENTERPRISES#${record.village.slice(0, 6)}`, gsi1sk: `${record.village}#${record.id}`, type: 'reward-enterprise', ...record },
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      }),
      named('village', { ConditionCheck: { TableName: tableName(), Key: villages.keyOf({ code: input.village }), ConditionExpression: 'attribute_exists(pk)' } }),
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
  const { Item } = await ddb().send(new GetCommand({ TableName: tableName(), Key: enterpriseKey(id) }));
  return Item ? fromItem(Item) : undefined;
}

/** Enterprises of a county, or of a township/village by code prefix. */
export async function listEnterprises(division: string, page: PageRequest): Promise<Page<EnterpriseRecord>> {
  return queryPage({ index: 'gsi1', partition: `ENTERPRISES#${division.slice(0, 6)}`, ...(division.length > 6 ? { sortPrefix: division } : {}) }, page, fromItem);
}
