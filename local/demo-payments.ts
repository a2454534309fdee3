import type { Principal } from '../functions/platform/principal.ts';
import { decideAccountChange, getPayeeAccount, listAccountChanges, proposeAccountChange } from '../functions/platform/payments/store/payee.ts';
import type { Village } from '../functions/platform/registries/domain/village.ts';

/**
 * The demo villages' collective accounts (村集体经济组织账户), so that approved payouts are
 * instructed at once; one village's account is only proposed (by its township), so the finance
 * bureau has a change of bank details to approve (or refuse) as the second person, and that
 * village's payouts wait for it, visibly.
 */
export function demoAccountNumber(code: string): string {
  return `62284800${code.slice(-11)}`;
}

export async function seedPaymentsDemo(villages: readonly Village[], pendingVillage: string): Promise<void> {
  const township: Pick<Principal, 'sub' | 'roles'> = { sub: 'demo-township-seed', roles: ['township'] };
  const finance: Pick<Principal, 'sub' | 'roles'> = { sub: 'demo-finance-seed', roles: ['finance'] };
  for (const v of villages) {
    if (await getPayeeAccount(v.code)) continue;
    if ((await listAccountChanges(v.code, { limit: 1 })).items.length > 0) continue;
    const change = await proposeAccountChange(
      { payeeId: v.code, kind: 'village', division: v.code, proposed: { accountName: `${v.name}股份经济合作社`, bank: '中国农业银行天津蓟州支行', accountNumber: demoAccountNumber(v.code), validFrom: '2026-01-01' } },
      township,
    );
    if (v.code !== pendingVillage) await decideAccountChange(v.code, change.changeId, 'approved', finance, undefined);
  }
}
