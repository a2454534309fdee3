import { BatchWriteCommand, DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Village } from '../functions/platform/registries/domain/village.ts';
import { startBenchHost } from './support.ts';

/**
 * Import throughput: rows/s of a 20,000-village CSV through the whole path (HTTP POST → workflow on
 * the local Step Functions endpoint → validate → Map of write-page steps → finish, polled over
 * HTTP until done), against the floor of BatchWriteItem-ing the same village items straight into
 * an identical table (no validation, no audit records, no transactions, 16 requests in flight).
 * Both on one in-memory DynamoDB Local started for this run.
 */
const rows = Number(process.env.BENCH_IMPORT_ROWS ?? 20_000);
const townshipCount = 26;

function villages(count: number, offset = 0): Village[] {
  return Array.from({ length: count }, (_, k) => {
    const i = k + offset;
    return {
      code: `120225${100 + (i % townshipCount)}${200 + Math.floor(i / townshipCount)}`,
      name: `基准${i}村`,
      population: 300 + ((i * 37) % 2700),
      economicallyWeak: i % 6 === 0,
      category: (['示范', '创优', '强基'] as const)[i % 3]!,
      operatingFundsFen: 16_000_000 + (i % 9) * 50_000,
    };
  });
}

export default async function (): Promise<void> {
  const host = await startBenchHost({ table: 'bench-import', extraTables: ['bench-floor', 'bench-floor-audit'] });
  const { raw, api } = host;

  const { createDivision } = await import('../functions/platform/registries/store/division.ts');
  const seeder = { sub: 'bench', roles: ['admin' as const], division: '120225' };
  await createDivision({ code: '120225', name: '蓟州区' }, seeder);
  for (let t = 0; t < townshipCount; t++) await createDivision({ code: `120225${100 + t}`, name: `基准${t}镇` }, seeder);

  const { toVillageCsv } = await import('../functions/platform/registries/domain/village-csv.ts');
  const { villages: villageEntity } = await import('../functions/platform/registries/store/village.ts');
  const { auditItem } = await import('../functions/platform/store/audit.ts');
  const { signToken } = await import('../local/jwt.ts');
  const token = await signToken({ sub: 'bench-admin', roles: ['admin'], division: '120225' }, process.env.JWT_SECRET!);

  async function importCsv(csv: string): Promise<{ ms: number; body: Record<string, unknown> }> {
    const t0 = performance.now();
    const posted = await fetch(`${api}/imports/villages`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'text/csv' }, body: csv });
    if (posted.status !== 202) throw new Error(`POST answered ${posted.status}: ${await posted.text()}`);
    const { id } = (await posted.json()) as { id: string };
    for (;;) {
      const res = await fetch(`${api}/imports/${id}`, { headers: { authorization: `Bearer ${token}` } });
      const body = (await res.json()) as Record<string, unknown>;
      if (['succeeded', 'rejected', 'failed'].includes(String(body.status))) return { ms: performance.now() - t0, body };
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  const doc = DynamoDBDocumentClient.from(raw);
  async function batchWriteFloor(items: Record<string, unknown>[], table = 'bench-floor'): Promise<number> {
    const t0 = performance.now();
    let next = 0;
    const worker = async () => {
      for (let i = next; i < items.length; i = next) {
        next += 25;
        let requests: { PutRequest: { Item: Record<string, unknown> } }[] | undefined = items.slice(i, i + 25).map((Item) => ({ PutRequest: { Item } }));
        while (requests && requests.length > 0) {
          const out = await doc.send(new BatchWriteCommand({ RequestItems: { [table]: requests } }));
          requests = out.UnprocessedItems?.[table] as typeof requests;
        }
      }
    };
    await Promise.all(Array.from({ length: 16 }, worker));
    return performance.now() - t0;
  }
  const now = new Date().toISOString();
  const itemsOf = (vs: Village[]) => vs.map((v) => villageEntity.item({ ...v, version: 1, createdAt: now, updatedAt: now }));
  // The same items the import writes: every village and its audit record.
  const actor = { sub: 'bench', roles: ['admin' as const] };
  const itemsWithAudit = (vs: Village[]) =>
    vs.flatMap((v) => [
      villageEntity.item({ ...v, version: 1, createdAt: now, updatedAt: now }),
      auditItem({ entityType: 'village', entityId: v.code, division: v.code, action: 'village.create', actor, after: v }),
    ]);

  // Warm both paths up (JIT in Node and in DynamoDB Local's JVM) on villages not measured below.
  const warm = villages(1_000, rows);
  await importCsv(toVillageCsv(warm));
  await batchWriteFloor(itemsOf(warm));

  const input = villages(rows);
  const floorMs = await batchWriteFloor(itemsOf(input));
  const floorAuditMs = await batchWriteFloor(itemsWithAudit(input), 'bench-floor-audit');
  const csv = toVillageCsv(input);
  const { ms: importMs, body } = await importCsv(csv);
  if (body.status !== 'succeeded' || (body.counts as { created: number }).created !== rows) throw new Error(`import did not succeed: ${JSON.stringify(body)}`);
  const { ms: rerunMs, body: rerun } = await importCsv(csv);

  // Where the time went, from the execution's own history.
  const history = (await (await fetch(`${api}/workflows/executions/village-import:${String(body.id)}`, { headers: { authorization: `Bearer ${token}` } })).json()) as {
    events: { type: string; timestamp: string; state?: string }[];
  };
  const at = (type: string, state?: string) => Date.parse(history.events.find((e) => e.type === type && (!state || e.state === state))?.timestamp ?? '');
  const validateMs = at('TaskStateExited', 'Validate') - at('TaskStateEntered', 'Validate');
  const mapMs = at('MapStateExited', 'WritePages') - at('MapStateEntered', 'WritePages');

  const rate = (ms: number) => Math.round(rows / (ms / 1000));
  console.log(`rows: ${rows} (CSV ${(Buffer.byteLength(csv) / 1024).toFixed(0)} KB), pages of 500, Map concurrency 4, 49 villages per transaction`);
  console.log(`floor   BatchWriteItem of the village items:     ${(floorMs / 1000).toFixed(2)} s  ${rate(floorMs)} rows/s`);
  console.log(`floor   BatchWriteItem of villages + audit records: ${(floorAuditMs / 1000).toFixed(2)} s  ${rate(floorAuditMs)} rows/s`);
  console.log(`import  POST → workflow → succeeded (+audit):    ${(importMs / 1000).toFixed(2)} s  ${rate(importMs)} rows/s`);
  console.log(`re-run  same file, all unchanged:                ${(rerunMs / 1000).toFixed(2)} s  ${rate(rerunMs)} rows/s  counts ${JSON.stringify(rerun.counts)}`);
  console.log(`        of which Validate ${(validateMs / 1000).toFixed(2)} s, WritePages (Map) ${(mapMs / 1000).toFixed(2)} s, ${history.events.length} history events`);
  console.log(`ratio   import time / floor time: ${(importMs / floorMs).toFixed(2)}× (target ≤ 2×; the import writes 2 items per village: the village and its audit record)`);
  console.log(`ratio   import time / floor of the same items (villages + audit): ${(importMs / floorAuditMs).toFixed(2)}×`);

  await host.stop();
}
