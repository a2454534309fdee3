import * as z from 'zod';
import { calendarDateSchema } from '../calendar.ts';
import { withinJurisdiction } from '../registries/domain/division.ts';
import { roleSchema } from '../principal.ts';
import { decisionKindSchema } from './kind.ts';

/**
 * What narrows an inbox (the console's filters, and what a selection snapshots): the module a
 * decision belongs to, its kind, the township it lies in, and its deadline. Pure rules only: the
 * store turns the result of {@link inboxConditions} into a DynamoDB filter.
 */
export const inboxFilterSchema = z.strictObject({
  /** Which of the caller's roles to list for (default: their first). */
  role: roleSchema.optional(),
  /** Only for a caller above county level: inboxes are kept per county. */
  county: z.string().regex(/^\d{6}$/, 'must be a county code (6 digits)').optional(),
  /** The module (program) a decision belongs to: the prefix of its kind (`reward`, `funding`, `payments`). */
  program: z.string().regex(/^[a-z][a-z0-9-]{0,39}$/, 'must be a module name such as reward, funding or payments').optional(),
  kind: decisionKindSchema.max(80).optional(),
  /** A township (9 digits): only decisions whose division lies in it. */
  township: z.string().regex(/^\d{9}$/, 'must be a township code (9 digits)').optional(),
  /** Only decisions whose deadline falls on or before this day, in Beijing time. */
  dueBy: calendarDateSchema.optional(),
  /** Only decisions whose deadline has passed. */
  overdue: z.boolean().optional(),
});
export type InboxFilter = z.infer<typeof inboxFilterSchema>;

/** The instant a Beijing calendar day starts (UTC+8 all year), as UTC ISO-8601. */
export function beijingDayStart(date: string): string {
  return new Date(`${date}T00:00:00+08:00`).toISOString();
}

/** The Beijing calendar day after `date`. */
function nextDay(date: string): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + 1);
  return d.toISOString().slice(0, 10);
}

/**
 * Deadlines are stored as UTC instants: "due by 31 March" means before 1 April 00:00 in Beijing
 * (31 March 16:00 UTC), and "overdue" before now. Both given: the earlier bound. Undefined: no
 * deadline filter. ISO instants of one format compare correctly as strings.
 */
export function deadlineBound(filter: Pick<InboxFilter, 'dueBy' | 'overdue'>, now: Date): string | undefined {
  const bounds = [filter.dueBy === undefined ? undefined : beijingDayStart(nextDay(filter.dueBy)), filter.overdue ? now.toISOString() : undefined].filter((b): b is string => b !== undefined);
  return bounds.length === 0 ? undefined : bounds.reduce((a, b) => (a < b ? a : b));
}

export type FilterProblem = { readonly field: 'kind' | 'township' | 'overdue'; readonly message: string; readonly forbidden?: boolean };

/** What the store filters on: a kind (exact or prefix), a division prefix, a deadline bound. */
export interface InboxConditions {
  readonly kind?: string | { readonly beginsWith: string };
  /** The division prefix to list (the caller's scope, narrowed to a township). */
  readonly division: string;
  readonly deadlineBefore?: string;
}

/**
 * The conditions of `filter` for a caller whose listing scope is `scope` (their division, or the
 * county they named), or the problem that makes the filter unusable: a kind of another program, a
 * township outside the scope (403: it is not the caller's to list), `overdue=false` (not a filter).
 */
export function inboxConditions(filter: InboxFilter, scope: string, now: Date): InboxConditions | FilterProblem {
  if (filter.kind !== undefined && filter.program !== undefined && !filter.kind.startsWith(`${filter.program}.`)) {
    return { field: 'kind', message: `must be a kind of program ${filter.program} (${filter.program}.<step>)` };
  }
  if (filter.overdue === false) return { field: 'overdue', message: 'only overdue=true filters; leave it out to list every deadline' };
  let division = scope;
  if (filter.township !== undefined) {
    if (withinJurisdiction(scope, filter.township)) division = filter.township;
    else if (!withinJurisdiction(filter.township, scope)) return { field: 'township', message: `${filter.township} is outside your jurisdiction`, forbidden: true };
  }
  const kind = filter.kind ?? (filter.program !== undefined ? { beginsWith: `${filter.program}.` } : undefined);
  const deadlineBefore = deadlineBound(filter, now);
  return { division, ...(kind !== undefined ? { kind } : {}), ...(deadlineBefore !== undefined ? { deadlineBefore } : {}) };
}
