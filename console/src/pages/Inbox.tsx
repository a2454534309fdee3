import { Alert, Button, Descriptions, Drawer, Input, Modal, Select, Space, Table, Tag, Timeline, Typography, message } from 'antd';
import { useReducer, useState } from 'react';
import { must, type ApiClient } from '../api/client';
import { ErrorAlert, errorText } from '../components/ErrorAlert';
import { LinkButton } from '../components/LinkButton';
import { InboxAction } from '../components/InboxAction';
import { Yuan } from '../components/Money';
import { bulkReducer, chunks, emptySelection, failedRows, selectedIds, selectionSummary, type BulkItemResult, type BulkRow, type MatchingSnapshot } from '../lib/bulk';
import { useConsole, useLoad } from '../lib/context';
import { useTownshipNames } from '../lib/divisions';
import { beijingDateTime, deadlineState } from '../lib/dates';
import { amountOf, bulkRowOf, isRole, kindName, loadInbox, programOf, titleOf, type InboxItem, type Role } from '../lib/inbox';
import { answerNames, answersOfKind, answersWithReason, decisionKindNames, name, programNames, roleNames, waitingForNames } from '../lib/labels';
import { formatYuan } from '../lib/money';
import { navigate } from '../lib/router';

interface Filter {
  program?: string;
  kind?: string;
  township?: string;
  deadline?: 'past' | 'near' | 'past-or-near';
}

/**
 * "All N matching this filter" needs a snapshot taken on the server (its id, count and total), so
 * that what is answered is exactly what was counted. The API has no such endpoint yet; when it does,
 * this function asks for one and the inbox offers the option (the reducer and the confirmation
 * already handle a snapshot). Until then only picked rows can be answered in bulk.
 */
const takeMatchingSnapshot: ((client: ApiClient, filter: Filter) => Promise<MatchingSnapshot>) | undefined = undefined;

function matches(item: InboxItem, f: Filter, now: Date): boolean {
  if (f.program && programOf(item) !== f.program) return false;
  if (f.kind && item.kind !== f.kind) return false;
  if (f.township && !item.division.startsWith(f.township)) return false;
  if (f.deadline) {
    const d = deadlineState(item.deadline, now);
    if (f.deadline === 'past-or-near' ? d !== 'past' && d !== 'near' : d !== f.deadline) return false;
  }
  return true;
}

/** A decision may be answered in bulk when it is actionable and takes approve/reject (not the village sign-off). */
const bulkAnswerable = (item: InboxItem) => item.actionable && (answersOfKind[item.kind] ?? []).includes('approve');

function DeadlineTag({ deadline }: { readonly deadline: string | undefined }) {
  const state = deadlineState(deadline);
  if (state === 'none') return <span>—</span>;
  return (
    <Space size={4}>
      <span>{beijingDateTime(deadline)}</span>
      {state === 'past' && <Tag color="red">已逾期</Tag>}
      {state === 'near' && <Tag color="orange">临近</Tag>}
    </Space>
  );
}

