import * as z from 'zod';
import { calendarDateSchema } from '../../../platform/calendar.ts';
import { isPrintableText, nameSchema, printableMessage } from '../../../platform/names.ts';
import { villageCodeSchema } from '../../../platform/registries/domain/village.ts';

/**
 * A village social organisation (村级社会组织): what the village files with the township (备案登记)
 * and the rules of its life cycle, as pure data and functions.
 */

/** The five categories of the seed document, and 其他 with a description. */
export const socialCategories = ['乡贤参事类', '乡风文明类', '志愿服务类', '矛盾调解类', '行业协会类', '其他'] as const;
export type SocialCategory = (typeof socialCategories)[number];

/**
 * ASCII keys of the categories, for attribute names of the coverage counters and for query
 * parameters (a Chinese attribute name works in DynamoDB, but not in every tool that reads it).
 */
export const categoryKeys = { 乡贤参事类: 'sage', 乡风文明类: 'civility', 志愿服务类: 'volunteer', 矛盾调解类: 'mediation', 行业协会类: 'trade', 其他: 'other' } as const satisfies Record<SocialCategory, string>;
export type CategoryKey = (typeof categoryKeys)[SocialCategory];
export const categoryKeyList = socialCategories.map((c) => categoryKeys[c]) as CategoryKey[];

export const organisationStatuses = ['applied', 'returned', 'refused', 'withdrawn', 'approved', 'filed', 'active', 'suspended', 'dissolved'] as const;
export type OrganisationStatus = (typeof organisationStatuses)[number];

/**
 * The statuses that count towards coverage (the 5–8 target): a filed or active organisation works;
 * an application, a suspended or a dissolved one does not.
 */
export const countedStatuses: readonly OrganisationStatus[] = ['filed', 'active'];
export const isCounted = (status: OrganisationStatus): boolean => countedStatuses.includes(status);

export const organisationEvents = ['approve', 'file', 'return', 'refuse', 'resubmit', 'withdraw', 'activate', 'suspend', 'reactivate', 'dissolve'] as const;
export type OrganisationEvent = (typeof organisationEvents)[number];

/**
 * The status machine: applied → filed → active; suspended → active again, or dissolved. Between
 * the township's approval and the filing number the organisation is `approved` (the workflow's
 * File step numbers every approved organisation of the township it finds, in one transaction).
 */
const moves: Readonly<Record<OrganisationStatus, Partial<Record<OrganisationEvent, OrganisationStatus>>>> = {
  applied: { approve: 'approved', return: 'returned', refuse: 'refused' },
  approved: { file: 'filed' },
  returned: { resubmit: 'applied', withdraw: 'withdrawn' },
  refused: {},
  withdrawn: {},
  filed: { activate: 'active', suspend: 'suspended', dissolve: 'dissolved' },
  active: { suspend: 'suspended', dissolve: 'dissolved' },
  suspended: { reactivate: 'active', dissolve: 'dissolved' },
  dissolved: {},
};

/** The status after `event`, or undefined when the machine does not allow it from `status`. */
export function nextStatus(status: OrganisationStatus, event: OrganisationEvent): OrganisationStatus | undefined {
  return moves[status][event];
}

/** Which events `status` allows (for messages). */
export function allowedEvents(status: OrganisationStatus): OrganisationEvent[] {
  return Object.keys(moves[status]) as OrganisationEvent[];
}

const printable = (max: number) => z.string().trim().min(1, 'must not be empty').max(max, `must be at most ${max} characters`).refine(isPrintableText, printableMessage);

export const leaderSchema = z.strictObject({
  name: nameSchema.max(50),
  /** 中共党员 */
  partyMember: z.boolean(),
  /** 乡贤 (returned talent) */
  returnedTalent: z.boolean(),
  /** 五老 (one of the "five elders") */
  fiveElders: z.boolean(),
});
export type Leader = z.infer<typeof leaderSchema>;

export const organisationFieldsSchema = z.strictObject({
  name: nameSchema,
  category: z.enum(socialCategories),
  /** Required for 其他, refused for the five named categories. */
  categoryDescription: printable(200).optional(),
  leader: leaderSchema,
  members: z.number().int().min(1).max(100_000),
  foundedOn: calendarDateSchema,
  /** A phone number or address: free text, printable. */
  contact: printable(100),
});

/** 其他 needs its description; the named categories take none. */
export const categoryDescribed: [(o: { category: SocialCategory; categoryDescription?: string | undefined }) => boolean, { path: string[]; message: string }] = [
  (o) => (o.category === '其他') === (o.categoryDescription !== undefined),
  { message: 'categoryDescription is required for 其他 and only for 其他', path: ['categoryDescription'] },
];

export const organisationInputSchema = z
  .strictObject({ village: villageCodeSchema, ...organisationFieldsSchema.shape })
  .refine(...categoryDescribed);
export type OrganisationInput = z.infer<typeof organisationInputSchema>;
export type OrganisationFields = Omit<OrganisationInput, 'village'>;

export const organisationIdSchema = z.string().regex(/^org-[0-9a-f-]{36}$/, 'must be an organisation id (org-…)');

/** A founding date is a day that has begun in Beijing: not in the future. */
export function foundingProblem(foundedOn: string, beijingToday: string): string | undefined {
  return foundedOn > beijingToday ? `must not be after today (${beijingToday}, Beijing time)` : undefined;
}

/** The filing number shown on the certificate: township code, year and a sequence unique within the township. */
export function filingNumber(township: string, year: number, sequence: number): string {
  return `${township}-${year}-${String(sequence).padStart(4, '0')}`;
}
