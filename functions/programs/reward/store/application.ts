import * as z from 'zod';
import { ConflictError } from '../../../shared/errors.ts';
import { applicationStateSchema, transition, type ApplicationEvent, type ApplicationState } from '../domain/state.ts';
import type { IneligibleCode, RewardSnapshot } from '../domain/compute.ts';
import { annualAccountSchema, increaseRules, rewardPolicySchema } from '../domain/policy.ts';
import { signatureSchema } from '../domain/signoff.ts';
import type { Actor } from '../../../platform/principal.ts';
import { auditPut } from '../../../platform/store/audit.ts';
import { defineEntity } from '../../../platform/store/entity.ts';
import { whereAll, type Page, type PageRequest } from '../../../platform/store/pagination.ts';
import { subjectPaymentSchema } from '../../../platform/payments/store/payout.ts';
import { freezePolicyUpdate } from './program.ts';
import {
  ifVersion,
  ifAbsent,
  named,
  putItem,
  TransactionConditionFailed,
  updateItem,
  writeTransaction,
  type ExtraItems,
  type ItemKey,
  type TransactItem,
} from '../../../platform/store/transact.ts';

/**
 * Reward application. Keys: pk `REWARD_APP#<id>`, sk `APPLICATION`; gsi1 `REWARD_APPS#<programId>` /
 * `<createdAt>#<id>` lists a program's applications in submission order.
 *
 * One reward per entity per year, across the programs of a jurisdiction: the claim item pk
 * `REWARD_CLAIM#<county>#<entityId>#<year>` is written with the application, conditioned on being
 * absent or released; it is released (not deleted, so the history stays) when the application ends
 * without a payout.
 *
 * Every change is a full put conditioned on the version read, with its audit record, and the state
 * change is asked of `transition()` first, so the workflow and the API can never write a move the
 * state table does not allow.
 */
// Every code of the domain's union, and no other: the compiler holds the two lists together.
const ineligibleCodes: { readonly [C in IneligibleCode]: C } = {
  'current-account-missing': 'current-account-missing',
  'previous-account-missing': 'previous-account-missing',
  'income-below-minimum': 'income-below-minimum',
  'no-rate-for-income': 'no-rate-for-income',
  'no-profit': 'no-profit',
  'no-increase': 'no-increase',
  'already-rewarded': 'already-rewarded',
  'reward-is-zero': 'reward-is-zero',
};

/**
 * Computations stored before the increase rule existed were made with the plain difference: such a
 * snapshot (no `increaseRule`) reads as `plain-difference` with the previous year's net profit as its
 * baseline, its policy too, so that it shows what the award was really computed with (the policy
 * schema's own default, for programs, is the new rule).
 */
function legacySnapshot(raw: unknown): unknown {
  if (typeof raw !== 'object' || raw === null || 'increaseRule' in raw) return raw;
  const old = raw as { policy?: Record<string, unknown>; previous?: { netProfitFen?: unknown } };
  return {
    ...old,
    policy: typeof old.policy === 'object' && old.policy !== null ? { increaseRule: 'plain-difference', ...old.policy } : old.policy,
    increaseRule: 'plain-difference',
    baselineFen: old.previous?.netProfitFen,
  };
}

const rewardSnapshotSchema = z.preprocess(
  legacySnapshot,
  z
    .object({
      policy: rewardPolicySchema,
      current: annualAccountSchema,
      previous: annualAccountSchema.optional(),
      alreadyRewarded: z.boolean(),
      increaseRule: z.enum(increaseRules),
      baselineFen: z.number().int().optional(),
    })
    // The domain's snapshot always has `previous` and `baselineFen`, undefined when there was no previous account (DynamoDB drops them).
    .transform((snapshot): RewardSnapshot => ({ ...snapshot, previous: snapshot.previous, baselineFen: snapshot.baselineFen })),
);

export const computationSchema = z.object({
  eligible: z.boolean(),
  rewardFen: z.number().int().optional(),
  increaseFen: z.number().int().optional(),
  rateBp: z.number().int().optional(),
  capped: z.boolean().optional(),
  reasons: z.array(z.object({ code: z.enum(ineligibleCodes), message: z.string() })).readonly().optional(),
  snapshot: rewardSnapshotSchema,
  computedAt: z.string(),
});
export type Computation = z.infer<typeof computationSchema>;

