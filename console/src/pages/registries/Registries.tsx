import { Button, Input, Space, Table, Tabs, Tag, Typography } from 'antd';
import { useState } from 'react';
import { must } from '../../api/client';
import { ErrorAlert } from '../../components/ErrorAlert';
import { Yuan } from '../../components/Money';
import { useConsole } from '../../lib/context';
import { usePaged } from '../../lib/paged';
import { navigate } from '../../lib/router';

type Tab = 'divisions' | 'villages' | 'units';

const levelNames: Readonly<Record<string, string>> = { province: '省', city: '市', county: '区县', township: '乡镇', village: '村' };
const unitLevelNames: Readonly<Record<string, string>> = { city: '市级', district: '区级', county: '区级' };
const unitKindNames: Readonly<Record<string, string>> = { agency: '机关', enterprise: '企业', institution: '事业单位' };

function Divisions({ parent }: { readonly parent: string }) {
  const list = usePaged(async (c, cursor) => must(await c.GET('/divisions', { params: { query: { parent, limit: 100, ...(cursor ? { cursor } : {}) } } })), [parent]);
  return (
    <>
      <ErrorAlert error={list.error} />
      <Table rowKey="code" size="small" loading={list.loading} dataSource={[...list.items]} pagination={false} columns={[{ title: '代码', dataIndex: 'code' }, { title: '名称', dataIndex: 'name' }, { title: '级别', render: (_, d) => levelNames[d.level] ?? d.level }]} />
      {list.hasMore && <Button onClick={list.more}>加载更多</Button>}
    </>
  );
}

function Villages({ division }: { readonly division: string }) {
  const list = usePaged(async (c, cursor) => must(await c.GET('/villages', { params: { query: { division, limit: 100, ...(cursor ? { cursor } : {}) } } })), [division]);
  return (
    <>
      <ErrorAlert error={list.error} />
      <Table
        rowKey="code"
        size="small"
        loading={list.loading}
        dataSource={[...list.items]}
        pagination={false}
        scroll={{ x: 800 }}
        columns={[
          { title: '代码', dataIndex: 'code' },
          { title: '名称', dataIndex: 'name' },
          { title: '人口', dataIndex: 'population' },
          { title: '薄弱村', render: (_, v) => (v.economicallyWeak ? <Tag color="orange">是</Tag> : '否') },
          { title: '类别', dataIndex: 'category' },
          { title: '运转经费', align: 'right', render: (_, v) => <Yuan fen={v.operatingFundsFen} /> },
        ]}
      />
      {list.hasMore && <Button onClick={list.more}>加载更多</Button>}
    </>
  );
}

function Units({ division }: { readonly division: string }) {
  const list = usePaged(async (c, cursor) => must(await c.GET('/units', { params: { query: { division, limit: 100, ...(cursor ? { cursor } : {}) } } })), [division]);
  return (
    <>
      <ErrorAlert error={list.error} />
      <Table
        rowKey="id"
        size="small"
        loading={list.loading}
        dataSource={[...list.items]}
        pagination={false}
        columns={[
          { title: '名称', dataIndex: 'name' },
          { title: '级别', render: (_, u) => unitLevelNames[u.level] ?? u.level },
          { title: '类型', render: (_, u) => unitKindNames[u.kind] ?? u.kind },
          { title: '联系人', render: (_, u) => (u.contact ? `${u.contact.name ?? ''} ${u.contact.phone ?? ''}` : '—') },
        ]}
      />
      {list.hasMore && <Button onClick={list.more}>加载更多</Button>}
    </>
  );
}

/** Divisions, villages and units of a division (default: the user's jurisdiction). */
export default function Registries({ tab }: { readonly tab: Tab }) {
  const { user } = useConsole();
  const [division, setDivision] = useState(user.division);
  return (
    <>
      <Typography.Title level={3}>基础信息</Typography.Title>
      <Space style={{ marginBottom: 12 }}>
        <Input.Search aria-label="区划代码" defaultValue={division} placeholder="区划代码" enterButton="查询" onSearch={(v) => setDivision(v.trim() || user.division)} style={{ width: 280 }} />
      </Space>
      <Tabs
        activeKey={tab}
        onChange={(key) => navigate(`/registries/${key}`)}
        items={[
          { key: 'divisions', label: '下级区划', children: tab === 'divisions' && <Divisions parent={division} /> },
          { key: 'villages', label: '村', children: tab === 'villages' && <Villages division={division} /> },
          { key: 'units', label: '帮扶单位', children: tab === 'units' && <Units division={division} /> },
        ]}
      />
    </>
  );
}
