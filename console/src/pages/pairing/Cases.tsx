import { Button, Card, Checkbox, DatePicker, Descriptions, Form, Input, Radio, Select, Space, Table, Tag, Typography, message } from 'antd';
import type { Dayjs } from 'dayjs';
import { useState } from 'react';
import { must, type Schemas } from '../../api/client';
import { ErrorAlert } from '../../components/ErrorAlert';
import { LinkButton } from '../../components/LinkButton';
import { useConsole, useLoad } from '../../lib/context';
import { beijingDay, beijingDateTime } from '../../lib/dates';
import { name } from '../../lib/labels';
import { caseStatusNames } from '../../lib/pairing';
import { usePaged } from '../../lib/paged';
import { navigate } from '../../lib/router';
import { useNames } from './shared';

type Case = Schemas['PairingRectificationCase'];
type Status = Case['status'];

/** Rectification cases (整顿): the list by year and status; with `id`, one case with its plan, re-checks and closing. */
export default function Cases({ id }: { readonly id?: string }) {
  return id ? <CaseDetail id={id} /> : <CaseList />;
}

function CaseList() {
  const { user } = useConsole();
  const names = useNames(user.division);
  const [year, setYear] = useState<number | undefined>();
  const [status, setStatus] = useState<Status | undefined>('open');
  const list = usePaged(async (c, cursor) => must(await c.GET('/pairing/cases', { params: { query: { limit: 100, ...(year ? { year } : {}), ...(status ? { status } : {}), ...(cursor ? { cursor } : {}) } } })), [year, status]);
  const thisYear = new Date().getFullYear();
  return (
    <>
      <Typography.Title level={3}>整顿村</Typography.Title>
      <ErrorAlert error={list.error} />
      <Space wrap style={{ marginBottom: 12 }}>
        <Select<number> aria-label="年度" allowClear placeholder="年度" style={{ width: 120 }} value={year} onChange={(v) => setYear(v)} options={[thisYear - 1, thisYear, thisYear + 1].map((y) => ({ value: y, label: `${y}` }))} />
        <Select<Status> aria-label="状态" allowClear placeholder="状态" style={{ width: 160 }} value={status} onChange={(v) => setStatus(v)} options={Object.entries(caseStatusNames).map(([value, label]) => ({ value: value as Status, label }))} />
      </Space>
      <Table<Case>
        rowKey="id"
        loading={list.loading}
        dataSource={[...list.items]}
        pagination={false}
        scroll={{ x: 900 }}
        columns={[
          { title: '村', render: (_, k) => <LinkButton onClick={() => navigate(`/pairing/cases/${k.id}`)}>{names.village(k.village)}</LinkButton> },
          { title: '年度', dataIndex: 'year' },
          { title: '类别', dataIndex: 'category' },
          { title: '名次', render: (_, k) => (k.rank ? `${k.rank} / ${k.inCategory ?? ''}` : '延续') },
          { title: '整改期限', render: (_, k) => k.deadline ?? '未定' },
          { title: '责任', render: (_, k) => (k.responsible ? (k.responsible.kind === 'unit' ? names.unit(k.responsible.unitId) : k.responsible.name) : '未定') },
          { title: '状态', render: (_, k) => <Tag color={k.status === 'open' ? 'orange' : 'green'}>{name(caseStatusNames, k.status)}</Tag> },
        ]}
      />
      {list.hasMore && <Button onClick={list.more}>加载更多</Button>}
    </>
  );
}

