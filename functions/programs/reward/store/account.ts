import { BatchGetCommand, GetCommand, type BatchGetCommandOutput } from '@aws-sdk/lib-dynamodb';
import { ddb, tableName } from '../../../shared/clients.ts';
import { ConflictError } from '../../../shared/errors.ts';
import type { AnnualAccount } from '../domain/policy.ts';
import type { Principal } from '../../../platform/principal.ts';
import { auditPut } from '../../../platform/store/audit.ts';
import { TransactionConditionFailed, writeTransaction, type TransactItem } from '../../../platform/store/transact.ts';

/**
 * Annual account of a village enterprise, kept by the township (村账镇管). Keys: pk
 * `REWARD_ENTERPRISE#<entityId>`, sk `ACCOUNT#<year>`, next to its enterprise. `version` guards
 * concurrent edits; every change carries its audit record (before/after).
 */
export interface AccountRecord extends AnnualAccount {
  readonly village: string;
  readonly version: number;
  readonly updatedAt: string;
  readonly recordedBy: string;
}

export const accountKey = (entityId: string, year: number) => ({ pk: `REWARD_ENTERPRISE#${entityId}`, sk: `ACCOUNT#${year}` });

function fromItem(item: Record<string, unknown>): AccountRecord {
  return {
    entityId: String(item.entityId),
    year: Number(item.year),
    operatingIncomeFen: Number(item.operatingIncomeFen),
    netProfitFen: Number(item.netProfitFen),
    village: String(item.village),
    version: Number(item.version),
    updatedAt: String(item.updatedAt),
    recordedBy: String(item.recordedBy),
  };
}

export async function getAccount(entityId: string, year: number, consistent = true): Promise<AccountRecord | undefined> {
  const { Item } = await ddb().send(new GetCommand({ TableName: tableName(), Key: accountKey(entityId, year), ConsistentRead: consistent }));
  return Item ? fromItem(Item) : undefined;
}

export async function getAccounts(keys: readonly { entityId: string; year: number }[]): Promise<Map<string, AccountRecord>> {
  const found = new Map<string, AccountRecord>();
  for (let i = 0; i < keys.length; i += 100) {
    let request: Record<string, unknown>[] | undefined = keys.slice(i, i + 100).map((k) => accountKey(k.entityId, k.year));
    while (request && request.length > 0) {
      const out: BatchGetCommandOutput = await ddb().send(new BatchGetCommand({ RequestItems: { [tableName()]: { Keys: request, ConsistentRead: true } } }));
      for (const item of out.Responses?.[tableName()] ?? []) {
        const a = fromItem(item);
        found.set(`${a.entityId}#${a.year}`, a);
      }
      request = out.UnprocessedKeys?.[tableName()]?.Keys;
    }
  }
  return found;
}

/** The transaction items that write an account (create or change, version-checked) and its audit record. */
export function accountWrite(account: AnnualAccount, village: string, before: AccountRecord | undefined, actor: Pick<Principal, 'sub' | 'roles'>, now = new Date()): TransactItem[] {
  const record: AccountRecord = { ...account, village, version: (before?.version ?? 0) + 1, updatedAt: now.toISOString(), recordedBy: actor.sub };
  return [
    {
      Put: {
        TableName: tableName(),
        Item: { ...accountKey(account.entityId, account.year), type: 'reward-account', ...record },
        ...(before ? { ConditionExpression: 'version = :v', ExpressionAttributeValues: { ':v': before.version } } : { ConditionExpression: 'attribute_not_exists(pk)' }),
      },
    },
    auditPut({
      entityType: 'reward-account',
      entityId: `${account.entityId}#${account.year}`,
      division: village,
      action: before ? 'reward-account.update' : 'reward-account.create',
      actor,
      before: before ? { operatingIncomeFen: before.operatingIncomeFen, netProfitFen: before.netProfitFen } : undefined,
      after: { operatingIncomeFen: account.operatingIncomeFen, netProfitFen: account.netProfitFen },
      at: now,
    }),
  ];
}

/** Whether an account write would change anything. */
export function sameAccount(a: AnnualAccount, b: AnnualAccount | undefined): boolean {
  return b !== undefined && a.operatingIncomeFen === b.operatingIncomeFen && a.netProfitFen === b.netProfitFen;
}

/** Write one account; 409 when it changed since it was read (or `expectedVersion` differs). Unchanged values write nothing. */
export async function putAccount(
  account: AnnualAccount,
  village: string,
  actor: Pick<Principal, 'sub' | 'roles'>,
  options: { expectedVersion?: number | undefined; now?: Date } = {},
): Promise<{ record: AccountRecord; changed: boolean }> {
  const before = await getAccount(account.entityId, account.year);
  if (options.expectedVersion !== undefined && options.expectedVersion !== (before?.version ?? 0)) {
    throw new ConflictError(`The ${account.year} account of ${account.entityId} is at version ${before?.version ?? 0}, not ${options.expectedVersion}`);
  }
  if (before && sameAccount(account, before)) return { record: before, changed: false };
  const items = accountWrite(account, village, before, actor, options.now);
  try {
    await writeTransaction(items);
  } catch (err) {
    if (err instanceof TransactionConditionFailed) throw new ConflictError(`The ${account.year} account of ${account.entityId} changed concurrently; read it again`);
    throw err;
  }
  return { record: fromItem(items[0]!.Put!.Item as Record<string, unknown>), changed: true };
}
