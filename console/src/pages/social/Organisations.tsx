import { Button, Input, Modal, Select, Space, Table, Tag, Typography, message } from 'antd';
import { useState } from 'react';
import { must } from '../../api/client';
import { ErrorAlert } from '../../components/ErrorAlert';
import { useConsole } from '../../lib/context';
import { beijingDay } from '../../lib/dates';
import { useTownships } from '../../lib/divisions';
import { usePaged } from '../../lib/paged';
import { navigate } from '../../lib/router';
import { emptyDraft, filingBody, filingErrors, organisationStatusNames, socialCategories, statusColors, type Category, type DraftField, type FilingDraft, type Organisation, type OrganisationStatus } from '../../lib/social';
import { FilingForm } from './FilingForm';

/** 组织名录: the organisations of a jurisdiction with filters; a village user files a new one (新建备案). */
export default function Organisations() {
  const { client, user } = useConsole();
  const townships = useTownships(user.division);
  const [township, setTownship] = useState<string | undefined>(user.division.length >= 9 ? user.division.slice(0, 9) : undefined);
  const [village, setVillage] = useState<string>(user.division.length === 12 ? user.division : '');
  const [category, setCategory] = useState<Category | undefined>();
  const [status, setStatus] = useState<OrganisationStatus | undefined>();
  const division = /^\d{12}$/.test(village) ? village : (township ?? user.division);
  const list = usePaged(
    async (c, cursor) => must(await c.GET('/social/organisations', { params: { query: { division, limit: 100, ...(category ? { category } : {}), ...(status ? { status } : {}), ...(cursor ? { cursor } : {}) } } })),
    [division, category, status],
  );
  const isVillage = user.roles.includes('village');
  const [draft, setDraft] = useState<FilingDraft | undefined>();
  const [shown, setShown] = useState<Partial<Record<DraftField, string>>>({});
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);

  const submit = async () => {
    if (!draft) return;
    const errors = filingErrors(draft, beijingDay(new Date()));
    setShown(errors);
    if (Object.keys(errors).length > 0) return;
    setBusy(true);
    setError(undefined);
    try {
      const created = must(await client.POST('/social/organisations', { body: { village: draft.village, ...filingBody(draft) } }));
      void message.success('已提交备案，等待乡镇审核');
      setDraft(undefined);
      navigate(`/social/organisations/${created.id}`);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <>
      <Typography.Title level={3}>组织名录</Typography.Title>
      <ErrorAlert error={list.error} />
      <Space wrap style={{ marginBottom: 12 }}>
        {user.division.length < 12 && (
          <Select aria-label="乡镇" allowClear placeholder="乡镇" style={{ width: 240 }} value={township} onChange={(v: string | undefined) => setTownship(v)} options={townships.codes.map((c) => ({ value: c, label: townships.name(c) }))} />
        )}
        <Input.Search aria-label="村代码" placeholder="村代码（12 位）" defaultValue={village} onSearch={(v) => setVillage(v.trim())} style={{ width: 220 }} allowClear />
        <Select<Category> aria-label="类别" allowClear placeholder="类别" style={{ width: 160 }} value={category} onChange={(v) => setCategory(v)} options={socialCategories.map((c) => ({ value: c, label: c }))} />
        <Select<OrganisationStatus> aria-label="状态" allowClear placeholder="状态" style={{ width: 180 }} value={status} onChange={(v) => setStatus(v)} options={Object.entries(organisationStatusNames).map(([value, label]) => ({ value: value as OrganisationStatus, label }))} />
        {isVillage && (
          <Button type="primary" onClick={() => { setDraft(emptyDraft(user.division.length === 12 ? user.division : '')); setShown({}); setError(undefined); }}>
            新建备案
          </Button>
        )}
      </Space>
      <Table<Organisation>
        rowKey="id"
        loading={list.loading}
        dataSource={[...list.items]}
        pagination={false}
        scroll={{ x: 960 }}
        columns={[
          { title: '组织名称', render: (_, o) => <a href={`#/social/organisations/${o.id}`}>{o.name}</a> },
          { title: '类别', render: (_, o) => (o.category === '其他' && o.categoryDescription ? `其他（${o.categoryDescription}）` : o.category) },
          { title: '村', dataIndex: 'village' },
          { title: '负责人', render: (_, o) => o.leader.name },
          { title: '成员数', dataIndex: 'members', align: 'right' },
          { title: '备案编号', render: (_, o) => o.filingNumber ?? '—' },
          { title: '状态', render: (_, o) => <Tag color={statusColors[o.status]}>{organisationStatusNames[o.status]}</Tag> },
        ]}
      />
      {list.hasMore && <Button onClick={list.more}>加载更多</Button>}
      <Modal open={draft !== undefined} title="新建备案" okText="提交备案" cancelText="取消" confirmLoading={busy} onOk={() => void submit()} onCancel={() => setDraft(undefined)} width={640}>
        <ErrorAlert error={error} />
        {draft && <FilingForm draft={draft} onChange={setDraft} errors={shown} villageEditable={user.division.length !== 12} />}
      </Modal>
    </>
  );
}