function CaseDetail({ id }: { readonly id: string }) {
  const { client, user } = useConsole();
  const names = useNames(user.division);
  const loaded = useLoad(async (c) => must(await c.GET('/pairing/cases/{id}', { params: { path: { id } } })), [id]);
  const [error, setError] = useState<unknown>();
  const [measures, setMeasures] = useState<string>();
  const [kindChosen, setKind] = useState<'unit' | 'work-team'>();
  const [whoTyped, setWho] = useState<string>();
  const [deadline, setDeadline] = useState<Dayjs | null>(null);
  const [recheck, setRecheck] = useState({ result: '', passed: false, date: null as Dayjs | null });
  const [closing, setClosing] = useState<{ outcome: 'promoted' | 'carried'; comment: string }>({ outcome: 'promoted', comment: '' });
  const k = loaded.data;
  if (!k) return <ErrorAlert error={loaded.error} />;
  const canUpdate = k.status === 'open' && user.roles.some((r) => r === 'admin' || r === 'township');
  const canClose = k.status === 'open' && user.roles.includes('admin');

  const run = async (what: () => Promise<unknown>, done: string) => {
    setError(undefined);
    try {
      await what();
      void message.success(done);
      loaded.reload();
    } catch (err) {
      setError(err);
    }
  };
  const measureText = measures ?? k.measures.join('\n');
  // The form starts from the plan as it stands, so a change of one part keeps the others.
  const kind = kindChosen ?? k.responsible?.kind ?? 'work-team';
  const who = whoTyped ?? (k.responsible ? (k.responsible.kind === 'unit' ? k.responsible.unitId : k.responsible.name) : '');
  const plan = () =>
    run(async () => {
      const lines = measureText.split('\n').map((l) => l.trim()).filter(Boolean);
      const responsible = kind === 'unit' ? { kind: 'unit' as const, unitId: who.trim() } : { kind: 'work-team' as const, name: who.trim() };
      must(await client.PUT('/pairing/cases/{id}/plan', { params: { path: { id } }, body: { measures: lines, responsible, deadline: deadline ? deadline.format('YYYY-MM-DD') : (k.deadline ?? ''), version: k.version } }));
    }, '整改方案已保存');
  const addRecheck = () =>
    run(async () => {
      must(await client.POST('/pairing/cases/{id}/rechecks', { params: { path: { id } }, body: { result: recheck.result.trim(), passed: recheck.passed, date: recheck.date ? recheck.date.format('YYYY-MM-DD') : beijingDay(new Date()), version: k.version } }));
    }, '复查已记录');
  const close = () =>
    run(async () => {
      must(await client.POST('/pairing/cases/{id}/close', { params: { path: { id } }, body: { outcome: closing.outcome, ...(closing.comment.trim() ? { comment: closing.comment.trim() } : {}), version: k.version } }));
    }, '已结案');

  return (
    <>
      <Typography.Title level={3}>
        整顿：{names.village(k.village)}（{k.year} 年度）
      </Typography.Title>
      <ErrorAlert error={error} />
      <Card size="small">
        <Descriptions size="small" column={{ xs: 1, md: 3 }}>
          <Descriptions.Item label="状态">
            <Tag>{name(caseStatusNames, k.status)}</Tag>
          </Descriptions.Item>
          <Descriptions.Item label="类别">{k.category}</Descriptions.Item>
          <Descriptions.Item label="名次">{k.rank ? `${k.rank} / ${k.inCategory ?? ''}` : '上年延续'}</Descriptions.Item>
          <Descriptions.Item label="整改期限">{k.deadline ?? '未定'}</Descriptions.Item>
          <Descriptions.Item label="责任单位或工作队">{k.responsible ? (k.responsible.kind === 'unit' ? names.unit(k.responsible.unitId) : k.responsible.name) : '未定'}</Descriptions.Item>
          {k.closing && <Descriptions.Item label="结案">{`${name(caseStatusNames, k.closing.outcome)} ${beijingDateTime(k.closing.at)}`}</Descriptions.Item>}
        </Descriptions>
        <Typography.Paragraph style={{ marginTop: 8 }}>整改措施：{k.measures.length ? k.measures.join('；') : '未定'}</Typography.Paragraph>
      </Card>
      {canUpdate && (
        <Card size="small" title="整改方案" style={{ marginTop: 12 }}>
          <Form layout="vertical" style={{ maxWidth: 560 }} onFinish={() => void plan()}>
            <Form.Item label="整改措施（每行一条）" htmlFor="case-measures">
              <Input.TextArea id="case-measures" rows={4} value={measureText} onChange={(e) => setMeasures(e.target.value)} />
            </Form.Item>
            <Form.Item label="责任方">
              <Radio.Group value={kind} onChange={(e) => {
                  setKind(e.target.value as 'unit' | 'work-team');
                  setWho('');
                }} options={[{ value: 'work-team', label: '工作队' }, { value: 'unit', label: '帮扶单位' }]} />
            </Form.Item>
            <Form.Item label={kind === 'unit' ? '帮扶单位' : '工作队名称'} htmlFor="case-who">
              {kind === 'unit' ? (
                <Select id="case-who" aria-label="帮扶单位" showSearch optionFilterProp="label" value={who || undefined} onChange={(v: string) => setWho(v)} options={[...names.units]} />
              ) : (
                <Input id="case-who" value={who} onChange={(e) => setWho(e.target.value)} />
              )}
            </Form.Item>
            <Form.Item label="整改期限" htmlFor="case-deadline">
              <DatePicker id="case-deadline" value={deadline} onChange={(d) => setDeadline(d)} />
            </Form.Item>
            <Button htmlType="submit" type="primary">
              保存方案
            </Button>
          </Form>
        </Card>
      )}
      <Card size="small" title="复查" style={{ marginTop: 12 }}>
        <Table
          rowKey={(r) => `${r.date}-${r.at}`}
          size="small"
          pagination={false}
          dataSource={k.rechecks}
          columns={[
            { title: '日期', dataIndex: 'date' },
            { title: '结果', dataIndex: 'result' },
            { title: '是否通过', render: (_, r) => (r.passed ? <Tag color="green">通过</Tag> : <Tag color="red">未通过</Tag>) },
          ]}
        />
        {canUpdate && (
          <Form layout="inline" style={{ marginTop: 8 }} onFinish={() => void addRecheck()}>
            <Form.Item label="复查结果" htmlFor="recheck-result">
              <Input id="recheck-result" value={recheck.result} onChange={(e) => setRecheck({ ...recheck, result: e.target.value })} />
            </Form.Item>
            <Form.Item label="复查日期" htmlFor="recheck-date">
              <DatePicker id="recheck-date" value={recheck.date} onChange={(d) => setRecheck({ ...recheck, date: d })} />
            </Form.Item>
            <Form.Item>
              <Checkbox checked={recheck.passed} onChange={(e) => setRecheck({ ...recheck, passed: e.target.checked })}>
                复查通过
              </Checkbox>
            </Form.Item>
            <Button htmlType="submit">记录复查</Button>
          </Form>
        )}
      </Card>
      {canClose && (
        <Card size="small" title="结案（县级）" style={{ marginTop: 12 }}>
          <Form layout="inline" onFinish={() => void close()}>
            <Form.Item label="结论">
              <Radio.Group value={closing.outcome} onChange={(e) => setClosing({ ...closing, outcome: e.target.value as 'promoted' | 'carried' })} options={[{ value: 'promoted', label: '晋位转化' }, { value: 'carried', label: '延续下一年整顿' }]} />
            </Form.Item>
            <Form.Item label="说明" htmlFor="close-comment">
              <Input id="close-comment" value={closing.comment} onChange={(e) => setClosing({ ...closing, comment: e.target.value })} />
            </Form.Item>
            <Button htmlType="submit" danger>
              结案
            </Button>
          </Form>
        </Card>
      )}
    </>
  );
}
