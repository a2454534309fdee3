import { readCsvTable, type CsvError } from '../../../platform/csv-table.ts';
import * as z from 'zod';
import { divisionCodeSchema } from '../../../platform/registries/domain/division.ts';
import { nameSchema } from '../../../platform/names.ts';
import { calendarDateSchema } from '../../../platform/calendar.ts';
import { parseYuan } from '../../../platform/money.ts';
import { rewardPolicySchema, type AnnualAccount } from './policy.ts';

/**
 * The records of the reward program besides the policy: village enterprises (村级经营性实体), their
 * annual accounts, the program itself and what a village submits. Validated as data; the store keeps
 * them, the API documents them.
 */

const villageCodeSchema = z.string().regex(/^\d{12}$/, 'must be a 12-digit village code');

export const enterpriseKinds = ['cooperative', 'company'] as const;

export const enterpriseInputSchema = z.strictObject({
  name: nameSchema,
  kind: z.enum(enterpriseKinds),
  /** The village the enterprise belongs to. */
  village: villageCodeSchema,
});
export type EnterpriseInput = z.infer<typeof enterpriseInputSchema>;

export const enterpriseIdSchema = z.string().regex(/^ent-[A-Za-z0-9-]{1,64}$/, 'must be an enterprise id (ent-…)');

/** One year's account as a township user records it (the enterprise and year come from the path). */
export const accountInputSchema = z.strictObject({
  operatingIncomeFen: z.number().int('must be a whole number of fen').min(0, 'must not be negative').max(10 ** 15, 'is too large'),
  netProfitFen: z.number().int('must be a whole number of fen').min(-(10 ** 15), 'is too small').max(10 ** 15, 'is too large'),
});
export type AccountInput = z.infer<typeof accountInputSchema>;

export const yearSchema = z.coerce.number().int('must be a calendar year').min(1990).max(2200);

export const accountsYearDescription =
  'The financial year whose year-over-year profit increase is rewarded: its accounts and the previous year’s are compared (2025 rewards the increase of 2025 over 2024, whenever the program takes applications).';

/** A program's (and its applications') accounts year; see {@link programInputSchema}. */
export const accountsYearSchema = z.number().int('must be a calendar year').min(1990).max(2200).describe(accountsYearDescription);

export const programInputSchema = z
  .strictObject({
    name: nameSchema,
    /** County (or lower) the program covers: applications come from villages inside it. */
    jurisdiction: divisionCodeSchema.refine((c) => c.length >= 6 && c.length < 12, 'must be a county or township code'),
    /**
     * The financial year whose year-over-year profit increase is rewarded: its accounts and the
     * previous year's are compared. A program opened in 2026 for the 2025 accounts has 2025. (Named
     * `accountsYear`, not `year`, because "a 2026 program" was read both ways.)
     */
    accountsYear: accountsYearSchema,
    window: z.strictObject({ opensOn: calendarDateSchema, closesOn: calendarDateSchema }).refine((w) => w.opensOn <= w.closesOn, { message: 'opensOn must not be after closesOn', path: ['closesOn'] }),
    policy: rewardPolicySchema,
  });
export type ProgramInput = z.infer<typeof programInputSchema>;

export const programIdSchema = z.string().regex(/^rp-[A-Za-z0-9-]{1,64}$/, 'must be a reward program id (rp-…)');
export const applicationIdSchema = z.string().regex(/^ra-[A-Za-z0-9-]{1,64}$/, 'must be a reward application id (ra-…)');

export const applicationInputSchema = z.strictObject({
  programId: programIdSchema,
  entityId: enterpriseIdSchema,
});
export type ApplicationInput = z.infer<typeof applicationInputSchema>;

/** Whether `day` (YYYY-MM-DD) lies in the application window. */
export function withinWindow(window: { opensOn: string; closesOn: string }, day: string): boolean {
  return day >= window.opensOn && day <= window.closesOn;
}

// ---- Accounts by CSV ----

/**
 * Accounts CSV: `entityId,year,operatingIncomeYuan,netProfitYuan` (Chinese headers 实体编号, 年度,
 * 营业收入(元), 净利润(元) accepted). Amounts are yuan with at most two decimals; net profit may be negative.
 */
const accountColumns = [
  { key: 'entityId', aliases: ['实体编号', '实体'] },
  { key: 'year', aliases: ['年度', '年份'] },
  { key: 'operatingIncomeYuan', aliases: ['营业收入(元)', '营业收入（元）', '营业收入'] },
  { key: 'netProfitYuan', aliases: ['净利润(元)', '净利润（元）', '净利润'] },
] as const;

export const maxAccountRows = 2_000;

export function parseAccountsCsv(text: string): { accounts: AnnualAccount[]; errors: CsvError[] } {
  const table = readCsvTable(text, accountColumns, { maxRows: maxAccountRows, noun: 'accounts' });
  const errors: CsvError[] = [...table.errors];
  const accounts: AnnualAccount[] = [];
  const seen = new Set<string>();
  table.rows.forEach(({ row, cells }) => {
    const cell = (k: (typeof accountColumns)[number]['key']) => cells[k];
    const before = errors.length;
    const entityId = enterpriseIdSchema.safeParse(cell('entityId'));
    if (!entityId.success) errors.push({ row, column: 'entityId', message: entityId.error.issues[0]?.message ?? 'invalid' });
    const year = yearSchema.safeParse(cell('year'));
    if (!year.success || !/^\d{4}$/.test(cell('year'))) errors.push({ row, column: 'year', message: 'must be a calendar year such as 2025' });
    const income = parseYuan(cell('operatingIncomeYuan'));
    if (!income.ok) errors.push({ row, column: 'operatingIncomeYuan', message: income.message });
    const profit = parseYuan(cell('netProfitYuan'), { signed: true });
    if (!profit.ok) errors.push({ row, column: 'netProfitYuan', message: profit.message });
    if (errors.length > before || !entityId.success || !year.success || !income.ok || !profit.ok) return;
    const key = `${entityId.data}#${year.data}`;
    if (seen.has(key)) {
      errors.push({ row, column: 'entityId', message: `${entityId.data} ${year.data} appears twice in the file` });
      return;
    }
    seen.add(key);
    const parsed = accountInputSchema.safeParse({ operatingIncomeFen: income.fen, netProfitFen: profit.fen });
    if (!parsed.success) {
      for (const issue of parsed.error.issues) errors.push({ row, column: String(issue.path[0]), message: issue.message });
      return;
    }
    accounts.push({ entityId: entityId.data, year: year.data, ...parsed.data });
  });
  return { accounts, errors };
}
