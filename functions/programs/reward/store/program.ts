import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { randomUUID } from 'node:crypto';
import { ddb, tableName } from '../../../shared/clients.ts';
import { ConflictError, NotFoundError, ValidationError } from '../../../shared/errors.ts';
import { budgetFigures, raiseAppropriation, type BudgetFigures } from '../domain/budget.ts';
import type { ProgramInput } from '../domain/entities.ts';
import type { RewardPolicy } from '../domain/policy.ts';
import type { Principal } from '../../../platform/principal.ts';
import { auditPut } from '../../../platform/store/audit.ts';
import { queryPage, type Page, type PageRequest } from '../../../platform/store/pagination.ts';
import { named, TransactionConditionFailed, writeTransaction, type ExtraItems, type TransactItem } from '../../../platform/store/transact.ts';

/**
 * Reward program (以奖代补). Keys: pk `REWARD_PROGRAM#<id>`, sk `PROGRAM`; gsi1
 * `REWARD_PROGRAMS#<county>` / `<year>#<id>`. Policy versions are items of the same partition,
 * sk `POLICY#<000n>`.
 *
 * The budget lives as attributes of the program item — appropriatedFen, reservedFen, paidFen and
 * availableFen — because a DynamoDB condition cannot add: keeping `availableFen` stored lets a
 * reservation be `SET availableFen = availableFen - :a, reservedFen = reservedFen + :a` with the
 * condition `availableFen >= :a`, so reserved + paid never exceeds the appropriation whatever the
 * concurrency.
 *
 * Policy versions: `policyVersion` is the version new applications use, `policyFrozen` whether an
 * application already uses it. The first application freezes it in its own transaction (condition:
 * still that version); a later change of a frozen policy makes version n+1, of an unfrozen one
 * replaces it (condition: still unfrozen). Either race ends in a 409 and a retry, never in an
 * application computed under a policy that then changed.
 */
export interface ProgramRecord extends Omit<ProgramInput, 'policy'> {
  readonly id: string;
  readonly policyVersion: number;
  readonly policyFrozen: boolean;
  readonly budget: BudgetFigures;
  readonly version: number;
  readonly createdAt: string;
  readonly updatedAt: string;
}

export interface PolicyVersionRecord {
  readonly programId: string;
  readonly policyVersion: number;
  readonly policy: RewardPolicy;
  readonly createdAt: string;
  readonly createdBy: string;
}

type Actor = Pick<Principal, 'sub' | 'roles'>;

export const programKey = (id: string) => ({ pk: `REWARD_PROGRAM#${id}`, sk: 'PROGRAM' });
const policyKey = (id: string, n: number) => ({ pk: `REWARD_PROGRAM#${id}`, sk: `POLICY#${String(n).padStart(4, '0')}` });

function fromItem(item: Record<string, unknown>): ProgramRecord {
  return {
    id: String(item.id),
    name: String(item.name),
    jurisdiction: String(item.jurisdiction),
    year: Number(item.year),
    window: item.window as ProgramRecord['window'],
    policyVersion: Number(item.policyVersion),
    policyFrozen: Boolean(item.policyFrozen),
    budget: {
      appropriatedFen: Number(item.appropriatedFen),
      reservedFen: Number(item.reservedFen),
      paidFen: Number(item.paidFen),
      availableFen: Number(item.availableFen),
    },
    version: Number(item.version),
    createdAt: String(item.createdAt),
    updatedAt: String(item.updatedAt),
  };
}

function policyItem(programId: string, n: number, policy: RewardPolicy, actor: Actor, at: string) {
  return { ...policyKey(programId, n), type: 'reward-policy', programId, policyVersion: n, policy, createdAt: at, createdBy: actor.sub };
}