export default function Inbox() {
  const { user, client } = useConsole();
  const roles = user.roles.filter(isRole);
  const [role, setRole] = useState<Role | undefined>(roles[0]);
  const [filter, setFilter] = useState<Filter>({});
  const inbox = useLoad((c) => loadInbox(c, role), [role]);
  const [selection, dispatch] = useReducer(bulkReducer, emptySelection);
  const [confirming, setConfirming] = useState<'approve' | 'reject' | undefined>();
  const [reason, setReason] = useState('');
  const [sending, setSending] = useState(false);
  const [results, setResults] = useState<{ sent: BulkRow[]; items: BulkItemResult[] } | undefined>();
  const [opened, setOpened] = useState<InboxItem | undefined>();
  const [error, setError] = useState<unknown>();
  const townshipName = useTownshipNames(user.division);

  const all = inbox.data?.items ?? [];
  const now = new Date();
  const shown = all.filter((i) => matches(i, filter, now));
  const summary = selectionSummary(selection);
  const townships = [...new Set(all.map((i) => i.division.slice(0, 9)).filter((d) => d.length === 9))].sort();
  const kinds = [...new Set(all.map((i) => i.kind))].sort();
  const programs = [...new Set(all.map(programOf))].sort();

  const sendBulk = async (decision: 'approve' | 'reject') => {
    if (selection.kind !== 'rows') return; // an all-matching snapshot is answered by its own endpoint (not yet in the API)
    const sent = [...selection.rows.values()];
    setSending(true);
    setError(undefined);
    try {
      const out: BulkItemResult[] = [];
      for (const part of chunks(sent)) {
        const res = must(
          await client.POST('/decisions/bulk', {
            body: { items: part.map((row) => ({ decisionId: row.id, decision, ...(reason.trim() ? { comment: reason.trim() } : {}) })) },
          }),
        );
        for (const r of res.items) {
          if (r.status >= 300) out.push({ id: r.decisionId, ok: false, reason: [r.problem?.title, r.problem?.detail].filter(Boolean).join('：') || `HTTP ${r.status}` });
          // The first of two approvals is recorded; the decision now waits for another finance user.
          else out.push({ id: r.decisionId, ok: true, ...(r.outcome?.status === 'partial' ? { reason: '已同意，等待第二位审批人' } : {}) });
        }
      }
      setResults({ sent, items: out });
      dispatch({ type: 'clear' });
      setConfirming(undefined);
      setReason('');
      inbox.reload();
    } catch (err) {
      setError(err);
    } finally {
      setSending(false);
    }
  };

  return (
    <>
      <Typography.Title level={3}>待办事项</Typography.Title>
      <ErrorAlert error={inbox.error ?? error} />
      <Space wrap style={{ marginBottom: 12 }}>
        {roles.length > 1 && (
          <Select aria-label="角色" style={{ width: 140 }} value={role} onChange={(r: Role) => setRole(r)} options={roles.map((r) => ({ value: r, label: name(roleNames, r) }))} />
        )}
        <Select aria-label="业务" allowClear placeholder="业务" style={{ width: 140 }} value={filter.program} onChange={(program?: string) => setFilter({ ...filter, program })} options={programs.map((p) => ({ value: p, label: name(programNames, p) }))} />
        <Select aria-label="事项类型" allowClear placeholder="事项类型" style={{ width: 200 }} value={filter.kind} onChange={(kind?: string) => setFilter({ ...filter, kind })} options={kinds.map((k) => ({ value: k, label: name(decisionKindNames, k) }))} />
        <Select aria-label="乡镇" allowClear placeholder="乡镇" style={{ width: 150 }} value={filter.township} onChange={(township?: string) => setFilter({ ...filter, township })} options={townships.map((t) => ({ value: t, label: townshipName(t) }))} />
        <Select
          aria-label="期限"
          allowClear
          placeholder="期限"
          style={{ width: 150 }}
          value={filter.deadline}
          onChange={(deadline?: Filter['deadline']) => setFilter({ ...filter, deadline })}
          options={[
            { value: 'past', label: '已逾期' },
            { value: 'near', label: '三天内到期' },
            { value: 'past-or-near', label: '逾期或临近' },
          ]}
        />
        <Button onClick={inbox.reload}>刷新</Button>
      </Space>

      <Alert
        style={{ marginBottom: 12 }}
        type={summary.count ? 'info' : 'success'}
        message={
          <Space wrap>
            <span>
              共 {shown.length} 项（可处理 {shown.filter((i) => i.actionable).length} 项）{inbox.data?.more ? '，仅显示前 2000 项' : ''}
            </span>
            {summary.count > 0 && (
              <span>
                已选择 <b>{summary.count}</b> 项，合计 <b>{formatYuan(summary.totalFen)} 元</b>
                {summary.withoutAmount > 0 ? `（其中 ${summary.withoutAmount} 项无金额）` : ''}
              </span>
            )}
            <Button size="small" disabled={shown.filter(bulkAnswerable).length === 0} onClick={() => dispatch({ type: 'set-rows', rows: shown.filter(bulkAnswerable).map(bulkRowOf) })}>
              选择本页全部可批量处理的 {shown.filter(bulkAnswerable).length} 项
            </Button>
            {takeMatchingSnapshot && (
              <Button
                size="small"
                onClick={() => {
                  const take = takeMatchingSnapshot;
                  if (take) void take(client, filter).then((snapshot) => dispatch({ type: 'select-all-matching', snapshot }), setError);
                }}
              >
                选择符合筛选条件的全部事项
              </Button>
            )}
            <Button size="small" type="primary" disabled={summary.count === 0} onClick={() => setConfirming('approve')}>
              批量同意
            </Button>
            <Button size="small" danger disabled={summary.count === 0} onClick={() => setConfirming('reject')}>
              批量驳回
            </Button>
            {summary.count > 0 && (
              <Button size="small" type="link" onClick={() => dispatch({ type: 'clear' })}>
                清除选择
              </Button>
            )}
          </Space>
        }
      />

      <Table<InboxItem>
        rowKey="id"
        size="middle"
        loading={inbox.loading}
        dataSource={shown}
        pagination={{ defaultPageSize: 50, showSizeChanger: true, pageSizeOptions: [20, 50, 100, 200] }}
        scroll={{ x: 1000 }}
        rowSelection={{
          selectedRowKeys: selectedIds(selection),
          getCheckboxProps: (item) => ({ disabled: !bulkAnswerable(item), 'aria-label': `选择 ${titleOf(item)}` }),
          onSelect: (item) => dispatch({ type: 'toggle', row: bulkRowOf(item) }),
          onSelectAll: (selected, _rows, changed) => {
            const current = selection.kind === 'rows' ? [...selection.rows.values()] : [];
            const changedIds = new Set(changed.map((c) => c.id));
            const keep = current.filter((r) => !changedIds.has(r.id));
            dispatch({ type: 'set-rows', rows: selected ? [...keep, ...changed.filter(bulkAnswerable).map(bulkRowOf)] : keep });
          },
        }}
        columns={[
          { title: '事项', render: (_, i) => <LinkButton onClick={() => setOpened(i)}>{kindName(i.kind)}</LinkButton> },
          { title: '对象', render: (_, i) => titleOf(i) },
          { title: '区划', dataIndex: 'division' },
          { title: '金额', align: 'right', render: (_, i) => <Yuan fen={amountOf(i)} /> },
          { title: '期限', render: (_, i) => <DeadlineTag deadline={i.deadline} /> },
          {
            title: '操作',
            render: (_, i) => <InboxAction item={i} onOpen={() => setOpened(i)} onSign={() => navigate(`/reward/applications/${i.subjectId}`)} />,
          },
        ]}
      />

      <Modal
        open={confirming !== undefined}
        title={confirming === 'approve' ? '确认批量同意' : '确认批量驳回'}
        okText={confirming === 'approve' ? `同意 ${summary.count} 项` : `驳回 ${summary.count} 项`}
        okButtonProps={{ danger: confirming === 'reject', disabled: confirming === 'reject' && reason.trim().length < 2, loading: sending }}
        cancelText="取消"
        onCancel={() => setConfirming(undefined)}
        onOk={() => confirming && void sendBulk(confirming)}
      >
        <p>
          共 <b>{summary.count}</b> 项，合计 <b>{formatYuan(summary.totalFen)} 元</b>
          {selection.kind === 'all-matching' ? `（${selection.snapshot.filterLabel}）` : ''}。
        </p>
        {selection.kind === 'rows' && (
          <ul style={{ maxHeight: 200, overflow: 'auto' }}>
            {[...selection.rows.values()].slice(0, 100).map((r) => (
              <li key={r.id}>
                {r.label} {r.amountFen !== undefined && `· ${formatYuan(r.amountFen)} 元`}
              </li>
            ))}
            {selection.rows.size > 100 && <li>……另有 {selection.rows.size - 100} 项</li>}
          </ul>
        )}
        <Input.TextArea aria-label="意见" placeholder={confirming === 'reject' ? '驳回理由（必填）' : '审批意见（选填）'} value={reason} onChange={(e) => setReason(e.target.value)} maxLength={2000} />
      </Modal>

      <Modal
        open={results !== undefined}
        title="批量处理结果"
        width={760}
        onCancel={() => setResults(undefined)}
        footer={[
          results && results.items.some((r) => !r.ok) && (
            <Button
              key="retry"
              type="primary"
              onClick={() => {
                if (results) dispatch({ type: 'retry', failed: failedRows(results.sent, results.items) });
                setResults(undefined);
              }}
            >
              重新选择失败的 {results.items.filter((r) => !r.ok).length} 项以重试
            </Button>
          ),
          <Button key="close" onClick={() => setResults(undefined)}>
            关闭
          </Button>,
        ]}
      >
        {results && (
          <>
            <p>
              成功 {results.items.filter((r) => r.ok).length} 项，失败 {results.items.filter((r) => !r.ok).length} 项。
            </p>
            <Table<BulkItemResult>
              rowKey="id"
              size="small"
              pagination={{ pageSize: 20 }}
              dataSource={[...results.items].sort((a, b) => Number(a.ok) - Number(b.ok))}
              columns={[
                { title: '事项', render: (_, r) => results.sent.find((s) => s.id === r.id)?.label ?? r.id },
                { title: '结果', render: (_, r) => (r.ok ? <Tag color="green">成功</Tag> : <Tag color="red">失败</Tag>) },
                { title: '原因', render: (_, r) => r.reason ?? '' },
              ]}
            />
          </>
        )}
      </Modal>

      <DecisionDrawer item={opened} onClose={() => setOpened(undefined)} onAnswered={() => { setOpened(undefined); inbox.reload(); }} />
    </>
  );
}

