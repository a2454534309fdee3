import * as z from 'zod';
import { calendarDateSchema } from '../../../platform/calendar.ts';
import { fenSchema } from '../../../platform/money.ts';
import { nameSchema } from '../../../platform/names.ts';
import { villageCodeSchema } from '../../../platform/registries/domain/village.ts';

/**
 * A pairing (结对): an assisting unit with a village for a term, with its stationed cadres, the funds
 * pledged and invested, its projects, and the village's targets against its baseline. Pure rules
 * only; the store checks what needs the table (the unit, village and term exist, no duplicate).
 */
export const pairingLevels = ['city', 'district'] as const;
export const cadreRoles = ['first-secretary', 'team-member'] as const;
export const projectStatuses = ['planned', 'in-progress', 'done'] as const;

/** Limits that keep one pairing within one DynamoDB item. */
export const pairingLimits = { cadres: 50, investments: 500, projects: 200 } as const;

export const termIdSchema = z.string().regex(/^pt-[0-9a-f-]{36}$/, 'must be a pairing term id (pt-…)');
export const pairingIdSchema = z.string().regex(/^pp-[0-9a-f-]{36}$/, 'must be a pairing id (pp-…)');
export const partIdSchema = z.uuid('must be an id given by the server');

/** A stationed cadre (驻村干部): first secretary (第一书记) or team member, from a date, to an optional date. */
export const cadreFieldsSchema = z.strictObject({
  name: nameSchema,
  role: z.enum(cadreRoles),
  from: calendarDateSchema,
  to: calendarDateSchema.optional(),
});
/** A cadre leaves no earlier than they arrive; for every schema built on the cadre's fields. */
export const cadreDatesInOrder: [(c: { from: string; to?: string | undefined }) => boolean, { path: string[]; message: string }] = [
  (c) => c.to === undefined || c.to >= c.from,
  { path: ['to'], message: 'must not be before from' },
];
export const cadreInputSchema = cadreFieldsSchema.refine(...cadreDatesInOrder);
export type CadreInput = z.infer<typeof cadreInputSchema>;

export const projectInputSchema = z.strictObject({
  name: nameSchema,
  /** What kind of project (产业, 基础设施, 合作社 …), free text. */
  kind: nameSchema.max(40, 'must be at most 40 characters'),
  budgetFen: fenSchema,
  status: z.enum(projectStatuses),
});
export type ProjectInput = z.infer<typeof projectInputSchema>;

/** Funds actually invested: when, how much, for what, and (optionally) the project they went to. */
export const investmentInputSchema = z.strictObject({
  date: calendarDateSchema,
  amountFen: fenSchema.min(1, 'must be more than 0'),
  purpose: nameSchema.max(200, 'must be at most 200 characters'),
  projectId: partIdSchema.optional(),
});
export type InvestmentInput = z.infer<typeof investmentInputSchema>;

const flagSchema = z.strictObject({ baseline: z.boolean(), target: z.boolean() });

/**
 * The village's targets against its baseline when the pairing starts: crossing into the advanced
 * ranks (跨入先进行列), one village one industry (一村一业), one village one cooperative (一村一社), and
 * collective income in fen. A target never falls below its baseline.
 */
export const pairingTargetsSchema = z
  .strictObject({
    becomesAdvanced: z.boolean(),
    oneVillageOneIndustry: flagSchema,
    oneVillageOneCooperative: flagSchema,
    collectiveIncomeFen: z.strictObject({ baseline: fenSchema, target: fenSchema }),
  })
  .superRefine((t, ctx) => {
    for (const key of ['oneVillageOneIndustry', 'oneVillageOneCooperative'] as const) {
      if (t[key].baseline && !t[key].target) ctx.addIssue({ code: 'custom', path: [key, 'target'], message: 'must not fall below the baseline (reached already)' });
    }
    if (t.collectiveIncomeFen.target < t.collectiveIncomeFen.baseline) {
      ctx.addIssue({ code: 'custom', path: ['collectiveIncomeFen', 'target'], message: `must be at least the baseline (${t.collectiveIncomeFen.baseline} fen)` });
    }
  });
export type PairingTargets = z.infer<typeof pairingTargetsSchema>;

/** The targets of a pairing created without any (a CSV row): nothing reached, nothing aimed at yet. */
export const noTargets: PairingTargets = {
  becomesAdvanced: false,
  oneVillageOneIndustry: { baseline: false, target: false },
  oneVillageOneCooperative: { baseline: false, target: false },
  collectiveIncomeFen: { baseline: 0, target: 0 },
};

/** What an admin gives to create a pairing. */
export const pairingInputSchema = z.strictObject({
  termId: termIdSchema,
  unitId: z.uuid('must be a registered unit id'),
  village: villageCodeSchema,
  level: z.enum(pairingLevels),
  pledgedFenPerYear: fenSchema,
  cadres: z.array(cadreInputSchema).max(pairingLimits.cadres, `must have at most ${pairingLimits.cadres} cadres`).optional(),
  targets: pairingTargetsSchema.optional(),
});
export type PairingInput = z.infer<typeof pairingInputSchema>;

/** What a PUT of the pairing replaces (the unit, village and term never change: that is another pairing). */
export const pairingChangeSchema = z.strictObject({
  level: z.enum(pairingLevels),
  pledgedFenPerYear: fenSchema,
  targets: pairingTargetsSchema,
});
export type PairingChange = z.infer<typeof pairingChangeSchema>;

/** Whether a village lies inside the term's jurisdiction. */
export function villageInTerm(village: string, termDivision: string): boolean {
  return village.startsWith(termDivision);
}

/** Whether a date falls inside the term's years (cadres and investments are dated within it). */
export function dateInTerm(date: string, term: { firstYear: number; lastYear: number }): boolean {
  const year = Number(date.slice(0, 4));
  return year >= term.firstYear && year <= term.lastYear;
}

/** The cadre problems against the term, field named (`cadres.<i>.from`), for a 400. */
export function cadreProblems(cadres: readonly CadreInput[], term: { firstYear: number; lastYear: number }, field = 'cadres'): { field: string; message: string }[] {
  const problems: { field: string; message: string }[] = [];
  cadres.forEach((c, i) => {
    const at = field === 'cadres' ? `${field}.${i}` : field;
    if (!dateInTerm(c.from, term)) problems.push({ field: `${at}.from`, message: `must fall within the term's years ${term.firstYear}–${term.lastYear}` });
    if (c.to !== undefined && !dateInTerm(c.to, term)) problems.push({ field: `${at}.to`, message: `must fall within the term's years ${term.firstYear}–${term.lastYear}` });
  });
  return problems;
}
