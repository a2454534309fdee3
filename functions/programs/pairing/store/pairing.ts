import { randomUUID } from 'node:crypto';
import * as z from 'zod';
import {
  cadreInputSchema,
  investmentInputSchema,
  pairingIdSchema,
  pairingLevels,
  pairingTargetsSchema,
  projectInputSchema,
  termIdSchema,
  type PairingInput,
} from '../domain/pairing.ts';
import type { Actor } from '../../../platform/principal.ts';
import { auditPut } from '../../../platform/store/audit.ts';
import { batchGet } from '../../../platform/store/batch.ts';
import { defineEntity } from '../../../platform/store/entity.ts';
import { whereAll, type Page, type PageRequest } from '../../../platform/store/pagination.ts';
import { ifAbsent, ifVersion, named, putItem, TransactionConditionFailed, writeTransaction, type ExtraItems } from '../../../platform/store/transact.ts';
import { ConflictError, NotFoundError } from '../../../shared/errors.ts';

/**
 * Pairings (结对): one item per pairing with its cadres, investments and projects inside (bounded by
 * `pairingLimits`), plus one guard item per unit, village and term that makes a second pairing of
 * the same three a 409.
 *
 * Keys: pk `PAIRING#<id>`, sk `PAIRING`;
 * gsi1 `PAIRINGS#<county of the village>` / `<village>#<termId>#<id>` (a county's or township's pairings);
 * gsi2 `PAIRUNIT#<unitId>` / `<village>#<termId>#<id>` (one unit's pairings);
 * guard pk `PAIRKEY#<termId>#<unitId>#<village>`, sk `KEY`.
 */
export const cadreSchema = cadreInputSchema.safeExtend({ id: z.uuid() });
export type Cadre = z.infer<typeof cadreSchema>;
export const projectSchema = projectInputSchema.safeExtend({ id: z.uuid() });
export type Project = z.infer<typeof projectSchema>;
export const investmentSchema = investmentInputSchema.safeExtend({ id: z.uuid(), recordedAt: z.string(), recordedBy: z.string() });
export type Investment = z.infer<typeof investmentSchema>;

export const pairingRecordSchema = z.object({
  id: pairingIdSchema,
  termId: termIdSchema,
  unitId: z.string(),
  village: z.string(),
  level: z.enum(pairingLevels),
  pledgedFenPerYear: z.number().int(),
  cadres: z.array(cadreSchema),
  investments: z.array(investmentSchema),
  projects: z.array(projectSchema),
  targets: pairingTargetsSchema,
  version: z.number().int().min(1),
  createdAt: z.string(),
  createdBy: z.string(),
  updatedAt: z.string(),
});
export type PairingRecord = z.infer<typeof pairingRecordSchema>;

export const pairings = defineEntity({
  type: 'pairing',
  schema: pairingRecordSchema,
  key: (p: { id: string }) => ({ pk: `PAIRING#${p.id}`, sk: 'PAIRING' }),
  indexes: (pattern) => ({
    byCounty: pattern({ index: 'gsi1', partition: (county: string) => `PAIRINGS#${county}`, place: (p) => ({ partition: p.village.slice(0, 6), sort: `${p.village}#${p.termId}#${p.id}` }) }),
    byUnit: pattern({ index: 'gsi2', partition: (unitId: string) => `PAIRUNIT#${unitId}`, place: (p) => ({ partition: p.unitId, sort: `${p.village}#${p.termId}#${p.id}` }) }),
  }),
});

const guardKey = (p: { termId: string; unitId: string; village: string }) => ({ pk: `PAIRKEY#${p.termId}#${p.unitId}#${p.village}`, sk: 'KEY' });

/** The business fields, for audit records. */
function auditFields(p: PairingRecord) {
  const { version: _v, createdAt: _c, updatedAt: _u, createdBy: _b, ...fields } = p;
  return fields;
}

export function newPairingRecord(input: PairingInput, actor: Actor, id: string, now: Date, defaults: { targets: PairingRecord['targets'] }): PairingRecord {
  const at = now.toISOString();
  return {
    id,
    termId: input.termId,
    unitId: input.unitId,
    village: input.village,
    level: input.level,
    pledgedFenPerYear: input.pledgedFenPerYear,
    cadres: (input.cadres ?? []).map((c) => ({ ...c, id: randomUUID() })),
    investments: [],
    projects: [],
    targets: input.targets ?? defaults.targets,
    version: 1,
    createdAt: at,
    createdBy: actor.sub,
    updatedAt: at,
  };
}

function createItems(record: PairingRecord, actor: Actor, now: Date) {
  return [
    named(`pairing:${record.id}`, putItem(pairings.item(record), ifAbsent)),
    named(`guard:${record.id}`, putItem({ ...guardKey(record), type: 'pairingKey', pairingId: record.id }, ifAbsent)),
    auditPut({ entityType: 'pairing', entityId: record.id, division: record.village, action: 'pairing.create', actor, after: auditFields(record), at: now }),
  ];
}

