import { Alert, Button, Card, DatePicker, Descriptions, Form, Input, InputNumber, Modal, Space, Table, Tag, Typography } from 'antd';
import dayjs from 'dayjs';
import { useState } from 'react';
import { must, type Schemas } from '../../api/client';
import { ErrorAlert } from '../../components/ErrorAlert';
import { Yuan } from '../../components/Money';
import { MoneyInput } from '../../components/MoneyInput';
import { TimelineView } from '../../components/TimelineView';
import { useConsole, useLoad } from '../../lib/context';
import { beijingDateTime, beijingDay } from '../../lib/dates';
import { draftOf, filingBody, filingErrors, organisationStatusNames, statusColors, type DraftField, type FilingDraft, type Organisation as Org } from '../../lib/social';
import { useAct } from './acting';
import { FilingForm } from './FilingForm';

type Move = 'activate' | 'suspend' | 'reactivate' | 'dissolve';
const moveNames: Readonly<Record<Move, string>> = { activate: '开始活动', suspend: '暂停', reactivate: '恢复活动', dissolve: '注销' };
/** Which moves the township may make from a status (the API's lifecycle, docs/social.md). */
const movesFrom: Readonly<Partial<Record<Org['status'], readonly Move[]>>> = {
  filed: ['activate', 'suspend', 'dissolve'],
  active: ['suspend', 'dissolve'],
  suspended: ['reactivate', 'dissolve'],
};
const reviewNames: Readonly<Record<string, string>> = { approve: '同意备案', return: '退回修改', refuse: '不予备案', resubmit: '重新提交', withdraw: '撤回' };

/**
 * One organisation: its record and filing number, the township's reviews, its timeline (audit
 * trail and filing workflow), the village's correction and resubmission of a returned filing, the
 * township's status changes, and its annual reports.
 */
