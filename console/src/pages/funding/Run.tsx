import { Button, Card, Descriptions, Input, Modal, Progress, Select, Space, Table, Tabs, Tag, Typography, message } from 'antd';
import { useEffect, useState } from 'react';
import { download, must, type Schemas } from '../../api/client';
import { ErrorAlert } from '../../components/ErrorAlert';
import { Wan, Yuan } from '../../components/Money';
import { useConsole, useLoad } from '../../lib/context';
import { useTownshipNames } from '../../lib/divisions';
import { beijingDateTime } from '../../lib/dates';
import { name, runStatusNames } from '../../lib/labels';
import { usePaged } from '../../lib/paged';
import { SummaryChart } from './SummaryChart';

type Allocation = Schemas['FundingAllocation'];
type Figures = NonNullable<Schemas['FundingRun']['summary']>['total'];
type Flag = 'true' | 'false';

const moving = new Set(['snapshotting', 'computing', 'disbursing']);

function summaryRows(byKey: Readonly<Record<string, Figures>> | undefined) {
  return Object.entries(byKey ?? {}).map(([key, f]) => ({ key, ...f }));
}

/** One funding run: summary by township and tier (table and chart), allocations, exclusions, approval, exports, payment progress. */
export default function Run({ id }: { readonly id: string }) {
  const { client, config, auth, user } = useConsole();
  const townshipName = useTownshipNames(user.division);
  const run = useLoad(async (c) => must(await c.GET('/funding/runs/{id}', { params: { path: { id } } })), [id]);
  const r = run.data;
  const [filter, setFilter] = useState<{ division?: string; tier?: string; excluded?: Flag; floorApplied?: Flag; capApplied?: Flag }>({});
  const allocations = usePaged(
    async (c, cursor) => must(await c.GET('/funding/runs/{id}/allocations', { params: { path: { id }, query: { limit: 100, ...filter, ...(cursor ? { cursor } : {}) } } })),
    [id, JSON.stringify(filter), r?.status],
  );
  const [error, setError] = useState<unknown>();
  const [asking, setAsking] = useState<{ what: 'exclude' | 'undo' | 'reject' | 'approve'; code?: string; label: string } | undefined>();
  const [reason, setReason] = useState('');

  // While the run computes or pays, it is read again every two seconds for its progress.
  const status = r?.status;
  useEffect(() => {
    if (!status || !moving.has(status)) return;
    const timer = setInterval(run.reload, 2000);
    return () => clearInterval(timer);
  }, [status, run.reload]);

  const act = async () => {
    if (!asking) return;
    setError(undefined);
    try {
      const text = reason.trim();
      if (asking.what === 'exclude' && asking.code) must(await client.POST('/funding/runs/{id}/exclusions', { params: { path: { id } }, body: { code: asking.code, reason: text } }));
      if (asking.what === 'undo' && asking.code) must(await client.POST('/funding/runs/{id}/exclusions/{code}/undo', { params: { path: { id, code: asking.code } }, body: { reason: text } }));
      if (asking.what === 'reject') must(await client.POST('/funding/runs/{id}/reject', { params: { path: { id } }, body: { reason: text } }));
      if (asking.what === 'approve') must(await client.POST('/funding/runs/{id}/approve', { params: { path: { id } }, body: text ? { comment: text } : {} }));
      void message.success('已完成');
      setAsking(undefined);
      setReason('');
      run.reload();
      allocations.reload();
    } catch (err) {
      setError(err);
    }
  };

  const exportAs = async (kind: 'csv' | 'xlsx') => {
    try {
      await download(config.apiUrl, `/funding/runs/${encodeURIComponent(id)}/allocations.${kind}`, await auth.token(), `${id}.${kind}`);
    } catch (err) {
      setError(err);
    }
  };

  if (!r) return <ErrorAlert error={run.error} />;
  const townships = summaryRows(r.summary?.byTownship);
  const tiers = summaryRows(r.summary?.byTier);
  const pages = r.pageCount ?? 0;
  const figureColumns = [
    { title: '村数', dataIndex: 'villages' },
    { title: '现有经费', align: 'right' as const, render: (_: unknown, f: Figures) => <Yuan fen={f.currentFen} /> },
    { title: '调整后', align: 'right' as const, render: (_: unknown, f: Figures) => <Yuan fen={f.newTotalFen} /> },
    { title: '增量', align: 'right' as const, render: (_: unknown, f: Figures) => <Yuan fen={f.topUpFen} /> },
    { title: '服务群众专项', align: 'right' as const, render: (_: unknown, f: Figures) => <Yuan fen={f.earmarkFen} /> },
    { title: '保底', dataIndex: 'floorApplied' },
    { title: '封顶', dataIndex: 'capApplied' },
  ];
  const needsReason = asking?.what !== 'approve';

  return (
    <>
      <Typography.Title level={3}>{r.policyName}</Typography.Title>
      <ErrorAlert error={run.error ?? error} />
      <Card size="small">
        <Descriptions size="small" column={{ xs: 1, md: 3 }}>
          <Descriptions.Item label="状态">
            <Tag color="blue">{name(runStatusNames, r.status)}</Tag>
            {r.dryRun && <Tag>试算</Tag>}
          </Descriptions.Item>
          <Descriptions.Item label="年度">{r.year}</Descriptions.Item>
          <Descriptions.Item label="村数">{r.villageCount ?? '—'}</Descriptions.Item>
          <Descriptions.Item label="增量合计">
            <Wan fen={r.summary?.total.topUpFen} />
          </Descriptions.Item>
          <Descriptions.Item label="应拨付（扣除排除）">
            <Wan fen={r.payableTopUpFen} />
          </Descriptions.Item>
          <Descriptions.Item label="创建时间">{beijingDateTime(r.createdAt)}</Descriptions.Item>
        </Descriptions>
        {(r.status === 'computing' || r.status === 'snapshotting') && pages > 0 && <Progress aria-label="测算进度" percent={Math.floor((r.progress.computedPages / pages) * 100)} format={() => `测算 ${r.progress.computedPages}/${pages} 页`} />}
        {(r.status === 'disbursing' || r.status === 'paid') && pages > 0 && (
          <Progress aria-label="拨付进度" percent={Math.floor((r.progress.paidPages / pages) * 100)} status={r.status === 'paid' ? 'success' : 'active'} format={() => `已拨付 ${r.progress.paidVillages} 村`} />
        )}
        {r.failure && <Typography.Text type="danger">{JSON.stringify(r.failure)}</Typography.Text>}
        <Space wrap style={{ marginTop: 8 }}>
          {r.status === 'awaiting-approval' && (
            <>
              <Button type="primary" onClick={() => setAsking({ what: 'approve', label: '审批同意' })}>
                审批同意
              </Button>
              <Button danger onClick={() => setAsking({ what: 'reject', label: '驳回' })}>
                驳回
              </Button>
            </>
          )}
          <Button onClick={() => void exportAs('xlsx')}>导出 Excel</Button>
          <Button onClick={() => void exportAs('csv')}>导出 CSV</Button>
        </Space>
      </Card>

      {r.summary && (
        <Card size="small" title="测算汇总（排除前）" style={{ marginTop: 12 }}>
          <Tabs
            items={[
              {
                key: 'township',
                label: '按乡镇',
                children: (
                  <>
                    <Table rowKey="key" size="small" pagination={false} dataSource={townships} scroll={{ x: 800 }} columns={[{ title: '乡镇', render: (_: unknown, t: Figures & { key: string }) => townshipName(t.key) }, ...figureColumns]} />
                    <SummaryChart title="各乡镇增量（万元）" rows={townships.map((t) => ({ name: townshipName(t.key).replace(/（.*/, ''), topUpFen: t.topUpFen, earmarkFen: t.earmarkFen }))} />
                  </>
                ),
              },
              {
                key: 'tier',
                label: '按档次',
                children: (
                  <>
                    <Table rowKey="key" size="small" pagination={false} dataSource={tiers} scroll={{ x: 800 }} columns={[{ title: '档次', dataIndex: 'key' }, ...figureColumns]} />
                    <SummaryChart title="各档次增量（万元）" rows={tiers.map((t) => ({ name: t.key, topUpFen: t.topUpFen, earmarkFen: t.earmarkFen }))} />
                  </>
                ),
              },
            ]}
          />
        </Card>
      )}

      <Card size="small" title="分配明细" style={{ marginTop: 12 }}>
        <Space wrap style={{ marginBottom: 8 }}>
          <Select aria-label="乡镇" allowClear placeholder="乡镇" style={{ width: 150 }} value={filter.division} onChange={(division?: string) => setFilter({ ...filter, division })} options={townships.map((t) => ({ value: t.key, label: townshipName(t.key) }))} />
          <Select aria-label="档次" allowClear placeholder="档次" style={{ width: 160 }} value={filter.tier} onChange={(tier?: string) => setFilter({ ...filter, tier })} options={tiers.map((t) => ({ value: t.key, label: t.key }))} />
          {(['excluded', 'floorApplied', 'capApplied'] as const).map((k) => (
            <Select<Flag>
              key={k}
              aria-label={{ excluded: '是否排除', floorApplied: '是否保底', capApplied: '是否封顶' }[k]}
              allowClear
              placeholder={{ excluded: '是否排除', floorApplied: '是否保底', capApplied: '是否封顶' }[k]}
              style={{ width: 120 }}
              value={filter[k]}
              onChange={(v?: Flag) => setFilter({ ...filter, [k]: v })}
              options={[
                { value: 'true', label: '是' },
                { value: 'false', label: '否' },
              ]}
            />
          ))}
        </Space>
        <ErrorAlert error={allocations.error} />
        <Table<Allocation>
          rowKey="code"
          size="small"
          loading={allocations.loading}
          dataSource={[...allocations.items]}
          pagination={false}
          scroll={{ x: 1100 }}
          columns={[
            { title: '村', render: (_, a) => `${a.name}（${a.code}）` },
            { title: '人口', dataIndex: 'population' },
            { title: '薄弱村', render: (_, a) => (a.economicallyWeak ? '是' : '否') },
            { title: '档次', dataIndex: 'tier' },
            { title: '现有经费', align: 'right', render: (_, a) => <Yuan fen={a.currentFen} /> },
            { title: '调整后', align: 'right', render: (_, a) => <Yuan fen={a.newTotalFen} /> },
            { title: '增量', align: 'right', render: (_, a) => <Yuan fen={a.topUpFen} /> },
            { title: '服务群众专项', align: 'right', render: (_, a) => <Yuan fen={a.earmarkFen} /> },
            {
              title: '排除',
              render: (_, a) =>
                a.excluded ? (
                  <Space direction="vertical" size={0}>
                    <Tag color="red">已排除</Tag>
                    <Typography.Text type="secondary">{a.excluded.reason}</Typography.Text>
                    {r.status === 'awaiting-approval' && (
                      <Button size="small" type="link" onClick={() => setAsking({ what: 'undo', code: a.code, label: `恢复 ${a.name}` })}>
                        恢复
                      </Button>
                    )}
                  </Space>
                ) : (
                  r.status === 'awaiting-approval' && (
                    <Button size="small" onClick={() => setAsking({ what: 'exclude', code: a.code, label: `排除 ${a.name}` })}>
                      排除
                    </Button>
                  )
                ),
            },
          ]}
        />
        {allocations.hasMore && <Button onClick={allocations.more}>加载更多</Button>}
      </Card>

      <Modal
        open={asking !== undefined}
        title={asking?.label}
        okText="确认"
        cancelText="取消"
        okButtonProps={{ disabled: needsReason && reason.trim().length < 2, danger: asking?.what === 'reject' || asking?.what === 'exclude' }}
        onOk={() => void act()}
        onCancel={() => setAsking(undefined)}
      >
        <ErrorAlert error={error} />
        <Input.TextArea aria-label="理由" placeholder={needsReason ? '理由（必填，至少 2 个字）' : '审批意见（选填）'} value={reason} onChange={(e) => setReason(e.target.value)} maxLength={500} />
      </Modal>
    </>
  );
}
