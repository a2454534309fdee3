import { randomUUID } from 'node:crypto';
import * as z from 'zod';
import { ConflictError, ForbiddenError, NotFoundError } from '../../../shared/errors.ts';
import { sameIdentity, type Actor } from '../../principal.ts';
import { auditPut } from '../../store/audit.ts';
import { defineEntity } from '../../store/entity.ts';
import { whereAll, type Page, type PageRequest } from '../../store/pagination.ts';
import { ifAbsent, ifVersion, named, putItem, TransactionConditionFailed, writeTransaction } from '../../store/transact.ts';
import { bankAccountSchema, payeeKindSchema, type BankAccount, type PayeeKind } from '../domain/account.ts';

/**
 * Payees' bank accounts and the changes to them. A change is proposed by one person and takes
 * effect only when a second person approves it (four-eyes: redirecting a payment to another account
 * is the classic payment fraud), with an audit record holding the account before and after.
 *
 * Keys: pk `PAYEE#<payeeId>`; the account sk `ACCOUNT`; a change sk `CHANGE#<changeId>`. Pending
 * changes are listed per county on gsi1 `PAYEECHANGES#<county>` / `<createdAt>#<changeId>`.
 */
export const payeeAccountSchema = bankAccountSchema.safeExtend({
  payeeId: z.string(),
  kind: payeeKindSchema,
  /** The payee's division (the village's code; an organisation's village): who may see and change it. */
  division: z.string(),
  version: z.number().int().min(1),
  proposedBy: z.string(),
  approvedBy: z.string(),
  updatedAt: z.string(),
});
export type PayeeAccount = z.infer<typeof payeeAccountSchema>;

export const accountChangeStatuses = ['pending', 'approved', 'rejected'] as const;

export const accountChangeSchema = z.object({
  changeId: z.string(),
  payeeId: z.string(),
  kind: payeeKindSchema,
  division: z.string(),
  status: z.enum(accountChangeStatuses),
  proposed: bankAccountSchema,
  /** The account's version the change was proposed against (0: the payee had none). */
  baseVersion: z.number().int().min(0),
  proposedBy: z.string(),
  createdAt: z.string(),
  decidedBy: z.string().optional(),
  decidedAt: z.string().optional(),
  reason: z.string().optional(),
});
export type AccountChange = z.infer<typeof accountChangeSchema>;

const payeePartition = (payeeId: string) => `PAYEE#${payeeId}`;

export const payeeAccounts = defineEntity({
  type: 'payee-account',
  schema: payeeAccountSchema,
  key: (p: { payeeId: string }) => ({ pk: payeePartition(p.payeeId), sk: 'ACCOUNT' }),
});

const accountChanges = defineEntity({
  type: 'payee-account-change',
  schema: accountChangeSchema,
  key: (p: { payeeId: string; changeId: string }) => ({ pk: payeePartition(p.payeeId), sk: `CHANGE#${p.changeId}` }),
  indexes: (pattern) => ({
    /** Every change of one payee, oldest first. */
    ofPayee: pattern({ index: 'table', partition: (payeeId: string) => payeePartition(payeeId), sortPrefix: 'CHANGE#' }),
    /** Changes waiting for their second person, per county. */
    pending: pattern({
      index: 'gsi1',
      partition: (county: string) => `PAYEECHANGES#${county}`,
      place: (c) => (c.status === 'pending' ? { partition: c.division.slice(0, 6), sort: `${c.createdAt}#${c.changeId}` } : undefined),
    }),
  }),
});

export async function getPayeeAccount(payeeId: string): Promise<PayeeAccount | undefined> {
  return payeeAccounts.get({ payeeId }, { consistent: true });
}

/** The accounts of many payees at once, by payee id. */
export async function payeeAccountsOf(payeeIds: readonly string[]): Promise<Map<string, PayeeAccount>> {
  const unique = [...new Set(payeeIds)];
  const found = unique.length === 0 ? [] : await payeeAccounts.getMany(unique.map((payeeId) => ({ payeeId })));
  return new Map(found.map((a) => [a.payeeId, a]));
}

export async function getAccountChange(payeeId: string, changeId: string): Promise<AccountChange | undefined> {
  return accountChanges.get({ payeeId, changeId }, { consistent: true });
}

export async function listAccountChanges(payeeId: string, page: PageRequest): Promise<Page<AccountChange>> {
  return accountChanges.query.ofPayee.page(payeeId, page);
}