/** One decision: its subject, its audit trail, and its answers (a reason for reject, return, close). */
function DecisionDrawer({ item, onClose, onAnswered }: { readonly item: InboxItem | undefined; readonly onClose: () => void; readonly onAnswered: () => void }) {
  const { client, user } = useConsole();
  const [comment, setComment] = useState('');
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState<string | undefined>();
  const canReadAudit = user.roles.some((r) => r === 'admin' || r === 'auditor');
  // A reward application carries its own timeline (audit trail and workflow history merged); for
  // other subjects admins and auditors see the audit trail of the subject.
  const timeline = useLoad(async (c) => {
    if (!item) return [];
    if (item.subjectType === 'reward-application') {
      const app = must(await c.GET('/reward/applications/{id}', { params: { path: { id: item.subjectId } } }));
      return app.timeline.map((t) => ({ at: t.at, what: t.what, who: t.actor ?? '', workflow: t.source === 'workflow' }));
    }
    if (!canReadAudit) return [];
    const page = must(await c.GET('/audit', { params: { query: { entity: `${item.subjectType}:${item.subjectId}`, limit: 50 } } }));
    return [...page.items].reverse().map((r) => ({ at: r.at, what: r.action, who: `${r.actor}（${r.roles.map((x) => name(roleNames, x)).join('、') || '系统'}）`, workflow: false }));
  }, [item?.id]);
  if (!item) return null;
  const answers = item.actionable ? (answersOfKind[item.kind] ?? []) : [];

  const answer = async (decision: string) => {
    if (answersWithReason.has(decision) && comment.trim().length < 2) {
      setError(new Error(`请填写${name(answerNames, decision)}理由`));
      return;
    }
    setBusy(decision);
    setError(undefined);
    try {
      must(await client.POST('/decisions/{decisionId}', { params: { path: { decisionId: item.id } }, body: { decision, ...(comment.trim() ? { comment: comment.trim() } : {}) } }));
      void message.success(`已${name(answerNames, decision)}`);
      setComment('');
      onAnswered();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(undefined);
    }
  };

  const subjectScreen = item.subjectType === 'reward-application' ? `/reward/applications/${item.subjectId}` : item.subjectType === 'funding-run' ? `/funding/runs/${item.subjectId}` : undefined;
  return (
    <Drawer open width={640} title={`${kindName(item.kind)}：${titleOf(item)}`} onClose={onClose}>
      <ErrorAlert error={error} />
      <Descriptions column={1} size="small" bordered>
        <Descriptions.Item label="区划">{item.division}</Descriptions.Item>
        <Descriptions.Item label="金额">
          <Yuan fen={amountOf(item)} />
        </Descriptions.Item>
        <Descriptions.Item label="发起时间">{beijingDateTime(item.createdAt)}</Descriptions.Item>
        <Descriptions.Item label="期限">
          <DeadlineTag deadline={item.deadline} />
        </Descriptions.Item>
        <Descriptions.Item label="办理对象">{subjectScreen ? <a href={`#${subjectScreen}`}>查看详情</a> : item.subject}</Descriptions.Item>
        {item.partials.length > 0 && <Descriptions.Item label="已有审批">{item.partials.length} 人已同意</Descriptions.Item>}
      </Descriptions>

      {!item.actionable && <Alert style={{ marginTop: 12 }} type="warning" message={name(waitingForNames, item.waitingFor) || '等待他人处理'} />}
      {answers.length > 0 && (
        <div style={{ marginTop: 16 }}>
          <Input.TextArea aria-label="意见或理由" placeholder="意见（驳回、退回须填写理由）" value={comment} onChange={(e) => setComment(e.target.value)} maxLength={2000} />
          <Space style={{ marginTop: 8 }}>
            {answers.map((a) => (
              <Button key={a} type={a === 'approve' ? 'primary' : 'default'} danger={a === 'reject'} loading={busy === a} onClick={() => void answer(a)}>
                {name(answerNames, a)}
              </Button>
            ))}
          </Space>
        </div>
      )}

      {(timeline.data?.length ?? 0) > 0 || timeline.error ? (
        <>
          <Typography.Title level={5} style={{ marginTop: 24 }}>
            办理过程
          </Typography.Title>
          {timeline.error ? (
            <Typography.Text type="danger">{errorText(timeline.error)}</Typography.Text>
          ) : (
            <Timeline
              items={(timeline.data ?? []).map((t) => ({
                color: t.workflow ? 'gray' : 'blue',
                children: (
                  <>
                    <b>{t.what}</b>
                    {t.who ? ` · ${t.who}` : ''}
                    <br />
                    <Typography.Text type="secondary">{beijingDateTime(t.at)}</Typography.Text>
                  </>
                ),
              }))}
            />
          )}
        </>
      ) : null}
    </Drawer>
  );
}
