import * as z from 'zod';
import { divisionCodeSchema } from './registries/domain/division.ts';

export const roles = ['admin', 'finance', 'township', 'village', 'unit', 'auditor'] as const;
export const roleSchema = z.enum(roles);
export type Role = z.infer<typeof roleSchema>;

/** Positions of village users in the 三签一审 sign-off. */
export const villagePositions = ['handler', 'bookkeeper', 'head', 'supervisor'] as const;
export const villagePositionSchema = z.enum(villagePositions);
export type VillagePosition = z.infer<typeof villagePositionSchema>;

/**
 * The verified caller, from JWT claims (HS256 locally, RS256 from a JWKS such as Cognito's on AWS).
 * `division` is the root of the caller's jurisdiction.
 */
export const principalSchema = z.object({
  sub: z.string().min(1),
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
