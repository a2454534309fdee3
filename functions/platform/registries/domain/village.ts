import * as z from 'zod';
import { nameSchema } from '../../names.ts';

/** Categories used in Tianjin's rating of villages: 示范 (model), 创优 (improving), 强基 (strengthen the base). */
export const villageCategories = ['示范', '创优', '强基'] as const;

export const villageCodeSchema = z.string().regex(/^\d{12}$/, 'must be a 12-digit village division code');

/** A village as kept in the registry. Money is integer fen. */
export const villageSchema = z.object({
  code: villageCodeSchema,
  name: nameSchema,
  /** Registered population (people). */
  population: z.number().int().min(0).max(1_000_000),
  /** Flagged economically weak (经济薄弱村). */
  economicallyWeak: z.boolean(),
  category: z.enum(villageCategories),
  /** Current yearly operating funds of the village organisations, in fen. */
  operatingFundsFen: z.number().int().min(0).max(100_000_000_000).default(0),
});
export type Village = z.infer<typeof villageSchema>;