/** Open a program with policy version 1; the appropriation starts at the policy's budget ceiling. */
export async function createProgram(input: ProgramInput, actor: Actor, options: { id?: string; extraItems?: ExtraItems<ProgramRecord>; now?: Date } = {}): Promise<ProgramRecord> {
  const now = (options.now ?? new Date()).toISOString();
  const id = options.id ?? `rp-${randomUUID()}`;
  const budget = budgetFigures({ appropriatedFen: input.policy.budgetCeilingFen, reservedFen: 0, paidFen: 0 });
  const { policy, ...fields } = input;
  const record: ProgramRecord = { id, ...fields, policyVersion: 1, policyFrozen: false, budget, version: 1, createdAt: now, updatedAt: now };
  try {
    await writeTransaction([
      named('program', {
        Put: {
          TableName: tableName(),
          Item: {
            ...programKey(id),
            gsi1pk: `REWARD_PROGRAMS#${input.jurisdiction.slice(0, 6)}`,
            gsi1sk: `${input.year}#${id}`,
            type: 'reward-program',
            id,
            ...fields,
            policyVersion: 1,
            policyFrozen: false,
            ...budget,
            version: 1,
            createdAt: now,
            updatedAt: now,
          },
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      }),
      { Put: { TableName: tableName(), Item: policyItem(id, 1, policy, actor, now), ConditionExpression: 'attribute_not_exists(pk)' } },
      auditPut({ entityType: 'reward-program', entityId: id, division: input.jurisdiction, action: 'reward-program.create', actor, after: input, at: new Date(now) }),
      ...(options.extraItems?.(record) ?? []),
    ]);
  } catch (err) {
    if (err instanceof TransactionConditionFailed && err.failed.includes('program')) throw new ConflictError(`Program ${id} exists already`);
    throw err;
  }
  return record;
}

export async function getProgram(id: string, consistent = true): Promise<ProgramRecord | undefined> {
  const { Item } = await ddb().send(new GetCommand({ TableName: tableName(), Key: programKey(id), ConsistentRead: consistent }));
  return Item ? fromItem(Item) : undefined;
}

export async function getPolicy(programId: string, policyVersion: number): Promise<PolicyVersionRecord | undefined> {
  const { Item } = await ddb().send(new GetCommand({ TableName: tableName(), Key: policyKey(programId, policyVersion), ConsistentRead: true }));
  return Item ? { programId, policyVersion, policy: Item.policy as RewardPolicy, createdAt: String(Item.createdAt), createdBy: String(Item.createdBy) } : undefined;
}

/** Programs of a county, by year. */
export async function listPrograms(county: string, page: PageRequest): Promise<Page<ProgramRecord>> {
  return queryPage({ index: 'gsi1', partition: `REWARD_PROGRAMS#${county.slice(0, 6)}` }, page, fromItem);
}

/**
 * Change the policy for applications submitted from now on. A frozen version is kept as it is and a
 * new version made; an unfrozen one is replaced. The appropriation is not changed here (finance
 * raises it through {@link raiseBudget}).
 */
export async function updatePolicy(programId: string, policy: RewardPolicy, actor: Actor, options: { expectedPolicyVersion?: number | undefined; now?: Date } = {}): Promise<ProgramRecord> {
  const now = options.now ?? new Date();
  const at = now.toISOString();
  const before = await getProgram(programId);
  if (!before) throw new NotFoundError(`Program ${programId} does not exist`);
  if (options.expectedPolicyVersion !== undefined && options.expectedPolicyVersion !== before.policyVersion) {
    throw new ConflictError(`Program ${programId} is at policy version ${before.policyVersion}, not ${options.expectedPolicyVersion}`);
  }
  const next = before.policyFrozen ? before.policyVersion + 1 : before.policyVersion;
  try {
    await writeTransaction([
      {
        Update: {
          TableName: tableName(),
          Key: programKey(programId),
          UpdateExpression: 'SET policyVersion = :next, policyFrozen = :false, version = version + :one, updatedAt = :at',
          ConditionExpression: before.policyFrozen ? 'policyVersion = :n AND policyFrozen = :true' : 'policyVersion = :n AND policyFrozen = :false',
          ExpressionAttributeValues: { ':next': next, ':false': false, ':one': 1, ':at': at, ':n': before.policyVersion, ...(before.policyFrozen ? { ':true': true } : {}) },
        },
      },
      { Put: { TableName: tableName(), Item: policyItem(programId, next, policy, actor, at) } },
      auditPut({
        entityType: 'reward-program',
        entityId: programId,
        division: before.jurisdiction,
        action: before.policyFrozen ? 'reward-program.policy-version' : 'reward-program.policy-replace',
        actor,
        before: { policyVersion: before.policyVersion },
        after: { policyVersion: next, policy },
        at: now,
      }),
    ]);
  } catch (err) {
    if (err instanceof TransactionConditionFailed) throw new ConflictError(`The policy of ${programId} changed concurrently (or an application froze it); read it again`);
    throw err;
  }
  return { ...before, policyVersion: next, policyFrozen: false, version: before.version + 1, updatedAt: at };
}

/** Transaction item: freeze policy version `n` (the first application using it does this). Fails if the program moved on to another version. */
export function freezePolicyUpdate(programId: string, policyVersion: number): TransactItem {
  return named('policy', {
    Update: {
      TableName: tableName(),
      Key: programKey(programId),
      UpdateExpression: 'SET policyFrozen = :true',
      ConditionExpression: 'policyVersion = :n',
      ExpressionAttributeValues: { ':true': true, ':n': policyVersion },
    },
  });
}

/** Transaction item: hold `amountFen` of the budget; fails when less is available. */
export function reserveUpdate(programId: string, amountFen: number): TransactItem {
  return named('budget', {
    Update: {
      TableName: tableName(),
      Key: programKey(programId),
      UpdateExpression: 'SET availableFen = availableFen - :a, reservedFen = reservedFen + :a',
      ConditionExpression: 'availableFen >= :a',
      ExpressionAttributeValues: { ':a': amountFen },
    },
  });
}

/** Transaction item: move a reserved amount to paid. */
export function settleUpdate(programId: string, amountFen: number): TransactItem {
  return named('budget', {
    Update: {
      TableName: tableName(),
      Key: programKey(programId),
      UpdateExpression: 'SET reservedFen = reservedFen - :a, paidFen = paidFen + :a',
      ConditionExpression: 'reservedFen >= :a',
      ExpressionAttributeValues: { ':a': amountFen },
    },
  });
}

/** Raise the appropriation (never lower it): 400 naming the field when it is not a raise, 409 on a concurrent raise. */
export async function raiseBudget(programId: string, newAppropriatedFen: number, actor: Actor, options: { now?: Date } = {}): Promise<ProgramRecord> {
  const now = options.now ?? new Date();
  const before = await getProgram(programId);
  if (!before) throw new NotFoundError(`Program ${programId} does not exist`);
  const result = raiseAppropriation(before.budget, newAppropriatedFen);
  if (!result.ok) throw new ValidationError([{ field: 'appropriatedFen', message: result.refusal.message, in: 'body' }]);
  const delta = newAppropriatedFen - before.budget.appropriatedFen;
  try {
    await writeTransaction([
      {
        Update: {
          TableName: tableName(),
          Key: programKey(programId),
          UpdateExpression: 'SET appropriatedFen = :new, availableFen = availableFen + :d, version = version + :one, updatedAt = :at',
          ConditionExpression: 'appropriatedFen = :old',
          ExpressionAttributeValues: { ':new': newAppropriatedFen, ':d': delta, ':one': 1, ':at': now.toISOString(), ':old': before.budget.appropriatedFen },
        },
      },
      auditPut({
        entityType: 'reward-program',
        entityId: programId,
        division: before.jurisdiction,
        action: 'reward-program.raise-budget',
        actor,
        before: { appropriatedFen: before.budget.appropriatedFen },
        after: { appropriatedFen: newAppropriatedFen },
        at: now,
      }),
    ]);
  } catch (err) {
    if (err instanceof TransactionConditionFailed) throw new ConflictError(`The budget of ${programId} changed concurrently; read it again`);
    throw err;
  }
  return (await getProgram(programId))!;
}
