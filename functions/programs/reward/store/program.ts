import { randomUUID } from 'node:crypto';
import * as z from 'zod';
import { ConflictError, NotFoundError, ValidationError } from '../../../shared/errors.ts';
import { budgetFigures, raiseAppropriation } from '../domain/budget.ts';
import { accountsYearSchema, programInputSchema, type ProgramInput } from '../domain/entities.ts';
import { rewardPolicySchema, type RewardPolicy } from '../domain/policy.ts';
import { fenSchema } from '../../../platform/money.ts';
import type { Actor } from '../../../platform/principal.ts';
import { auditPut } from '../../../platform/store/audit.ts';
import { defineEntity } from '../../../platform/store/entity.ts';
import type { Page, PageRequest } from '../../../platform/store/pagination.ts';
import { ifAbsent, named, putItem, TransactionConditionFailed, updateItem, writeTransaction, type ExtraItems, type TransactItem } from '../../../platform/store/transact.ts';

/**
 * Reward program (以奖代补). Keys: pk `REWARD_PROGRAM#<id>`, sk `PROGRAM`; gsi1
 * `REWARD_PROGRAMS#<county>` / `<accountsYear>#<id>`. Policy versions are items of the same partition,
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
// Stored flat, with the budget figures at the top level where the budget's update expressions name them.
//
// The accounts year is stored as `accountsYear`. Programs written before it was renamed (issue 12)
// store it as `year`: the schema takes either and readers always get `accountsYear`. Migrating in the
// schema rather than keeping `year` in the table and renaming it only at the API keeps one name for
// one thing in the code too (the domain, the store and the API all say accountsYear); old items need
// no rewrite, and the index keys (`<year>#<id>`) hold the same number either way.
const storedProgramSchema = programInputSchema.omit({ policy: true, accountsYear: true }).extend({
  accountsYear: accountsYearSchema.optional(),
  /** Read only: the accounts year of items written before the rename. */
  year: accountsYearSchema.optional(),
  id: z.string(),
  policyVersion: z.number().int(),
  policyFrozen: z.boolean(),
  appropriatedFen: fenSchema,
  reservedFen: fenSchema,
  paidFen: fenSchema,
  availableFen: z.number().int(),
  version: z.number().int(),
  createdAt: z.string(),
  updatedAt: z.string(),
});

/** A program as readers see it: the budget figures together, the accounts year as `accountsYear` however it was stored. */
export const programRecordSchema = storedProgramSchema.transform(({ appropriatedFen, reservedFen, paidFen, availableFen, accountsYear, year, ...program }, ctx) => {
  const resolved = accountsYear ?? year;
  if (resolved === undefined) {
    ctx.addIssue({ code: 'custom', path: ['accountsYear'], message: 'a program must have an accounts year' });
    return z.NEVER;
  }
  return { ...program, accountsYear: resolved, budget: { appropriatedFen, reservedFen, paidFen, availableFen } };
});
export type ProgramRecord = z.infer<typeof programRecordSchema>;

export const policyVersionRecordSchema = z.object({
  programId: z.string(),
  policyVersion: z.number().int(),
  policy: rewardPolicySchema,
  createdAt: z.string(),
  createdBy: z.string(),
});
export type PolicyVersionRecord = z.infer<typeof policyVersionRecordSchema>;


const programPartition = (id: string) => `REWARD_PROGRAM#${id}`;

const programs = defineEntity({
  type: 'reward-program',
  schema: programRecordSchema,
  key: (p: { id: string }) => ({ pk: programPartition(p.id), sk: 'PROGRAM' }),
  indexes: (pattern) => ({
    /** A county's programs, by accounts year. */
    byCounty: pattern({ index: 'gsi1', partition: (county: string) => `REWARD_PROGRAMS#${county}`, place: (p) => ({ partition: p.jurisdiction.slice(0, 6), sort: `${p.accountsYear ?? p.year}#${p.id}` }) }),
  }),
});

