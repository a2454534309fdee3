import * as z from 'zod';
import { divisionCodeSchema } from './registries/domain/division.ts';
import { isPrintableText, printableMessage } from './names.ts';

export const roles = ['admin', 'finance', 'township', 'village', 'unit', 'auditor'] as const;
export const roleSchema = z.enum(roles);
export type Role = z.infer<typeof roleSchema>;

/** Positions of village users in the 三签一审 sign-off. */
export const villagePositions = ['handler', 'bookkeeper', 'head', 'supervisor'] as const;
export const villagePositionSchema = z.enum(villagePositions);
export type VillagePosition = z.infer<typeof villagePositionSchema>;

/**
 * A user's identity (the token's `sub`; Cognito's is a UUID): 1-128 characters, no control or
 * invisible character, no leading or trailing whitespace. Refused rather than trimmed, so that
 * `"fin "` is never taken for someone else's `"fin"`.
 */
export const subSchema = z
  .string()
  .min(1, 'must not be empty')
  .max(128, 'must be at most 128 characters')
  .refine((sub) => sub.trim() === sub, 'must not begin or end with whitespace')
  .refine(isPrintableText, printableMessage);

/**
 * The form in which identities are compared (NFKC): two `sub`s that differ only by compatibility
 * forms (full-width letters, ligatures…) are the same person for separation of duties, so one user
 * cannot count twice. Every comparison of identities goes through {@link sameIdentity}.
 */
export function identityKey(sub: string): string {
  return sub.normalize('NFKC');
}

/** Whether two `sub`s name the same user (compared in their NFKC form). */
export function sameIdentity(a: string, b: string): boolean {
  return identityKey(a) === identityKey(b);
}

/**
 * The verified caller, from JWT claims (HS256 locally, RS256 from a JWKS such as Cognito's on AWS).
 * `division` is the root of the caller's jurisdiction.
 */
export const principalSchema = z.object({
  sub: subSchema,
  roles: z.array(roleSchema).min(1),
  division: divisionCodeSchema,
  unitId: z.string().min(1).optional(),
  position: villagePositionSchema.optional(),
});
export type Principal = z.infer<typeof principalSchema>;

/**
 * Who did something, as audit records and decision records name them: a principal, or the workflow
 * acting on its own (no user, no role). Only these two fields are kept, so a stored record never
 * carries the rest of a token.
 */
export type Actor = Pick<Principal, 'sub' | 'roles'>;
