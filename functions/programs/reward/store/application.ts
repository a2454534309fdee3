import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { ddb, tableName } from '../../../shared/clients.ts';
import { ConflictError } from '../../../shared/errors.ts';
import { transition, type ApplicationEvent, type ApplicationState } from '../domain/state.ts';
import type { IneligibleReason, RewardSnapshot } from '../domain/compute.ts';
import type { Signature } from '../domain/signoff.ts';
import type { Principal } from '../../../platform/principal.ts';
import { auditPut } from '../../../platform/store/audit.ts';
import { queryPage, whereAll, type Page, type PageRequest } from '../../../platform/store/pagination.ts';
import { freezePolicyUpdate } from './program.ts';
import { named, TransactionConditionFailed, writeTransaction, type ExtraItems, type TransactItem } from '../../../platform/store/transact.ts';

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
export interface Computation {
  readonly eligible: boolean;
  readonly rewardFen?: number;
  readonly increaseFen?: number;
  readonly rateBp?: number;
  readonly capped?: boolean;
  readonly reasons?: readonly IneligibleReason[];
  readonly snapshot: RewardSnapshot;
  readonly computedAt: string;
}

export interface DecisionRecord {
  readonly step: string;
  readonly decision: string;
  readonly by: string;
  readonly at: string;
  readonly comment?: string;
}

export interface ApplicationRecord {
  readonly id: string;
  readonly programId: string;
  readonly policyVersion: number;
  readonly jurisdiction: string;
  readonly entityId: string;
  readonly entityName: string;
  /** The applying enterprise's village: the division of the application. */
  readonly village: string;
  readonly year: number;
  readonly status: ApplicationState;
  /** Increases with every computation; decisions are per round. */
  readonly round: number;
  /** Times the application went (back) to unfunded; the unfunded wait is per count. */
  readonly unfundedCount: number;
  readonly submitter: string;
  readonly computation?: Computation;
  /** The award (fen) from the latest eligible computation. */
  readonly amountFen?: number;
  readonly signatures: Signature[];
  readonly townshipReviewer?: string;
  readonly financeApprovals: string[];
  readonly decisions: DecisionRecord[];
  readonly closedReason?: string;
  readonly version: number;
  readonly createdAt: string;
  readonly updatedAt: string;
}

type Actor = Pick<Principal, 'sub' | 'roles'>;

export const applicationKey = (id: string) => ({ pk: `REWARD_APP#${id}`, sk: 'APPLICATION' });
export const claimKey = (jurisdiction: string, entityId: string, year: number) => ({ pk: `REWARD_CLAIM#${jurisdiction.slice(0, 6)}#${entityId}#${year}`, sk: 'CLAIM' });

function toItem(app: ApplicationRecord): Record<string, unknown> {
  return { ...applicationKey(app.id), gsi1pk: `REWARD_APPS#${app.programId}`, gsi1sk: `${app.createdAt}#${app.id}`, type: 'reward-application', ...app };
}

function fromItem(item: Record<string, unknown>): ApplicationRecord {
  const { pk: _pk, sk: _sk, gsi1pk: _g1, gsi1sk: _g2, type: _t, ...rest } = item;
  return rest as unknown as ApplicationRecord;
}

export async function getApplication(id: string): Promise<ApplicationRecord | undefined> {
  const { Item } = await ddb().send(new GetCommand({ TableName: tableName(), Key: applicationKey(id), ConsistentRead: true }));
  return Item ? fromItem(Item) : undefined;
}

export interface Claim {
  readonly applicationId: string;
  readonly released: boolean;
}

export async function getClaim(jurisdiction: string, entityId: string, year: number): Promise<Claim | undefined> {
  const { Item } = await ddb().send(new GetCommand({ TableName: tableName(), Key: claimKey(jurisdiction, entityId, year), ConsistentRead: true }));
  return Item ? { applicationId: String(Item.applicationId), released: Boolean(Item.released) } : undefined;
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
      named('application', { Put: { TableName: tableName(), Item: toItem(record), ConditionExpression: 'attribute_not_exists(pk)' } }),
      named('claim', {
        Put: {
          TableName: tableName(),
          Item: { ...claimKey(app.jurisdiction, app.entityId, app.year), type: 'reward-claim', applicationId: app.id, released: false, at: app.createdAt },
          ConditionExpression: 'attribute_not_exists(pk) OR released = :true',
          ExpressionAttributeValues: { ':true': true },
        },
      }),
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
      named('application', { Put: { TableName: tableName(), Item: toItem(next), ConditionExpression: 'version = :v', ExpressionAttributeValues: { ':v': before.version } } }),
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
  return named('claim', {
    Update: {
      TableName: tableName(),
      Key: claimKey(app.jurisdiction, app.entityId, app.year),
      UpdateExpression: 'SET released = :true',
      ConditionExpression: 'applicationId = :id',
      ExpressionAttributeValues: { ':true': true, ':id': app.id },
    },
  });
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
  return queryPage(
    {
      index: 'gsi1',
      partition: `REWARD_APPS#${filter.programId}`,
      filter: whereAll({ status: filter.status, village: filter.division === undefined ? undefined : { beginsWith: filter.division }, entityId: filter.entityId }),
    },
    page,
    fromItem,
  );
}