/** The policy versions of a program, next to it. */
const policyVersions = defineEntity({
  type: 'reward-policy',
  schema: policyVersionRecordSchema,
  key: (p: { programId: string; policyVersion: number }) => ({ pk: programPartition(p.programId), sk: `POLICY#${String(p.policyVersion).padStart(4, '0')}` }),
});

function policyItem(programId: string, policyVersion: number, policy: RewardPolicy, actor: Actor, at: string) {
  return policyVersions.item({ programId, policyVersion, policy, createdAt: at, createdBy: actor.sub });
}

const programKey = (id: string) => programs.keyOf({ id });

/** Open a program with policy version 1; the appropriation starts at the policy's budget ceiling. */
export async function createProgram(input: ProgramInput, actor: Actor, options: { id?: string; extraItems?: ExtraItems<ProgramRecord>; now?: Date } = {}): Promise<ProgramRecord> {
  const now = (options.now ?? new Date()).toISOString();
  const id = options.id ?? `rp-${randomUUID()}`;
  const budget = budgetFigures({ appropriatedFen: input.policy.budgetCeilingFen, reservedFen: 0, paidFen: 0 });
  const { policy, ...fields } = input;
  const record: ProgramRecord = { id, ...fields, policyVersion: 1, policyFrozen: false, budget, version: 1, createdAt: now, updatedAt: now };
  try {
    await writeTransaction([
      named('program', putItem(programs.item({ id, ...fields, policyVersion: 1, policyFrozen: false, ...budget, version: 1, createdAt: now, updatedAt: now }), ifAbsent)),
      putItem(policyItem(id, 1, policy, actor, now), ifAbsent),
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
  return programs.get({ id }, { consistent });
}

export async function getPolicy(programId: string, policyVersion: number): Promise<PolicyVersionRecord | undefined> {
  return policyVersions.get({ programId, policyVersion }, { consistent: true });
}

/** Programs of a county, by accounts year. */
export async function listPrograms(county: string, page: PageRequest): Promise<Page<ProgramRecord>> {
  return programs.query.byCounty.page(county.slice(0, 6), page);
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
      updateItem(programKey(programId), {
        UpdateExpression: 'SET policyVersion = :next, policyFrozen = :false, version = version + :one, updatedAt = :at',
        ConditionExpression: before.policyFrozen ? 'policyVersion = :n AND policyFrozen = :true' : 'policyVersion = :n AND policyFrozen = :false',
        ExpressionAttributeValues: { ':next': next, ':false': false, ':one': 1, ':at': at, ':n': before.policyVersion, ...(before.policyFrozen ? { ':true': true } : {}) },
      }),
      putItem(policyItem(programId, next, policy, actor, at)),
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
  return named(
    'policy',
    updateItem(programKey(programId), {
      UpdateExpression: 'SET policyFrozen = :true',
      ConditionExpression: 'policyVersion = :n',
      ExpressionAttributeValues: { ':true': true, ':n': policyVersion },
    }),
  );
}

// ---- Budget movements, each with an audit record of its own ----

/**
 * Every movement of a program's budget (reserve, settle, raise) has an audit record of entity
 * `reward-budget:<programId>` (GET /audit?entity=reward-budget:<programId>), written in the same
 * transaction as the movement, naming the application that caused it.
 *
 * A reservation and a settlement record the amounts of the movement itself, in the buckets it
 * touched: a reservation of 144,000 yuan is `before: {availableFen: 14400000, reservedFen: 0}`,
 * `after: {availableFen: 0, reservedFen: 14400000}` — that money was available and is now reserved.
 * They do not restate the budget's totals: the update is `availableFen = availableFen - :a` under
 * the condition `availableFen >= :a`, blind on purpose, so that simultaneous reservations do not
 * conflict with one another; a transaction cannot read what it writes, and conditioning on the
 * totals read before would turn every reservation race into a retry. The totals at any point are
 * the program's first appropriation plus the sum of these records. A raise is conditioned on the
 * appropriation it read, so its record has the exact appropriation before and after.
 */
export const budgetEntityType = 'reward-budget';

export type BudgetMovement = 'reserve' | 'settle' | 'raise';

/** The program and application a movement belongs to (the application names the program's jurisdiction). */
interface MovementSubject {
  readonly programId: string;
  /** The program's jurisdiction: the audit record's division. */
  readonly jurisdiction: string;
  readonly applicationId: string;
}

function budgetAuditPut(movement: BudgetMovement, programId: string, jurisdiction: string, actor: Actor, before: Record<string, unknown>, after: Record<string, unknown>, at?: Date): TransactItem {
  return auditPut({ entityType: budgetEntityType, entityId: programId, division: jurisdiction, action: `reward-budget.${movement}`, actor, before, after, ...(at ? { at } : {}) });
}

/** Transaction item: hold `amountFen` of the budget; fails when less is available. */
function reserveUpdate(programId: string, amountFen: number): TransactItem {
  return named(
    'budget',
    updateItem(programKey(programId), {
      UpdateExpression: 'SET availableFen = availableFen - :a, reservedFen = reservedFen + :a',
      ConditionExpression: 'availableFen >= :a',
      ExpressionAttributeValues: { ':a': amountFen },
    }),
  );
}

/** Transaction items: hold an application's award against the budget (fails, named `budget`, when less is available), with its audit record. */
export function reserveItems(subject: MovementSubject, amountFen: number, actor: Actor): TransactItem[] {
  return [
    reserveUpdate(subject.programId, amountFen),
    budgetAuditPut('reserve', subject.programId, subject.jurisdiction, actor, { applicationId: subject.applicationId, availableFen: amountFen, reservedFen: 0 }, { applicationId: subject.applicationId, availableFen: 0, reservedFen: amountFen }),
  ];
}

/** Transaction item: move a reserved amount to paid. */
function settleUpdate(programId: string, amountFen: number): TransactItem {
  return named(
    'budget',
    updateItem(programKey(programId), {
      UpdateExpression: 'SET reservedFen = reservedFen - :a, paidFen = paidFen + :a',
      ConditionExpression: 'reservedFen >= :a',
      ExpressionAttributeValues: { ':a': amountFen },
    }),
  );
}

/** Transaction items: move an application's reserved award to paid, with its audit record. */
export function settleItems(subject: MovementSubject, amountFen: number, actor: Actor): TransactItem[] {
  return [
    settleUpdate(subject.programId, amountFen),
    budgetAuditPut('settle', subject.programId, subject.jurisdiction, actor, { applicationId: subject.applicationId, reservedFen: amountFen, paidFen: 0 }, { applicationId: subject.applicationId, reservedFen: 0, paidFen: amountFen }),
  ];
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
      updateItem(programKey(programId), {
        UpdateExpression: 'SET appropriatedFen = :new, availableFen = availableFen + :d, version = version + :one, updatedAt = :at',
        ConditionExpression: 'appropriatedFen = :old',
        ExpressionAttributeValues: { ':new': newAppropriatedFen, ':d': delta, ':one': 1, ':at': now.toISOString(), ':old': before.budget.appropriatedFen },
      }),
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
      // The budget's own record, beside the program's: the appropriation exactly (the update is
      // conditioned on it); what is available grows by the same amount.
      budgetAuditPut('raise', programId, before.jurisdiction, actor, { appropriatedFen: before.budget.appropriatedFen }, { appropriatedFen: newAppropriatedFen }, now),
    ]);
  } catch (err) {
    if (err instanceof TransactionConditionFailed) throw new ConflictError(`The budget of ${programId} changed concurrently; read it again`);
    throw err;
  }
  return (await getProgram(programId))!;
}
