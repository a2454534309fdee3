import { Button, Card, Descriptions, Select, Space, Table, Tag, Typography } from 'antd';
import { useState } from 'react';
import { must, type Schemas } from '../../api/client';
import { ErrorAlert } from '../../components/ErrorAlert';
import { LinkButton } from '../../components/LinkButton';
import { Yuan } from '../../components/Money';
import { useConsole, useLoad } from '../../lib/context';
import { useTownships } from '../../lib/divisions';
import { name } from '../../lib/labels';
import { levelNames, periodTypeNames } from '../../lib/pairing';
import { usePaged } from '../../lib/paged';
import { navigate } from '../../lib/router';
import { useNames } from './shared';

type Term = Schemas['PairingTerm'];
type Pairing = Schemas['Pairing'];

function dueText(rule: Term['schedule'][number]): string {
  const due = rule.due;
  if (due.kind === 'days-after-end') return `期末后 ${due.days} 天内`;
  return `${due.monthInPeriod ? `期内第 ${due.monthInPeriod} 个月` : '当月'} ${due.day} 日前`;
}

/** The terms (帮扶周期) the user may read; one opens its pairings. With `id`: that term and its pairings, filtered by township, unit and level. */
export default function Terms({ id }: { readonly id?: string }) {
  if (id) return <TermPairings id={id} />;
  return <TermList />;
}

function TermList() {
  const list = usePaged(async (c, cursor) => must(await c.GET('/pairing/terms', { params: { query: { limit: 100, ...(cursor ? { cursor } : {}) } } })), []);
  return (
    <>
      <Typography.Title level={3}>帮扶周期与结对</Typography.Title>
      <ErrorAlert error={list.error} />
      <Table<Term>
        rowKey="id"
        loading={list.loading}
        dataSource={[...list.items]}
        pagination={false}
        scroll={{ x: 900 }}
        columns={[
          { title: '帮扶周期', render: (_, t) => <LinkButton onClick={() => navigate(`/pairing/terms/${t.id}`)}>{t.name}</LinkButton> },
          { title: '区划', dataIndex: 'division' },
          { title: '年度', render: (_, t) => `${t.firstYear}—${t.lastYear}` },
          { title: '报告制度', render: (_, t) => t.schedule.map((r) => `${name(periodTypeNames, r.periodType)}：${dueText(r)}`).join('；') },
          { title: '目标', render: (_, t) => `跨入先进 ${t.targets.advancedVillages} 村，一村一业 ${t.targets.oneVillageOneIndustry}，一村一社 ${t.targets.oneVillageOneCooperative}` },
        ]}
      />
      {list.hasMore && <Button onClick={list.more}>加载更多</Button>}
    </>
  );
}

function TermPairings({ id }: { readonly id: string }) {
  const { user } = useConsole();
  const term = useLoad(async (c) => must(await c.GET('/pairing/terms/{id}', { params: { path: { id } } })), [id]);
  const townships = useTownships(user.division);
  const names = useNames(user.division);
  const [division, setDivision] = useState<string | undefined>();
  const [unitId, setUnitId] = useState<string | undefined>();
  const [level, setLevel] = useState<Pairing['level'] | undefined>();
  const list = usePaged(
    async (c, cursor) => must(await c.GET('/pairing/pairings', { params: { query: { termId: id, limit: 100, ...(division ? { division } : {}), ...(unitId ? { unitId } : {}), ...(cursor ? { cursor } : {}) } } })),
    [id, division, unitId],
  );
  // The API filters by jurisdiction and unit; the level is narrowed here, on the pages loaded.
  const shown = list.items.filter((p) => !level || p.level === level);
  const t = term.data;
  return (
    <>
      <Typography.Title level={3}>{t?.name ?? '帮扶周期'}</Typography.Title>
      <ErrorAlert error={term.error ?? list.error} />
      {t && (
        <Card size="small" style={{ marginBottom: 12 }}>
          <Descriptions size="small" column={{ xs: 1, md: 3 }}>
            <Descriptions.Item label="区划">{t.division}</Descriptions.Item>
            <Descriptions.Item label="年度">
              {t.firstYear}—{t.lastYear}
            </Descriptions.Item>
            <Descriptions.Item label="村集体收入目标">
              <Yuan fen={t.targets.collectiveIncomeFen} />
            </Descriptions.Item>
          </Descriptions>
        </Card>
      )}
      <Space wrap style={{ marginBottom: 12 }}>
        <Select aria-label="乡镇" allowClear placeholder="乡镇" style={{ width: 200 }} value={division} onChange={(v?: string) => setDivision(v)} options={townships.codes.map((c) => ({ value: c, label: townships.name(c) }))} />
        <Select aria-label="帮扶单位" allowClear showSearch optionFilterProp="label" placeholder="帮扶单位" style={{ width: 280 }} value={unitId} onChange={(v?: string) => setUnitId(v)} options={[...names.units]} />
        <Select<Pairing['level']> aria-label="层级" allowClear placeholder="层级" style={{ width: 120 }} value={level} onChange={(v) => setLevel(v)} options={[{ value: 'city', label: '市级' }, { value: 'district', label: '区级' }]} />
      </Space>
      <Table<Pairing>
        rowKey="id"
        loading={list.loading}
        dataSource={shown}
        pagination={false}
        scroll={{ x: 1000 }}
        columns={[
          { title: '结对村', render: (_, p) => <LinkButton onClick={() => navigate(`/pairing/pairings/${p.id}`)}>{names.village(p.village)}</LinkButton> },
          { title: '帮扶单位', render: (_, p) => names.unit(p.unitId) },
          { title: '层级', render: (_, p) => <Tag>{name(levelNames, p.level)}</Tag> },
          { title: '年承诺资金', align: 'right', render: (_, p) => <Yuan fen={p.pledgedFenPerYear} /> },
          { title: '已投入资金', align: 'right', render: (_, p) => <Yuan fen={p.investments.reduce((s, i) => s + i.amountFen, 0)} /> },
          { title: '驻村干部', render: (_, p) => p.cadres.length },
          { title: '项目', render: (_, p) => p.projects.length },
        ]}
      />
      {list.hasMore && <Button onClick={list.more}>加载更多</Button>}
    </>
  );
}
