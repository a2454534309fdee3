import * as z from 'zod';
import { nameSchema } from '../../names.ts';

/**
 * Administrative division codes: 2 digits province, 4 city, 6 county/district, 9 township,
 * 12 village (the national statistical code). Jurisdiction is a prefix: a user whose division is
 * `120225` acts on every resource whose code starts with `120225`.
 */
export const divisionCodeSchema = z
  .string()
  .regex(/^(\d{2}|\d{4}|\d{6}|\d{9}|\d{12})$/, 'must be an administrative division code of 2, 4, 6, 9 or 12 digits');
export type DivisionCode = z.infer<typeof divisionCodeSchema>;

export const divisionLevels = ['province', 'city', 'county', 'township', 'village'] as const;
export type DivisionLevel = (typeof divisionLevels)[number];

const levelByLength: Readonly<Record<number, DivisionLevel>> = { 2: 'province', 4: 'city', 6: 'county', 9: 'township', 12: 'village' };

export function divisionLevel(code: DivisionCode): DivisionLevel {
  const level = levelByLength[code.length];
  if (!level) throw new Error(`Not a division code: ${code}`);
  return level;
}

/** The code of the enclosing division, or undefined for a province. */
export function parentDivision(code: DivisionCode): DivisionCode | undefined {
  const parentLength = { 2: 0, 4: 2, 6: 4, 9: 6, 12: 9 }[code.length];
  return parentLength ? code.slice(0, parentLength) : undefined;
}

/** Whether `code` lies inside (or is) the jurisdiction `scope`. */
export function withinJurisdiction(scope: DivisionCode, code: string): boolean {
  return code.startsWith(scope);
}

/** County (6-digit) part of a county-or-lower code; the partition for per-county listings. */
export function countyOf(code: DivisionCode): string {
  if (code.length < 6) throw new Error(`${code} is above county level`);
  return code.slice(0, 6);
}

/** Levels kept in the division registry; villages, the leaves of the tree, are their own entity. */
export const registryDivisionCodeSchema = divisionCodeSchema.refine((c) => c.length !== 12, {
  message: 'villages are registered as villages, not as divisions',
});

export const divisionInputSchema = z.strictObject({
  code: registryDivisionCodeSchema,
  name: nameSchema,
});
export type DivisionInput = z.infer<typeof divisionInputSchema>;

/**
 * Whether creating `code` needs its parent to exist already. The tree grows from the top, except
 * that an admin may register the root of their own jurisdiction (a district admin starts with the
 * district), and a province has no parent at all.
 */
export function parentRequired(code: DivisionCode, creatorDivision: DivisionCode): boolean {
  return parentDivision(code) !== undefined && code !== creatorDivision;
}

/**
 * The province-level codes of GB/T 2260 (31 provinces, autonomous regions and municipalities; Taiwan,
 * Hong Kong, Macao): what a job over the whole country walks when its records are partitioned by
 * province.
 */
export const provinceCodes: readonly string[] = [
  '11', '12', '13', '14', '15', '21', '22', '23', '31', '32', '33', '34', '35', '36', '37', '41', '42', '43', '44', '45', '46',
  '50', '51', '52', '53', '54', '61', '62', '63', '64', '65', '71', '81', '82',
];