function duplicateMessage(p: Pick<PairingRecord, 'unitId' | 'village' | 'termId'>): string {
  return `Unit ${p.unitId} is already paired with village ${p.village} for term ${p.termId}`;
}

/** Create one pairing, with its guard and audit record in one transaction; 409 on a duplicate. */
export async function createPairing(record: PairingRecord, actor: Actor, options: { extraItems?: ExtraItems<PairingRecord>; now?: Date } = {}): Promise<PairingRecord> {
  try {
    await writeTransaction([...createItems(record, actor, options.now ?? new Date()), ...(options.extraItems?.(record) ?? [])]);
  } catch (err) {
    if (err instanceof TransactionConditionFailed && err.failed.some((f) => f.startsWith('guard:'))) throw new ConflictError(duplicateMessage(record));
    throw err;
  }
  return record;
}

/** Which of these unit, village and term triples are paired already (consistent read of the guards). */
export async function existingPairingKeys(keys: readonly { termId: string; unitId: string; village: string }[]): Promise<Set<string>> {
  const found = await batchGet(keys.map(guardKey), { consistent: true });
  return new Set(found.map((item) => String(item.pk)));
}
export const pairingKeyOf = (p: { termId: string; unitId: string; village: string }) => guardKey(p).pk;

/** Pairings per transaction in a bulk create (3 items each, 100 items at most). */
const perTransaction = 33;

/**
 * Create many checked pairings (a CSV import). Every row was checked beforehand; each transaction
 * holds 33 pairings. Should a pairing be created by someone else between the check and the write,
 * that transaction fails with a 409 naming it.
 */
export async function createPairings(records: readonly PairingRecord[], actor: Actor, now = new Date()): Promise<void> {
  for (let i = 0; i < records.length; i += perTransaction) {
    const chunk = records.slice(i, i + perTransaction);
    try {
      await writeTransaction(chunk.flatMap((r) => createItems(r, actor, now)));
    } catch (err) {
      if (err instanceof TransactionConditionFailed) {
        const dup = chunk.find((r) => err.failed.includes(`guard:${r.id}`));
        if (dup) throw new ConflictError(`${duplicateMessage(dup)} (created while the file was being written; ${i} pairings of the file were written before it)`);
      }
      throw err;
    }
  }
}

export async function getPairing(id: string, consistent = false): Promise<PairingRecord | undefined> {
  return pairings.get({ id }, { consistent });
}

export async function requirePairing(id: string, consistent = false): Promise<PairingRecord> {
  const pairing = await getPairing(id, consistent);
  if (!pairing) throw new NotFoundError(`Pairing ${id} does not exist`);
  return pairing;
}

/**
 * Write a changed pairing, conditioned on the version the caller read (409 otherwise), with its
 * audit record in the same transaction. `expectedVersion`, when the caller gave one, must be the
 * version read.
 */
export async function savePairing(
  before: PairingRecord,
  change: (p: PairingRecord) => PairingRecord,
  actor: Actor,
  options: { action: string; expectedVersion?: number | undefined; now?: Date; extraItems?: ExtraItems<PairingRecord> },
): Promise<PairingRecord> {
  if (options.expectedVersion !== undefined && options.expectedVersion !== before.version) {
    throw new ConflictError(`Pairing ${before.id} is at version ${before.version}, not ${options.expectedVersion}`);
  }
  const now = options.now ?? new Date();
  const changed = change(before);
  if (JSON.stringify(auditFields(changed)) === JSON.stringify(auditFields(before))) return before;
  const record: PairingRecord = { ...changed, version: before.version + 1, updatedAt: now.toISOString() };
  try {
    await writeTransaction([
      putItem(pairings.item(record), ifVersion(before.version)),
      auditPut({ entityType: 'pairing', entityId: before.id, division: before.village, action: options.action, actor, before: auditFields(before), after: auditFields(record), at: now }),
      ...(options.extraItems?.(record) ?? []),
    ]);
  } catch (err) {
    if (err instanceof TransactionConditionFailed) throw new ConflictError(`Pairing ${before.id} was changed concurrently; read it again`);
    throw err;
  }
  return record;
}

export interface PairingFilter {
  readonly termId?: string | undefined;
  /** Only villages whose code starts with this. */
  readonly villagePrefix?: string | undefined;
}

/** The pairings of villages in a county (narrowed by `villagePrefix`, e.g. a township), by village. */
export async function listCountyPairings(county: string, filter: PairingFilter, page: PageRequest): Promise<Page<PairingRecord>> {
  return pairings.query.byCounty.page(county, page, { sortPrefix: filter.villagePrefix, filter: whereAll({ termId: filter.termId }) });
}

/** One unit's pairings, by village; `villagePrefix` keeps those inside a jurisdiction. */
export async function listUnitPairings(unitId: string, filter: PairingFilter, page: PageRequest): Promise<Page<PairingRecord>> {
  return pairings.query.byUnit.page(unitId, page, { sortPrefix: filter.villagePrefix, filter: whereAll({ termId: filter.termId }) });
}
