import { Button, Card, Form, Input, Modal, Popconfirm, Progress, Select, Space, Table, Tag, Typography, Upload, message } from 'antd';
import { useState } from 'react';
import { ApiError, must, type Schemas } from '../../api/client';
import { useConsole, useLoad } from '../../lib/context';
import { beijingDateTime } from '../../lib/dates';
import { name } from '../../lib/labels';
import { levelNames, periodName, periodTypeNames } from '../../lib/pairing';
import { termPeriodIds } from '../../lib/pairing-admin';
import { useCsvUpload } from '../../lib/upload';
import { ErrorAlert } from '../../components/ErrorAlert';
import { ImportErrorsTable, importErrorsOf } from '../../components/ImportErrorsTable';
import { MoneyInput } from '../../components/MoneyInput';
import { loadPeriods, type ReportPeriod } from './shared';

type Term = Schemas['PairingTerm'];
type Options = readonly { readonly value: string; readonly label: string }[];
type CadreRow = { key: number; name: string; role: 'first-secretary' | 'team-member'; from: string };

/** The admin's actions on a term's periods: open one, start its workflow (reminders, overdue marks), close it; each asks first. */
export function TermPeriods({ term }: { readonly term: Term }) {
  const { client } = useConsole();
  const periods = useLoad(async (c) => loadPeriods(c, term.id), [term.id]);
  const [chosen, setChosen] = useState<string>();
  const [error, setError] = useState<unknown>();
  const opened = new Set((periods.data ?? []).map((p) => p.periodId));
  const candidates = termPeriodIds(term).filter((p) => !opened.has(p.periodId));

  const act = async (what: 'open' | 'workflow' | 'close', periodId: string) => {
    setError(undefined);
    try {
      const params = { params: { path: { termId: term.id, periodId } } };
      if (what === 'open') must(await client.POST('/pairing/terms/{termId}/periods/{periodId}/open', params));
      else if (what === 'workflow') must(await client.POST('/pairing/terms/{termId}/periods/{periodId}/workflow', params));
      else must(await client.POST('/pairing/terms/{termId}/periods/{periodId}/close', params));
      void message.success({ open: '报告期已开启', workflow: '报告期流程已启动', close: '报告期已关闭' }[what]);
      periods.reload();
    } catch (err) {
      setError(err);
    }
  };
  const confirm = (what: 'open' | 'workflow' | 'close', periodId: string, label: string, danger = false) => (
    <Popconfirm title={`确认${label}：${periodName(periodId)}？`} okText="确认" cancelText="取消" onConfirm={() => act(what, periodId)}>
      <Button size="small" danger={danger}>
        {label}
      </Button>
    </Popconfirm>
  );

  return (
    <Card size="small" title="报告期" style={{ marginBottom: 12 }}>
      <ErrorAlert error={periods.error ?? error} />
      <Space wrap style={{ marginBottom: 8 }}>
        <Select aria-label="未开启的报告期" placeholder="未开启的报告期" showSearch style={{ width: 220 }} value={chosen} onChange={(v: string) => setChosen(v)} options={candidates.map((p) => ({ value: p.periodId, label: `${periodName(p.periodId)}（${name(periodTypeNames, p.periodType)}）` }))} />
        {chosen && confirm('open', chosen, '开启报告期')}
        {chosen && confirm('workflow', chosen, '启动报告期流程')}
      </Space>
      <Table<ReportPeriod>
        rowKey="periodId"
        size="small"
        loading={periods.loading}
        pagination={{ pageSize: 12, hideOnSinglePage: true }}
        dataSource={[...(periods.data ?? [])].sort((a, b) => b.due.localeCompare(a.due))}
        columns={[
          { title: '报告期', render: (_, p) => periodName(p.periodId) },
          { title: '类型', render: (_, p) => name(periodTypeNames, p.periodType) },
          { title: '截止日', dataIndex: 'due' },
          { title: '状态', render: (_, p) => <Tag color={p.status === 'closed' ? 'default' : 'green'}>{p.status === 'closed' ? '已关闭' : '填报中'}</Tag> },
          { title: '流程', render: (_, p) => p.executionName ?? '—' },
          { title: '开启时间', render: (_, p) => beijingDateTime(p.openedAt) },
          { title: '操作', render: (_, p) => p.status !== 'closed' && <Space>{!p.executionName && confirm('workflow', p.periodId, '启动流程')}{confirm('close', p.periodId, '关闭', true)}</Space> },
        ]}
      />
    </Card>
  );
}

