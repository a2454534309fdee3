import * as z from 'zod';
import { divisionCodeSchema } from './division.ts';
import { nameSchema } from '../../names.ts';

/** An assisting unit (帮扶单位): a city- or district-level agency, state enterprise or institution. */
export const unitLevels = ['city', 'district'] as const;
export const unitKinds = ['agency', 'enterprise', 'institution'] as const;

export const unitContactSchema = z.strictObject({
  name: nameSchema.optional(),
  phone: z.string().regex(/^\+?[0-9][0-9 -]{2,29}$/, 'must be a phone number (digits, spaces, dashes, optional leading +)').optional(),
});

export const unitInputSchema = z.strictObject({
  name: nameSchema,
  level: z.enum(unitLevels),
  kind: z.enum(unitKinds),
  /** The jurisdiction that keeps this registry entry (a county, city …), not where the unit helps. */
  division: divisionCodeSchema.refine((c) => c.length !== 12, { message: 'a unit is registered by a county or higher, not a village' }),
  contact: unitContactSchema.optional(),
});
export type UnitInput = z.infer<typeof unitInputSchema>;

export const unitSchema = unitInputSchema.extend({ id: z.uuid() });
export type Unit = z.infer<typeof unitSchema>;
