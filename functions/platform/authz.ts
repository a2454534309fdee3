import type { Principal, Role } from './principal.ts';
import { withinJurisdiction } from './registries/domain/division.ts';
import { ForbiddenError } from '../shared/errors.ts';

/**
 * Every authorization decision of the product, as data plus one pure function.
 *
 * A resource is identified for authorization by its division code (and, for assisting units, the
 * unit id). Jurisdiction is a prefix: a caller whose division is `120225` may act on `120225…`.
 * Lists are authorized as a read of the division they are scoped to.
 *
 * Denials are always 403, never a 404 that pretends the item is absent. Division and village
 * codes are public administrative codes and unit ids are random UUIDs, so a 403 reveals nothing
 * worth hiding, and one answer everywhere keeps clients and tests simple: 404 only ever means
 * "does not exist" (checked after authorization wherever the resource's division is known from
 * the request itself, so a 404 is never shown for something out of jurisdiction).
 */
export const actions = [
  'division:create',
  'division:read',
  'division:update',
  'village:create',
  'village:read',
  'village:update',
  'unit:create',
  'unit:read',
  'unit:update',
  'audit:read',
  'import:create',
  'import:read',
  'workflow:read',
  'workflow:redrive',
  'funding-policy:create',
  'funding-policy:read',
  'funding-current:read',
  'funding-current:write',
  'funding-run:start',
  'funding-run:read',
  'funding-run:decide',
  'reward-program:create',
  'reward-program:read',
  'reward-program:update',
  'reward-budget:raise',
  'reward-enterprise:create',
  'reward-enterprise:read',
  'reward-account:write',
  'reward-application:create',
  'reward-application:read',
  'reward-application:sign',
  'decision:answer',
  'pairing-term:create',
  'pairing-term:read',
  'pairing:create',
  'pairing:read',
  'pairing:update',
  'pairing-progress:write',
  // pairing: evaluation, ranking and rectification
  'pairing-evaluation:start',
  'pairing-evaluation:read',
  'pairing-evaluation:self-assess',
  'pairing-evaluation:evaluate',
  'pairing-outcomes:read',
  'pairing-ranking-policy:create',
  'pairing-ranking-policy:read',
  'pairing-ranking:run',
  'pairing-ranking:read',
  'pairing-case:read',
  'pairing-case:update',
  'pairing-case:close',
  'social-org:submit',
  'social-org:read',
  'social-org:manage',
  'social-org:import',
  'social-coverage:read',
  'social-report:write',
  'social-report:read',
  'social-report:remind',
  'social-report:township',
  'social-grading:manage',
  'social-grading:score',
  'social-grading:read',
  'social-budget:raise',
  'social-funding:read',
  'social-funding:manage',
  'social-funding:approve',
  'social-venture:read',
  'payee:read',
  'payee:propose',
  'payee:approve',
  'payment:read',
  'payment:manage',
  'notification:read',
  // -- pairing reports (结对帮扶 periodic reports): begin --
  'pairing-report:read',
  'pairing-report:file',
  'pairing-report:review',
  'pairing-report:accept',
  'pairing-period:manage',
  'pairing-view:read',
] as const;
export type Action = (typeof actions)[number];

export interface Resource {
  /** Division code the resource belongs to (for a list: the division it is scoped to). */
  readonly division: string;
  /** The assisting unit the resource belongs to, when it belongs to one. */
  readonly unitId?: string;
}

/**
 * How a role's permission is limited: to the caller's division subtree; to that subtree or anything
 * that covers the caller (a county program is read by the townships and villages it applies to);
 * or to the caller's own unit.
 */
type Scope = 'jurisdiction' | 'jurisdictionOrCovering' | 'ownUnit';

