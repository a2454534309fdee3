import { Button, Card, Select, Space, Table, Tag, Typography } from 'antd';
import { useState } from 'react';
import { must, type Schemas } from '../../api/client';
import { ErrorAlert } from '../../components/ErrorAlert';
import { Yuan } from '../../components/Money';
import { useConsole, useLoad } from '../../lib/context';
import { useTownshipNames } from '../../lib/divisions';
import { name } from '../../lib/labels';
import { evaluationStatusNames } from '../../lib/pairing';
import { usePaged } from '../../lib/paged';
import { useDownload, useNames, useTermPeriod } from './shared';

type Stats = Schemas['PairingOutcomeStats'];
type Evaluation = Schemas['PairingEvaluation'];
type Status = Evaluation['status'];

/**
 * 考核评价: a term's outcome statistics by county and township (villages advanced, 一村一业, 一村一社,
 * funds invested, cadres stationed, grades) with their export, and the term's evaluations. The steps
 * themselves (self-assessment, township opinion, county evaluation) are answered from the inbox.
 */
export default function Outcomes() {
  const { user } = useConsole();
  const county = user.division.slice(0, 6);
  const townshipName = useTownshipNames(user.division);
  const names = useNames(user.division);
  const download = useDownload();
  const { termId, error, picker } = useTermPeriod(false);
  const [failure, setFailure] = useState<unknown>();
  const [status, setStatus] = useState<Status | undefined>();
  const canReadStats = user.roles.some((r) => ['admin', 'township', 'finance', 'auditor'].includes(r));
  const stats = useLoad(async (c) => (termId && canReadStats ? must(await c.GET('/pairing/terms/{id}/outcomes', { params: { path: { id: termId }, query: { county, format: 'json' } } })) : undefined), [termId, county]);
  const evaluations = usePaged(
    async (c, cursor) => (termId ? must(await c.GET('/pairing/evaluations', { params: { query: { termId, limit: 100, ...(status ? { status } : {}), ...(cursor ? { cursor } : {}) } } })) : { items: [] }),
    [termId, status],
  );
  const exportAs = async (format: 'csv' | 'xlsx') => {
    if (!termId) return;
    setFailure(undefined);
    try {
      await download(`/pairing/terms/${encodeURIComponent(termId)}/outcomes?county=${county}&format=${format}`, `outcomes.${format}`);
    } catch (err) {
      setFailure(err);
    }
  };
  // The route answers CSV and XLSX too (as text); asked for JSON, it answers the object.
  const rows = stats.data && typeof stats.data !== 'string' ? stats.data.rows : [];
  return (
    <>
      <Typography.Title level={3}>考核评价</Typography.Title>
      <ErrorAlert error={error ?? stats.error ?? failure} />
      {picker}
      {canReadStats && (
        <Card size="small" title="帮扶成效统计" extra={<Space><Button onClick={() => void exportAs('xlsx')}>导出 Excel</Button><Button onClick={() => void exportAs('csv')}>导出 CSV</Button></Space>}>
          <Table<Stats>
            rowKey="division"
            size="small"
            loading={stats.loading}
            dataSource={rows}
            pagination={false}
            scroll={{ x: 1200 }}
            columns={[
              { title: '区划', render: (_, s) => (s.division.length === 6 ? `全区（${s.division}）` : townshipName(s.division)) },
              { title: '已考核结对', dataIndex: 'evaluated' },
              { title: '已考核村', dataIndex: 'villages' },
              { title: '跨入先进行列', dataIndex: 'advanced' },
              { title: '一村一业', dataIndex: 'oneVillageOneIndustry' },
              { title: '一村一社', dataIndex: 'oneVillageOneCooperative' },
              { title: '村集体收入', align: 'right', render: (_, s) => <Yuan fen={s.collectiveIncomeFen} /> },
              { title: '投入资金', align: 'right', render: (_, s) => <Yuan fen={s.investedFen} /> },
              { title: '驻村干部', dataIndex: 'cadres' },
              { title: '优秀/良好/合格/不合格', render: (_, s) => `${s.gradeExcellent}/${s.gradeGood}/${s.gradePass}/${s.gradeFail}` },
            ]}
          />
        </Card>
      )}
      <Card size="small" title="期末考核" style={{ marginTop: 12 }}>
        <Typography.Paragraph type="secondary">单位自评、乡镇意见和县级考核在“待办事项”中办理。</Typography.Paragraph>
        <Select<Status> aria-label="考核状态" allowClear placeholder="考核状态" style={{ width: 180, marginBottom: 8 }} value={status} onChange={(v) => setStatus(v)} options={Object.entries(evaluationStatusNames).map(([value, label]) => ({ value: value as Status, label }))} />
        <ErrorAlert error={evaluations.error} />
        <Table<Evaluation>
          rowKey="id"
          size="small"
          loading={evaluations.loading}
          dataSource={[...evaluations.items]}
          pagination={false}
          scroll={{ x: 900 }}
          columns={[
            { title: '结对村', render: (_, e) => names.village(e.village) },
            { title: '帮扶单位', render: (_, e) => names.unit(e.unitId) },
            { title: '状态', render: (_, e) => <Tag>{name(evaluationStatusNames, e.status)}</Tag> },
            { title: '得分', render: (_, e) => e.county?.score ?? '—' },
            { title: '等次', render: (_, e) => (e.county ? <Tag color="blue">{e.county.grade}</Tag> : '—') },
          ]}
        />
        {evaluations.hasMore && <Button onClick={evaluations.more}>加载更多</Button>}
      </Card>
    </>
  );
}
