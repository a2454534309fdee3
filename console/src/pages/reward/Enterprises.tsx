import { Button, Descriptions, Drawer, Form, Input, InputNumber, Modal, Select, Space, Table, Typography, message } from 'antd';
import { useState } from 'react';
import { must, type Schemas } from '../../api/client';
import { ErrorAlert } from '../../components/ErrorAlert';
import { LinkButton } from '../../components/LinkButton';
import { Yuan } from '../../components/Money';
import { MoneyInput } from '../../components/MoneyInput';
import { useConsole, useLoad } from '../../lib/context';
import { beijingDateTime } from '../../lib/dates';
import { usePaged } from '../../lib/paged';

type Enterprise = Schemas['RewardEnterprise'];
const kindNames: Readonly<Record<string, string>> = { cooperative: '农民专业合作社', company: '村集体公司' };

/** Enterprises (经营主体) of a jurisdiction and their yearly accounts, entered by the township. */
export default function Enterprises() {
  const { client, user } = useConsole();
  const [division, setDivision] = useState(user.division);
  const list = usePaged(async (c, cursor) => must(await c.GET('/reward/enterprises', { params: { query: { division, limit: 100, ...(cursor ? { cursor } : {}) } } })), [division]);
  const [creating, setCreating] = useState(false);
  const [draft, setDraft] = useState<{ name: string; kind: 'cooperative' | 'company'; village: string }>({ name: '', kind: 'cooperative', village: '' });
  const [error, setError] = useState<unknown>();
  const [open, setOpen] = useState<Enterprise | undefined>();

  const create = async () => {
    try {
      must(await client.POST('/reward/enterprises', { body: draft }));
      void message.success('已登记');
      setCreating(false);
      list.reload();
    } catch (err) {
      setError(err);
    }
  };

  return (
    <>
      <Typography.Title level={3}>经营主体与财务数据</Typography.Title>
      <ErrorAlert error={list.error} />
      <Space wrap style={{ marginBottom: 12 }}>
        <Input.Search aria-label="区划代码" defaultValue={division} placeholder="区划代码（9 或 12 位）" onSearch={(v) => setDivision(v.trim() || user.division)} style={{ width: 260 }} enterButton="查询" />
        <Button type="primary" onClick={() => { setCreating(true); setError(undefined); }}>
          登记经营主体
        </Button>
      </Space>
      <Table<Enterprise>
        rowKey="id"
        loading={list.loading}
        dataSource={[...list.items]}
        pagination={false}
        scroll={{ x: 720 }}
        columns={[
          { title: '名称', render: (_, e) => <LinkButton onClick={() => setOpen(e)}>{e.name}</LinkButton> },
          { title: '类型', render: (_, e) => kindNames[e.kind] ?? e.kind },
          { title: '所在村', dataIndex: 'village' },
          { title: '登记时间', render: (_, e) => beijingDateTime(e.createdAt) },
        ]}
      />
      {list.hasMore && <Button onClick={list.more}>加载更多</Button>}
      <Modal open={creating} title="登记经营主体" okText="登记" cancelText="取消" onOk={() => void create()} onCancel={() => setCreating(false)}>
        <ErrorAlert error={error} />
        <Form layout="vertical">
          <Form.Item label="名称" htmlFor="ent-name">
            <Input id="ent-name" value={draft.name} onChange={(e) => setDraft({ ...draft, name: e.target.value })} />
          </Form.Item>
          <Form.Item label="类型">
            <Select aria-label="类型" value={draft.kind} onChange={(kind: 'cooperative' | 'company') => setDraft({ ...draft, kind })} options={Object.entries(kindNames).map(([value, label]) => ({ value, label }))} />
          </Form.Item>
          <Form.Item label="所在村（12 位区划代码）" htmlFor="ent-village">
            <Input id="ent-village" value={draft.village} onChange={(e) => setDraft({ ...draft, village: e.target.value.trim() })} />
          </Form.Item>
        </Form>
      </Modal>
      <AccountsDrawer enterprise={open} onClose={() => setOpen(undefined)} />
    </>
  );
}

function AccountsDrawer({ enterprise, onClose }: { readonly enterprise: Enterprise | undefined; readonly onClose: () => void }) {
  const { client } = useConsole();
  const [year, setYear] = useState(new Date().getFullYear() - 1);
  const account = useLoad(async (c) => {
    if (!enterprise) return undefined;
    const res = await c.GET('/reward/enterprises/{id}/accounts/{year}', { params: { path: { id: enterprise.id, year } } });
    return res.response.status === 404 ? null : must(res);
  }, [enterprise?.id, year]);
  const [income, setIncome] = useState<number | undefined>();
  const [profit, setProfit] = useState<number | undefined>();
  const [error, setError] = useState<unknown>();
  if (!enterprise) return null;

  const save = async () => {
    if (income === undefined || profit === undefined) return;
    try {
      must(
        await client.PUT('/reward/enterprises/{id}/accounts/{year}', {
          params: { path: { id: enterprise.id, year } },
          body: { operatingIncomeFen: income, netProfitFen: profit, ...(account.data ? { version: account.data.version } : {}) },
        }),
      );
      void message.success('财务数据已保存');
      account.reload();
    } catch (err) {
      setError(err);
    }
  };

  return (
    <Drawer open width={560} title={enterprise.name} onClose={onClose}>
      <Space style={{ marginBottom: 12 }}>
        <span>年度</span>
        <InputNumber aria-label="年度" min={2000} max={2100} value={year} onChange={(v) => v && setYear(v)} />
      </Space>
      <ErrorAlert error={account.error ?? error} />
      <Descriptions bordered size="small" column={1}>
        <Descriptions.Item label="营业收入">{account.data ? <Yuan fen={account.data.operatingIncomeFen} /> : '未录入'}</Descriptions.Item>
        <Descriptions.Item label="净利润">{account.data ? <Yuan fen={account.data.netProfitFen} /> : '未录入'}</Descriptions.Item>
        {account.data && <Descriptions.Item label="更新时间">{beijingDateTime(account.data.updatedAt)}</Descriptions.Item>}
      </Descriptions>
      <Typography.Title level={5} style={{ marginTop: 16 }}>
        录入或更正 {year} 年财务数据
      </Typography.Title>
      <Form layout="vertical">
        <Form.Item label="营业收入" htmlFor="acc-income">
          <MoneyInput id="acc-income" value={income} onChange={setIncome} />
        </Form.Item>
        <Form.Item label="净利润（亏损请联系财政录入）" htmlFor="acc-profit">
          <MoneyInput id="acc-profit" value={profit} onChange={setProfit} />
        </Form.Item>
        <Button type="primary" disabled={income === undefined || profit === undefined} onClick={() => void save()}>
          保存
        </Button>
      </Form>
    </Drawer>
  );
}
