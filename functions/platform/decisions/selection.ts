import { createHash, randomUUID } from 'node:crypto';
import * as z from 'zod';
import { ForbiddenError, NotFoundError } from '../../shared/errors.ts';
import { identityKey, sameIdentity, type Actor, type Principal } from '../principal.ts';
import { sumFen } from '../money.ts';
import { auditPut } from '../store/audit.ts';
import { defineEntity, defineSequence } from '../store/entity.ts';
import { ifAbsent, putItem, writeTransaction } from '../store/transact.ts';
import { inboxFilterSchema, type InboxFilter } from './filter.ts';

/**
 * A selection: "all N decisions matching this filter", frozen on the server when the user asks for
 * it. Bulk answers by selection act on exactly these ids at exactly these versions, so a decision
 * that entered the filter later is never answered, and one that changed since is reported instead
 * of answered blindly (the "update everything matching the filter" bug class of other tools).
 *
 * Keys: the header pk `SELECTION#<id>` / sk `SELECTION`; the snapshot in chunks of
 * {@link selectionChunkSize} entries under the same partition, sk `CHUNK#<n>` (an item holds at
 * most 400 KB, a selection up to {@link maxSelectionSize} ids). Every item carries `expiresAt`
 * (epoch seconds, the table's TTL attribute): DynamoDB deletes it some time after; readers treat it
 * as gone from that second on.
 *
 * The id starts with a tag of its owner (a hash of their identity), so a caller who is not the owner
 * is refused (403) before anything is read, and whether someone else's selection exists is not told.
 */
export const selectionChunkSize = 500;
export const maxSelectionSize = 10_000;
export const selectionTtlSeconds = 3_600;

export const selectionIdSchema = z.string().regex(/^sel-[0-9a-f]{16}-[0-9a-f-]{36}$/, 'must be a selection id (sel-…)');

export const selectionEntrySchema = z.object({
  decisionId: z.string(),
  /** The version seen when the selection was made: a decision at another version has changed since. */
  version: z.number().int(),
  amountFen: z.number().int().optional(),
});
export type SelectionEntry = z.infer<typeof selectionEntrySchema>;

const selectionSchema = z.object({
  id: z.string(),
  owner: z.string(),
  filter: inboxFilterSchema,
  count: z.number().int().min(0),
  totalFen: z.number().int().min(0),
  chunks: z.number().int().min(0),
  createdAt: z.string(),
  expiresAt: z.number().int(),
});
export type Selection = z.infer<typeof selectionSchema>;

const partition = (id: string) => `SELECTION#${id}`;

const selections = defineEntity({
  type: 'decision-selection',
  schema: selectionSchema,
  key: (p: { id: string }) => ({ pk: partition(p.id), sk: 'SELECTION' }),
});

const selectionChunks = defineSequence({
  type: 'decision-selection-chunk',
  schema: z.object({ entries: z.array(selectionEntrySchema), expiresAt: z.number().int() }),
  partition,
  prefix: 'CHUNK#',
});

/** The part of a selection id that names its owner. */
function ownerTag(sub: string): string {
  return createHash('sha256').update(identityKey(sub)).digest('hex').slice(0, 16);
}

/** 403 unless `id` is one of the caller's selections: decided on the id alone, before any read. */
export function assertSelectionOwner(id: string, principal: Pick<Principal, 'sub'>): void {
  if (id.slice('sel-'.length, 'sel-'.length + 16) !== ownerTag(principal.sub)) throw new ForbiddenError(`selection ${id} is not yours: only the user who made a selection may use it`);
}

export interface CreateSelectionInput {
  readonly filter: InboxFilter;
  readonly entries: readonly SelectionEntry[];
  /** The division the snapshot was taken in (the audit record's). */
  readonly division: string;
  readonly actor: Actor;
  readonly now?: Date;
}

/**
 * Store a snapshot (header and chunks) with its audit record in one transaction: a selection is
 * there whole or not at all. At most {@link maxSelectionSize} entries (20 chunks: well inside a
 * transaction's 100 items).
 */
export async function createSelection(input: CreateSelectionInput): Promise<Selection> {
  if (input.entries.length > maxSelectionSize) throw new Error(`A selection holds at most ${maxSelectionSize} decisions`);
  const now = input.now ?? new Date();
  const expiresAt = Math.floor(now.getTime() / 1000) + selectionTtlSeconds;
  const chunks: SelectionEntry[][] = [];
  for (let i = 0; i < input.entries.length; i += selectionChunkSize) chunks.push(input.entries.slice(i, i + selectionChunkSize));
  const selection: Selection = {
    id: `sel-${ownerTag(input.actor.sub)}-${randomUUID()}`,
    owner: input.actor.sub,
    filter: input.filter,
    count: input.entries.length,
    totalFen: sumFen(input.entries.map((e) => e.amountFen ?? 0)),
    chunks: chunks.length,
    createdAt: now.toISOString(),
    expiresAt,
  };
  await writeTransaction([
    putItem(selections.item(selection), ifAbsent),
    ...chunks.map((entries, i) => putItem(selectionChunks.item({ entries, expiresAt }, { parent: selection.id, n: i + 1 }), ifAbsent)),
    auditPut({
      entityType: 'decision-selection',
      entityId: selection.id,
      division: input.division,
      action: 'decision-selection.create',
      actor: input.actor,
      after: { filter: input.filter, count: selection.count, totalFen: selection.totalFen },
      at: now,
    }),
  ]);
  return selection;
}

/**
 * The caller's selection: 403 when it is not theirs (by its id, then by the stored owner), 404
 * when it does not exist or has expired.
 */
export async function getOwnSelection(id: string, principal: Pick<Principal, 'sub'>, now = new Date()): Promise<Selection> {
  assertSelectionOwner(id, principal);
  const selection = await selections.get({ id }, { consistent: true });
  if (!selection || selection.expiresAt <= Math.floor(now.getTime() / 1000)) throw new NotFoundError(`Selection ${id} does not exist or has expired (a selection lasts ${selectionTtlSeconds / 60} minutes): make a new one`);
  if (!sameIdentity(selection.owner, principal.sub)) throw new ForbiddenError(`selection ${id} is not yours: only the user who made a selection may use it`);
  return selection;
}

/** The entries `from` … `from + count - 1` of a selection, in snapshot order. */
export async function selectionEntries(selection: Selection, from: number, count: number): Promise<SelectionEntry[]> {
  const last = Math.min(selection.count, from + count) - 1;
  if (last < from) return [];
  const first = Math.floor(from / selectionChunkSize) + 1;
  const through = Math.floor(last / selectionChunkSize) + 1;
  // A request reads at most two chunks (it answers at most one chunk's worth), one GetItem each.
  const read = await Promise.all(
    Array.from({ length: through - first + 1 }, async (_, i) => {
      const chunk = await selectionChunks.get({ parent: selection.id, n: first + i }, { consistent: true });
      if (!chunk) throw new Error(`Selection ${selection.id} lacks chunk ${first + i}`);
      return chunk.entries;
    }),
  );
  const entries = read.flat();
  const offset = from - (first - 1) * selectionChunkSize;
  return entries.slice(offset, offset + (last - from + 1));
}
