import { createHash } from 'node:crypto';
import type { Principal } from '../principal.ts';

/**
 * Who a notification is addressed to, and who reads it. A workflow addresses a message to
 * - `user:<sub>`: one person (the applicant);
 * - `role:<role>@<division>`: everyone of a role in a jurisdiction (`role:finance@120225`, the
 *   county's finance bureau), read by each user of that role whose division is that division or
 *   lies inside it (a township admin reads `role:admin@120225` of its county);
 * - `division:<code>`: the users of one division (`division:120225104201`, the village);
 * - `unit:<unitId>`: the users of one assisting unit (a reminder of a report the unit owes).
 *
 * A user's messages are therefore a fixed, small set of recipients (their own, each role at their
 * own division and at the county and township that cover it, their division), each its own
 * partition: listing them never scans.
 */
export type Recipient =
  | { readonly kind: 'user'; readonly sub: string }
  | { readonly kind: 'role'; readonly role: string; readonly division: string }
  | { readonly kind: 'division'; readonly division: string }
  | { readonly kind: 'unit'; readonly unitId: string };

/** The levels (code lengths) at which role messages are addressed: the county and below. */
const addressedLevels = [6, 9, 12] as const;

/** The recipients whose messages a user reads. */
export function recipientsOf(principal: Pick<Principal, 'sub' | 'roles' | 'division'> & { readonly unitId?: string | undefined }): string[] {
  const divisions = new Set([...addressedLevels.filter((n) => n < principal.division.length).map((n) => principal.division.slice(0, n)), principal.division]);
  const unit = principal.unitId !== undefined && principal.roles.includes('unit') ? [`unit:${principal.unitId}`] : [];
  return [`user:${principal.sub}`, ...principal.roles.flatMap((role) => [...divisions].map((d) => `role:${role}@${d}`)), `division:${principal.division}`, ...unit];
}

export function parseRecipient(recipient: string): Recipient | undefined {
  if (recipient.startsWith('user:') && recipient.length > 5) return { kind: 'user', sub: recipient.slice(5) };
  const role = /^role:([a-z]+)@(\d{2,12})$/.exec(recipient);
  if (role) return { kind: 'role', role: role[1]!, division: role[2]! };
  const division = /^division:(\d{2,12})$/.exec(recipient);
  if (division) return { kind: 'division', division: division[1]! };
  const unit = /^unit:([0-9a-f-]{36})$/.exec(recipient);
  if (unit) return { kind: 'unit', unitId: unit[1]! };
  return undefined;
}

/** Whether a message to `recipient` is addressed to this user. */
export function isAddressedTo(principal: Pick<Principal, 'sub' | 'roles' | 'division'> & { readonly unitId?: string | undefined }, recipient: string): boolean {
  return recipientsOf(principal).includes(recipient);
}

/** The division a recipient belongs to, for the authorization check (a user's own: the caller's). */
export function recipientDivision(recipient: Recipient, callerDivision: string): string {
  return recipient.kind === 'user' || recipient.kind === 'unit' ? callerDivision : recipient.division;
}

const plainLocalPart = /^[A-Za-z0-9_-]+(?:\.[A-Za-z0-9_-]+)*$/;

/**
 * The mail address of a recipient, under a domain whose mail server routes it to the people
 * (aliases or lists kept by the county): `role:finance@120225` → `finance.120225@<domain>`,
 * `division:120225104201` → `division.120225104201@<domain>`, `user:<sub>` → `user.<sub>@<domain>`
 * (a `sub` that is not a plain address part, e.g. with Chinese characters, becomes
 * `user.h-<24 hex digits of its SHA-256>`).
 */
export function mailAddressOf(recipient: string, domain: string): string {
  const parsed = parseRecipient(recipient);
  if (!parsed) throw new Error(`Not a recipient: ${recipient}`);
  if (parsed.kind === 'role') return `${parsed.role}.${parsed.division}@${domain}`;
  if (parsed.kind === 'division') return `division.${parsed.division}@${domain}`;
  if (parsed.kind === 'unit') return `unit.${parsed.unitId}@${domain}`;
  const local = plainLocalPart.test(parsed.sub) && parsed.sub.length <= 58 ? parsed.sub : `h-${createHash('sha256').update(parsed.sub, 'utf8').digest('hex').slice(0, 24)}`;
  return `user.${local}@${domain}`;
}
