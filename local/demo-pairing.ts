import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { ddb, tableName } from '../functions/shared/clients.ts';
import type { Actor } from '../functions/platform/principal.ts';
import { addDays, periodContaining } from '../functions/programs/pairing/domain/period.ts';
import { dueDate, lateFrom, reportingPeriod, tianjinSchedule } from '../functions/programs/pairing/domain/schedule.ts';
import type { ReportFiling } from '../functions/programs/pairing/domain/report.ts';
import { acceptPeriod, fileReport, openPeriod, reviewReport, sweepOverdue } from '../functions/programs/pairing/report-use-cases.ts';
import { createPairing, getPairing, newPairingRecord } from '../functions/programs/pairing/store/pairing.ts';
import { getReport } from '../functions/programs/pairing/store/report.ts';
import { createTerm, getTerm } from '../functions/programs/pairing/store/term.ts';
import { demoUnitId } from './demo-data.ts';

/**
 * Pairing assistance (结对帮扶) in the demo district: the units paired with its ten weak villages for
 * 2025–2028 under Tianjin's schedule (monthly by the 28th, half-year by 5 July / 5 January), and two
 * monthly periods opened around today: the one a unit reports on now (all expected, one of them
 * filed and waiting for 下营镇's review), and the month before, past due, with a report in every
 * state (on time, late, nil, returned, approved, accepted, missing). So after `npm start` the demo
 * unit (天津港) has reports to file and one to correct, the 下营镇 township one to review, and the
 * county approved reports to accept. Runs through the same use cases as the API, with fixed ids;
 * a marker item says when it is done, so later starts leave it alone.
 */
export const demoPairingTermId = `pt-${demoUnitId('pairing-term-2025-2028')}`;
const markerKey = { pk: 'DEMO#pairing', sk: 'DEMO' };

type QState = 'returned' | 'missing' | 'approved' | 'accepted' | 'late' | 'nil-approved' | 'on-time' | 'late-approved';

/** [village, unit, state of last month's report, state of this month's ('filed' or 'expected')]. */
const demoPairings: readonly [string, string, QState, 'filed' | 'expected'][] = [
  ['120225104203', '天津港（集团）有限公司', 'returned', 'expected'],
  ['120225100203', '天津港（集团）有限公司', 'missing', 'expected'],
  ['120225104205', '天津农村商业银行', 'approved', 'filed'],
  ['120225100204', '天津市农业农村委员会', 'accepted', 'expected'],
  ['120225102202', '天津市财政局', 'approved', 'expected'],
  ['120225102205', '天津市委组织部', 'late', 'expected'],
  ['120225103204', '天津医科大学总医院', 'nil-approved', 'expected'],
  ['120225103205', '天津农学院', 'missing', 'expected'],
  ['120225105204', '蓟州区农业农村委员会', 'on-time', 'expected'],
  ['120225122203', '蓟州区财政局', 'late-approved', 'expected'],
];

const values = (n: number): ReportFiling => ({
  investedFen: 1_000_000 * (n + 1),
  cadreDays: 20 + n,
  projectsStarted: n % 2,
  projectsFinished: n % 3 === 0 ? 1 : 0,
  collectiveIncomeToDateFen: 3_000_000 + 250_000 * n,
  narrative: '第一书记吃住在村，推进食用菌大棚和民宿合作社项目。',
});

