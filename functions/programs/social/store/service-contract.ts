import * as z from 'zod';
import type { Actor } from '../../../platform/principal.ts';
import { auditPut } from '../../../platform/store/audit.ts';
import { defineEntity } from '../../../platform/store/entity.ts';
import { ledgerEntries, ledgerEntryPut } from '../../../platform/store/ledger.ts';
import { payoutCreateItems, preparePayouts } from '../../../platform/payments/store/payout.ts';
import { ifAbsent, ifVersion, named, putItem, TransactionConditionFailed, writeTransaction } from '../../../platform/store/transact.ts';
import { ConflictError, NotFoundError } from '../../../shared/errors.ts';
import { faultRandom, maybeFail } from '../../../shared/faults.ts';
import type { Page, PageRequest } from '../../../platform/store/pagination.ts';
import { spendBudget } from './budget.ts';

/**
 * Purchase of services (购买服务): a contract of the township with an organisation, pk
 * `SOCIAL_CONTRACT#<id>`, sk `CONTRACT`, with its deliverables inside. Accepting a deliverable and
 * paying its instalment are one transaction: the contract (conditioned on its version), the ledger
 * entry (`<contract>#<n>`), the payout and the budget's conditional spend, so an instalment is paid
 * once, only after its acceptance, and never beyond the budget.
 *
 * Listed per township on gsi1 (`SOCIAL_CONTRACTS#<township>`) and per township and organisation on
 * gsi2 (`SOCIAL_ORG_CONTRACTS#<township>#<organisationId>`), both sorted `<year>#<createdAt>#<id>`:
 * the township's contracts, or one organisation's, optionally of one year, are one Query newest first.
 * The township is in the organisation's partition so that naming an organisation can never reach
 * past the township the caller was authorized for.
 */
export const deliverableSchema = z.object({
  n: z.number().int().min(1),
  description: z.string(),
  amountFen: z.number().int(),
  dueOn: z.string(),
  acceptedBy: z.string().optional(),
  acceptedAt: z.string().optional(),
  payoutId: z.string().optional(),
});
export const serviceContractSchema = z.object({
  id: z.string(),
  township: z.string(),
  year: z.number().int(),
  organisationId: z.string(),
  village: z.string(),
  organisationName: z.string(),
  title: z.string(),
  deliverables: z.array(deliverableSchema),
  totalFen: z.number().int(),
  status: z.enum(['active', 'completed']),
  createdBy: z.string(),
  version: z.number().int().min(1),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type ServiceContract = z.infer<typeof serviceContractSchema>;

const contractSort = (c: { year: number; createdAt: string; id: string }) => `${c.year}#${c.createdAt}#${c.id}`;
export const serviceContracts = defineEntity({
  type: 'socialServiceContract',
  schema: serviceContractSchema,
  key: (p: { id: string }) => ({ pk: `SOCIAL_CONTRACT#${p.id}`, sk: 'CONTRACT' }),
  indexes: (pattern) => ({
    byTownship: pattern({ index: 'gsi1', partition: (township: string) => `SOCIAL_CONTRACTS#${township}`, place: (c) => ({ partition: c.township, sort: contractSort(c) }) }),
    byOrganisation: pattern({
      index: 'gsi2',
      partition: (p: { township: string; organisationId: string }) => `SOCIAL_ORG_CONTRACTS#${p.township}#${p.organisationId}`,
      place: (c) => ({ partition: { township: c.township, organisationId: c.organisationId }, sort: contractSort(c) }),
    }),
  }),
});

/** A page of the township's contracts (one organisation's, one year's when given), newest first. */
export function listContracts(township: string, filter: { year?: number | undefined; organisationId?: string | undefined }, page: PageRequest): Promise<Page<ServiceContract>> {
  const options = { newestFirst: true, sortPrefix: filter.year === undefined ? undefined : `${filter.year}#` };
  return filter.organisationId === undefined ? serviceContracts.query.byTownship.page(township, page, options) : serviceContracts.query.byOrganisation.page({ township, organisationId: filter.organisationId }, page, options);
}

export async function requireContract(id: string): Promise<ServiceContract> {
  const contract = await serviceContracts.get({ id }, { consistent: true });
  if (!contract) throw new NotFoundError(`Service contract ${id} does not exist`);
  return contract;
}

export async function createContract(contract: ServiceContract, actor: Actor): Promise<ServiceContract> {
  await writeTransaction([putItem(serviceContracts.item(contract), ifAbsent), auditPut({ entityType: 'social-organisation', entityId: contract.organisationId, division: contract.village, action: 'social-service-contract.create', actor, after: contract })]);
  return contract;
}

/** Accept deliverable `n` and pay its instalment (see above); a repeat returns the contract as it is. */
export async function acceptDeliverable(contract: ServiceContract, n: number, actor: Actor, now = new Date()): Promise<ServiceContract> {
  const deliverable = contract.deliverables.find((d) => d.n === n);
  if (!deliverable) throw new NotFoundError(`Service contract ${contract.id} has no deliverable ${n}`);
  if (deliverable.acceptedAt) return contract;
  const entry = { program: 'social', programId: contract.id, sourceId: `${contract.id}#${n}`, division: contract.village, amountFen: deliverable.amountFen, purpose: `购买服务 ${contract.title} 第${n}期` };
  const [payout] = await preparePayouts([{ ...entry, payeeId: contract.organisationId, subject: { type: 'social-service-contract', id: contract.id, path: `/social/service-contracts/${contract.id}` }, ledgerKey: ledgerEntries.keyOf(entry), approvedAt: now }], now);
  if (!payout) throw new Error('no payout prepared');
  const deliverables = contract.deliverables.map((d) => (d.n === n ? { ...d, acceptedBy: actor.sub, acceptedAt: now.toISOString(), payoutId: payout.payoutId } : d));
  const next: ServiceContract = { ...contract, deliverables, status: deliverables.every((d) => d.acceptedAt) ? 'completed' : 'active', version: contract.version + 1, updatedAt: now.toISOString() };
  try {
    await writeTransaction([
      named('contract', putItem(serviceContracts.item(next), ifVersion(contract.version))),
      auditPut({ entityType: 'social-organisation', entityId: contract.organisationId, division: contract.village, action: 'social-service-contract.accept', actor, after: { contractId: contract.id, n, amountFen: deliverable.amountFen }, at: now }),
      spendBudget(contract.township, contract.year, deliverable.amountFen, now),
      ledgerEntryPut(entry),
      ...payoutCreateItems(payout, actor, now),
    ]);
  } catch (err) {
    if (!(err instanceof TransactionConditionFailed)) throw err;
    if (err.failed.includes('budget')) throw new ConflictError(`The township's ${contract.year} budget does not cover instalment ${n} (${deliverable.amountFen} fen); nothing was accepted`);
    const again = await requireContract(contract.id);
    if (again.deliverables.find((d) => d.n === n)?.acceptedAt) return again;
    throw new ConflictError(`Service contract ${contract.id} was changed concurrently; read it again`);
  }
  maybeFail('social-service-pay', faultRandom('social-service-pay', `${contract.id}#${n}`));
  return next;
}
