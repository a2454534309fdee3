import * as z from 'zod';
import { grades, type Grade, type OutcomeIncrement } from '../domain/evaluation.ts';
import { defineEntity } from '../../../platform/store/entity.ts';
import { updateItem, type TransactItem } from '../../../platform/store/transact.ts';

/**
 * The outcome statistics of a term (the seeds' "261 villages advanced, 220 一村一业, 417 一村一社"),
 * as counters per county and per township. They move only in the transaction that records a
 * county evaluation (store/evaluation.ts, use-cases), whose version condition fails on a repeat,
 * so each evaluation is counted exactly once and the view never scans the evaluations.
 *
 * Keys: pk `PAIRSTATS#<termId>`, sk `<division>` (county: 6 digits, township: 9), so a county's
 * township rows are a sort-key prefix of the term's partition.
 */
const gradeAttribute: Readonly<Record<Grade, string>> = { 优秀: 'gradeExcellent', 良好: 'gradeGood', 合格: 'gradePass', 不合格: 'gradeFail' };

const count = z.number().int().default(0);
export const outcomeStatsSchema = z.object({
  termId: z.string(),
  division: z.string(),
  evaluated: count,
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

/** The counter updates of one county evaluation: its county's row and its township's row. */
export function outcomeStatsUpdates(termId: string, village: string, increment: OutcomeIncrement): TransactItem[] {
  const adds: Record<string, number> = {
    evaluated: increment.evaluated,
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