export default function Organisation({ id }: { readonly id: string }) {
  const { client, user } = useConsole();
  const org = useLoad(async (c) => must(await c.GET('/social/organisations/{id}', { params: { path: { id } } })), [id]);
  const o = org.data;
  // An application's timeline comes with its first review decision (its audit trail, the
  // organisation's and the filing execution's); an imported one has only an audit trail, which
  // admins and auditors read through /timeline.
  const timeline = useLoad(async (c) => {
    if (!o) return undefined;
    if (o.origin === 'application') return must(await c.GET('/decisions/{decisionId}/timeline', { params: { path: { decisionId: `social.township-review.${o.id}.r1` } } }));
    if (user.roles.some((r) => r === 'admin' || r === 'auditor')) return must(await c.GET('/timeline', { params: { query: { entity: 'social-organisation', id: o.id } } }));
    return undefined;
  }, [o?.id, o?.version]);
  const [editing, setEditing] = useState<FilingDraft | undefined>();
  const [shown, setShown] = useState<Partial<Record<DraftField, string>>>({});
  const [move, setMove] = useState<Move | undefined>();
  const [moveDate, setMoveDate] = useState(beijingDay(new Date()));
  const [moveReason, setMoveReason] = useState('');
  const { error, busy, act, fail } = useAct(org.reload);

  if (!o) return <ErrorAlert error={org.error} />;
  const isVillage = user.roles.includes('village');
  const mayManage = user.roles.some((r) => r === 'township' || r === 'admin');

  const saveCorrection = async () => {
    if (!editing) return;
    const errors = filingErrors(editing, beijingDay(new Date()));
    setShown(errors);
    if (Object.keys(errors).length > 0) return;
    if (await act(async () => must(await client.PUT('/social/organisations/{id}', { params: { path: { id } }, body: { ...filingBody(editing), version: o.version } })), '已保存修改')) setEditing(undefined);
  };
  const resubmit = (decision: 'resubmit' | 'withdraw') =>
    act(async () => must(await client.POST('/decisions/{decisionId}', { params: { path: { decisionId: `social.resubmission.${o.id}.r${o.round}` } }, body: { decision, ...(decision === 'withdraw' ? { comment: '村撤回备案申请' } : {}) } })), decision === 'resubmit' ? '已重新提交，等待乡镇审核' : '已撤回');
  const changeStatus = async () => {
    if (!move) return;
    const needsReason = move === 'suspend' || move === 'dissolve';
    if (needsReason && moveReason.trim() === '') {
      fail(new Error(`请填写${moveNames[move]}原因`));
      return;
    }
    const body = { date: moveDate, version: o.version, ...(moveReason.trim() ? { reason: moveReason.trim() } : {}) };
    const path = { params: { path: { id } } };
    const ok = await act(async () => {
      if (move === 'activate') return must(await client.POST('/social/organisations/{id}/activate', { ...path, body }));
      if (move === 'reactivate') return must(await client.POST('/social/organisations/{id}/reactivate', { ...path, body }));
      if (move === 'suspend') return must(await client.POST('/social/organisations/{id}/suspend', { ...path, body: { ...body, reason: moveReason.trim() } }));
      return must(await client.POST('/social/organisations/{id}/dissolve', { ...path, body: { ...body, reason: moveReason.trim() } }));
    }, `已${moveNames[move]}`);
    if (ok) {
      setMove(undefined);
      setMoveReason('');
    }
  };

  return (
    <div style={{ maxWidth: 1000 }}>
      <Typography.Title level={3}>{o.name}</Typography.Title>
      <ErrorAlert error={org.error ?? error} />
      <Card size="small">
        <Descriptions size="small" column={{ xs: 1, md: 2 }}>
          <Descriptions.Item label="状态">
            <Tag color={statusColors[o.status]}>{organisationStatusNames[o.status]}</Tag>
          </Descriptions.Item>
          <Descriptions.Item label="备案编号">{o.filingNumber ?? '尚未备案'}</Descriptions.Item>
          <Descriptions.Item label="类别">{o.category === '其他' ? `其他（${o.categoryDescription ?? ''}）` : o.category}</Descriptions.Item>
          <Descriptions.Item label="所在村">{o.village}</Descriptions.Item>
          <Descriptions.Item label="负责人">
            {o.leader.name}
            {o.leader.partyMember && <Tag style={{ marginLeft: 8 }}>党员</Tag>}
            {o.leader.returnedTalent && <Tag>乡贤</Tag>}
            {o.leader.fiveElders && <Tag>五老</Tag>}
          </Descriptions.Item>
          <Descriptions.Item label="成员数">{o.members}</Descriptions.Item>
          <Descriptions.Item label="成立日期">{o.foundedOn}</Descriptions.Item>
          <Descriptions.Item label="联系方式">{o.contact}</Descriptions.Item>
          {o.statusReason && <Descriptions.Item label="状态原因">{o.statusReason}{o.statusDate ? `（${o.statusDate}）` : ''}</Descriptions.Item>}
          {o.filedAt && <Descriptions.Item label="备案时间">{beijingDateTime(o.filedAt)}</Descriptions.Item>}
          <Descriptions.Item label="来源">{o.origin === 'import' ? '批量导入' : '村申报'}</Descriptions.Item>
        </Descriptions>
      </Card>

      {o.status === 'returned' && isVillage && (
        <Card size="small" title="退回修改" style={{ marginTop: 12 }}>
          <Alert type="warning" showIcon message={`乡镇退回理由：${[...o.reviews].reverse().find((r) => r.decision === 'return')?.comment ?? '—'}`} style={{ marginBottom: 8 }} />
          <Space wrap>
            <Button onClick={() => { setEditing(draftOf(o)); setShown({}); }}>修改备案信息</Button>
            <Button type="primary" loading={busy} onClick={() => void resubmit('resubmit')}>
              重新提交
            </Button>
            <Button danger onClick={() => void resubmit('withdraw')}>撤回申请</Button>
          </Space>
        </Card>
      )}

      {mayManage && movesFrom[o.status] && (
        <Card size="small" title="状态变更" style={{ marginTop: 12 }}>
          <Space wrap>
            {(movesFrom[o.status] ?? []).map((m) => (
              <Button key={m} danger={m === 'dissolve'} onClick={() => { setMove(m); setMoveReason(''); setMoveDate(beijingDay(new Date())); }}>
                {moveNames[m]}
              </Button>
            ))}
          </Space>
        </Card>
      )}

      {o.reviews.length > 0 && (
        <Card size="small" title="审核记录" style={{ marginTop: 12 }}>
          <Table
            rowKey={(r) => `${r.round}:${r.at}`}
            size="small"
            pagination={false}
            dataSource={o.reviews}
            columns={[
              { title: '轮次', dataIndex: 'round', width: 70 },
              { title: '结果', render: (_, r) => reviewNames[r.decision] ?? r.decision },
              { title: '理由', render: (_, r) => r.comment ?? '—' },
              { title: '审核人', dataIndex: 'by' },
              { title: '时间', render: (_, r) => beijingDateTime(r.at) },
            ]}
          />
        </Card>
      )}

      <AnnualReports organisation={o} />

      <Card size="small" title="办理过程" style={{ marginTop: 12 }}>
        <ErrorAlert error={timeline.error} />
        {timeline.data ? <TimelineView timeline={timeline.data} /> : <Typography.Text type="secondary">{timeline.loading ? '加载中…' : '批量导入的组织，办理过程请由审计或管理员查看'}</Typography.Text>}
      </Card>

      <Modal open={editing !== undefined} title="修改备案信息" okText="保存" cancelText="取消" confirmLoading={busy} onOk={() => void saveCorrection()} onCancel={() => setEditing(undefined)} width={640}>
        <ErrorAlert error={error} />
        {editing && <FilingForm draft={editing} onChange={setEditing} errors={shown} villageEditable={false} />}
      </Modal>
      <Modal open={move !== undefined} title={move ? moveNames[move] : ''} okText="确认" cancelText="取消" confirmLoading={busy} onOk={() => void changeStatus()} onCancel={() => setMove(undefined)}>
        <ErrorAlert error={error} />
        <Form layout="vertical" component="div">
          <Form.Item label="日期" htmlFor="so-move-date">
            <DatePicker id="so-move-date" value={dayjs(moveDate)} onChange={(d) => d && setMoveDate(d.format('YYYY-MM-DD'))} />
          </Form.Item>
          {(move === 'suspend' || move === 'dissolve') && (
            <Form.Item label="原因" htmlFor="so-move-reason">
              <Input.TextArea id="so-move-reason" value={moveReason} maxLength={500} onChange={(e) => setMoveReason(e.target.value)} />
            </Form.Item>
          )}
        </Form>
      </Modal>
    </div>
  );
}