const everyoneReads: Partial<Record<Role, Scope>> = {
  admin: 'jurisdiction',
  finance: 'jurisdiction',
  township: 'jurisdiction',
  village: 'jurisdiction',
  unit: 'jurisdiction',
  auditor: 'jurisdiction',
};
const adminOnly: Partial<Record<Role, Scope>> = { admin: 'jurisdiction' };
const adminAndAuditor: Partial<Record<Role, Scope>> = { admin: 'jurisdiction', auditor: 'jurisdiction' };
const rewardReaders: Partial<Record<Role, Scope>> = { admin: 'jurisdiction', finance: 'jurisdiction', township: 'jurisdiction', village: 'jurisdiction', auditor: 'jurisdiction' };

/**
 * The policy. Registries are reference data every role may read inside its jurisdiction; only
 * admins change them. The unit registry is the exception: a unit user sees its own entry only
 * (units never see each other), and village users, whose jurisdiction is one village, have no
 * use for it. Auditors read everything in their jurisdiction and change nothing.
 */
export const policy: Readonly<Record<Action, Partial<Record<Role, Scope>>>> = {
  'division:create': adminOnly,
  'division:read': everyoneReads,
  'division:update': adminOnly,
  'village:create': adminOnly,
  'village:read': everyoneReads,
  'village:update': adminOnly,
  'unit:create': adminOnly,
  'unit:read': { admin: 'jurisdiction', finance: 'jurisdiction', township: 'jurisdiction', auditor: 'jurisdiction', unit: 'ownUnit' },
  'unit:update': adminOnly,
  'audit:read': adminAndAuditor,
  'import:create': adminOnly,
  'import:read': adminAndAuditor,
  'workflow:read': adminAndAuditor,
  // Running a failed execution again changes what happens to its subject: admins only, never auditors.
  'workflow:redrive': adminOnly,
  // Funding (村级组织运转经费): admins set policies and start runs; townships keep their villages'
  // current funding (村账镇管); finance decides runs (exclude, approve, reject) inside its jurisdiction.
  'funding-policy:create': adminOnly,
  'funding-policy:read': { admin: 'jurisdiction', finance: 'jurisdiction', township: 'jurisdiction', auditor: 'jurisdiction' },
  'funding-current:read': { admin: 'jurisdiction', finance: 'jurisdiction', township: 'jurisdiction', village: 'jurisdiction', auditor: 'jurisdiction' },
  'funding-current:write': { admin: 'jurisdiction', township: 'jurisdiction' },
  'funding-run:start': adminOnly,
  'funding-run:read': { admin: 'jurisdiction', finance: 'jurisdiction', auditor: 'jurisdiction' },
  'funding-run:decide': { finance: 'jurisdiction' },
  // Reward (以奖代补). Unit users have no part in it. Who answers a given decision is further narrowed
  // to the decision's own role; separation of duties lives in each program (programs/reward/domain/decisions.ts).
  'reward-program:create': adminOnly,
  'reward-program:read': { ...rewardReaders, township: 'jurisdictionOrCovering', village: 'jurisdictionOrCovering' },
  'reward-program:update': adminOnly,
  'reward-budget:raise': { finance: 'jurisdiction' },
  'reward-enterprise:create': { admin: 'jurisdiction', township: 'jurisdiction' },
  'reward-enterprise:read': rewardReaders,
  'reward-account:write': { township: 'jurisdiction' },
  'reward-application:create': { village: 'jurisdiction' },
  'reward-application:read': rewardReaders,
  'reward-application:sign': { village: 'jurisdiction' },
  'decision:answer': { admin: 'jurisdiction', finance: 'jurisdiction', township: 'jurisdiction', village: 'jurisdiction' },
  // Pairing assistance (结对帮扶). A pairing is authorized on its village (the division) and its
  // assisting unit: a unit user sees and acts only on its own unit's pairings, wherever the village;
  // townships and villages read the pairings of their villages; finance reads them (pledged and
  // invested funds); auditors read everything. Admins create and change pairings; the pairing's own
  // unit also records what it invested and its projects (pairing-progress:write). Terms are read by
  // everyone inside or covered by the term's jurisdiction (a county term by its townships).
  'pairing-term:create': adminOnly,
  'pairing-term:read': { ...everyoneReads, township: 'jurisdictionOrCovering', village: 'jurisdictionOrCovering', unit: 'jurisdictionOrCovering' },
  'pairing:create': adminOnly,
  'pairing:read': { admin: 'jurisdiction', finance: 'jurisdiction', township: 'jurisdiction', village: 'jurisdiction', auditor: 'jurisdiction', unit: 'ownUnit' },
  'pairing:update': adminOnly,
  'pairing-progress:write': { admin: 'jurisdiction', unit: 'ownUnit' },
  // pairing: evaluation, ranking and rectification
  // The end-of-term evaluation: admins (the county) start and evaluate, the pairing's own unit
  // assesses itself, townships give their opinion through /decisions (decision:answer). The outcome
  // statistics include the funds invested, so finance reads them. Rankings and rectification cases
  // are the county's: townships read the county's ranking (covering) and keep their villages' cases
  // (measures, re-check); only the county closes a case. A case's responsible unit reads it.
  'pairing-evaluation:start': adminOnly,
  'pairing-evaluation:read': { admin: 'jurisdiction', township: 'jurisdiction', village: 'jurisdiction', auditor: 'jurisdiction', unit: 'ownUnit' },
  'pairing-evaluation:self-assess': { unit: 'ownUnit' },
  'pairing-evaluation:evaluate': adminOnly,
  'pairing-outcomes:read': { admin: 'jurisdiction', finance: 'jurisdiction', township: 'jurisdiction', auditor: 'jurisdiction' },
  'pairing-ranking-policy:create': adminOnly,
  'pairing-ranking-policy:read': { admin: 'jurisdiction', township: 'jurisdictionOrCovering', auditor: 'jurisdiction' },
  'pairing-ranking:run': adminOnly,
  'pairing-ranking:read': { admin: 'jurisdiction', township: 'jurisdictionOrCovering', auditor: 'jurisdiction' },
  'pairing-case:read': { admin: 'jurisdiction', township: 'jurisdiction', village: 'jurisdiction', auditor: 'jurisdiction', unit: 'ownUnit' },
  'pairing-case:update': { admin: 'jurisdiction', township: 'jurisdiction' },
  'pairing-case:close': adminOnly,
  // Social organisations (村级社会组织). A village submits and corrects its own organisations and
  // files their annual reports; the township reviews filings (through /decisions), manages status,
  // imports the ones on paper, runs grading rounds and scores; finance, admins and auditors read.
  'social-org:submit': { village: 'jurisdiction' },
  'social-org:read': rewardReaders,
  'social-org:manage': { admin: 'jurisdiction', township: 'jurisdiction' },
  'social-org:import': { admin: 'jurisdiction', township: 'jurisdiction' },
  'social-coverage:read': rewardReaders,
  'social-report:write': { village: 'jurisdiction' },
  'social-report:read': rewardReaders,
  'social-report:remind': { admin: 'jurisdiction', township: 'jurisdiction' },
  // A township's annual reports of a year: read as social-report:read, and a village asks for its
  // township's list (covering) and is answered with its own village's rows only.
  'social-report:township': { ...rewardReaders, village: 'jurisdictionOrCovering' },
  'social-grading:manage': { township: 'jurisdiction' },
  'social-grading:score': { township: 'jurisdiction' },
  // A village reads its township's rounds and the published list of excellent organisations.
  'social-grading:read': { ...rewardReaders, village: 'jurisdictionOrCovering' },
  // Funding of social organisations: finance appropriates the township's budget and approves the
  // reward runs the township computes.
  'social-budget:raise': { finance: 'jurisdiction' },
  'social-funding:read': { admin: 'jurisdiction', finance: 'jurisdiction', township: 'jurisdiction', auditor: 'jurisdiction' },
  'social-funding:manage': { township: 'jurisdiction' },
  'social-funding:approve': { finance: 'jurisdiction' },
  // Venture rounds (公益创投) are read by the funding's readers and by the villages of the round's
  // township (covering), which propose in them; a village sees only its own village's proposals,
  // awards and instalments (programs/social/routes/venture.ts). Narrower than social-funding:read,
  // which also covers budgets and reward runs a village does not read.
  'social-venture:read': { admin: 'jurisdiction', finance: 'jurisdiction', township: 'jurisdiction', village: 'jurisdictionOrCovering', auditor: 'jurisdiction' },
  // Payments. Townships keep the villages' books (村账镇管), so they may propose a village's bank
  // account as finance and admins may; only finance approves one, never the person who proposed it
  // (payments/store/payee.ts). Finance alone forms, approves, exports and reconciles batches.
  'payee:read': { admin: 'jurisdiction', finance: 'jurisdiction', township: 'jurisdiction', auditor: 'jurisdiction' },
  'payee:propose': { admin: 'jurisdiction', finance: 'jurisdiction', township: 'jurisdiction' },
  'payee:approve': { finance: 'jurisdiction' },
  'payment:read': { admin: 'jurisdiction', finance: 'jurisdiction', auditor: 'jurisdiction' },
  'payment:manage': { finance: 'jurisdiction' },
  // Notifications: everyone reads (and marks read) the messages addressed to them; a message to a
  // role is addressed to a division the reader's division lies in (the county's finance bureau),
  // and the routes check the addressing itself (functions/platform/notifications/recipients.ts).
  'notification:read': { admin: 'jurisdictionOrCovering', finance: 'jurisdictionOrCovering', township: 'jurisdictionOrCovering', village: 'jurisdictionOrCovering', unit: 'jurisdictionOrCovering', auditor: 'jurisdictionOrCovering' },
  // pairing: periodic reports
  // Periodic reports of pairings, authorized like the pairing (its village and its unit): the
  // pairing's own unit files them; the township reviews those of its villages (approve or return);
  // the county accepts (admin, the Organisation Department that runs the program); finance reads
  // them (the funds invested), auditors read everything. Admins open and close periods. The views
  // (counters) are read by the same readers, a unit its own unit's rows only.
  'pairing-report:read': { admin: 'jurisdiction', finance: 'jurisdiction', township: 'jurisdiction', auditor: 'jurisdiction', unit: 'ownUnit' },
  'pairing-report:file': { unit: 'ownUnit' },
  'pairing-report:review': { township: 'jurisdiction' },
  'pairing-report:accept': adminOnly,
  'pairing-period:manage': adminOnly,
  'pairing-view:read': { admin: 'jurisdiction', finance: 'jurisdiction', township: 'jurisdiction', auditor: 'jurisdiction', unit: 'ownUnit' },
};