/** Starts the evaluation of every pairing of the term in the division, page by page until the API says there is no more. */
export function StartEvaluations({ term, division }: { readonly term: Term; readonly division: string }) {
  const { client } = useConsole();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  const start = async () => {
    setBusy(true);
    setError(undefined);
    try {
      let started = 0;
      let existing = 0;
      let cursor: string | undefined;
      for (let i = 0; i < 100; i++) {
        const page = must(await client.POST('/pairing/terms/{id}/evaluations', { params: { path: { id: term.id }, query: { division, ...(cursor ? { cursor } : {}) } } }));
        started += page.started;
        existing += page.existing;
        cursor = page.nextCursor;
        if (!cursor) break;
      }
      void message.success(`已启动考核 ${started} 个结对，已有 ${existing} 个`);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <>
      <Popconfirm title={`确认启动「${term.name}」全部结对的考核？`} okText="确认" cancelText="取消" onConfirm={start}>
        <Button loading={busy}>启动考核</Button>
      </Popconfirm>
      <ErrorAlert error={error} />
    </>
  );
}

/** A new pairing: the unit chosen by name, the village, level, pledged yuan a year (sent in fen) and its cadres. */
export function NewPairing({ term, units, villages, onCreated }: { readonly term: Term; readonly units: Options; readonly villages: Options; readonly onCreated: () => void }) {
  const { client } = useConsole();
  const [open, setOpen] = useState(false);
  const [unitId, setUnit] = useState<string>();
  const [village, setVillage] = useState<string>();
  const [level, setLevel] = useState<'city' | 'district'>('district');
  const [pledged, setPledged] = useState<number | undefined>();
  const [cadres, setCadres] = useState<CadreRow[]>([]);
  const [error, setError] = useState<unknown>();
  const ready = unitId !== undefined && village !== undefined && pledged !== undefined;

  const create = async () => {
    if (!ready) return;
    setError(undefined);
    try {
      const rows = cadres.map(({ name: n, role, from }) => ({ name: n.trim(), role, from: from.trim() }));
      must(await client.POST('/pairing/pairings', { body: { termId: term.id, unitId, village, level, pledgedFenPerYear: pledged, ...(rows.length > 0 ? { cadres: rows } : {}) } }));
      void message.success('结对已创建');
      setOpen(false);
      onCreated();
    } catch (err) {
      setError(err);
    }
  };
  const setCadre = (key: number, change: Partial<CadreRow>) => setCadres(cadres.map((c) => (c.key === key ? { ...c, ...change } : c)));

  return (
    <>
      <Button type="primary" onClick={() => { setOpen(true); setError(undefined); }}>
        新建结对
      </Button>
      <Modal open={open} width={720} title="新建结对" okText="创建" cancelText="取消" okButtonProps={{ disabled: !ready }} onOk={() => void create()} onCancel={() => setOpen(false)}>
        <ErrorAlert error={error} />
        <Form layout="vertical">
          <Form.Item label="帮扶单位">
            <Select aria-label="帮扶单位" showSearch optionFilterProp="label" value={unitId} onChange={(v: string) => setUnit(v)} options={[...units]} />
          </Form.Item>
          <Form.Item label="结对村">
            <Select aria-label="结对村" showSearch optionFilterProp="label" value={village} onChange={(v: string) => setVillage(v)} options={[...villages]} />
          </Form.Item>
          <Form.Item label="层级">
            <Select<'city' | 'district'> aria-label="层级" value={level} onChange={setLevel} options={Object.entries(levelNames).map(([value, label]) => ({ value: value as 'city' | 'district', label }))} />
          </Form.Item>
          <Form.Item label="年承诺资金（元）" htmlFor="pairing-pledged">
            <MoneyInput id="pairing-pledged" aria-label="年承诺资金（元）" value={pledged} onChange={setPledged} />
          </Form.Item>
          <Form.Item label="驻村干部">
            {cadres.map((c, i) => (
              <Space key={c.key} wrap style={{ display: 'flex', marginBottom: 8 }}>
                <Input aria-label={`第 ${i + 1} 名干部姓名`} placeholder="姓名" value={c.name} onChange={(e) => setCadre(c.key, { name: e.target.value })} />
                <Select aria-label={`第 ${i + 1} 名干部职务`} style={{ width: 130 }} value={c.role} onChange={(role: CadreRow['role']) => setCadre(c.key, { role })} options={[{ value: 'first-secretary', label: '第一书记' }, { value: 'team-member', label: '工作队员' }]} />
                <Input aria-label={`第 ${i + 1} 名干部驻村起始日`} placeholder="驻村起 YYYY-MM-DD" value={c.from} onChange={(e) => setCadre(c.key, { from: e.target.value })} />
                <Button onClick={() => setCadres(cadres.filter((x) => x.key !== c.key))}>删除</Button>
              </Space>
            ))}
            <Button onClick={() => setCadres([...cadres, { key: Math.max(0, ...cadres.map((c) => c.key)) + 1, name: '', role: cadres.length === 0 ? 'first-secretary' : 'team-member', from: `${term.firstYear}-01-01` }])}>添加干部</Button>
          </Form.Item>
        </Form>
      </Modal>
    </>
  );
}

/**
 * Many pairings from one CSV, all or nothing, through the shared upload (with its progress) and the
 * shared table of errors by row and column when the API refuses the file.
 */
export function ImportPairings({ onImported }: { readonly onImported: () => void }) {
  const { sent, error, upload: run } = useCsvUpload('/pairing/pairings/import', (body) => {
    void message.success(`已导入 ${(body as Schemas['PairingImport']).created} 个结对`);
    onImported();
  });
  const rows = error instanceof ApiError && error.status === 422 ? importErrorsOf(error.fields) : [];
  return (
    <>
      <Upload accept=".csv,text/csv" showUploadList={false} beforeUpload={(file) => { void run(file); return false; }}>
        <Button loading={sent !== undefined}>CSV 批量导入结对</Button>
      </Upload>
      <Typography.Text type="secondary">列：帮扶周期,帮扶单位,村代码,层级,年承诺资金(元)；任何一行有错都不写入。</Typography.Text>
      {sent !== undefined && <Progress aria-label="上传进度" percent={sent} format={(p) => `上传 ${p ?? 0}%`} />}
      {error !== undefined && rows.length === 0 && <ErrorAlert error={error} />}
      {rows.length > 0 && (
        <Card size="small" title={`校验未通过：${rows.length} 处错误（按行、列），未写入任何数据`}>
          <ImportErrorsTable errors={rows} />
        </Card>
      )}
    </>
  );
}