type Report = Schemas['SocialAnnualReport'];

/** 年度报告: the organisation's reports by year; the village files or corrects one (amounts in yuan, sent in fen). */
function AnnualReports({ organisation }: { readonly organisation: Org }) {
  const { client, user } = useConsole();
  const reports = useLoad(async (c) => must(await c.GET('/social/organisations/{id}/reports', { params: { path: { id: organisation.id } } })).items, [organisation.id]);
  const lastYear = Number(beijingDay(new Date()).slice(0, 4)) - 1;
  const [year, setYear] = useState(lastYear);
  const [activities, setActivities] = useState<number | undefined>();
  const [people, setPeople] = useState<number | undefined>();
  const [income, setIncome] = useState<number | undefined>();
  const [spending, setSpending] = useState<number | undefined>();
  const [summary, setSummary] = useState('');
  const { error, act } = useAct(reports.reload);
  const mayFile = user.roles.includes('village') && ['filed', 'active', 'suspended'].includes(organisation.status);
  const ready = activities !== undefined && people !== undefined && income !== undefined && spending !== undefined;

  const file = async () => {
    if (!ready) return;
    await act(
      async () => must(await client.PUT('/social/organisations/{id}/reports/{year}', { params: { path: { id: organisation.id, year } }, body: { activities, peopleServed: people, incomeFen: income, spendingFen: spending, ...(summary.trim() ? { summary: summary.trim() } : {}) } })),
      `${year} 年度报告已报送`,
    );
  };

  return (
    <Card size="small" title="年度报告" style={{ marginTop: 12 }}>
      <ErrorAlert error={reports.error ?? error} />
      {!reports.loading && !(reports.data ?? []).some((r) => r.year === lastYear) && ['filed', 'active'].includes(organisation.status) && (
        <Alert type="warning" showIcon style={{ marginBottom: 8 }} message={`${lastYear} 年度报告未报送：未报送的组织不能参加等级评定`} />
      )}
      <Table<Report>
        rowKey="year"
        size="small"
        pagination={false}
        dataSource={reports.data ?? []}
        columns={[
          { title: '年度', dataIndex: 'year' },
          { title: '开展活动（次）', dataIndex: 'activities', align: 'right' },
          { title: '服务人数', dataIndex: 'peopleServed', align: 'right' },
          { title: '收入', align: 'right', render: (_, r) => <Yuan fen={r.incomeFen} /> },
          { title: '支出', align: 'right', render: (_, r) => <Yuan fen={r.spendingFen} /> },
          { title: '报送日期', dataIndex: 'filedOn' },
          { title: '按时', render: (_, r) => (r.onTime ? <Tag color="green">按时</Tag> : <Tag color="red">逾期</Tag>) },
        ]}
      />
      {mayFile && (
        <Form layout="vertical" component="div" style={{ marginTop: 12, maxWidth: 520 }}>
          <Typography.Title level={5}>报送或更正年度报告</Typography.Title>
          <Form.Item label="年度" htmlFor="ar-year">
            <InputNumber id="ar-year" min={2000} max={lastYear} value={year} onChange={(v) => v && setYear(v)} />
          </Form.Item>
          <Form.Item label="开展活动（次）" htmlFor="ar-activities">
            <InputNumber id="ar-activities" min={0} precision={0} value={activities} onChange={(v) => setActivities(v ?? undefined)} />
          </Form.Item>
          <Form.Item label="服务人数" htmlFor="ar-people">
            <InputNumber id="ar-people" min={0} precision={0} value={people} onChange={(v) => setPeople(v ?? undefined)} />
          </Form.Item>
          <Form.Item label="收入" htmlFor="ar-income">
            <MoneyInput id="ar-income" aria-label="收入（元）" value={income} onChange={setIncome} />
          </Form.Item>
          <Form.Item label="支出" htmlFor="ar-spending">
            <MoneyInput id="ar-spending" aria-label="支出（元）" value={spending} onChange={setSpending} />
          </Form.Item>
          <Form.Item label="情况说明（可选）" htmlFor="ar-summary">
            <Input.TextArea id="ar-summary" value={summary} maxLength={2000} onChange={(e) => setSummary(e.target.value)} />
          </Form.Item>
          <Button type="primary" disabled={!ready} onClick={() => void file()}>
            报送
          </Button>
        </Form>
      )}
    </Card>
  );
}
