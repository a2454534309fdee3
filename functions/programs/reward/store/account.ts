import * as z from 'zod';
import { ConflictError } from '../../../shared/errors.ts';
import { annualAccountSchema, type AnnualAccount } from '../domain/policy.ts';
import type { Principal } from '../../../platform/principal.ts';
import { auditPut } from '../../../platform/store/audit.ts';
import { defineEntity } from '../../../platform/store/entity.ts';
import { ifAbsent, ifVersion, named, putItem, TransactionConditionFailed, writeTransaction, type TransactItem } from '../../../platform/store/transact.ts';
import { enterprisePartition } from './enterprise.ts';

/**
 * Annual account of a village enterprise, kept by the township (村账镇管). Keys: pk
 * `REWARD_ENTERPRISE#<entityId>`, sk `ACCOUNT#<year>`, next to its enterprise. `version` guards
 * concurrent edits; every change carries its audit record (before/after).
 */
export const accountRecordSchema = annualAccountSchema.extend({
  village: z.string(),
  version: z.number().int(),
  updatedAt: z.string(),
  recordedBy: z.string(),
});
export type AccountRecord = z.infer<typeof accountRecordSchema>;

const accounts = defineEntity({
  type: 'reward-account',
  schema: accountRecordSchema,
  key: (p: { entityId: string; year: number }) => ({ pk: enterprisePartition(p.entityId), sk: `ACCOUNT#${p.year}` }),
});

export async function getAccount(entityId: string, year: number, consistent = true): Promise<AccountRecord | undefined> {
  return accounts.get({ entityId, year }, { consistent });
}

export async function getAccounts(keys: readonly { entityId: string; year: number }[]): Promise<Map<string, AccountRecord>> {
  return new Map((await accounts.getMany(keys)).map((a) => [`${a.entityId}#${a.year}`, a]));
}

function accountRecord(account: AnnualAccount, village: string, before: AccountRecord | undefined, actor: Pick<Principal, 'sub' | 'roles'>, now: Date): AccountRecord {
  return { ...account, village, version: (before?.version ?? 0) + 1, updatedAt: now.toISOString(), recordedBy: actor.sub };
}

/** The transaction items that write an account (create or change, version-checked) and its audit record. */
export function accountWrite(account: AnnualAccount, village: string, before: AccountRecord | undefined, actor: Pick<Principal, 'sub' | 'roles'>, now = new Date()): TransactItem[] {
  const record = accountRecord(account, village, before, actor, now);
  return [
    named('account', putItem(accounts.item(record), before ? ifVersion(before.version) : ifAbsent)),
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
  const now = options.now ?? new Date();
  try {
    await writeTransaction(accountWrite(account, village, before, actor, now));
  } catch (err) {
    if (err instanceof TransactionConditionFailed) throw new ConflictError(`The ${account.year} account of ${account.entityId} changed concurrently; read it again`);
    throw err;
  }
  return { record: accounts.schema.parse(accountRecord(account, village, before, actor, now)), changed: true };
}