export async function seedPairingDemo(seeder: Actor, now = new Date()): Promise<void> {
  const { Item } = await ddb().send(new GetCommand({ TableName: tableName(), Key: markerKey, ConsistentRead: true }));
  if (Item) return;
  let term = await getTerm(demoPairingTermId, true);
  term ??= await createTerm(
    {
      name: '蓟州区结对帮扶（2025—2028）',
      division: '120225',
      firstYear: 2025,
      lastYear: 2028,
      schedule: tianjinSchedule,
      targets: { advancedVillages: 4, oneVillageOneIndustry: 6, oneVillageOneCooperative: 8, collectiveIncomeFen: 100_000_000 },
    },
    seeder,
    { id: demoPairingTermId, now: new Date('2025-01-01T00:00:00+08:00') },
  );
  const ids: string[] = [];
  for (const [n, [village, unit]] of demoPairings.entries()) {
    const id = `pp-${demoUnitId(`pairing-${village}-${unit}`)}`;
    ids.push(id);
    if (await getPairing(id, true)) continue;
    const record = newPairingRecord(
      {
        termId: term.id,
        unitId: demoUnitId(unit),
        village,
        level: n < 7 ? 'city' : 'district',
        pledgedFenPerYear: 30_000_000 + 5_000_000 * n,
        cadres: [{ name: ['张伟', '李强', '王芳', '刘洋', '陈静', '杨帆', '赵磊', '黄敏', '周杰', '吴桐'][n]!, role: 'first-secretary', from: '2025-03-01' }],
        targets: {
          becomesAdvanced: n % 3 === 0,
          oneVillageOneIndustry: { baseline: false, target: true },
          oneVillageOneCooperative: { baseline: n % 2 === 0, target: true },
          collectiveIncomeFen: { baseline: 2_000_000, target: 10_000_000 },
        },
      },
      seeder,
      id,
      new Date('2025-01-01T00:00:00+08:00'),
      { targets: { becomesAdvanced: false, oneVillageOneIndustry: { baseline: false, target: false }, oneVillageOneCooperative: { baseline: false, target: false }, collectiveIncomeFen: { baseline: 0, target: 0 } } },
    );
    await createPairing(record, seeder);
  }

  const monthly = tianjinSchedule[0]!;
  const current = reportingPeriod(monthly, now);
  const previous = periodContaining('monthly', addDays(current.start, -1));
  const previousDue = dueDate(monthly, previous);
  // The demo only runs inside the term (2025–2028).
  if (previous.year < term.firstYear || current.year > term.lastYear) return;
  await openPeriod(term, previous.id, seeder, now);
  await openPeriod(term, current.id, seeder, now);

  const onTime = new Date(`${addDays(previousDue, -2)}T12:00:00+08:00`);
  const late = lateFrom(previousDue);
  const township = (village: string): Actor => ({ sub: `demo-township-${village.slice(0, 9)}`, roles: ['township'] });
  const unitActor = (unit: string): Actor => ({ sub: unit === '天津港（集团）有限公司' ? 'demo-unit' : `demo-unit-${demoUnitId(unit).slice(0, 8)}`, roles: ['unit'] });
  for (const [n, [village, unit, q, p]] of demoPairings.entries()) {
    const pairingId = ids[n]!;
    const last = await getReport(`${pairingId}~${previous.id}`);
    if (last && last.status === 'expected' && q !== 'missing') {
      const nil = q === 'nil-approved';
      const at = q === 'late' || q === 'late-approved' ? late : onTime;
      const filed = await fileReport(last, nil ? { nil: true, narrative: '本月无新增进展。' } : values(n), unitActor(unit), at);
      if (q === 'returned') await reviewReport(filed, 'return', '请补充投入资金的用途和项目明细', township(village), new Date(at.getTime() + 86_400_000));
      if (q === 'approved' || q === 'accepted' || q === 'nil-approved' || q === 'late-approved') await reviewReport(filed, 'approve', undefined, township(village), new Date(Math.min(now.getTime(), at.getTime() + 86_400_000)));
    }
    const this_ = await getReport(`${pairingId}~${current.id}`);
    if (this_ && this_.status === 'expected' && p === 'filed') await fileReport(this_, values(n), unitActor(unit), now);
  }
  await sweepOverdue(term.id, previous.id, seeder, now);
  // The county accepted 渔阳镇's approved reports (东后子峪村's missing one is the exception); the other townships' wait for it.
  await acceptPeriod(term.id, previous.id, '120225100', seeder, now);
  await ddb().send(new PutCommand({ TableName: tableName(), Item: { ...markerKey, type: 'demoPairing', seededAt: now.toISOString(), periods: [previous.id, current.id] } }));
}