export async function listPendingAccountChanges(county: string, page: PageRequest, division?: string): Promise<Page<AccountChange>> {
  return accountChanges.query.pending.page(county, page, { filter: division && division.length > 6 ? whereAll({ division: { beginsWith: division } }) : undefined });
}

export interface ProposeInput {
  readonly payeeId: string;
  readonly kind: PayeeKind;
  readonly division: string;
  readonly proposed: BankAccount;
}

/** Record a proposed change (pending), with its audit record; nothing is paid differently yet. */
export async function proposeAccountChange(input: ProposeInput, actor: Actor, now = new Date()): Promise<AccountChange> {
  const current = await getPayeeAccount(input.payeeId);
  if (current && (current.kind !== input.kind || current.division !== input.division)) {
    throw new ConflictError(`Payee ${input.payeeId} is a ${current.kind} of division ${current.division}`);
  }
  const change: AccountChange = {
    changeId: `pc-${randomUUID()}`,
    payeeId: input.payeeId,
    kind: input.kind,
    division: input.division,
    status: 'pending',
    proposed: input.proposed,
    baseVersion: current?.version ?? 0,
    proposedBy: actor.sub,
    createdAt: now.toISOString(),
  };
  await writeTransaction([
    putItem(accountChanges.item(change), ifAbsent),
    auditPut({ entityType: 'payee-account', entityId: input.payeeId, division: input.division, action: 'payee-account.change-proposed', actor, before: current ? accountView(current) : undefined, after: { changeId: change.changeId, ...input.proposed }, at: now }),
  ]);
  return change;
}

function accountView(a: PayeeAccount): BankAccount {
  return { accountName: a.accountName, bank: a.bank, accountNumber: a.accountNumber, validFrom: a.validFrom };
}

/**
 * The second person approves (the account takes effect) or rejects a pending change. The proposer
 * may not decide their own change; the account is replaced only if nobody changed it since the
 * proposal (its version), so two changes proposed against the same account cannot both apply.
 */
export async function decideAccountChange(payeeId: string, changeId: string, outcome: 'approved' | 'rejected', actor: Actor, reason: string | undefined, now = new Date()): Promise<{ change: AccountChange; account: PayeeAccount | undefined }> {
  const change = await getAccountChange(payeeId, changeId);
  if (!change) throw new NotFoundError(`Account change ${changeId} of payee ${payeeId} does not exist`);
  if (change.status !== 'pending') throw new ConflictError(`Account change ${changeId} is already ${change.status}`);
  if (sameIdentity(change.proposedBy, actor.sub)) throw new ForbiddenError('A change of bank details needs a second person: you proposed this change, so another user must decide it');
  const current = await getPayeeAccount(payeeId);
  if ((current?.version ?? 0) !== change.baseVersion) {
    throw new ConflictError(`The account of payee ${payeeId} changed since this change was proposed; propose it again against the current account`);
  }
  const decided: AccountChange = { ...change, status: outcome, decidedBy: actor.sub, decidedAt: now.toISOString(), ...(reason ? { reason } : {}) };
  const account: PayeeAccount | undefined =
    outcome === 'approved'
      ? { ...change.proposed, payeeId, kind: change.kind, division: change.division, version: change.baseVersion + 1, proposedBy: change.proposedBy, approvedBy: actor.sub, updatedAt: now.toISOString() }
      : undefined;
  try {
    await writeTransaction([
      named('change', putItem(accountChanges.item(decided), { expression: '#status = :pending', names: { '#status': 'status' }, values: { ':pending': 'pending' } })),
      ...(account ? [named('account', putItem(payeeAccounts.item(account), current ? ifVersion(current.version) : ifAbsent))] : []),
      auditPut({
        entityType: 'payee-account',
        entityId: payeeId,
        division: change.division,
        action: outcome === 'approved' ? 'payee-account.changed' : 'payee-account.change-rejected',
        actor,
        before: current ? accountView(current) : undefined,
        after: account ? { changeId, proposedBy: change.proposedBy, ...accountView(account) } : { changeId, reason },
        at: now,
      }),
    ]);
  } catch (err) {
    if (err instanceof TransactionConditionFailed) throw new ConflictError(`Account change ${changeId} or the account changed concurrently; read them again`);
    throw err;
  }
  return { change: decided, account: account ?? current };
}
