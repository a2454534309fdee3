import { randomUUID } from 'node:crypto';
import type { Actor } from '../../platform/principal.ts';
import type { CsvError } from '../../platform/csv-table.ts';
import { units } from '../../platform/registries/store/unit.ts';
import { getVillages } from '../../platform/registries/store/village.ts';
import { ConflictError, ValidationError } from '../../shared/errors.ts';
import { cadreProblems, noTargets, villageInTerm, type PairingInput } from './domain/pairing.ts';
import type { PairingCsvRow } from './domain/pairing-csv.ts';
import { createPairings, existingPairingKeys, newPairingRecord, pairingKeyOf, type PairingRecord } from './store/pairing.ts';
import { getTerms } from './store/term.ts';

/**
 * What the pairing routes share: checking a pairing's references against the table (the term, the
 * registered unit and village, the village inside the term's jurisdiction, no pairing of the same
 * unit, village and term yet). Problems come back per input so the CSV import names rows.
 */
export interface ReferenceProblem {
  readonly index: number;
  readonly field: 'termId' | 'unitId' | 'village' | 'cadres';
  readonly message: string;
  readonly conflict?: boolean;
}

export async function referenceProblems(inputs: readonly PairingInput[]): Promise<ReferenceProblem[]> {
  const [terms, villages, unitList, existing] = await Promise.all([
    getTerms(inputs.map((i) => i.termId)),
    getVillages([...new Set(inputs.map((i) => i.village))]),
    units.getMany([...new Set(inputs.map((i) => i.unitId))].map((id) => ({ id }))),
    existingPairingKeys(inputs),
  ]);
  const unitIds = new Set(unitList.map((u) => u.id));
  const problems: ReferenceProblem[] = [];
  inputs.forEach((input, index) => {
    const term = terms.get(input.termId);
    if (!term) problems.push({ index, field: 'termId', message: `pairing term ${input.termId} does not exist` });
    if (!unitIds.has(input.unitId)) problems.push({ index, field: 'unitId', message: `unit ${input.unitId} is not registered` });
    if (!villages.has(input.village)) problems.push({ index, field: 'village', message: `village ${input.village} is not registered` });
    else if (term && !villageInTerm(input.village, term.division)) problems.push({ index, field: 'village', message: `village ${input.village} is outside the term's jurisdiction ${term.division}` });
    if (term) for (const p of cadreProblems(input.cadres ?? [], term)) problems.push({ index, field: 'cadres', message: `${p.field}: ${p.message}` });
    if (existing.has(pairingKeyOf(input))) problems.push({ index, field: 'village', message: `unit ${input.unitId} is already paired with village ${input.village} for term ${input.termId}`, conflict: true });
  });
  return problems;
}

/** A new pairing from a checked input: 400 naming the field for a bad reference, 409 for a duplicate. */
export async function checkedPairing(input: PairingInput, actor: Actor): Promise<PairingRecord> {
  const problems = await referenceProblems([input]);
  const invalid = problems.filter((p) => !p.conflict);
  if (invalid.length > 0) throw new ValidationError(invalid.map((p) => ({ field: p.field, message: p.message, in: 'body' as const })));
  const conflict = problems.find((p) => p.conflict);
  if (conflict) throw new ConflictError(conflict.message);
  return newPairingRecord(input, actor, `pp-${randomUUID()}`, new Date(), { targets: noTargets });
}

/**
 * Import checked CSV rows: every reference is checked first and any problem refuses the whole file
 * (returned as row/column errors, nothing written); otherwise every pairing is written.
 */
export async function importPairings(rows: readonly PairingCsvRow[], actor: Actor, inJurisdiction: (village: string) => boolean): Promise<{ errors: CsvError[]; created: PairingRecord[] }> {
  const errors: CsvError[] = [];
  const inside: PairingCsvRow[] = [];
  for (const r of rows) {
    // A row outside the importer's jurisdiction is refused as such, and nothing more is said of it
    // (whether its village or unit is registered, whether it is paired already).
    if (inJurisdiction(r.pairing.village)) inside.push(r);
    else errors.push({ row: r.row, column: 'village', message: `village ${r.pairing.village} is outside your jurisdiction` });
  }
  if (inside.length > 0) {
    for (const p of await referenceProblems(inside.map((r) => r.pairing))) errors.push({ row: inside[p.index]!.row, column: p.field, message: p.message });
  }
  if (errors.length > 0) return { errors: errors.sort((a, b) => a.row - b.row), created: [] };
  const now = new Date();
  const created = rows.map((r) => newPairingRecord(r.pairing, actor, `pp-${randomUUID()}`, now, { targets: noTargets }));
  await createPairings(created, actor, now);
  return { errors: [], created };
}