export const decisionRecordSchema = z.object({
  step: z.string(),
  decision: z.string(),
  by: z.string(),
  at: z.string(),
  comment: z.string().optional(),
});
export type DecisionRecord = z.infer<typeof decisionRecordSchema>;

export const applicationRecordSchema = z.object({
  id: z.string(),
  programId: z.string(),
  policyVersion: z.number().int(),
  jurisdiction: z.string(),
  entityId: z.string(),
  entityName: z.string(),
  /** The applying enterprise's village: the division of the application. */
  village: z.string(),
  /**
   * The program's accounts year (the year whose accounts, and the previous year's, are compared).
   * Stored and keyed (the claim) as `year`; the API shows it as `accountsYear`
   * (routes/applications.ts says why it is renamed there and not here).
   */
  year: z.number().int(),
  status: applicationStateSchema,
  /** Increases with every computation; decisions are per round. */
  round: z.number().int(),
  /** Times the application went (back) to unfunded; the unfunded wait is per count. */
  unfundedCount: z.number().int(),
  submitter: z.string(),
  computation: computationSchema.optional(),
  /** The award (fen) from the latest eligible computation. */
  amountFen: z.number().int().optional(),
  signatures: z.array(signatureSchema),
  townshipReviewer: z.string().optional(),
  financeApprovals: z.array(z.string()),
  decisions: z.array(decisionRecordSchema),
  closedReason: z.string().optional(),
  /** Where the award's payment stands with the bank (kept by the payments module). */
  payment: subjectPaymentSchema.optional(),
  version: z.number().int(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type ApplicationRecord = z.infer<typeof applicationRecordSchema>;


const applications = defineEntity({
  type: 'reward-application',
  schema: applicationRecordSchema,
  key: (p: { id: string }) => ({ pk: `REWARD_APP#${p.id}`, sk: 'APPLICATION' }),
  indexes: (pattern) => ({
    /** A program's applications in submission order. */
    byProgram: pattern({ index: 'gsi1', partition: (programId: string) => `REWARD_APPS#${programId}`, place: (a) => ({ partition: a.programId, sort: `${a.createdAt}#${a.id}` }) }),
  }),
});

const claimSchema = z.object({ applicationId: z.string(), released: z.boolean(), at: z.string() });

/** One entity's claim on a year in a county (see the module comment). */
const claims = defineEntity({
  type: 'reward-claim',
  schema: claimSchema,
  key: (p: { jurisdiction: string; entityId: string; year: number }) => ({ pk: `REWARD_CLAIM#${p.jurisdiction.slice(0, 6)}#${p.entityId}#${p.year}`, sk: 'CLAIM' }),
});

/** The application's item key (the payments module settles the application there). */
export function applicationKey(id: string): ItemKey {
  return applications.keyOf({ id });
}

export async function getApplication(id: string): Promise<ApplicationRecord | undefined> {
  return applications.get({ id }, { consistent: true });
}

export type Claim = Pick<z.infer<typeof claimSchema>, 'applicationId' | 'released'>;

export async function getClaim(jurisdiction: string, entityId: string, year: number): Promise<Claim | undefined> {
  const claim = await claims.get({ jurisdiction, entityId, year }, { consistent: true });
  return claim ? { applicationId: claim.applicationId, released: claim.released } : undefined;
}

/**
 * Submit: the application (status computing), its claim on the entity's year, the freeze of the
 * policy version it uses and its audit record, in one transaction. 409 when the entity already has
 * an application or a reward for the year, or the policy changed meanwhile.
 */
export async function createApplication(
  app: Omit<ApplicationRecord, 'status' | 'round' | 'unfundedCount' | 'signatures' | 'financeApprovals' | 'decisions' | 'version' | 'updatedAt'>,
  actor: Actor,
  options: { extraItems?: ExtraItems<ApplicationRecord> } = {},
): Promise<ApplicationRecord> {
  const record: ApplicationRecord = { ...app, status: 'computing', round: 0, unfundedCount: 0, signatures: [], financeApprovals: [], decisions: [], version: 1, updatedAt: app.createdAt };
  try {
    await writeTransaction([
      named('application', putItem(applications.item(record), ifAbsent)),
      named(
        'claim',
        putItem(claims.item({ applicationId: app.id, released: false, at: app.createdAt }, { jurisdiction: app.jurisdiction, entityId: app.entityId, year: app.year }), {
          expression: 'attribute_not_exists(pk) OR released = :true',
          values: { ':true': true },
        }),
      ),
      freezePolicyUpdate(app.programId, app.policyVersion),
      auditPut({ entityType: 'reward-application', entityId: app.id, division: app.village, action: 'reward-application.submit', actor, after: { programId: app.programId, policyVersion: app.policyVersion, entityId: app.entityId, year: app.year }, at: new Date(app.createdAt) }),
      ...(options.extraItems?.(record) ?? []),
    ]);
  } catch (err) {
    if (err instanceof TransactionConditionFailed) {
      if (err.failed.includes('application')) throw new ConflictError(`Application ${app.id} exists already`);
      if (err.failed.includes('claim')) throw new ConflictError(`${app.entityId} already has an application or a reward for ${app.year} in this jurisdiction`);
      if (err.failed.includes('policy')) throw new ConflictError(`The policy of ${app.programId} changed while submitting; submit again`);
    }
    throw err;
  }
  return record;
}

/**
 * The transaction items of a change: `event` is checked against the state table (409 naming the
 * refusal otherwise), the record is put conditioned on the version read, with its audit record.
 * `event` undefined changes fields without a state change (e.g. one more finance approval).
 */
export function applicationChange(
  before: ApplicationRecord,
  event: ApplicationEvent | undefined,
  changes: Partial<ApplicationRecord>,
  actor: Actor,
  action: string,
  now = new Date(),
): { items: TransactItem[]; next: ApplicationRecord } {
  let status = before.status;
  if (event !== undefined) {
    const moved = transition(before.status, event);
    if (!moved.ok) throw new ConflictError(moved.refusal.message);
    status = moved.to;
  }
  const next: ApplicationRecord = { ...before, ...changes, status, version: before.version + 1, updatedAt: now.toISOString() };
  return {
    next,
    items: [
      named('application', putItem(applications.item(next), ifVersion(before.version))),
      auditPut({
        entityType: 'reward-application',
        entityId: before.id,
        division: before.village,
        action,
        actor,
        before: { status: before.status, version: before.version },
        after: { status, ...changes },
        at: now,
      }),
    ],
  };
}

/** Write a change (see {@link applicationChange}); 409 when the application changed since it was read. */
export async function changeApplication(
  before: ApplicationRecord,
  event: ApplicationEvent | undefined,
  changes: Partial<ApplicationRecord>,
  actor: Actor,
  action: string,
  extra: TransactItem[] = [],
): Promise<ApplicationRecord> {
  const { items, next } = applicationChange(before, event, changes, actor, action);
  try {
    await writeTransaction([...items, ...extra]);
  } catch (err) {
    if (err instanceof TransactionConditionFailed && err.failed.includes('application')) throw new ConflictError(`Application ${before.id} changed concurrently; read it again`);
    throw err;
  }
  return next;
}

/** Transaction item: give the entity's year back (the application ended without a payout). */
export function releaseClaimUpdate(app: ApplicationRecord): TransactItem {
  return named(
    'claim',
    updateItem(claims.keyOf({ jurisdiction: app.jurisdiction, entityId: app.entityId, year: app.year }), {
      UpdateExpression: 'SET released = :true',
      ConditionExpression: 'applicationId = :id',
      ExpressionAttributeValues: { ':true': true, ':id': app.id },
    }),
  );
}

export interface ApplicationFilter {
  readonly programId: string;
  readonly status?: ApplicationState | undefined;
  /** Division prefix (township or village) inside the program's jurisdiction. */
  readonly division?: string | undefined;
  readonly entityId?: string | undefined;
}

/** A program's applications in submission order, optionally filtered. */
export async function listApplications(filter: ApplicationFilter, page: PageRequest): Promise<Page<ApplicationRecord>> {
  return applications.query.byProgram.page(filter.programId, page, {
    filter: whereAll({ status: filter.status, village: filter.division === undefined ? undefined : { beginsWith: filter.division }, entityId: filter.entityId }),
  });
}

