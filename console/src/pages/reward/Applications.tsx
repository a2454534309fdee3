import { Button, Input, Select, Space, Table, Tag, Typography } from 'antd';
import { useState } from 'react';
import { must, type Schemas } from '../../api/client';
import type { paths } from '../../api/schema';
import { ErrorAlert } from '../../components/ErrorAlert';
import { Yuan } from '../../components/Money';
import { useConsole, useLoad } from '../../lib/context';
import { beijingDateTime } from '../../lib/dates';
import { applicationStatusNames, name } from '../../lib/labels';
import { usePaged } from '../../lib/paged';
import { navigate, useRoute } from '../../lib/router';

type Application = Schemas['RewardApplication'];
type Status = NonNullable<NonNullable<paths['/reward/applications']['get']['parameters']['query']>['status']>;

/** Reward applications with filters (program, status, division); a row opens the application. */
export default function Applications() {
  const { user } = useConsole();
  const route = useRoute();
  const fromRoute = new URLSearchParams(route.split('?')[1] ?? '').get('programId') ?? undefined;
  const programs = useLoad(async (c) => must(await c.GET('/reward/programs', { params: { query: { limit: 100 } } })).items, []);
  const [chosen, setChosen] = useState<string | undefined>(fromRoute);
  // The API lists one program's applications at a time: the newest program until one is chosen.
  const programId = chosen ?? programs.data?.[0]?.id;
  const [status, setStatus] = useState<Status | undefined>();
  const [division, setDivision] = useState<string>(user.division);
  const list = usePaged(
    async (c, cursor) =>
      programId
        ? must(await c.GET('/reward/applications', { params: { query: { limit: 100, division, programId, ...(status ? { status } : {}), ...(cursor ? { cursor } : {}) } } }))
        : { items: [] },
    [programId, status, division],
  );
  return (
    <>
      <Typography.Title level={3}>奖补申请</Typography.Title>
      <ErrorAlert error={list.error ?? programs.error} />
      <Space wrap style={{ marginBottom: 12 }}>
        <Select aria-label="项目" placeholder="项目" style={{ width: 360, maxWidth: '90vw' }} value={programId} onChange={(v: string) => setChosen(v)} options={(programs.data ?? []).map((p) => ({ value: p.id, label: p.name }))} />
        <Select<Status> aria-label="状态" allowClear placeholder="状态" style={{ width: 180 }} value={status} onChange={(v) => setStatus(v)} options={Object.entries(applicationStatusNames).map(([value, label]) => ({ value: value as Status, label }))} />
        <Input.Search aria-label="区划代码" placeholder="区划代码" defaultValue={division} onSearch={(v) => setDivision(v.trim() || user.division)} style={{ width: 200 }} />
      </Space>
      <Table<Application>
        rowKey="id"
        loading={list.loading}
        dataSource={[...list.items]}
        pagination={false}
        scroll={{ x: 900 }}
        onRow={(a) => ({ onClick: () => navigate(`/reward/applications/${a.id}`), style: { cursor: 'pointer' } })}
        columns={[
          { title: '经营主体', render: (_, a) => <a href={`#/reward/applications/${a.id}`}>{a.entityName}</a> },
          { title: '村', dataIndex: 'village' },
          { title: '年度', dataIndex: 'accountsYear' },
          { title: '奖补金额', align: 'right', render: (_, a) => <Yuan fen={a.amountFen} /> },
          { title: '状态', render: (_, a) => <Tag>{name(applicationStatusNames, a.status)}</Tag> },
          { title: '更新时间', render: (_, a) => beijingDateTime(a.updatedAt) },
        ]}
      />
      {list.hasMore && <Button onClick={list.more}>加载更多</Button>}
    </>
  );
}