export type Decision = { readonly allowed: true } | { readonly allowed: false; readonly reason: string };

function permits(principal: Principal, scope: Scope, resource: Resource): boolean {
  if (scope === 'ownUnit') return principal.unitId !== undefined && resource.unitId === principal.unitId;
  if (scope === 'jurisdictionOrCovering' && withinJurisdiction(resource.division, principal.division)) return true;
  return withinJurisdiction(principal.division, resource.division);
}

/** Whether any of the caller's roles may do `action` at all (somewhere): the check made before a lookup. */
export function mayEverDo(principal: Pick<Principal, 'roles'>, action: Action): boolean {
  return principal.roles.some((role) => policy[action][role] !== undefined);
}

/** Whether `principal` may do `action` on `resource`; allowed when any of the caller's roles allows it. */
export function authorize(principal: Principal, action: Action, resource: Resource): Decision {
  const rule = policy[action];
  let roleMatched = false;
  for (const role of principal.roles) {
    const scope = rule[role];
    if (!scope) continue;
    roleMatched = true;
    if (permits(principal, scope, resource)) return { allowed: true };
  }
  if (!roleMatched) return { allowed: false, reason: `${action} is not allowed for role ${principal.roles.join(', ')}` };
  return { allowed: false, reason: `${action} on ${resource.unitId ? `unit ${resource.unitId}` : `division ${resource.division}`} is outside your jurisdiction` };
}

/** Throws 403 naming the reason unless `principal` may do `action` on `resource`. */
export function assertAllowed(principal: Principal, action: Action, resource: Resource): void {
  const decision = authorize(principal, action, resource);
  if (!decision.allowed) throw new ForbiddenError(decision.reason);
}
