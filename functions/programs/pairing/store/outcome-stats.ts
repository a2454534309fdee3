import * as z from 'zod';
import { countOnce, grades, villageOutcomeFlags, type Grade, type OutcomeIncrement } from '../domain/evaluation.ts';
import { defineEntity } from '../../../platform/store/entity.ts';
import { ifAbsent, ifVersion, named, putItem, updateItem, type TransactItem } from '../../../platform/store/transact.ts';

/**
 * The outcome statistics of a term (the seeds' "261 villages advanced, 220 一村一业, 417 一村一社"),
 * as counters per county and per township. They move only in the transaction that records a
 * county evaluation (store/evaluation.ts, use-cases), whose version condition fails on a repeat,
 * so each evaluation is counted exactly once and the view never scans the evaluations.
 *
 * Pairings evaluated, funds invested and cadres stationed count per pairing; villages, their
 * outcomes and their collective income (the latest figure) once per village and term, through a marker per village of what it has counted, written
 * in the same transaction on the version read (two pairings of one village evaluated at once: one
 * of the two answers gets a 409 and is given again).
 *
 * Keys: pk `PAIRSTATS#<termId>`, sk `<division>` (county: 6 digits, township: 9), so a county's
 * township rows are a sort-key prefix of the term's partition; the village markers sk `V#<village>`.
 */
const gradeAttribute: Readonly<Record<Grade, string>> = { 优秀: 'gradeExcellent', 良好: 'gradeGood', 合格: 'gradePass', 不合格: 'gradeFail' };

const count = z.number().int().default(0);
export const outcomeStatsSchema = z.object({
  termId: z.string(),
  division: z.string(),
  evaluated: count,
  villages: count,
  advanced: count,
  oneVillageOneIndustry: count,
  oneVillageOneCooperative: count,
  collectiveIncomeFen: count,
  investedFen: count,
  cadres: count,
  gradeExcellent: count,
  gradeGood: count,
  gradePass: count,
  gradeFail: count,
});
export type OutcomeStats = z.infer<typeof outcomeStatsSchema>;

const statsPartition = (termId: string) => `PAIRSTATS#${termId}`;

const outcomeStats = defineEntity({
  type: 'pairingOutcomeStats',
  schema: outcomeStatsSchema,
  key: (p: { termId: string; division: string }) => ({ pk: statsPartition(p.termId), sk: p.division }),
  indexes: (pattern) => ({ ofTerm: pattern({ index: 'table', partition: statsPartition }) }),
});

const villageMarkers = defineEntity({
  type: 'pairingOutcomeVillage',
  schema: z.object({ termId: z.string(), village: z.string(), counted: z.array(z.enum(villageOutcomeFlags)), collectiveIncomeFen: z.number().int(), version: z.number().int() }),
  key: (p: { termId: string; village: string }) => ({ pk: statsPartition(p.termId), sk: `V#${p.village}` }),
});

/**
 * The items of one county evaluation: its county's and its township's rows, and the village's
 * marker (on the version read, so a concurrent evaluation of the same village fails the transaction).
 */
export async function outcomeStatsItems(termId: string, village: string, perPairing: OutcomeIncrement): Promise<TransactItem[]> {
  const marker = await villageMarkers.get({ termId, village }, { consistent: true });
  const { increment, counted } = countOnce(perPairing, marker ? { flags: new Set(marker.counted), collectiveIncomeFen: marker.collectiveIncomeFen } : undefined);
  const version = (marker?.version ?? 0) + 1;
  return [
    named('village-marker', putItem(villageMarkers.item({ termId, village, counted: [...counted.flags].sort(), collectiveIncomeFen: counted.collectiveIncomeFen, version }), marker ? ifVersion(marker.version) : ifAbsent)),
    ...outcomeStatsUpdates(termId, village, increment),
  ];
}

function outcomeStatsUpdates(termId: string, village: string, increment: OutcomeIncrement): TransactItem[] {
  const adds: Record<string, number> = {
    evaluated: increment.evaluated,
    villages: increment.villages,
    advanced: increment.advanced,
    oneVillageOneIndustry: increment.oneVillageOneIndustry,
    oneVillageOneCooperative: increment.oneVillageOneCooperative,
    collectiveIncomeFen: increment.collectiveIncomeFen,
    investedFen: increment.investedFen,
    cadres: increment.cadres,
    [gradeAttribute[increment.grade]]: 1,
  };
  const names: Record<string, string> = { '#type': 'type', '#termId': 'termId', '#division': 'division' };
  const values: Record<string, unknown> = { ':type': 'pairingOutcomeStats', ':termId': termId };
  const parts = Object.entries(adds).map(([attribute, value], i) => {
    names[`#a${i}`] = attribute;
    values[`:a${i}`] = value;
    return `#a${i} :a${i}`;
  });
  return [village.slice(0, 6), village.slice(0, 9)].map((division) =>
    updateItem(outcomeStats.keyOf({ termId, division }), {
      UpdateExpression: `SET #type = :type, #termId = :termId, #division = :division ADD ${parts.join(', ')}`,
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: { ...values, ':division': division },
    }),
  );
}

/** The term's rows of a county: the county itself first, then its townships in code order. */
export async function countyOutcomeStats(termId: string, county: string): Promise<OutcomeStats[]> {
  const rows: OutcomeStats[] = [];
  for await (const row of outcomeStats.query.ofTerm.all(termId, { sort: { beginsWith: county } })) rows.push(row);
  return rows;
}

export const gradeColumns = grades.map((g) => ({ grade: g, attribute: gradeAttribute[g] as keyof OutcomeStats }));
