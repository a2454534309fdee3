import * as z from 'zod';
import { termIdSchema } from '../domain/pairing.ts';
import { defaultTermReminders, termSchema, type Term } from '../domain/term.ts';
import { reminderPolicySchema } from '../../../platform/reporting/schedule.ts';
import type { Actor } from '../../../platform/principal.ts';
import { auditPut } from '../../../platform/store/audit.ts';
import { defineEntity } from '../../../platform/store/entity.ts';
import type { Page, PageRequest } from '../../../platform/store/pagination.ts';
import { ifAbsent, named, putItem, writeTransaction, type ExtraItems } from '../../../platform/store/transact.ts';
import { NotFoundError } from '../../../shared/errors.ts';

/**
 * Pairing terms (帮扶周期). Immutable once created, like funding policies: pairings and (later) the
 * periods computed from the schedule refer to a term that means the same thing throughout.
 *
 * Keys: pk `PAIRTERM#<id>`, sk `TERM`; gsi1 `PAIRTERMS#<province>` / `<division>#<firstYear>#<id>`,
 * so `begins_with(<jurisdiction>)` lists the terms a jurisdiction runs.
 */
export const termRecordSchema = termSchema.safeExtend({
  id: termIdSchema,
  // Always shown; a term stored before terms carried their reminders reads as the default.
  reminders: reminderPolicySchema.default(defaultTermReminders),
  version: z.number().int().min(1),
  createdAt: z.string(),
  createdBy: z.string(),
});
export type TermRecord = z.infer<typeof termRecordSchema>;

const terms = defineEntity({
  type: 'pairingTerm',
  schema: termRecordSchema,
  key: (p: { id: string }) => ({ pk: `PAIRTERM#${p.id}`, sk: 'TERM' }),
  indexes: (pattern) => ({
    byProvince: pattern({ index: 'gsi1', partition: (province: string) => `PAIRTERMS#${province}`, place: (t) => ({ partition: t.division.slice(0, 2), sort: `${t.division}#${t.firstYear}#${t.id}` }) }),
  }),
});

export async function createTerm(input: Term, actor: Actor, options: { id: string; extraItems?: ExtraItems<TermRecord>; now?: Date }): Promise<TermRecord> {
  const record: TermRecord = { ...input, reminders: input.reminders ?? defaultTermReminders, id: options.id, version: 1, createdAt: (options.now ?? new Date()).toISOString(), createdBy: actor.sub };
  await writeTransaction([
    named('term', putItem(terms.item(record), ifAbsent)),
    auditPut({ entityType: 'pairingTerm', entityId: record.id, division: record.division, action: 'pairingTerm.create', actor, after: record }),
    ...(options.extraItems?.(record) ?? []),
  ]);
  return record;
}

export async function getTerm(id: string, consistent = false): Promise<TermRecord | undefined> {
  return terms.get({ id }, { consistent });
}

export async function requireTerm(id: string): Promise<TermRecord> {
  const term = await getTerm(id, true);
  if (!term) throw new NotFoundError(`Pairing term ${id} does not exist`);
  return term;
}

export async function getTerms(ids: readonly string[]): Promise<Map<string, TermRecord>> {
  const found = await terms.getMany([...new Set(ids)].map((id) => ({ id })));
  return new Map(found.map((t) => [t.id, t]));
}

/** Terms run by `jurisdiction` or a division inside it, by division, first year, id. */
export async function listTerms(jurisdiction: string, page: PageRequest): Promise<Page<TermRecord>> {
  return terms.query.byProvince.page(jurisdiction.slice(0, 2), page, { sortPrefix: jurisdiction });
}

/** Every term run inside a province (`jurisdiction`'s first two digits), or inside `jurisdiction`. */
export function termsInProvince(jurisdiction: string): AsyncGenerator<TermRecord> {
  return terms.query.byProvince.all(jurisdiction.slice(0, 2), { sort: { beginsWith: jurisdiction } });
}
